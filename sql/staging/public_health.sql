-- 公共卫生统计 (public_health) staged: every row of intermediate.public_health_validated that no problem sets aside.
-- A cell set aside is already null there, and a flagged figure is kept (macro staged_rows, sql/macros/staging.sql).
CREATE OR REPLACE TABLE staging.public_health AS
FROM staged_rows('intermediate.public_health_validated');

COMMENT ON TABLE staging.public_health IS '公共卫生统计 public_health, typed, codes resolved and checked: every row received that no problem sets aside (cells set aside are null)';
