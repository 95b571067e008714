-- The problems of 公共卫生统计 (public_health), one row each at its grain (macro rejected_problems, sql/macros/staging.sql).
CREATE OR REPLACE TABLE staging.public_health_rejected AS
FROM rejected_problems('public_health', 'intermediate.public_health_validated');

COMMENT ON TABLE staging.public_health_rejected IS '公共卫生统计问题 Every problem of public_health at its grain (row set aside, cell set aside, figure flagged) with its reason and fix; gathered in marts.quarantine';
