-- Yearly facility statistics (机构年报): one row per facility and year, for a facility in the registry.
-- The rules (registry, one row per facility and year, ranges, consistency) are in
-- expectations/quality/facility_stats.yaml.
CREATE OR REPLACE TEMP TABLE facility_stats_checked AS
SELECT * FROM raw.facility_stats;
