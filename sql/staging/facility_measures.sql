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
-- People counted by who each staff measure counts (marts.measures, role staff, from expectations/indicators.yaml):
-- identical people are grouped first, so each filter is judged once per group, not once per person.
staff_groups AS (
    SELECT s.facility_id, s.year, s.category, c.is_physician, c.is_health_technician, s.practice_category,
           s.practice_scopes, s.department, d.department_group,
           coalesce(s.gp_registered, false) AS gp_registered, coalesce(s.gp_certificate, false) AS gp_certificate,
           count(*)::DOUBLE AS people
    FROM staging.staff AS s
    JOIN ref.staff_categories AS c ON c.code = s.category
    LEFT JOIN ref.departments AS d ON d.code = s.department
    GROUP BY ALL
),
staff_years AS (
    SELECT DISTINCT facility_id, year FROM staff_groups
),
-- Who each staff measure counts is judged once per kind of person (a few thousand), not once per facility's
-- group (millions): the filters' list lambdas are the cost of this model.
kinds AS (
    SELECT DISTINCT category, is_physician, is_health_technician, practice_category, practice_scopes, department,
                    department_group, gp_registered, gp_certificate
    FROM staff_groups
),
kind_measures AS (
    SELECT k.*, m.measure
    FROM kinds AS k
    JOIN (SELECT * FROM marts.measures WHERE role = 'staff') AS m
      ON (m.staff_categories IS NULL OR list_contains(m.staff_categories, k.category))
     AND (m.staff_category_flag IS NULL
          OR CASE m.staff_category_flag WHEN 'is_physician' THEN k.is_physician
                                        WHEN 'is_health_technician' THEN k.is_health_technician END = 'true')
     AND (m.staff_any_of IS NULL OR len(list_filter(m.staff_any_of, lambda c:
              coalesce(c.practice_categories IS NULL OR list_contains(c.practice_categories, k.practice_category), false)
          AND coalesce(c.scopes IS NULL OR list_has_any(c.scopes, k.practice_scopes), false)
          AND coalesce(c.departments IS NULL OR list_contains(c.departments, k.department), false)
          AND coalesce(c.department_groups IS NULL OR list_contains(c.department_groups, k.department_group), false)
          AND (c.gp_registered IS NULL OR k.gp_registered = c.gp_registered)
          AND (c.gp_certificate IS NULL OR k.gp_certificate = c.gp_certificate))) > 0)
),
counted AS (
    SELECT g.facility_id, g.year, km.measure, sum(g.people) AS value
    FROM staff_groups AS g
    JOIN kind_measures AS km
      ON g.category IS NOT DISTINCT FROM km.category AND g.is_physician IS NOT DISTINCT FROM km.is_physician
     AND g.is_health_technician IS NOT DISTINCT FROM km.is_health_technician
     AND g.practice_category IS NOT DISTINCT FROM km.practice_category
     AND g.practice_scopes IS NOT DISTINCT FROM km.practice_scopes
     AND g.department IS NOT DISTINCT FROM km.department AND g.department_group IS NOT DISTINCT FROM km.department_group
     AND g.gp_registered = km.gp_registered AND g.gp_certificate = km.gp_certificate
    GROUP BY ALL
),
-- every staff measure of every facility and year with staff: 0 where it counts no one
staff AS (
    SELECT y.facility_id, y.year, m.measure, coalesce(c.value, 0) AS value
    FROM staff_years AS y
    CROSS JOIN (SELECT measure FROM marts.measures WHERE role = 'staff') AS m
    LEFT JOIN counted AS c ON c.facility_id = y.facility_id AND c.year = y.year AND c.measure = m.measure
),
facility_years AS (
    SELECT facility_id, year FROM staging.facility_stats
    UNION
    SELECT facility_id, year FROM staff_years
),
-- 具备中医药服务能力: a TCM staff member that year, or a TCM hall reported that year
tcm_capable AS (
    SELECT y.facility_id, y.year, 'tcm_capable' AS measure,
           (coalesce(c.value, 0) > 0 OR coalesce(s.has_tcm_hall, false))::INTEGER::DOUBLE AS value
    FROM facility_years AS y
    LEFT JOIN staff AS c ON c.facility_id = y.facility_id AND c.year = y.year AND c.measure = 'tcm_staff'
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
SELECT facility_id, year, measure, value FROM staff
UNION ALL
SELECT facility_id, year, measure, value FROM tcm_capable
UNION ALL
SELECT facility_id, year, measure, value FROM attributes;

COMMENT ON TABLE staging.facility_measures IS '机构度量 What each facility has each year: every facility measure of expectations/indicators.yaml (beds, ambulances, physicians, nurses, GPs, attributes such as government_run), one row per facility, year and measure';
