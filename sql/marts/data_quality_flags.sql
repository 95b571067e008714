-- Data quality flags (数据质量标记): what the WHO Data Quality Review found doubtful, from intermediate.dqr_statistics
-- and the rows Great Expectations found outside their limits (intermediate.dqr_failed, by rowid). A flag never drops
-- data; where there is not enough history or peers to judge, the flag says "insufficient_data", not a pass.
CREATE OR REPLACE TABLE marts.data_quality_flags AS
SELECT
    s.check_name, s.region_code, s.year, s.indicator_code, s.statistic, s.limit_low, s.limit_high,
    CASE WHEN s.insufficient IS NOT NULL THEN 'insufficient_data' ELSE 'flagged' END AS flag,
    CASE
        WHEN s.insufficient IS NOT NULL THEN NULL
        WHEN s.check_name = 'outliers' AND s.statistic > (
            SELECT extreme FROM config.dqr_outliers) THEN 'extreme'
        WHEN s.check_name = 'outliers' THEN 'moderate'
        ELSE 'warning'
    END AS severity,
    coalesce(s.insufficient, s.detail) AS detail
FROM intermediate.dqr_statistics AS s
WHERE s.insufficient IS NOT NULL OR s.rowid IN (SELECT _rowid FROM intermediate.dqr_failed)
ORDER BY s.check_name, s.region_code, s.year, s.indicator_code;

COMMENT ON TABLE marts.data_quality_flags IS '数据质量标记 Data quality flags of the WHO Data Quality Review: completeness, consistency over time, outliers among peers, related figures. Flags never drop data';
COMMENT ON COLUMN marts.data_quality_flags.check_name IS '检查 completeness 完整性 / consistency_over_time 时间一致性 / outliers 离群值 / related_figures 相关指标一致性';
COMMENT ON COLUMN marts.data_quality_flags.region_code IS '区划代码 Region flagged';
COMMENT ON COLUMN marts.data_quality_flags.year IS '年份 Year';
COMMENT ON COLUMN marts.data_quality_flags.indicator_code IS '指标代码 Indicator (or related-figure check) flagged; empty for completeness';
COMMENT ON COLUMN marts.data_quality_flags.statistic IS '统计量 Completeness share, relative change from the mean of the three preceding years, |modified z-score|, or the related-figure ratio';
COMMENT ON COLUMN marts.data_quality_flags.limit_low IS '下限 Lowest acceptable statistic';
COMMENT ON COLUMN marts.data_quality_flags.limit_high IS '上限 Highest acceptable statistic';
COMMENT ON COLUMN marts.data_quality_flags.flag IS '标记 flagged 存疑 / insufficient_data 数据不足 (not a pass)';
COMMENT ON COLUMN marts.data_quality_flags.severity IS '严重程度 moderate / extreme for outliers (modified z above 3.5 / 5), warning otherwise';
COMMENT ON COLUMN marts.data_quality_flags.detail IS '说明 What was found, in words';
