-- The statistics of the WHO Data Quality Review (数据质量评估统计量), one row per thing judged.
-- Settings come from expectations/quality/data_quality_review.yaml through the temp table dqr_settings
-- (check, indicator_code or '*', setting, value); Great Expectations then compares statistic with limit.
CREATE OR REPLACE TEMP TABLE dqr_statistics AS
WITH setting AS (
    SELECT check_name, indicator_code, setting, value FROM dqr_settings
),
counties AS (
    SELECT DISTINCT m.region_code, m.year
    FROM staging.region_measures AS m
    JOIN staging.region_ancestors AS a ON a.region_code = m.region_code AND a.depth = 0
    WHERE a.level = (SELECT any_value(value) FROM setting WHERE check_name = 'completeness' AND setting = 'level')
      AND m.measure = 'resident_population'
),
required AS (
    SELECT value AS indicator_code FROM setting WHERE check_name = 'completeness' AND setting = 'indicator'
),
completeness AS (
    SELECT 'completeness' AS check_name, c.region_code, c.year, NULL::VARCHAR AS indicator_code,
           avg((v.value IS NOT NULL)::INT) AS statistic,
           (SELECT value::DOUBLE FROM setting WHERE check_name = 'completeness' AND setting = 'threshold') AS limit_low,
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
           avg(p.value) AS previous_mean, count(p.value) AS previous_years
    FROM marts.indicator_values AS v
    LEFT JOIN setting AS py
      ON py.check_name = 'consistency_over_time' AND py.indicator_code = v.indicator_code AND py.setting = 'previous_years'
    LEFT JOIN marts.indicator_values AS p
      ON p.region_code = v.region_code AND p.indicator_code = v.indicator_code
     AND p.year BETWEEN v.year - coalesce(py.value, (SELECT value FROM setting WHERE check_name = 'consistency_over_time'
                                                     AND indicator_code = '*' AND setting = 'previous_years'))::INT
                    AND v.year - 1
    WHERE v.level = 'county'
    GROUP BY v.region_code, v.year, v.indicator_code
),
time_consistency AS (
    SELECT 'consistency_over_time', h.region_code, h.year, h.indicator_code,
           abs(h.value - h.previous_mean) / nullif(h.previous_mean, 0),
           NULL, coalesce(s.value, d.value)::DOUBLE,
           format('value {:.4g} against a mean of {:.4g} over {} previous years', h.value, h.previous_mean, h.previous_years),
           CASE WHEN h.previous_years < coalesce(mp.value, dp.value)::INT
                THEN format('{} previous years; {} needed', h.previous_years, coalesce(mp.value, dp.value))
                WHEN h.previous_mean = 0 THEN 'the mean of the previous years is zero' END
    FROM history AS h
    LEFT JOIN setting AS s ON s.check_name = 'consistency_over_time' AND s.indicator_code = h.indicator_code AND s.setting = 'max_relative_change'
    LEFT JOIN setting AS d ON d.check_name = 'consistency_over_time' AND d.indicator_code = '*' AND d.setting = 'max_relative_change'
    LEFT JOIN setting AS mp ON mp.check_name = 'consistency_over_time' AND mp.indicator_code = h.indicator_code AND mp.setting = 'min_previous_years'
    LEFT JOIN setting AS dp ON dp.check_name = 'consistency_over_time' AND dp.indicator_code = '*' AND dp.setting = 'min_previous_years'
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
           NULL, (SELECT value::DOUBLE FROM setting WHERE check_name = 'outliers' AND setting = 'moderate'),
           format('value {:.4g}; median of the {} counties of {} is {:.4g}', value, peer_count, prefecture, peer_median),
           CASE WHEN peer_count < (SELECT value::INT FROM setting WHERE check_name = 'outliers' AND setting = 'min_peers')
                THEN format('{} peer counties; {} needed', peer_count, (SELECT value FROM setting WHERE check_name = 'outliers' AND setting = 'min_peers'))
                WHEN mad = 0 THEN 'the peers'' median absolute deviation is zero' END
    FROM deviations
),
related AS (
    SELECT 'related_figures', n.region_code, n.year, r.check_id,
           n.value / nullif(d.value, 0) * r.multiplier, r.low, r.high,
           format('{} {:.4g} per {:g} ({} / {})', r.check_id, n.value / nullif(d.value, 0) * r.multiplier, r.multiplier, r.numerator, r.denominator),
           CASE WHEN d.value IS NULL OR d.value = 0 THEN 'no denominator' END
    FROM (
        SELECT indicator_code AS check_id,
               max(value) FILTER (WHERE setting = 'numerator') AS numerator,
               max(value) FILTER (WHERE setting = 'denominator') AS denominator,
               max(value) FILTER (WHERE setting = 'multiplier')::DOUBLE AS multiplier,
               max(value) FILTER (WHERE setting = 'min')::DOUBLE AS low,
               max(value) FILTER (WHERE setting = 'max')::DOUBLE AS high
        FROM setting WHERE check_name = 'related_figures' GROUP BY indicator_code
    ) AS r
    JOIN staging.region_measures AS n ON n.measure = r.numerator
    LEFT JOIN staging.region_measures AS d ON d.measure = r.denominator AND d.region_code = n.region_code AND d.year = n.year
)
SELECT * FROM completeness
UNION ALL SELECT * FROM time_consistency
UNION ALL SELECT * FROM outliers
UNION ALL SELECT * FROM related;
