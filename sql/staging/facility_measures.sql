-- What each facility has each year (机构年度指标), long form: facility_id, year, measure, value: the staff
-- counts (staging.facility_staff_measures) and what the facility report and registry say
-- (staging.facility_report_measures). A view, so that neither part is copied, and a change to one source
-- rebuilds only its part. Registry counts are in staging.registry_counts.
CREATE OR REPLACE VIEW staging.facility_measures AS
SELECT facility_id, year, measure, value FROM staging.facility_report_measures
UNION ALL
SELECT facility_id, year, measure, value FROM staging.facility_staff_measures;

COMMENT ON VIEW staging.facility_measures IS '机构度量 What each facility has each year: every facility measure of expectations/indicators.yaml (beds, ambulances, physicians, nurses, GPs, attributes such as government_run), one row per facility, year and measure';
