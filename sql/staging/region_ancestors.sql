-- The region tree as a closure table: each region in force with itself (depth 0) and every ancestor.
-- Parents are resolved to the code in force, so a township still filed under a retired county
-- hangs under that county's successor.
CREATE OR REPLACE TABLE staging.region_ancestors AS
WITH RECURSIVE in_force AS (
    SELECT r.region_code, r.level, parent.current_code AS parent_code
    FROM staging.regions AS r
    JOIN staging.region_codes AS self ON self.region_code = r.region_code AND self.current_code = r.region_code
    LEFT JOIN staging.region_codes AS parent ON parent.region_code = r.parent_code
),
up(region_code, ancestor_code, depth) AS (
    SELECT region_code, region_code, 0 FROM in_force
    UNION ALL
    SELECT up.region_code, f.parent_code, up.depth + 1
    FROM up
    JOIN in_force AS f ON f.region_code = up.ancestor_code
    WHERE f.parent_code IS NOT NULL AND up.depth < 6
)
SELECT up.region_code, region.level, up.ancestor_code, ancestor.level AS ancestor_level, up.depth
FROM up
JOIN in_force AS region ON region.region_code = up.region_code
JOIN in_force AS ancestor ON ancestor.region_code = up.ancestor_code;

COMMENT ON TABLE staging.region_ancestors IS '区划祖先 Every region (code in force) with each of its ancestors up to the province, itself at depth 0';
