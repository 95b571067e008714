-- Release comparison (发布对比): every figure of marts.release_profile beside the published build's (intermediate.
-- published_profile), with the limit of expectations/release_guard.yaml (config.release_guard_rules). A drop beyond
-- the limit is a breach: the release guard blocks publishing unless the build is accepted. Kept in the
-- warehouse: what changed since the previous version, as OWID's "data points lost" does.
CREATE OR REPLACE TABLE marts.release_comparison AS
WITH joined AS (
    SELECT coalesce(c.scope, p.scope) AS scope, coalesce(c.scope_code, p.scope_code) AS scope_code,
           coalesce(c.scope_name, p.scope_name) AS scope_name, coalesce(c.metric, p.metric) AS metric,
           coalesce(c.detail, p.detail) AS detail, coalesce(c.year, p.year) AS year,
           p.value AS previous_value, coalesce(c.value, 0) AS current_value,
           p.files AS previous_files, coalesce(c.files, []) AS current_files
    FROM marts.release_profile AS c
    FULL JOIN intermediate.published_profile AS p USING (scope, scope_code, metric, detail, year)
)
SELECT j.*,
       CASE WHEN j.previous_value > 0 THEN (j.previous_value - j.current_value) / j.previous_value END AS drop_share,
       r.max_drop_share, r.min_previous,
       coalesce(j.previous_value >= r.min_previous
                AND (j.previous_value - j.current_value) / j.previous_value > r.max_drop_share, false) AS breach,
       r.name_zh, r.name_en
FROM joined AS j
LEFT JOIN config.release_guard_rules AS r USING (metric)
ORDER BY breach DESC, scope, scope_code, metric, detail, year;

COMMENT ON TABLE marts.release_comparison IS '发布对比 Release comparison: each figure of this build beside the previously published build''s, and whether its drop broke a limit of expectations/release_guard.yaml';
COMMENT ON COLUMN marts.release_comparison.scope IS '范围 source, file or prefecture';
COMMENT ON COLUMN marts.release_comparison.scope_code IS '范围代码 Source name, file name or prefecture code';
COMMENT ON COLUMN marts.release_comparison.scope_name IS '范围名称 Source of a file, or the prefecture''s name';
COMMENT ON COLUMN marts.release_comparison.metric IS '指标 What is counted (expectations/release_guard.yaml)';
COMMENT ON COLUMN marts.release_comparison.detail IS '细分 Facility type for facilities_by_type; empty otherwise';
COMMENT ON COLUMN marts.release_comparison.year IS '年份 Year of the data; 0 for figures without a year';
COMMENT ON COLUMN marts.release_comparison.previous_value IS '上一版数值 The figure in the previously published build; empty if it had none';
COMMENT ON COLUMN marts.release_comparison.current_value IS '本版数值 The figure in this build (0 if none)';
COMMENT ON COLUMN marts.release_comparison.previous_files IS '上一版文件 Files the published figure came from';
COMMENT ON COLUMN marts.release_comparison.current_files IS '本版文件 Files this build''s figure came from';
COMMENT ON COLUMN marts.release_comparison.drop_share IS '下降比例 (previous − current) / previous; negative for a rise';
COMMENT ON COLUMN marts.release_comparison.max_drop_share IS '允许下降比例 The limit (expectations/release_guard.yaml)';
COMMENT ON COLUMN marts.release_comparison.min_previous IS '最小基数 Figures below this in the published build are not judged';
COMMENT ON COLUMN marts.release_comparison.breach IS '超限 true when the drop is beyond the limit: publishing was blocked unless accepted (marts.build_info.release_acceptance)';
COMMENT ON COLUMN marts.release_comparison.name_zh IS '指标名称 What is counted, in Chinese';
COMMENT ON COLUMN marts.release_comparison.name_en IS '指标英文名 What is counted, in English';
