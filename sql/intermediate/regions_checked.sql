-- Regions (行政区划) as filed. The rules (one row per code, parents and successors that exist, code length
-- by level, a parent below the province) are in expectations/quality/regions.yaml.
CREATE OR REPLACE VIEW intermediate.regions_checked AS
SELECT * FROM raw.regions;

COMMENT ON VIEW intermediate.regions_checked IS '行政区划（检查中） regions as received, codes resolved and keys formed, with the problems the input contract found on each row; the quality suite runs next (intermediate.regions_validated)';
