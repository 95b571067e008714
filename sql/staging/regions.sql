-- Regions (行政区划) as filed. The rules (one row per code, parents and successors that exist, code length
-- by level, a parent below the province) are in expectations/quality/regions.yaml.
CREATE OR REPLACE TEMP TABLE regions_checked AS
SELECT * FROM raw.regions;
