-- Norm conditions (适用条件), one row per clause; every clause must hold for a unit to be judged.
CREATE OR REPLACE TABLE marts.norm_conditions AS
SELECT norm_id, clause::INTEGER AS clause, kind, measure::VARCHAR AS measure, comparator::VARCHAR AS comparator,
       value::DOUBLE AS value, value_high::DOUBLE AS value_high, codes::VARCHAR[] AS codes
FROM config.norm_conditions
ORDER BY norm_id, clause;

COMMENT ON TABLE marts.norm_conditions IS '适用条件 Conditions limiting the units a norm applies to, one row per clause (all must hold)';
COMMENT ON COLUMN marts.norm_conditions.norm_id IS '标准编号 Norm id (marts.norms)';
COMMENT ON COLUMN marts.norm_conditions.clause IS '条款序号 Clause number';
COMMENT ON COLUMN marts.norm_conditions.kind IS '类型 measure (a figure of the unit compared with a value), region_in (only units in these regions) or facility_type_not_in (facilities of every type but these)';
COMMENT ON COLUMN marts.norm_conditions.measure IS '度量 Measure compared (kind measure; marts.measures)';
COMMENT ON COLUMN marts.norm_conditions.comparator IS '比较 >, >=, <, <=, between';
COMMENT ON COLUMN marts.norm_conditions.value IS '值 Value compared with (the lower bound for between)';
COMMENT ON COLUMN marts.norm_conditions.value_high IS '上限 Upper bound for between';
COMMENT ON COLUMN marts.norm_conditions.codes IS '代码 Region codes (region_in) or facility types (facility_type_not_in)';
