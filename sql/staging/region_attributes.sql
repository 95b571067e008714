-- What kind of place each region is, and the places it contains (地区属性), long form like
-- staging.region_measures, in every year with population data (the region list has no years).
-- The kind of a township- or village-level region follows from the end of its name
-- (data/reference/region_kinds.csv, the longest matching ending wins): 街道 is a subdistrict, 镇 and 乡 are
-- not; 村 is an administrative village, 社区 or 居委会 an urban community. A name that says neither has
-- no kind, and so no is_subdistrict / is_administrative_village (no data, never a guess).
-- Counts (townships, villages, subdistricts …) are of the places in a region and below; 0 is left out
-- and filled by marts.indicator_values (marts.measures.zero_when_absent).
CREATE OR REPLACE TABLE staging.region_attributes AS
WITH suffixes AS (
    SELECT code AS kind, level, unnest(string_split(name_suffixes, '|')) AS suffix FROM ref.region_kinds
),
places AS (
    SELECT a.region_code, a.level, arg_max(s.kind, length(s.suffix)) AS kind
    FROM staging.region_ancestors AS a
    JOIN staging.regions AS r ON r.region_code = a.region_code
    LEFT JOIN suffixes AS s ON s.level = a.level AND ends_with(r.region_name, s.suffix)
    WHERE a.depth = 0 AND a.level IN ('township', 'village')
    GROUP BY ALL
),
flags AS (
    SELECT region_code, 'is_subdistrict' AS measure, (kind = 'subdistrict')::INTEGER::DOUBLE AS value
    FROM places WHERE level = 'township' AND kind IS NOT NULL
    UNION ALL
    SELECT region_code, 'is_administrative_village', (kind = 'administrative_village')::INTEGER::DOUBLE
    FROM places WHERE level = 'village' AND kind IS NOT NULL
),
-- Facilities registered in a place or below it, by type.
hosted AS (
    SELECT DISTINCT a.ancestor_code AS region_code, f.facility_type
    FROM staging.facilities AS f
    JOIN staging.region_ancestors AS a ON a.region_code = f.region_code
    WHERE f.facility_type IN ('community_health_centre', 'community_health_station', 'township_health_centre')
),
counted AS (
    SELECT region_code, 'townships' AS measure FROM places WHERE level = 'township'
    UNION ALL
    SELECT region_code, 'villages' FROM places WHERE kind = 'administrative_village'
    UNION ALL
    SELECT region_code, 'subdistricts' FROM places WHERE kind = 'subdistrict'
    UNION ALL
    SELECT DISTINCT p.region_code, 'subdistricts_with_community_health_facility'
    FROM places AS p
    JOIN hosted AS h ON h.region_code = p.region_code
     AND h.facility_type IN ('community_health_centre', 'community_health_station')
    WHERE p.kind = 'subdistrict'
    UNION ALL
    SELECT p.region_code, 'communities_without_centre'
    FROM places AS p
    WHERE p.kind = 'community'
      AND NOT EXISTS (SELECT 1 FROM hosted AS h WHERE h.region_code = p.region_code
                      AND h.facility_type IN ('community_health_centre', 'township_health_centre'))
),
rolled_up AS (
    SELECT a.ancestor_code AS region_code, c.measure, count(*)::DOUBLE AS value
    FROM counted AS c
    JOIN staging.region_ancestors AS a ON a.region_code = c.region_code
    GROUP BY ALL
),
attributes AS (
    SELECT * FROM flags
    UNION ALL
    SELECT * FROM rolled_up
)
SELECT a.region_code, y.year, a.measure, a.value
FROM attributes AS a
CROSS JOIN (SELECT DISTINCT year FROM staging.population) AS y;

COMMENT ON TABLE staging.region_attributes IS '区划属性 What kind of place each township and village is (subdistrict, administrative village …), from the end of its name (ref.region_kinds), and the structural counts of each region';
