-- Public-health statistics (公共卫生统计), long form: one row per region, year and indicator, with the
-- region resolved to the code in force. The rules (a numerator or a value, known region and indicator,
-- one figure per region, year and indicator, shares) are in expectations/quality/public_health.yaml.
CREATE OR REPLACE TABLE intermediate.public_health_checked AS
FROM with_region_in_force('raw.public_health');  -- sql/macros/regions.sql

COMMENT ON TABLE intermediate.public_health_checked IS '公共卫生统计（检查中） public_health as received, codes resolved and keys formed, with the problems the input contract found on each row; the quality suite runs next (intermediate.public_health_validated)';
