-- The problems of 机构年报 (facility_stats), one row each at its grain (macro rejected_problems, sql/macros/staging.sql).
CREATE OR REPLACE TABLE staging.facility_stats_rejected AS
FROM rejected_problems('facility_stats', 'intermediate.facility_stats_validated');

COMMENT ON TABLE staging.facility_stats_rejected IS '机构年报问题 Every problem of facility_stats at its grain (row set aside, cell set aside, figure flagged) with its reason and fix; gathered in marts.quarantine';
