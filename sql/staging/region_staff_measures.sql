-- What each region's staff rolls count each year (地区人员度量), long form: region_code, year, measure, value:
-- every staff measure of staging.facility_staff_measures summed over the facilities in the region, for every
-- region in force and each of its ancestors. Its own table so that a changed facility report or population
-- file does not sum the staff counts up the tree again; staging.region_measures holds it beside
-- staging.region_report_measures.
CREATE OR REPLACE TABLE staging.region_staff_measures AS
SELECT region_code, year, measure, value FROM summed_up_the_tree('staging.facility_staff_measures');

COMMENT ON TABLE staging.region_staff_measures IS '地区人员度量 Every staff measure (physicians, nurses, GPs …) summed over the facilities of each region and its ancestors, per year';
