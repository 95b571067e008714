-- Region dimension (区划维表): every region code ever filed, the code in force it rolls up to, its
-- parent chain up to the prefecture, and the plans that apply to it.
CREATE OR REPLACE TABLE marts.dim_region AS
WITH chain AS (
    SELECT
        a.region_code,
        max(a.ancestor_code) FILTER (WHERE a.ancestor_level = 'township') AS township_code,
        max(a.ancestor_code) FILTER (WHERE a.ancestor_level = 'county') AS county_code,
        max(a.ancestor_code) FILTER (WHERE a.ancestor_level = 'prefecture') AS prefecture_code,
        max(a.ancestor_code) FILTER (WHERE a.ancestor_level = 'province') AS province_code
    FROM staging.region_ancestors AS a
    GROUP BY a.region_code
),
plans AS (
    SELECT a.region_code, string_agg(p.plan_id, ', ' ORDER BY p.plan_id) AS plan_ids
    FROM staging.region_ancestors AS a
    JOIN marts.plans AS p ON p.jurisdiction_code = a.ancestor_code
    GROUP BY a.region_code
)
SELECT
    r.region_code, r.region_name, r.level, c.current_code, r.region_code <> c.current_code AS retired,
    r.valid_from, r.valid_to, ch.township_code, ch.county_code, cn.region_name AS county_name,
    ch.prefecture_code, pf.region_name AS prefecture_name, ch.province_code, pl.plan_ids
FROM staging.regions AS r
JOIN staging.region_codes AS c ON c.region_code = r.region_code
LEFT JOIN chain AS ch ON ch.region_code = c.current_code
LEFT JOIN staging.regions AS cn ON cn.region_code = ch.county_code
LEFT JOIN staging.regions AS pf ON pf.region_code = ch.prefecture_code
LEFT JOIN plans AS pl ON pl.region_code = c.current_code
ORDER BY r.region_code;

COMMENT ON TABLE marts.dim_region IS '区划维表 Regions: every code ever filed, the code in force, the parent chain and the plans that apply';
COMMENT ON COLUMN marts.dim_region.region_code IS '区划代码 Region code as filed (GB/T 2260)';
COMMENT ON COLUMN marts.dim_region.region_name IS '区划名称 Region name';
COMMENT ON COLUMN marts.dim_region.level IS '级别 province, prefecture, county, township, village';
COMMENT ON COLUMN marts.dim_region.current_code IS '现行代码 Code in force this region rolls up to (itself unless retired)';
COMMENT ON COLUMN marts.dim_region.retired IS '已撤销 Whether the code was retired by a boundary change';
COMMENT ON COLUMN marts.dim_region.valid_from IS '启用日期 Valid from';
COMMENT ON COLUMN marts.dim_region.valid_to IS '停用日期 Valid to (retired codes)';
COMMENT ON COLUMN marts.dim_region.township_code IS '乡镇代码 Township of the region (itself for a township)';
COMMENT ON COLUMN marts.dim_region.county_code IS '县区代码 County of the region';
COMMENT ON COLUMN marts.dim_region.county_name IS '县区名称 County name';
COMMENT ON COLUMN marts.dim_region.prefecture_code IS '地市代码 Prefecture of the region';
COMMENT ON COLUMN marts.dim_region.prefecture_name IS '地市名称 Prefecture name';
COMMENT ON COLUMN marts.dim_region.province_code IS '省代码 Province of the region';
COMMENT ON COLUMN marts.dim_region.plan_ids IS '适用规划 Plans whose jurisdiction contains the region (marts.plans)';
