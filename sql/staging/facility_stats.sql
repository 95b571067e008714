-- 机构年报 (facility_stats) staged: every row of intermediate.facility_stats_validated that no problem sets aside.
-- A cell set aside is already null there, and a flagged figure is kept (macro staged_rows, sql/macros/staging.sql).
CREATE OR REPLACE TABLE staging.facility_stats AS
FROM staged_rows('intermediate.facility_stats_validated');

COMMENT ON TABLE staging.facility_stats IS '机构年报 facility_stats, typed, codes resolved and checked: every row received that no problem sets aside (cells set aside are null)';
