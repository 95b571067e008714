-- Public-health statistics (公共卫生统计), long form: one row per region, year and indicator,
-- for an indicator of the catalog that is reported (not computed) and a region resolved to the code in force.
CREATE OR REPLACE TEMP TABLE public_health_checked AS
WITH resolved AS (
    SELECT p.* EXCLUDE (region_code), p.region_code AS filed_region_code, c.current_code AS region_code
    FROM raw.public_health AS p
    LEFT JOIN staging.region_codes AS c ON c.region_code = p.region_code
),
numbered AS (
    SELECT *, row_number() OVER w AS nth, first_value(_file || ' row ' || _row) OVER w AS first_seen
    FROM resolved
    WINDOW w AS (PARTITION BY region_code, year, indicator_code ORDER BY _file, _row)
)
SELECT
    * EXCLUDE (nth, first_seen, _problems),
    list_concat(_problems, occurred([
        CASE WHEN filed_region_code IS NOT NULL AND region_code IS NULL THEN problem('region_code', 'unknown_region',
            format('区划代码 (region_code) {} is not in the regions list', filed_region_code)) END,
        CASE WHEN indicator_code NOT IN (SELECT indicator_code FROM marts.indicators WHERE source = 'public_health')
            THEN problem('indicator_code', 'unknown_indicator',
            format('指标代码 (indicator_code) {} is not a reported indicator of the catalog (expectations/indicators.yaml)', indicator_code)) END,
        CASE WHEN numerator IS NULL AND value IS NULL THEN problem('numerator', 'required',
            '分子 (numerator) and 指标值 (value) are both empty: one of them is required') END,
        CASE WHEN region_code IS NOT NULL AND year IS NOT NULL AND nth > 1 THEN problem('indicator_code', 'duplicate',
            format('{} of {} for {} is already given at {}', indicator_code, region_code, year, first_seen)) END
    ])) AS _problems
FROM numbered;
