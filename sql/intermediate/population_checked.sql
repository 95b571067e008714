-- Resident population (常住人口) per region and year. Codes are resolved to the code in force, so a
-- figure filed under a retired code counts for its successor. Rules (known region, one figure per region
-- and year, consistency) are in expectations/quality/population.yaml.
CREATE OR REPLACE TABLE intermediate.population_checked AS
FROM with_region_in_force('raw.population');  -- sql/macros/regions.sql

COMMENT ON TABLE intermediate.population_checked IS '常住人口（检查中） population as received, codes resolved and keys formed, with the problems the input contract found on each row; the quality suite runs next (intermediate.population_validated)';
