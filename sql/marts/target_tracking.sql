-- Target tracking (目标追踪): one row per norm, unit in scope and year — the unit's value, the milestone
-- that applies, the gap, the status, the progress class, the shortfall in the numerator's own unit, and for
-- a target still ahead, where the unit's trend leads.
-- Trend: least-squares line through the unit's latest values (config.tracking trend_min_years, trend_max_years,
-- from expectations/tracking.yaml), evaluated at the target year.
-- Progress (config.tracking progress_*, from expectations/tracking.yaml): the ratio of the trend's slope to the change per
-- year needed from today's value to the target by the target year (a target already due: within one year).
-- Shortfall: how much the numerator must change, at today's denominator, to meet the norm (rounded up to whole
-- units; negative = fewer, for an upper bound); only for counted indicators, not for reported ones.
CREATE OR REPLACE TABLE marts.target_tracking AS
WITH series AS (
    -- a unit's yearly values: a region's (facility_id empty) or a facility's; unit_key joins either by equality.
    -- Only the units and indicators a norm judges: the whole country's values (26 M rows at national scale),
    -- keyed and materialised for two joins, were most of this model's time.
    SELECT region_code AS unit_key, year, indicator_code, value, numerator, denominator
    FROM marts.indicator_values
    WHERE (region_code, indicator_code) IN (SELECT (region_code, indicator_code) FROM marts.norm_results
                                            WHERE facility_id IS NULL)
    UNION ALL
    SELECT 'facility:' || facility_id, year, indicator_code, value, numerator, denominator
    FROM marts.facility_indicators
    WHERE (facility_id, indicator_code) IN (SELECT (facility_id, indicator_code) FROM marts.norm_results
                                            WHERE facility_id IS NOT NULL)
),
history AS (
    SELECT r.norm_id, r.region_code, r.facility_id, r.year, s.year AS point_year, s.value AS point_value
    FROM marts.norm_results AS r
    JOIN series AS s
      ON s.unit_key = coalesce('facility:' || r.facility_id, r.region_code)
     AND s.indicator_code = r.indicator_code
     AND s.year BETWEEN r.year - (SELECT trend_max_years FROM config.tracking) + 1 AND r.year
    WHERE s.value IS NOT NULL AND r.applies
),
trend AS (
    SELECT norm_id, region_code, facility_id, year, count(*) AS trend_years,
           -- ordered, so the floating-point sums run in one order and every build gives the same last digit
           regr_slope(point_value, point_year ORDER BY point_year) AS slope,
           regr_intercept(point_value, point_year ORDER BY point_year) AS intercept
    FROM history
    GROUP BY ALL
),
tracked AS (
    SELECT
        r.*,
        t.trend_years,
        CASE WHEN t.trend_years >= (SELECT trend_min_years FROM config.tracking) THEN t.slope END AS slope,
        CASE WHEN t.trend_years >= (SELECT trend_min_years FROM config.tracking) AND r.target_year > r.year
             THEN t.intercept + t.slope * r.target_year END AS projected_value,
        -- the value to aim at: the threshold, or the nearer end of a range
        aim(r.value, r.comparator, r.threshold, r.threshold_high) AS aim,
        s.numerator, s.denominator, i.unit_multiplier, i.source = 'public_health' OR i.unit = 'flag' AS not_counted
    FROM marts.norm_results AS r
    JOIN marts.indicators AS i USING (indicator_code)
    LEFT JOIN trend AS t
      ON t.norm_id = r.norm_id AND t.region_code = r.region_code AND t.year = r.year
     AND t.facility_id IS NOT DISTINCT FROM r.facility_id
    LEFT JOIN series AS s
      ON s.unit_key = coalesce('facility:' || r.facility_id, r.region_code) AND s.indicator_code = r.indicator_code
     AND s.year = r.year
),
paced AS (
    SELECT *,
           -- the change per year that reaches the aim from today's value; a target already due needs it within a year
           (aim - value) / greatest(target_year - year, 1) AS pace_needed,
           -- the numerator that would just meet the aim at today's denominator (a count is its own numerator)
           numerator_for(aim, denominator, unit_multiplier) - numerator AS numerator_gap
    FROM tracked
),
rated AS (
    -- the ratio observed / needed, rounded so that a boundary worked on paper is not lost to floating point;
    -- needed is 0 only on the edge of a strict bound: then the sign of the slope decides
    SELECT *, round(coalesce(slope / nullif(pace_needed, 0), sign(slope) * better_sign(comparator)), 9) AS progress_ratio
    FROM paced
)
SELECT
    norm_id, plan_id, indicator_code, scope_level, region_code, facility_id, year,
    value AS actual,
    threshold AS target,
    threshold_high AS target_high,
    target_year, comparator, unit,
    gap(value, comparator, threshold, threshold_high) AS gap,
    status, reason, applies,
    CASE
        WHEN NOT applies THEN NULL
        WHEN is_direction(comparator) THEN
            CASE WHEN status = 'met' THEN 'on_track'
                 WHEN status = 'not_met' AND slope = 0 THEN 'limited_progress'
                 WHEN status = 'not_met' THEN 'deterioration'
                 WHEN starts_with(reason, 'too few years') THEN 'no_trend' END
        WHEN status = 'met' THEN 'achieved'
        WHEN status <> 'not_met' THEN NULL
        WHEN slope IS NULL THEN 'no_trend'
        WHEN progress_ratio
             >= (SELECT progress_on_track FROM config.tracking) THEN 'on_track'
        WHEN progress_ratio
             >= (SELECT progress_acceleration_needed FROM config.tracking) THEN 'acceleration_needed'
        WHEN progress_ratio
             >= (SELECT progress_limited_progress FROM config.tracking) THEN 'limited_progress'
        ELSE 'deterioration'
    END AS progress,
    CASE WHEN status <> 'not_met' OR not_counted THEN NULL
         ELSE shortfall(value, comparator, threshold, threshold_high, numerator_gap) END AS shortfall,
    projected_value,
    -- toward the aim: the threshold, or the nearer end of a range (0 inside it)
    CASE WHEN target_year > year AND applies THEN (aim - value) / (target_year - year) END AS annual_change_needed,
    slope AS annual_change_observed,
    trend_years,
    -- a direction target has no threshold to project onto: its progress says whether the trend goes its way
    CASE WHEN NOT is_direction(comparator)
         THEN meets(projected_value, comparator, threshold, threshold_high, tolerance) END AS on_track
