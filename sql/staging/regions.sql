-- Regions (行政区划) as filed, checked against the rules that need the whole list:
-- code length by level (GB/T 2260: 6 digits down to county, 9 for townships, 12 for villages),
-- duplicates (the first occurrence is kept), parents and successors that exist.
CREATE OR REPLACE TEMP TABLE regions_checked AS
WITH known AS (
    SELECT DISTINCT region_code FROM raw.regions WHERE region_code IS NOT NULL
),
numbered AS (
    SELECT
        r.*,
        row_number() OVER w AS nth,
        first_value(r._file || ' row ' || r._row) OVER w AS first_seen,
        CASE r.level WHEN 'township' THEN 9 WHEN 'village' THEN 12 ELSE 6 END AS expected_digits
    FROM raw.regions AS r
    WINDOW w AS (PARTITION BY r.region_code ORDER BY r._file, r._row)
)
SELECT
    n.* EXCLUDE (nth, first_seen, expected_digits, _problems),
    list_concat(n._problems, occurred([
        CASE WHEN length(n.region_code) <> n.expected_digits THEN problem('region_code', 'code_format',
            format('区划代码 (region_code) {} has {} digits; a {} code has {}',
                   n.region_code, length(n.region_code), n.level, n.expected_digits)) END,
        CASE WHEN n.region_code IS NOT NULL AND n.nth > 1 THEN problem('region_code', 'duplicate',
            format('区划代码 (region_code) {} is listed more than once; the first, at {}, is kept',
                   n.region_code, n.first_seen)) END,
        CASE WHEN n.level <> 'province' AND n.parent_code IS NULL THEN problem('parent_code', 'required',
            format('上级区划代码 (parent_code) is empty; every {} needs its parent', n.level)) END,
        CASE WHEN n.parent_code NOT IN (SELECT region_code FROM known) THEN problem('parent_code', 'unknown_region',
            format('上级区划代码 (parent_code) {} is not in the regions list', n.parent_code)) END,
        CASE WHEN n.replaced_by NOT IN (SELECT region_code FROM known) THEN problem('replaced_by', 'unknown_region',
            format('继承区划代码 (replaced_by) {} is not in the regions list', n.replaced_by)) END
    ])) AS _problems
FROM numbered AS n;
