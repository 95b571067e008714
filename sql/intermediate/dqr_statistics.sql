-- The statistics of the WHO Data Quality Review (数据质量评估统计量), one row per thing judged.
-- Settings come from expectations/quality/data_quality_review.yaml through the typed tables config.dqr_*;
-- Great Expectations then compares statistic with its limits (intermediate.dqr_failed).
CREATE OR REPLACE TABLE intermediate.dqr_statistics AS
WITH consistency AS (
    -- the settings of each indicator: its own (expectations by_indicator) over the defaults (indicator_code empty)
    SELECT v.indicator_code,
           coalesce(o.max_relative_change, d.max_relative_change) AS max_relative_change,
           coalesce(o.previous_years, d.previous_years) AS previous_years,
           coalesce(o.min_previous_years, d.min_previous_years) AS min_previous_years
    FROM (SELECT DISTINCT indicator_code FROM marts.indicator_values) AS v
    CROSS JOIN (FROM config.dqr_consistency WHERE indicator_code IS NULL) AS d
    LEFT JOIN config.dqr_consistency AS o ON o.indicator_code = v.indicator_code
),
counties AS (
    SELECT DISTINCT m.region_code, m.year
    FROM staging.region_measures AS m
    JOIN staging.region_ancestors AS a ON a.region_code = m.region_code AND a.depth = 0
    WHERE a.level = (SELECT level FROM config.dqr_completeness)
      AND m.measure = 'resident_population'
),
required AS (
    SELECT unnest(indicators) AS indicator_code FROM config.dqr_completeness
),
completeness AS (
    SELECT 'completeness' AS check_name, c.region_code, c.year, NULL::VARCHAR AS indicator_code,
           avg((v.value IS NOT NULL)::INT) AS statistic,
           (SELECT threshold FROM config.dqr_completeness) AS limit_low,
           NULL::DOUBLE AS limit_high,
           'missing: ' || coalesce(string_agg(r.indicator_code, ', ' ORDER BY r.indicator_code) FILTER (WHERE v.value IS NULL), '') AS detail,
           NULL::VARCHAR AS insufficient
    FROM counties AS c
    CROSS JOIN required AS r
    LEFT JOIN marts.indicator_values AS v
      ON v.region_code = c.region_code AND v.year = c.year AND v.indicator_code = r.indicator_code
    GROUP BY c.region_code, c.year
),
-- the mean of the values of the preceding `previous_years` calendar years (a year not reported is left out)
history AS (
    SELECT v.region_code, v.year, v.indicator_code, any_value(v.value) AS value,
           avg(p.value ORDER BY p.year) AS previous_mean, count(p.value) AS previous_years  -- ordered: the same last digit every build
    FROM marts.indicator_values AS v
    JOIN consistency AS s ON s.indicator_code = v.indicator_code
    LEFT JOIN marts.indicator_values AS p
      ON p.region_code = v.region_code AND p.indicator_code = v.indicator_code
     AND p.year BETWEEN v.year - s.previous_years AND v.year - 1
    WHERE v.level = 'county'
    GROUP BY v.region_code, v.year, v.indicator_code
),
time_consistency AS (
    SELECT 'consistency_over_time', h.region_code, h.year, h.indicator_code,
           abs(h.value - h.previous_mean) / nullif(h.previous_mean, 0),
           NULL, s.max_relative_change,
           format('value {:.4g} against a mean of {:.4g} over {} previous years', h.value, h.previous_mean, h.previous_years),
           CASE WHEN h.previous_years < s.min_previous_years
                THEN format('{} previous years; {} needed', h.previous_years, s.min_previous_years)
                WHEN h.previous_mean = 0 THEN 'the mean of the previous years is zero' END
    FROM history AS h
    JOIN consistency AS s ON s.indicator_code = h.indicator_code
    WHERE h.value IS NOT NULL
),
peers AS (
    SELECT v.region_code, v.year, v.indicator_code, v.value, a.ancestor_code AS prefecture,
           median(v.value) OVER p AS peer_median, count(v.value) OVER p AS peer_count
    FROM marts.indicator_values AS v
    JOIN staging.region_ancestors AS a ON a.region_code = v.region_code AND a.ancestor_level = 'prefecture'
    WHERE v.level = 'county' AND v.value IS NOT NULL
    WINDOW p AS (PARTITION BY a.ancestor_code, v.year, v.indicator_code)
),
deviations AS (
    SELECT *, median(abs(value - peer_median)) OVER (PARTITION BY prefecture, year, indicator_code) AS mad FROM peers
),
outliers AS (
    SELECT 'outliers', region_code, year, indicator_code,
           abs(0.6745 * (value - peer_median) / nullif(mad, 0)),
           NULL, (SELECT moderate FROM config.dqr_outliers),
           format('value {:.4g}; median of the {} counties of {} is {:.4g}', value, peer_count, prefecture, peer_median),
           CASE WHEN peer_count < (SELECT min_peers FROM config.dqr_outliers)
                THEN format('{} peer counties; {} needed', peer_count, (SELECT min_peers FROM config.dqr_outliers))
                WHEN mad = 0 THEN 'the peers'' median absolute deviation is zero' END
    FROM deviations
),
related AS (
    SELECT 'related_figures', n.region_code, n.year, r.check_id,
           n.value / nullif(d.value, 0) * r.multiplier, r.low, r.high,
           format('{} {:.4g} per {:g} ({} / {})', r.check_id, n.value / nullif(d.value, 0) * r.multiplier, r.multiplier, r.numerator, r.denominator),
           CASE WHEN d.value IS NULL OR d.value = 0 THEN 'no denominator' END
    FROM config.dqr_related_figures AS r
    JOIN staging.region_measures AS n ON n.measure = r.numerator
    LEFT JOIN staging.region_measures AS d ON d.measure = r.denominator AND d.region_code = n.region_code AND d.year = n.year
)
SELECT * FROM completeness
UNION ALL SELECT * FROM time_consistency
UNION ALL SELECT * FROM outliers
UNION ALL SELECT * FROM related;

COMMENT ON TABLE intermediate.dqr_statistics IS '数据质量评估统计量 The statistics of the WHO Data Quality Review, one row per thing judged, with its limits; Great Expectations judges them (intermediate.dqr_failed)';
