-- 医疗卫生机构 (facilities) staged: every row of intermediate.facilities_validated that no problem sets aside.
-- A cell set aside is already null there, and a flagged figure is kept (macro staged_rows, sql/macros/staging.sql).
CREATE OR REPLACE TABLE staging.facilities AS
FROM staged_rows('intermediate.facilities_validated');

COMMENT ON TABLE staging.facilities IS '医疗卫生机构 facilities, typed, codes resolved and checked: every row received that no problem sets aside (cells set aside are null)';
