-- Health facilities (医疗卫生机构). Each sits in the lowest region it belongs to (village, township
-- or county), resolved to the code in force; one row per facility_id (the first is kept).
CREATE OR REPLACE TEMP TABLE facilities_checked AS
WITH resolved AS (
    SELECT f.* EXCLUDE (region_code), f.region_code AS filed_region_code, c.current_code AS region_code
    FROM raw.facilities AS f
    LEFT JOIN staging.region_codes AS c ON c.region_code = f.region_code
),
numbered AS (
    SELECT *, row_number() OVER w AS nth, first_value(_file || ' row ' || _row) OVER w AS first_seen
    FROM resolved
    WINDOW w AS (PARTITION BY facility_id ORDER BY _file, _row)
)
SELECT
    * EXCLUDE (nth, first_seen, _problems),
    list_concat(_problems, occurred([
        CASE WHEN filed_region_code IS NOT NULL AND region_code IS NULL THEN problem('region_code', 'unknown_region',
            format('区划代码 (region_code) {} is not in the regions list', filed_region_code)) END,
        CASE WHEN facility_id IS NOT NULL AND nth > 1 THEN problem('facility_id', 'duplicate',
            format('机构代码 (facility_id) {} is listed more than once; the first, at {}, is kept', facility_id, first_seen)) END
    ])) AS _problems
FROM numbered;
