-- Release profile (发布概况): the figures the release guard compares between this build and the published one,
-- per source, per file and per prefecture (expectations/release_guard.yaml lists them), each with the files it
-- came from. The published warehouse keeps its own, so the next build compares with exactly what was published.
CREATE OR REPLACE TABLE marts.release_profile AS
WITH prefecture_of AS (
    SELECT a.region_code, a.ancestor_code AS prefecture_code, coalesce(p.region_name, '') AS prefecture_name
    FROM staging.region_ancestors AS a
    LEFT JOIN staging.regions AS p ON p.region_code = a.ancestor_code
    WHERE a.ancestor_level = 'prefecture'
),
facilities AS (
    SELECT f.*, p.prefecture_code, p.prefecture_name
    FROM staging.facilities AS f JOIN prefecture_of AS p USING (region_code)
),
figures AS (
    SELECT 'source' AS scope, source AS scope_code, source AS scope_name, 'source_rows' AS metric, '' AS detail,
           NULL::INTEGER AS year, sum(rows) AS value, list(DISTINCT file ORDER BY file) AS files
    FROM raw.input_files GROUP BY source
    UNION ALL
    SELECT 'file', file, source, 'file_rows', '', NULL, sum(rows), [file]
    FROM raw.input_files GROUP BY source, file
    UNION ALL
    SELECT 'prefecture', prefecture_code, prefecture_name, 'facilities', '', NULL, count(*), list(DISTINCT _file ORDER BY _file)
    FROM facilities GROUP BY ALL
    UNION ALL
    SELECT 'prefecture', prefecture_code, prefecture_name, 'facilities_by_type', facility_type, NULL, count(*),
           list(DISTINCT _file ORDER BY _file)
    FROM facilities GROUP BY ALL
    UNION ALL
    SELECT 'prefecture', f.prefecture_code, f.prefecture_name, 'staff', '', s.year, count(*), list(DISTINCT s._file ORDER BY s._file)
    FROM staging.staff AS s JOIN facilities AS f USING (facility_id) GROUP BY ALL
    UNION ALL
    SELECT 'prefecture', f.prefecture_code, f.prefecture_name, 'facility_stats_rows', '', s.year, count(*),
           list(DISTINCT s._file ORDER BY s._file)
    FROM staging.facility_stats AS s JOIN facilities AS f USING (facility_id) GROUP BY ALL
    UNION ALL
    SELECT 'prefecture', p.prefecture_code, p.prefecture_name, 'population_regions', '', o.year, count(DISTINCT o.region_code),
           list(DISTINCT o._file ORDER BY o._file)
    FROM staging.population AS o JOIN prefecture_of AS p USING (region_code)
    WHERE o.resident_population IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'prefecture', p.prefecture_code, p.prefecture_name, 'public_health_rows', '', o.year, count(*),
           list(DISTINCT o._file ORDER BY o._file)
    FROM staging.public_health AS o JOIN prefecture_of AS p USING (region_code) GROUP BY ALL
)
SELECT scope, scope_code, scope_name, metric, detail, coalesce(year, 0) AS year, value::BIGINT AS value, files
FROM figures
ORDER BY scope, scope_code, metric, detail, year;

COMMENT ON TABLE marts.release_profile IS '发布概况 Release profile: the figures the release guard compares with the next build, per source, file and prefecture';
COMMENT ON COLUMN marts.release_profile.scope IS '范围 source, file or prefecture';
COMMENT ON COLUMN marts.release_profile.scope_code IS '范围代码 Source name, file name or prefecture code';
COMMENT ON COLUMN marts.release_profile.scope_name IS '范围名称 Source of a file, or the prefecture''s name';
COMMENT ON COLUMN marts.release_profile.metric IS '指标 What is counted (expectations/release_guard.yaml)';
COMMENT ON COLUMN marts.release_profile.detail IS '细分 Facility type for facilities_by_type; empty otherwise';
COMMENT ON COLUMN marts.release_profile.year IS '年份 Year of the data; 0 for figures without a year';
COMMENT ON COLUMN marts.release_profile.value IS '数值 The count';
COMMENT ON COLUMN marts.release_profile.files IS '文件 Inbox files the counted rows came from';
