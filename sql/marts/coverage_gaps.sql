-- Coverage gaps (覆盖缺口): every structural norm that fails, one row per missing thing — a township
-- without a government-run health centre, an administrative village without a clinic, a county over
-- 500,000 residents without a grade-2+ psychiatric hospital, a township health centre without TCM
-- capability, a community health centre serving more people than the plan allows. Structural norms are
-- the norms on counts and yes/no flags (units count and flag); the gap is counted in whole things.
CREATE OR REPLACE TABLE marts.coverage_gaps AS
WITH failed AS (
    SELECT r.*, coalesce(r.value, 0) AS found, i.name_zh, i.name_en, i.unit AS indicator_unit
    FROM marts.norm_results AS r
    JOIN marts.indicators AS i USING (indicator_code)
    WHERE i.unit IN ('count', 'flag') AND r.status = 'not_met'
),
-- The shortfall in whole things (sql/macros/comparators.sql; a count is its own numerator): positive is missing,
-- negative too many.
short AS (
    SELECT *, coalesce(shortfall(found, comparator, threshold, threshold_high,
                                 aim(found, comparator, threshold, threshold_high) - found), 0) AS whole_shortfall
    FROM failed
),
gaps AS (
    SELECT * EXCLUDE (whole_shortfall),
           greatest(whole_shortfall, 0) AS missing,
           greatest(-whole_shortfall, 0) AS excess,
           target_text(comparator, threshold, threshold_high) AS asked
    FROM short
)
SELECT
    g.norm_id, g.plan_id, g.region_code, r.region_name, g.facility_id, f.facility_name, g.year,
    g.name_zh AS indicator_name_zh, g.name_en AS indicator_name_en, g.found, g.missing, g.excess,
    CASE WHEN g.excess > 0
         THEN format('{}: {:g} ({}), {:g} more than the plan allows ({})', g.name_zh, g.found, g.name_en, g.excess, g.asked)
         ELSE format('{:g} × {} ({}) missing: {:g} found, the plan asks {}', g.missing, g.name_zh, g.name_en, g.found, g.asked)
    END AS what_is_missing
FROM gaps AS g
LEFT JOIN staging.regions AS r ON r.region_code = g.region_code
LEFT JOIN staging.facilities AS f ON f.facility_id = g.facility_id
ORDER BY g.plan_id, g.norm_id, g.region_code, g.facility_id, g.year;

COMMENT ON TABLE marts.coverage_gaps IS '覆盖缺口 Coverage gaps: one row per structural norm (a count or a yes/no flag) a unit fails, and how many are missing or too many';
COMMENT ON COLUMN marts.coverage_gaps.norm_id IS '标准编号 Norm id (marts.norms)';
COMMENT ON COLUMN marts.coverage_gaps.plan_id IS '规划编号 Plan id';
COMMENT ON COLUMN marts.coverage_gaps.region_code IS '区划代码 Region that lacks it (or where the facility sits)';
COMMENT ON COLUMN marts.coverage_gaps.region_name IS '区划名称 Region name';
COMMENT ON COLUMN marts.coverage_gaps.facility_id IS '机构代码 Facility that lacks it, for norms judged per facility';
COMMENT ON COLUMN marts.coverage_gaps.facility_name IS '机构名称 Facility name, for norms judged per facility';
COMMENT ON COLUMN marts.coverage_gaps.year IS '年份 Year';
COMMENT ON COLUMN marts.coverage_gaps.indicator_name_zh IS '缺少内容 What is counted, in Chinese';
COMMENT ON COLUMN marts.coverage_gaps.indicator_name_en IS 'What is counted, in English';
COMMENT ON COLUMN marts.coverage_gaps.found IS '现有数 How many the unit has (0 when none is registered)';
COMMENT ON COLUMN marts.coverage_gaps.missing IS '缺口数 How many are missing to reach the norm (0 when the problem is too many)';
COMMENT ON COLUMN marts.coverage_gaps.excess IS '超出数 How many over the plan''s upper bound (0 when the problem is too few)';
COMMENT ON COLUMN marts.coverage_gaps.what_is_missing IS '缺口说明 What is missing or too many, in words';
