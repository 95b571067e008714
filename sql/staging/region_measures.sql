-- What each region has each year (地区年度指标), long form: region_code, year, measure, value, for every region
-- in force and each of its ancestors: the facility reports and registry counts summed up the tree
-- (staging.region_report_measures), the staff counts (staging.region_staff_measures), the figures filed per
-- region (staging.region_filed_measures) and the region's own attributes (staging.region_attributes).
-- A view, so that no part is copied, and a change to one source rebuilds only its part.
CREATE OR REPLACE VIEW staging.region_measures AS
SELECT region_code, year, measure, value FROM staging.region_report_measures
UNION ALL
SELECT region_code, year, measure, value FROM staging.region_staff_measures
UNION ALL
SELECT region_code, year, measure, value FROM staging.region_filed_measures
UNION ALL
SELECT region_code, year, measure, value FROM staging.region_attributes;

COMMENT ON VIEW staging.region_measures IS '地区度量 Every measure summed up each region and its ancestors, per year, with population and the reported figures; the numerators and denominators of the indicators';
