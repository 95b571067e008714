-- What each trackable norm is judged on (待评价的规划标准): one row per norm, unit in its scope (a region
-- of the plan's jurisdiction at the norm's level with population data that year, or a facility of the
-- named type with statistics that year) and year, with the milestone that applies that year, the unit's
-- value, and why it cannot be judged where it cannot.
-- The milestone that applies to a year is the first one due that year or later; after the last, the last.
-- Rare-event rates (variable rare_event_indicators) are judged on the pooled rate of the latest
-- pool_years years (variable pool_years), from expectations/tracking.yaml.
CREATE OR REPLACE TEMP TABLE norm_candidates AS
WITH norms AS (
    SELECT n.*, p.jurisdiction_code
    FROM marts.norms AS n
    JOIN marts.plans AS p USING (plan_id)
    WHERE n.trackable AND n.scope_level IN ('prefecture', 'county', 'township', 'facility')
),
region_units AS (
    SELECT DISTINCT n.norm_id, a.region_code, NULL::VARCHAR AS facility_id, m.year
    FROM norms AS n
    JOIN staging.region_ancestors AS a ON a.ancestor_code = n.jurisdiction_code AND a.level = n.scope_level
    JOIN staging.region_measures AS m ON m.region_code = a.region_code AND m.measure = 'resident_population'
),
facility_units AS (
    SELECT DISTINCT n.norm_id, f.region_code, f.facility_id, s.year
    FROM norms AS n
    JOIN staging.region_ancestors AS a ON a.ancestor_code = n.jurisdiction_code
    JOIN staging.facilities AS f ON f.region_code = a.region_code
     AND (n.facility_type IS NULL OR f.facility_type = n.facility_type)
    -- Statistics or staff filed that year; registry counts (staging.registry_counts) are repeated in every
    -- year with population anywhere and are not the facility's statistics.
    JOIN staging.facility_measures AS s ON s.facility_id = f.facility_id
     AND s.measure NOT IN (SELECT measure FROM staging.registry_count_definitions)
    WHERE n.scope_level = 'facility'
),
years AS (
    SELECT * FROM region_units
    UNION ALL
    SELECT * FROM facility_units
),
applicable AS (
    SELECT y.norm_id, y.region_code, y.facility_id, y.year,
           coalesce(min(n.target_year) FILTER (WHERE n.target_year >= y.year), max(n.target_year)) AS target_year
    FROM years AS y
    JOIN norms AS n USING (norm_id)
    GROUP BY ALL
),
pooled AS (
    SELECT v.region_code, v.year, v.indicator_code,
           sum(p.numerator) / nullif(sum(p.denominator), 0) * any_value(i.unit_multiplier) AS value,
           sum(p.numerator) AS numerator, sum(p.denominator) AS denominator
    FROM marts.indicator_values AS v
    JOIN marts.indicators AS i USING (indicator_code)
    JOIN marts.indicator_values AS p
      ON p.region_code = v.region_code AND p.indicator_code = v.indicator_code
     AND p.year BETWEEN v.year - getvariable('pool_years') + 1 AND v.year
    WHERE list_contains(getvariable('rare_event_indicators'), v.indicator_code)
    GROUP BY v.region_code, v.year, v.indicator_code
),
region_values AS (
    SELECT v.region_code, v.year, v.indicator_code,
           coalesce(p.value, v.value) AS value, coalesce(p.numerator, v.numerator) AS numerator,
           coalesce(p.denominator, v.denominator) AS denominator
    FROM marts.indicator_values AS v
    LEFT JOIN pooled AS p USING (region_code, year, indicator_code)
),
judged AS (
    SELECT
        n.norm_id, n.plan_id, n.indicator_code, n.scope_level, a.region_code, a.facility_id, a.year, n.target_year,
        n.comparator, n.threshold, n.threshold_high, n.tolerance, n.unit,
        coalesce(v.value, fv.value) AS value, coalesce(v.numerator, fv.numerator) AS numerator,
        coalesce(v.denominator, fv.denominator) AS denominator,
        n.condition,
        json_extract_string(n.condition, '$.measure') AS condition_measure,
        json_extract_string(n.condition, '$.comparator') AS condition_comparator,
        TRY_CAST(json_extract(n.condition, '$.value') AS DOUBLE) AS condition_value,
        coalesce(c.value, fc.value) AS unit_condition_value
    FROM applicable AS a
    JOIN norms AS n ON n.norm_id = a.norm_id AND n.target_year IS NOT DISTINCT FROM a.target_year
    LEFT JOIN region_values AS v
      ON a.facility_id IS NULL AND v.region_code = a.region_code AND v.year = a.year AND v.indicator_code = n.indicator_code
    LEFT JOIN marts.facility_indicators AS fv
      ON fv.facility_id = a.facility_id AND fv.year = a.year AND fv.indicator_code = n.indicator_code
    LEFT JOIN staging.region_measures AS c
      ON a.facility_id IS NULL AND c.region_code = a.region_code AND c.year = a.year
     AND c.measure = json_extract_string(n.condition, '$.measure')
    LEFT JOIN staging.facility_measures AS fc
      ON fc.facility_id = a.facility_id AND fc.year = a.year
     AND fc.measure = json_extract_string(n.condition, '$.measure')
)
SELECT
    * EXCLUDE (condition_measure, condition_comparator, condition_value, unit_condition_value),
    CASE
        WHEN condition IS NOT NULL AND (condition_measure IS NULL OR condition_value IS NULL)
            THEN 'condition not evaluable from data: ' || condition
        WHEN condition IS NOT NULL AND unit_condition_value IS NULL
            THEN format('no data for the condition ({})', condition_measure)
        WHEN condition IS NOT NULL AND NOT CASE condition_comparator
                WHEN '>' THEN unit_condition_value > condition_value
                WHEN '>=' THEN unit_condition_value >= condition_value
                WHEN '<' THEN unit_condition_value < condition_value
                WHEN '<=' THEN unit_condition_value <= condition_value
            END
            THEN format('condition not applicable: {} is {} (norm applies where {} {} {})',
                        condition_measure, unit_condition_value, condition_measure, condition_comparator, condition_value)
        WHEN value IS NULL AND denominator = 0 THEN 'denominator zero'
        WHEN value IS NULL THEN 'no data'
    END AS not_evaluable_reason
FROM judged;
