-- What each region has each year (地区年度指标), long form: region_code, year, measure, value, for every region
-- in force and each of its ancestors: the staff counts (staging.region_staff_measures) and everything the
-- reports say (staging.region_report_measures). A view, so that neither part is copied, and a change to one
-- source rebuilds only its part.
CREATE OR REPLACE VIEW staging.region_measures AS
SELECT region_code, year, measure, value FROM staging.region_report_measures
UNION ALL
SELECT region_code, year, measure, value FROM staging.region_staff_measures;

COMMENT ON VIEW staging.region_measures IS '地区度量 Every measure summed up each region and its ancestors, per year, with population and the reported figures; the numerators and denominators of the indicators';
