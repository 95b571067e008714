-- Regions (行政区划) as filed: code length by level (GB/T 2260: 6 digits down to county, 9 for townships,
-- 12 for villages) and a parent for every region below a province. Duplicates, parents and successors that
-- exist: expectations/quality/regions.yaml.
CREATE OR REPLACE TEMP TABLE regions_checked AS
WITH numbered AS (
    SELECT r.*, CASE r.level WHEN 'township' THEN 9 WHEN 'village' THEN 12 ELSE 6 END AS expected_digits
    FROM raw.regions AS r
)
SELECT
    n.* EXCLUDE (expected_digits, _problems),
    list_concat(n._problems, occurred([
        CASE WHEN length(n.region_code) <> n.expected_digits THEN problem('region_code', 'code_format',
            format('区划代码 (region_code) {} has {} digits; a {} code has {}',
                   n.region_code, length(n.region_code), n.level, n.expected_digits)) END,
        CASE WHEN n.level <> 'province' AND n.parent_code IS NULL THEN problem('parent_code', 'required',
            format('上级区划代码 (parent_code) is empty; every {} needs its parent', n.level)) END
    ])) AS _problems
FROM numbered AS n;
