-- The problems of 常住人口 (population), one row each at its grain (macro rejected_problems, sql/macros/staging.sql).
CREATE OR REPLACE TABLE staging.population_rejected AS
FROM rejected_problems('population', 'intermediate.population_validated');

COMMENT ON TABLE staging.population_rejected IS '常住人口问题 Every problem of population at its grain (row set aside, cell set aside, figure flagged) with its reason and fix; gathered in marts.quarantine';
