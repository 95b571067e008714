-- Facilities counted by what the norms ask of them (机构计数): each registry facility that passes a count
-- measure's filter (marts.measures, role count, from expectations/indicators.yaml) counts 1 in every year
-- with population data (the registry has no years); a region where none passes has 0, not "no data"
-- (marts.indicator_values fills the zero). A filter with when_measure counts a facility in the years it
-- reports that measure: 1 if the measure is 1, else 0; where no facility reported it, there is no data.
-- Runs after facility_measures.sql.
CREATE OR REPLACE TABLE staging.registry_counts AS
WITH passing AS (
    SELECT f.facility_id, m.measure, m.when_measure
    FROM staging.facilities AS f
    LEFT JOIN ref.facility_grades AS g ON g.code = f.grade
    JOIN marts.measures AS m
      ON m.role = 'count'
     AND passes_facility_filter(f.facility_type, f.ownership, f.grade, g.level,
                                m.facility_types, m.ownership, m.grades, m.min_grade_level)
)
SELECT p.facility_id, y.year, p.measure, 1.0 AS value
FROM passing AS p
CROSS JOIN (SELECT DISTINCT year FROM staging.population) AS y
WHERE p.when_measure IS NULL
UNION ALL
SELECT p.facility_id, s.year, p.measure, (s.value = 1)::INTEGER::DOUBLE
FROM passing AS p
JOIN staging.facility_measures AS s ON s.facility_id = p.facility_id AND s.measure = p.when_measure;

COMMENT ON TABLE staging.registry_counts IS '机构计数 Registry facilities counted by what the norms ask (expectations/indicators.yaml count:), in every region they sit in and its ancestors, per year';
