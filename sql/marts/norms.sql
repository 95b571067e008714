-- Plan norms (规划标准), from expectations/norms/*.yaml via the temp tables catalog_norms and catalog_plans.
CREATE OR REPLACE TABLE marts.plans AS
SELECT plan_id, name_zh, name_en, jurisdiction_code, issued::DATE AS issued,
       period_start::INTEGER AS period_start, period_end::INTEGER AS period_end, source_document
FROM catalog_plans
ORDER BY plan_id;

CREATE OR REPLACE TABLE marts.norms AS
SELECT norm_id, plan_id, source_document, indicator_code, comparator,
       threshold::DOUBLE AS threshold, threshold_high::DOUBLE AS threshold_high, range_high::DOUBLE AS range_high, tolerance::DOUBLE AS tolerance,
       unit, target_year::INTEGER AS target_year, scope_level, facility_type, condition, domain,
       trackable, untrackable_reason, quote, note, baseline_value::DOUBLE AS baseline_value,
       baseline_year::INTEGER AS baseline_year
FROM catalog_norms
ORDER BY plan_id, norm_id, target_year;

COMMENT ON TABLE marts.plans IS '规划 The plans whose norms are tracked, with their jurisdiction and source document';
COMMENT ON COLUMN marts.plans.plan_id IS '规划编号 Plan id';
COMMENT ON COLUMN marts.plans.name_zh IS '规划名称 Plan title in Chinese';
COMMENT ON COLUMN marts.plans.name_en IS 'Plan title in English';
COMMENT ON COLUMN marts.plans.jurisdiction_code IS '辖区代码 Region code of the jurisdiction the plan governs';
COMMENT ON COLUMN marts.plans.issued IS '印发日期 Date the plan was issued';
COMMENT ON COLUMN marts.plans.period_start IS '规划起始年 First year of the plan period';
COMMENT ON COLUMN marts.plans.period_end IS '规划终止年 Last year of the plan period';
COMMENT ON COLUMN marts.plans.source_document IS '来源文件 File name of the plan text';
COMMENT ON TABLE marts.norms IS '规划标准 Every quantitative norm of the plans, one row per norm and milestone, with the exact quote';
COMMENT ON COLUMN marts.norms.norm_id IS '标准编号 Stable norm id';
COMMENT ON COLUMN marts.norms.plan_id IS '规划编号 Plan id (marts.plans)';
COMMENT ON COLUMN marts.norms.source_document IS '来源文件 File name of the plan text';
COMMENT ON COLUMN marts.norms.indicator_code IS '指标代码 Indicator the norm is judged on (marts.indicators)';
COMMENT ON COLUMN marts.norms.comparator IS '比较 >=, >, <=, <, between, approximately, or a direction target without a number: increase (持续提升, 逐步提高) / decrease (稳步下降), judged by the trend';
COMMENT ON COLUMN marts.norms.threshold IS '标准值 Threshold (the lower bound for between; empty for increase / decrease)';
COMMENT ON COLUMN marts.norms.threshold_high IS '上限 Upper bound for between';
COMMENT ON COLUMN marts.norms.range_high IS '区间上限 Upper end of a range the plan prints but is judged at its lower end (每万人配置1—2台AED: threshold 1, range_high 2); going above it is not a breach';
COMMENT ON COLUMN marts.norms.tolerance IS '容差 Tolerance for approximately';
COMMENT ON COLUMN marts.norms.unit IS '单位 Unit of the threshold (the indicator''s unit)';
COMMENT ON COLUMN marts.norms.target_year IS '目标年份 Year by which the threshold applies (one row per milestone)';
COMMENT ON COLUMN marts.norms.scope_level IS '评价层级 Level the norm is judged at: prefecture, county, township, village or facility';
COMMENT ON COLUMN marts.norms.facility_type IS '机构类别 Facility type the norm applies to, if any';
COMMENT ON COLUMN marts.norms.condition IS '适用条件 Condition limiting the units the norm applies to (JSON), if any';
COMMENT ON COLUMN marts.norms.domain IS '领域 Domain of the norm';
COMMENT ON COLUMN marts.norms.trackable IS '可追踪 Whether data can track the norm';
COMMENT ON COLUMN marts.norms.untrackable_reason IS '不可追踪原因 Why data cannot track it';
COMMENT ON COLUMN marts.norms.quote IS '原文 Exact quote from the plan text';
COMMENT ON COLUMN marts.norms.note IS '说明 Interpretation note, where the value is not read literally';
COMMENT ON COLUMN marts.norms.baseline_value IS '基线值 Baseline value given by the plan';
COMMENT ON COLUMN marts.norms.baseline_year IS '基线年份 Year of the baseline';

-- Norm conditions (适用条件), one row per clause; every clause must hold for a unit to be judged.
CREATE OR REPLACE TABLE marts.norm_conditions AS
SELECT norm_id, clause::INTEGER AS clause, kind, measure::VARCHAR AS measure, comparator::VARCHAR AS comparator,
       value::DOUBLE AS value, value_high::DOUBLE AS value_high, codes::VARCHAR[] AS codes
FROM catalog_norm_conditions
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
