-- What each trackable norm is judged on (待评价的规划标准): one row per norm, unit in its scope and year,
-- with the milestone that applies that year, the unit's value, and why it cannot be judged where it cannot.
-- Units in scope: the regions of the plan's jurisdiction at the norm's level, in every year the
-- jurisdiction has population data; or the facilities of the named type in the jurisdiction, in every year
-- they have statistics or staff. A region_in or facility_type_not_in clause of the norm's condition
-- (marts.norm_conditions) narrows the scope; a clause on a measure (counties over 500,000 residents,
-- administrative villages …) decides, per unit and year, whether the norm applies there.
-- The milestone that applies to a year is the first one due that year or later; after the last, the last.
-- Rare-event rates (config.tracking rare_event_indicators) are judged on the pooled rate of the latest
-- pool_years years (config.tracking pool_years, from expectations/tracking.yaml). A direction target (increase,
-- decrease) carries the slope of the unit's trend (trend_slope), on which it is judged. met is the norm's rule
-- applied (meets, sql/macros/comparators.sql), for the GX norm suites to check.
CREATE OR REPLACE TABLE intermediate.norm_candidates AS
WITH norms AS (
    SELECT DISTINCT n.norm_id, n.scope_level, n.facility_type, p.jurisdiction_code
    FROM marts.norms AS n
    JOIN marts.plans AS p USING (plan_id)
    WHERE n.trackable AND n.scope_level IN ('prefecture', 'county', 'township', 'village', 'facility')
),
plan_years AS (
    SELECT DISTINCT n.jurisdiction_code, m.year
    FROM (SELECT DISTINCT jurisdiction_code FROM norms) AS n
    JOIN staging.region_measures AS m ON m.region_code = n.jurisdiction_code AND m.measure = 'resident_population'
),
region_units AS (
    SELECT n.norm_id, a.region_code, NULL::VARCHAR AS facility_id, NULL::VARCHAR AS facility_type, y.year
    FROM norms AS n
    JOIN staging.region_ancestors AS a ON a.ancestor_code = n.jurisdiction_code AND a.level = n.scope_level
    JOIN plan_years AS y ON y.jurisdiction_code = n.jurisdiction_code
    WHERE n.scope_level <> 'facility'
),
facility_units AS (
    SELECT DISTINCT n.norm_id, f.region_code, f.facility_id, f.facility_type, s.year
    FROM norms AS n
    JOIN staging.region_ancestors AS a ON a.ancestor_code = n.jurisdiction_code
    JOIN staging.facilities AS f ON f.region_code = a.region_code
     AND (n.facility_type IS NULL OR f.facility_type = n.facility_type)
    JOIN staging.facility_measures AS s ON s.facility_id = f.facility_id
    WHERE n.scope_level = 'facility'
),
units AS (
    SELECT * FROM region_units
    UNION ALL
    SELECT * FROM facility_units
),
-- A unit outside a region_in list, or a facility of an excluded type, is not in the norm's scope.
in_scope AS (
    SELECT u.*
    FROM units AS u
    WHERE NOT EXISTS (
        SELECT 1 FROM marts.norm_conditions AS c
        WHERE c.norm_id = u.norm_id
          AND CASE c.kind
                  WHEN 'region_in' THEN NOT EXISTS (
                      SELECT 1 FROM staging.region_ancestors AS a
                      WHERE a.region_code = u.region_code AND list_contains(c.codes, a.ancestor_code))
                  WHEN 'facility_type_not_in' THEN u.facility_id IS NOT NULL AND list_contains(c.codes, u.facility_type)
                  ELSE false
              END
    )
),
clause_values AS (
    SELECT u.norm_id, u.region_code, u.facility_id, u.year, c.clause, c.measure, c.comparator, c.value, c.value_high,
           CASE WHEN u.facility_id IS NOT NULL THEN fm.value
                WHEN z.measure IS NOT NULL THEN coalesce(rm.value, 0)
                ELSE rm.value END AS unit_value
    FROM in_scope AS u
    JOIN marts.norm_conditions AS c ON c.norm_id = u.norm_id AND c.kind = 'measure'
    LEFT JOIN staging.facility_measures AS fm
      ON fm.facility_id = u.facility_id AND fm.year = u.year AND fm.measure = c.measure
    LEFT JOIN staging.region_measures AS rm
      ON u.facility_id IS NULL AND rm.region_code = u.region_code AND rm.year = u.year AND rm.measure = c.measure
    LEFT JOIN (SELECT measure FROM marts.measures WHERE zero_when_absent) AS z ON z.measure = c.measure
),
conditions AS (
    SELECT norm_id, region_code, facility_id, year,
           string_agg(
               CASE WHEN unit_value IS NOT NULL AND NOT meets(unit_value, comparator, value, value_high, NULL)
                    THEN format('{} is {:g} (the norm applies where {} {})', measure, unit_value, measure,
                                comparison_text(comparator, value, value_high))
               END, '; ' ORDER BY clause) AS not_applicable,
           string_agg(CASE WHEN unit_value IS NULL THEN measure END, ', ' ORDER BY clause) AS condition_without_data
    FROM clause_values
    GROUP BY ALL
),
applicable AS (
    SELECT u.norm_id, u.region_code, u.facility_id, u.year,
           coalesce(min(n.target_year) FILTER (WHERE n.target_year >= u.year), max(n.target_year)) AS target_year
    FROM in_scope AS u
    JOIN marts.norms AS n USING (norm_id)
    GROUP BY ALL
),
-- the rare-event rates of the regions a norm judges, chosen before the pool's join: joined first, the pool
-- paired every region's years of every indicator (52 M rows at national scale) to keep a few thousand
rare_event_values AS (
    SELECT * FROM marts.indicator_values
    WHERE list_contains((SELECT rare_event_indicators FROM config.tracking), indicator_code)
      AND region_code IN (SELECT region_code FROM region_units)
),
pooled AS (
    -- a year whose numerator and denominator cover different parts (indicator_values.reason) spoils the pool
    SELECT v.region_code, v.year, v.indicator_code,
           CASE WHEN NOT bool_or(p.value IS NULL AND p.reason LIKE '分子分母覆盖%') THEN
               rate(sum(p.numerator), sum(p.denominator), any_value(i.unit_multiplier)) END AS value,
           sum(p.numerator) AS numerator, sum(p.denominator) AS denominator,
           any_value(p.reason) FILTER (WHERE p.value IS NULL AND p.reason LIKE '分子分母覆盖%') AS coverage_reason
    FROM rare_event_values AS v
    JOIN marts.indicators AS i USING (indicator_code)
    JOIN rare_event_values AS p
      ON p.region_code = v.region_code AND p.indicator_code = v.indicator_code
     AND p.year BETWEEN v.year - (SELECT pool_years FROM config.tracking) + 1 AND v.year
    GROUP BY v.region_code, v.year, v.indicator_code
),
region_values AS (
    SELECT v.region_code, v.year, v.indicator_code,
           CASE WHEN p.region_code IS NOT NULL THEN p.value ELSE v.value END AS value,
           coalesce(p.numerator, v.numerator) AS numerator,
           coalesce(p.denominator, v.denominator) AS denominator,
           CASE WHEN v.reason LIKE '分子分母覆盖%' THEN v.reason ELSE p.coverage_reason END AS coverage_reason
    FROM marts.indicator_values AS v
    LEFT JOIN pooled AS p USING (region_code, year, indicator_code)
    -- only the regions a norm judges: the plans' jurisdictions, not the country
    WHERE v.region_code IN (SELECT region_code FROM region_units)
),
judged AS (
    SELECT
        n.norm_id, n.plan_id, n.indicator_code, n.scope_level, a.region_code, a.facility_id, a.year, n.target_year,
        n.comparator, n.threshold, n.threshold_high, n.tolerance, n.unit,
        coalesce(v.value, fv.value) AS value, coalesce(v.numerator, fv.numerator) AS numerator,
        coalesce(v.denominator, fv.denominator) AS denominator,
        c.not_applicable, c.condition_without_data, v.coverage_reason
    FROM applicable AS a
    JOIN marts.norms AS n ON n.norm_id = a.norm_id AND n.target_year IS NOT DISTINCT FROM a.target_year
    LEFT JOIN conditions AS c
      ON c.norm_id = a.norm_id AND c.region_code = a.region_code AND c.year = a.year
     AND c.facility_id IS NOT DISTINCT FROM a.facility_id
    LEFT JOIN region_values AS v
      ON a.facility_id IS NULL AND v.region_code = a.region_code AND v.year = a.year AND v.indicator_code = n.indicator_code
    -- only the facilities a norm judges: the planner hashes this side, and all 16 M rows at national scale
    -- made this join half the model's time
    LEFT JOIN (FROM marts.facility_indicators WHERE facility_id IN (SELECT facility_id FROM in_scope)) AS fv
      ON fv.facility_id = a.facility_id AND fv.year = a.year AND fv.indicator_code = n.indicator_code
),
-- A direction target (increase / decrease) is judged by the least-squares slope of the unit's yearly values
-- over the same window as the trajectory (trend_max_years, at least trend_min_years values).
direction_trend AS (
    SELECT j.norm_id, j.region_code, j.facility_id, j.year,
           count(s.value) AS trend_years, regr_slope(s.value, s.year ORDER BY s.year) AS trend_slope
    FROM judged AS j
    -- Only the indicators of direction norms: the planner hashes the long tables for the IN on units (10 M
    -- and 16 M rows at national scale, most of this model's time); the indicators' filter shrinks them first.
    JOIN (SELECT region_code AS unit_key, year, indicator_code, value FROM marts.indicator_values
          WHERE indicator_code IN (SELECT indicator_code FROM marts.norms WHERE is_direction(comparator))
            AND region_code IN (SELECT region_code FROM judged WHERE facility_id IS NULL)
          UNION ALL
          SELECT 'facility:' || facility_id, year, indicator_code, value FROM marts.facility_indicators
          WHERE indicator_code IN (SELECT indicator_code FROM marts.norms WHERE is_direction(comparator))
            AND facility_id IN (SELECT facility_id FROM judged)) AS s
      ON s.unit_key = coalesce('facility:' || j.facility_id, j.region_code) AND s.indicator_code = j.indicator_code
     AND s.year BETWEEN j.year - (SELECT trend_max_years FROM config.tracking) + 1 AND j.year AND s.value IS NOT NULL
    WHERE is_direction(j.comparator)
    GROUP BY ALL
),
candidates AS (
SELECT
    j.* EXCLUDE (not_applicable, condition_without_data, coverage_reason),
    CASE WHEN t.trend_years >= (SELECT trend_min_years FROM config.tracking) THEN t.trend_slope END AS trend_slope,
    CASE
        WHEN not_applicable IS NOT NULL THEN 'condition not applicable: ' || not_applicable
        WHEN condition_without_data IS NOT NULL THEN format('no data for the condition ({})', condition_without_data)
        WHEN value IS NULL AND coverage_reason IS NOT NULL THEN coverage_reason
        WHEN value IS NULL AND denominator = 0 THEN 'denominator zero'
        WHEN value IS NULL THEN 'no data'
        WHEN is_direction(j.comparator) AND coalesce(t.trend_years, 0) < (SELECT trend_min_years FROM config.tracking)
            THEN format('too few years for a trend ({} of {})', coalesce(t.trend_years, 0), (SELECT trend_min_years FROM config.tracking))
    END AS not_evaluable_reason
FROM judged AS j
LEFT JOIN direction_trend AS t
  ON t.norm_id = j.norm_id AND t.region_code = j.region_code AND t.year = j.year
 AND t.facility_id IS NOT DISTINCT FROM j.facility_id
)
-- met: the norm's rule (sql/macros/comparators.sql) on each row; the GX norm suites check it row by row.
SELECT *, meets(judged_on(comparator, value, trend_slope), comparator, threshold, threshold_high, tolerance) AS met
FROM candidates;

COMMENT ON TABLE intermediate.norm_candidates IS '待评价的规划标准 What each trackable norm is judged on: one row per norm, unit in its scope and year, with the milestone that applies, the value, met (macro meets) or why it cannot be judged';
