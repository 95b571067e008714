-- Norm results (规划标准评价结果): one row per trackable norm, unit in its scope and year, judged by the
-- Great Expectations norm suites (intermediate.norms_not_met, by rowid) on intermediate.norm_candidates. A unit below the norm is
-- the finding the warehouse exists to show: it never stops a run.
CREATE OR REPLACE TABLE marts.norm_results AS
SELECT
    c.norm_id, c.plan_id, c.indicator_code, c.scope_level, c.region_code, c.facility_id, c.year, c.target_year,
    c.comparator, c.threshold, c.threshold_high, c.tolerance, c.unit, c.value,
    CASE
        WHEN c.not_evaluable_reason IS NOT NULL THEN 'not_evaluable'
        WHEN c.rowid IN (SELECT _rowid FROM intermediate.norms_not_met) THEN 'not_met'
        ELSE 'met'
    END AS status,
    c.not_evaluable_reason AS reason,
    coalesce(NOT starts_with(c.not_evaluable_reason, 'condition not applicable'), true) AS applies
FROM intermediate.norm_candidates AS c
ORDER BY c.plan_id, c.norm_id, c.region_code, c.facility_id, c.year;

COMMENT ON TABLE marts.norm_results IS '规划标准评价结果 Norm results: each trackable norm for every unit (region or facility) in its scope and year: met, not_met or not_evaluable (with the reason)';
COMMENT ON COLUMN marts.norm_results.norm_id IS '标准编号 Norm id (marts.norms)';
COMMENT ON COLUMN marts.norm_results.plan_id IS '规划编号 Plan id (marts.plans)';
COMMENT ON COLUMN marts.norm_results.indicator_code IS '指标代码 Indicator judged';
COMMENT ON COLUMN marts.norm_results.scope_level IS '评价层级 Level the norm is judged at';
COMMENT ON COLUMN marts.norm_results.region_code IS '区划代码 Region judged, or the region a judged facility sits in (code in force)';
COMMENT ON COLUMN marts.norm_results.facility_id IS '机构代码 Facility judged, for a norm judged per facility; empty otherwise';
COMMENT ON COLUMN marts.norm_results.year IS '年份 Year of the data';
COMMENT ON COLUMN marts.norm_results.target_year IS '目标年份 The milestone that applies to this year: the first due this year or later, else the last';
COMMENT ON COLUMN marts.norm_results.comparator IS '比较 Comparator of the norm';
COMMENT ON COLUMN marts.norm_results.threshold IS '标准值 Threshold of the applicable milestone';
COMMENT ON COLUMN marts.norm_results.threshold_high IS '上限 Upper bound (between)';
COMMENT ON COLUMN marts.norm_results.tolerance IS '容差 Tolerance (approximately)';
COMMENT ON COLUMN marts.norm_results.unit IS '单位 Unit';
COMMENT ON COLUMN marts.norm_results.value IS '实际值 The unit''s value (marts.indicator_values)';
COMMENT ON COLUMN marts.norm_results.status IS '状态 met 达标 / not_met 未达标 / not_evaluable 无法评价';
COMMENT ON COLUMN marts.norm_results.reason IS '原因 Why the norm could not be judged: no data, denominator zero, no data for the condition, condition not applicable (with the figure that puts the unit outside the norm)';
COMMENT ON COLUMN marts.norm_results.applies IS '适用 false when the norm''s condition puts the unit outside it (e.g. a county under 500,000 residents); such rows are not_evaluable and are counted apart in marts.plan_scorecard';
