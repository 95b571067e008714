-- Resident population (常住人口) per region and year. Codes are resolved to the code in force;
-- one figure per region and year (a second one, even filed under a retired code, is quarantined).
CREATE OR REPLACE TEMP TABLE population_checked AS
WITH resolved AS (
    SELECT p.* EXCLUDE (region_code), p.region_code AS filed_region_code, c.current_code AS region_code
    FROM raw.population AS p
    LEFT JOIN staging.region_codes AS c ON c.region_code = p.region_code
),
numbered AS (
    SELECT *, row_number() OVER w AS nth, first_value(_file || ' row ' || _row) OVER w AS first_seen
    FROM resolved
    WINDOW w AS (PARTITION BY region_code, year ORDER BY _file, _row)
)
SELECT
    * EXCLUDE (nth, first_seen, _problems),
    list_concat(_problems, occurred([
        CASE WHEN filed_region_code IS NOT NULL AND region_code IS NULL THEN problem('region_code', 'unknown_region',
            format('区划代码 (region_code) {} is not in the regions list', filed_region_code)) END,
        CASE WHEN region_code IS NOT NULL AND year IS NOT NULL AND nth > 1 THEN problem('region_code', 'duplicate',
            format('the population of {} for {} is already given at {}', region_code, year, first_seen)) END
    ])) AS _problems
FROM numbered;
