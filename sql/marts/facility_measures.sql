-- What each facility has each year (机构年度指标), long form: facility_id, year, measure, value.
-- Statistics not filed stay absent (no data), never zero; staff counts are zero for a category a facility
-- reported no one in. Attributes from the registry (flags such as government_run, and grade_level) are
-- given for every year the facility has statistics or staff. Registry counts are in staging.registry_counts.
CREATE OR REPLACE TABLE staging.facility_measures AS
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
        count(*) FILTER (WHERE c.is_physician = 'true' AND s.specialty = 'public_health') AS public_health_physicians,
        count(*) FILTER (WHERE c.is_physician = 'true' AND s.specialty = 'psychiatry') AS psychiatrists,
        count(*) FILTER (WHERE s.category = 'registered_nurse' AND s.specialty = 'psychiatry') AS psychiatric_nurses,
        count(*) FILTER (WHERE c.is_physician = 'true' AND s.specialty = 'tcm') AS tcm_physicians,
        count(*) FILTER (WHERE s.specialty = 'tcm') AS tcm_staff,
        count(*) AS staff_total
    FROM staging.staff AS s
    JOIN ref.staff_categories AS c ON c.code = s.category
    GROUP BY s.facility_id, s.year
),
staff AS (
    UNPIVOT (
        SELECT facility_id, year, COLUMNS(* EXCLUDE (facility_id, year, tcm_staff))::DOUBLE FROM staff_counts
    ) ON COLUMNS(* EXCLUDE (facility_id, year)) INTO NAME measure VALUE value
),
facility_years AS (
    SELECT facility_id, year FROM staging.facility_stats
    UNION
    SELECT facility_id, year FROM staff_counts
),
-- 具备中医药服务能力: a TCM staff member that year, or a TCM hall reported that year
tcm_capable AS (
    SELECT y.facility_id, y.year, 'tcm_capable' AS measure,
           (coalesce(c.tcm_staff, 0) > 0 OR coalesce(s.has_tcm_hall, false))::INTEGER::DOUBLE AS value
    FROM facility_years AS y
    LEFT JOIN staff_counts AS c USING (facility_id, year)
    LEFT JOIN staging.facility_stats AS s USING (facility_id, year)
),
attributes AS (
    -- A facility without a grade (or ownership) fails a filter on it: 0, not "no data".
    SELECT y.facility_id, y.year, m.measure,
           coalesce(list_contains(coalesce(m.facility_types, [f.facility_type]), f.facility_type)
                    AND (m.ownership IS NULL OR f.ownership = m.ownership)
                    AND (m.grades IS NULL OR list_contains(m.grades, f.grade))
                    AND (m.min_grade_level IS NULL OR g.level::INTEGER >= m.min_grade_level), false)::INTEGER::DOUBLE AS value
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
SELECT facility_id, year, measure, value FROM staff
UNION ALL
SELECT facility_id, year, measure, value FROM tcm_capable
UNION ALL
SELECT facility_id, year, measure, value FROM attributes;
