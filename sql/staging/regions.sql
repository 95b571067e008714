-- 行政区划 (regions) staged: every row of intermediate.regions_validated that no problem sets aside.
-- A cell set aside is already null there, and a flagged figure is kept (macro staged_rows, sql/macros/staging.sql).
CREATE OR REPLACE TABLE staging.regions AS
FROM staged_rows('intermediate.regions_validated');

COMMENT ON TABLE staging.regions IS '行政区划 regions, typed, codes resolved and checked: every row received that no problem sets aside (cells set aside are null)';
