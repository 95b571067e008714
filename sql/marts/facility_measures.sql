-- What each facility has each year (机构年度指标), long form: facility_id, year, measure, value.
-- Runs after registry_counts.sql, whose facility counts it includes.
-- Statistics not filed stay absent (no data), never zero; staff counts are zero for a category
-- a facility reported no one in.
CREATE OR REPLACE TABLE staging.facility_measures AS
WITH stats AS (
    UNPIVOT (
        SELECT facility_id, year,
               beds::DOUBLE AS beds, tcm_beds::DOUBLE AS tcm_beds, ambulances::DOUBLE AS ambulances,
               negative_pressure_ambulances::DOUBLE AS negative_pressure_ambulances, aeds::DOUBLE AS aeds,
               floor_area_m2, served_population::DOUBLE AS served_population, bandwidth_mbps,
               discharges::DOUBLE AS discharges, inpatient_days::DOUBLE AS inpatient_days
        FROM staging.facility_stats
    ) ON COLUMNS(* EXCLUDE (facility_id, year)) INTO NAME measure VALUE value
),
staff_counts AS (
    SELECT
        s.facility_id, s.year,
        count(*) FILTER (WHERE c.is_physician = 'true') AS physicians,
        count(*) FILTER (WHERE s.category = 'licensed_physician') AS licensed_physicians,
        count(*) FILTER (WHERE s.category = 'registered_nurse') AS nurses,
        count(*) FILTER (WHERE s.category = 'pharmacist') AS pharmacists,
        count(*) FILTER (WHERE s.category = 'technician') AS technicians,
        count(*) FILTER (WHERE c.is_health_technician = 'true') AS health_technicians,
        -- 全科医生: physicians whose registered practice scope is general practice
        count(*) FILTER (WHERE c.is_physician = 'true' AND s.specialty = 'general_practice') AS gps,
        count(*) FILTER (WHERE s.specialty = 'public_health') AS public_health_staff,
        count(*) FILTER (WHERE c.is_physician = 'true' AND s.specialty = 'psychiatry') AS psychiatrists,
        count(*) FILTER (WHERE c.is_physician = 'true' AND s.specialty = 'tcm') AS tcm_physicians,
        count(*) AS staff_total
    FROM staging.staff AS s
    JOIN ref.staff_categories AS c ON c.code = s.category
    GROUP BY s.facility_id, s.year
),
staff AS (
    UNPIVOT (
        SELECT facility_id, year, COLUMNS(* EXCLUDE (facility_id, year))::DOUBLE FROM staff_counts
    ) ON COLUMNS(* EXCLUDE (facility_id, year)) INTO NAME measure VALUE value
)
SELECT facility_id, year, measure, value FROM stats
UNION ALL
SELECT facility_id, year, measure, value FROM staff
UNION ALL
SELECT facility_id, year, measure, value FROM staging.registry_counts;
