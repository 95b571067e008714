-- What each region's facilities report each year (地区报表度量), long form: region_code, year, measure, value:
-- the figures of the facility reports (staging.facility_report_measures: beds, ambulances …) and the registry
-- counts (staging.registry_counts) summed over every facility in the region, for every region in force and
-- each of its ancestors. Flags and grade levels are a facility's attributes, never summed.
-- staging.region_measures holds it beside the staff counts, the filed figures and the region attributes.
CREATE OR REPLACE TABLE staging.region_report_measures AS
WITH facility_figures AS (
    SELECT facility_id, year, measure, value FROM staging.facility_report_measures
    WHERE measure NOT IN (SELECT measure FROM marts.measures WHERE role = 'flag' OR measure = 'grade_level')
    UNION ALL
    SELECT facility_id, year, measure, value FROM staging.registry_counts
)
SELECT region_code, year, measure, value FROM summed_up_the_tree('facility_figures');

COMMENT ON TABLE staging.region_report_measures IS '地区报表度量 Every figure of the facility reports (beds, ambulances …) and every registry count summed over the facilities of each region and its ancestors, per year';
