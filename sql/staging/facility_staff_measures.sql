-- What each facility's staff roll counts each year (机构人员度量), long form: facility_id, year, measure, value,
-- one row for every staff measure of every facility and year with staff; 0 where it counts no one (a facility
-- with no staff roll that year has no rows: no data, not 0).
-- Its own table so that a changed facility report (卫健统1-x) does not count the 15.9 M people of the country
-- again: staging.facility_measures reads it beside staging.facility_report_measures.
CREATE OR REPLACE TABLE staging.facility_staff_measures AS
-- People counted by who each staff measure counts (marts.measures, role staff, from expectations/indicators.yaml):
-- identical people are grouped first, so each filter is judged once per group, not once per person.
WITH staff_groups AS (
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
)
-- every staff measure of every facility and year with staff: 0 where it counts no one
SELECT y.facility_id, y.year, m.measure, coalesce(c.value, 0) AS value
FROM staff_years AS y
CROSS JOIN (SELECT measure FROM marts.measures WHERE role = 'staff') AS m
LEFT JOIN counted AS c ON c.facility_id = y.facility_id AND c.year = y.year AND c.measure = m.measure;

COMMENT ON TABLE staging.facility_staff_measures IS '机构人员度量 What each facility''s staff roll counts each year: every staff measure of expectations/indicators.yaml (physicians, nurses, GPs, public-health staff …), 0 where it counts no one; one row per facility, year and measure';
