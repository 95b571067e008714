-- Yearly facility statistics (机构年报): one row per facility and year, for a facility in the registry.
-- The rules (registry, one row per facility and year, ranges, consistency) are in
-- expectations/quality/facility_stats.yaml.
CREATE OR REPLACE VIEW intermediate.facility_stats_checked AS
SELECT * FROM raw.facility_stats;

COMMENT ON VIEW intermediate.facility_stats_checked IS '机构年报（检查中） facility_stats as received, codes resolved and keys formed, with the problems the input contract found on each row; the quality suite runs next (intermediate.facility_stats_validated)';
