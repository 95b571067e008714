-- The problems of 行政区划 (regions), one row each at its grain (macro rejected_problems, sql/macros/staging.sql).
CREATE OR REPLACE TABLE staging.regions_rejected AS
FROM rejected_problems('regions', 'intermediate.regions_validated');

COMMENT ON TABLE staging.regions_rejected IS '行政区划问题 Every problem of regions at its grain (row set aside, cell set aside, figure flagged) with its reason and fix; gathered in marts.quarantine';
