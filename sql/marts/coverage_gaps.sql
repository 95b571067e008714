-- Coverage gaps (覆盖缺口): every structural norm that fails, one row per missing thing — a township
-- without a government-run health centre, a county over 500,000 residents without a grade-2+ psychiatric
-- hospital, a facility short of the general practitioners it must have. Structural norms are the norms on
-- counts (unit 'count'); the gap is how many are missing.
CREATE OR REPLACE TABLE marts.coverage_gaps AS
SELECT
    r.norm_id, r.plan_id, r.region_code, g.region_name, r.facility_id, r.year,
    i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en,
    r.threshold - coalesce(r.value, 0) AS missing,
    format('{:g} × {} ({}) missing: {:g} found, the plan asks {} {:g}',
           r.threshold - coalesce(r.value, 0), i.name_zh, i.name_en, coalesce(r.value, 0), r.comparator, r.threshold) AS what_is_missing
FROM marts.norm_results AS r
JOIN marts.indicators AS i USING (indicator_code)
LEFT JOIN staging.regions AS g ON g.region_code = r.region_code
WHERE i.unit = 'count' AND r.status = 'not_met'
ORDER BY r.plan_id, r.norm_id, r.region_code, r.facility_id, r.year;

COMMENT ON TABLE marts.coverage_gaps IS '覆盖缺口 Coverage gaps: one row per structural norm (a count) a unit fails, and how many are missing';
COMMENT ON COLUMN marts.coverage_gaps.norm_id IS '标准编号 Norm id (marts.norms)';
COMMENT ON COLUMN marts.coverage_gaps.plan_id IS '规划编号 Plan id';
COMMENT ON COLUMN marts.coverage_gaps.region_code IS '区划代码 Region that lacks it (or where the facility sits)';
COMMENT ON COLUMN marts.coverage_gaps.region_name IS '区划名称 Region name';
COMMENT ON COLUMN marts.coverage_gaps.facility_id IS '机构代码 Facility that lacks it, for norms judged per facility';
COMMENT ON COLUMN marts.coverage_gaps.year IS '年份 Year';
COMMENT ON COLUMN marts.coverage_gaps.indicator_name_zh IS '缺少内容 What is counted, in Chinese';
COMMENT ON COLUMN marts.coverage_gaps.indicator_name_en IS 'What is counted, in English';
COMMENT ON COLUMN marts.coverage_gaps.missing IS '缺口数 How many are missing to reach the norm';
COMMENT ON COLUMN marts.coverage_gaps.what_is_missing IS '缺口说明 What is missing, in words';
