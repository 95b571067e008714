-- 卫生人员 (staff) staged: every row of intermediate.staff_validated that no problem sets aside.
-- A cell set aside is already null there, and a flagged figure is kept (macro staged_rows, sql/macros/staging.sql).
CREATE OR REPLACE TABLE staging.staff AS
FROM staged_rows('intermediate.staff_validated');

COMMENT ON TABLE staging.staff IS '卫生人员 staff, typed, codes resolved and checked: every row received that no problem sets aside (cells set aside are null)';