FROM rated
ORDER BY plan_id, norm_id, region_code, facility_id, year;

COMMENT ON TABLE marts.target_tracking IS '目标追踪 Target tracking: each norm, unit and year — actual, target, gap, status, progress class, shortfall in the numerator''s unit and, for targets ahead, the projected value and whether the unit is on track';
COMMENT ON COLUMN marts.target_tracking.norm_id IS '标准编号 Norm id (marts.norms)';
COMMENT ON COLUMN marts.target_tracking.plan_id IS '规划编号 Plan id';
COMMENT ON COLUMN marts.target_tracking.indicator_code IS '指标代码 Indicator';
COMMENT ON COLUMN marts.target_tracking.scope_level IS '评价层级 Level the norm is judged at';
COMMENT ON COLUMN marts.target_tracking.region_code IS '区划代码 Region judged, or where the facility sits';
COMMENT ON COLUMN marts.target_tracking.facility_id IS '机构代码 Facility judged; empty unless the norm is judged per facility';
COMMENT ON COLUMN marts.target_tracking.year IS '年份 Year of the data';
COMMENT ON COLUMN marts.target_tracking.actual IS '实际值 The unit''s value (pooled over years for rare events)';
COMMENT ON COLUMN marts.target_tracking.target IS '目标值 Threshold of the milestone that applies to the year';
COMMENT ON COLUMN marts.target_tracking.target_high IS '目标上限 Upper bound of a range';
COMMENT ON COLUMN marts.target_tracking.target_year IS '目标年份 Year the milestone is due';
COMMENT ON COLUMN marts.target_tracking.comparator IS '比较 Comparator';
COMMENT ON COLUMN marts.target_tracking.unit IS '单位 Unit';
COMMENT ON COLUMN marts.target_tracking.gap IS '差距 actual − target in the indicator''s unit (for a range: distance outside it, 0 inside)';
COMMENT ON COLUMN marts.target_tracking.status IS '状态 met / not_met / not_evaluable';
COMMENT ON COLUMN marts.target_tracking.reason IS '原因 Why not evaluable';
COMMENT ON COLUMN marts.target_tracking.applies IS '适用 false when the norm''s condition leaves the unit out (then no trajectory is given)';
COMMENT ON COLUMN marts.target_tracking.projected_value IS '预测值 Value at the target year on the least-squares trend of the latest years';
COMMENT ON COLUMN marts.target_tracking.annual_change_needed IS '所需年变化 Change per year needed from now to reach the target by the target year';
COMMENT ON COLUMN marts.target_tracking.annual_change_observed IS '实际年变化 Slope of the trend (change per year); empty with fewer than the minimum years';
COMMENT ON COLUMN marts.target_tracking.trend_years IS '趋势年数 Years of data the trend rests on (within the latest years of the window)';
COMMENT ON COLUMN marts.target_tracking.progress IS '进展 achieved 已达标 / on_track 按期可达 / acceleration_needed 需加速 / limited_progress 进展有限 / deterioration 倒退 / no_trend 年数不足: the trend''s slope against the change per year needed to reach the target by its year (a target already due: within a year); thresholds in expectations/tracking.yaml. Direction targets: on_track when the trend goes the plan''s way';
COMMENT ON COLUMN marts.target_tracking.shortfall IS '缺口(分子单位) How much the numerator must change, at today''s denominator, to meet the norm, in the numerator''s own unit (beds, physicians, ambulances …), rounded up to whole units; negative = fewer (an upper bound). Empty where met, for reported indicators and yes/no flags';
COMMENT ON COLUMN marts.target_tracking.on_track IS '预测达标 Whether the trend line''s value at the target year (projected_value) meets the norm (empty when the target is not ahead or the trend is too short). Unlike progress it does not start from today''s value, so the two disagree when the latest year is off the line';
