-- What each facility's report and registry entry say each year (机构报表度量), long form: facility_id, year,
-- measure, value. Statistics not filed stay absent (no data), never zero. Attributes from the registry (flags
-- such as government_run, and grade_level) are given for every year the facility has statistics or staff.
-- The staff counts are in staging.facility_staff_measures; staging.facility_measures holds both.
CREATE OR REPLACE TABLE staging.facility_report_measures AS
WITH stats AS (
    UNPIVOT (
        SELECT facility_id, year,
               beds::DOUBLE AS beds, tcm_beds::DOUBLE AS tcm_beds, ambulances::DOUBLE AS ambulances,
               negative_pressure_ambulances::DOUBLE AS negative_pressure_ambulances, aeds::DOUBLE AS aeds,
               floor_area_m2, served_population::DOUBLE AS served_population, bandwidth_mbps,
               discharges::DOUBLE AS discharges, inpatient_days::DOUBLE AS inpatient_days,
               has_tcm_hall::INTEGER::DOUBLE AS has_tcm_hall, has_geriatrics_dept::INTEGER::DOUBLE AS has_geriatrics_dept
        FROM staging.facility_stats
    ) ON COLUMNS(* EXCLUDE (facility_id, year)) INTO NAME measure VALUE value
),
tcm_staff AS (
    SELECT facility_id, year, value FROM staging.facility_staff_measures WHERE measure = 'tcm_staff'
),
facility_years AS (
    SELECT facility_id, year FROM staging.facility_stats
    UNION
    SELECT DISTINCT facility_id, year FROM staging.facility_staff_measures
),
-- 具备中医药服务能力: a TCM staff member that year, or a TCM hall reported that year
tcm_capable AS (
    SELECT y.facility_id, y.year, 'tcm_capable' AS measure,
           (coalesce(c.value, 0) > 0 OR coalesce(s.has_tcm_hall, false))::INTEGER::DOUBLE AS value
    FROM facility_years AS y
    LEFT JOIN tcm_staff AS c ON c.facility_id = y.facility_id AND c.year = y.year
    LEFT JOIN staging.facility_stats AS s ON s.facility_id = y.facility_id AND s.year = y.year
),
attributes AS (
    -- A facility without a grade (or ownership) fails a filter on it: 0, not "no data".
    SELECT y.facility_id, y.year, m.measure,
           coalesce(passes_facility_filter(f.facility_type, f.ownership, f.grade, g.level,
                                           m.facility_types, m.ownership, m.grades, m.min_grade_level), false)::INTEGER::DOUBLE AS value
    FROM facility_years AS y
    JOIN staging.facilities AS f USING (facility_id)
    LEFT JOIN ref.facility_grades AS g ON g.code = f.grade
    CROSS JOIN (SELECT * FROM marts.measures WHERE role = 'flag') AS m
    UNION ALL
    SELECT y.facility_id, y.year, 'grade_level', coalesce(g.level::DOUBLE, 0)
    FROM facility_years AS y
    JOIN staging.facilities AS f USING (facility_id)
    LEFT JOIN ref.facility_grades AS g ON g.code = f.grade
)
SELECT facility_id, year, measure, value FROM stats WHERE value IS NOT NULL
UNION ALL
SELECT facility_id, year, measure, value FROM tcm_capable
UNION ALL
SELECT facility_id, year, measure, value FROM attributes;

COMMENT ON TABLE staging.facility_report_measures IS '机构报表度量 What each facility''s report and registry entry say each year: the statistics filed (beds, ambulances …), tcm_capable, and attributes such as government_run and grade_level; one row per facility, year and measure';
