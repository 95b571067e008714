-- Shortfall totals (缺口汇总): the shortfalls of marts.target_tracking summed up the region tree, per norm and
-- year, for every region above the units judged that lies in the plan's jurisdiction (a county-level norm: its
-- prefecture; a facility norm: the facility's township, county and prefecture). Only one-sided norms
-- (>=, >, <=, <) are summed, so every term points the same way: the total is how many more (or fewer) the
-- units that miss the norm need between them; a unit above the norm does not make up for one below it.
CREATE OR REPLACE TABLE marts.shortfall_totals AS
SELECT
    t.plan_id, t.norm_id, t.indicator_code, t.year, a.ancestor_code AS region_code, g.region_name,
    a.ancestor_level AS level, i.numerator AS numerator_measure,
    count(*) AS units_short,
    sum(t.shortfall) AS shortfall
FROM marts.target_tracking AS t
JOIN marts.plans AS p USING (plan_id)
JOIN marts.indicators AS i USING (indicator_code)
JOIN staging.region_ancestors AS a
  ON a.region_code = t.region_code AND (a.depth > 0 OR t.facility_id IS NOT NULL)
JOIN staging.region_ancestors AS inside
  ON inside.region_code = a.ancestor_code AND inside.ancestor_code = p.jurisdiction_code
LEFT JOIN staging.regions AS g ON g.region_code = a.ancestor_code
WHERE t.shortfall IS NOT NULL AND is_one_sided(t.comparator)
GROUP BY ALL
ORDER BY t.plan_id, t.norm_id, t.year, a.ancestor_level, a.ancestor_code;

COMMENT ON TABLE marts.shortfall_totals IS '缺口汇总 Shortfalls summed up the region tree: per norm, year and region above the units judged, how many more (or fewer) of the numerator the units that miss a one-sided norm need between them';
COMMENT ON COLUMN marts.shortfall_totals.plan_id IS '规划编号 Plan id';
COMMENT ON COLUMN marts.shortfall_totals.norm_id IS '标准编号 Norm id (marts.norms)';
COMMENT ON COLUMN marts.shortfall_totals.indicator_code IS '指标代码 Indicator';
COMMENT ON COLUMN marts.shortfall_totals.year IS '年份 Year of the data';
COMMENT ON COLUMN marts.shortfall_totals.region_code IS '区划代码 Region the units sit in (an ancestor of the units judged, within the plan''s jurisdiction)';
COMMENT ON COLUMN marts.shortfall_totals.region_name IS '区划名称 Region name';
COMMENT ON COLUMN marts.shortfall_totals.level IS '区划级别 Level of that region: township, county or prefecture';
COMMENT ON COLUMN marts.shortfall_totals.numerator_measure IS '分子 What the shortfall counts (the indicator''s numerator, marts.measures)';
COMMENT ON COLUMN marts.shortfall_totals.units_short IS '未达标单位数 Units below the norm in that region';
COMMENT ON COLUMN marts.shortfall_totals.shortfall IS '缺口合计 Sum of their shortfalls, in the numerator''s unit (negative = fewer, an upper bound)';
