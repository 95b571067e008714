-- The problems of 医疗卫生机构 (facilities), one row each at its grain (macro rejected_problems, sql/macros/staging.sql).
CREATE OR REPLACE TABLE staging.facilities_rejected AS
FROM rejected_problems('facilities', 'intermediate.facilities_validated');

COMMENT ON TABLE staging.facilities_rejected IS '医疗卫生机构问题 Every problem of facilities at its grain (row set aside, cell set aside, figure flagged) with its reason and fix; gathered in marts.quarantine';
