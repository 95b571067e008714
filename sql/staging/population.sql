-- 常住人口 (population) staged: every row of intermediate.population_validated that no problem sets aside.
-- A cell set aside is already null there, and a flagged figure is kept (macro staged_rows, sql/macros/staging.sql).
CREATE OR REPLACE TABLE staging.population AS
FROM staged_rows('intermediate.population_validated');

COMMENT ON TABLE staging.population IS '常住人口 population, typed, codes resolved and checked: every row received that no problem sets aside (cells set aside are null)';
