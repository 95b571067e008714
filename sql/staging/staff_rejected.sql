-- The problems of 卫生人员 (staff), one row each at its grain (macro rejected_problems, sql/macros/staging.sql).
CREATE OR REPLACE TABLE staging.staff_rejected AS
FROM rejected_problems('staff', 'intermediate.staff_validated');

COMMENT ON TABLE staging.staff_rejected IS '卫生人员问题 Every problem of staff at its grain (row set aside, cell set aside, figure flagged) with its reason and fix; gathered in marts.quarantine';
