-- Facilities counted by what the norms ask of them (机构计数), from the registry: each facility that fits a
-- definition counts 1 in every year with population data (the registry has no years). A region where no
-- facility fits has 0, not "no data": marts.indicator_values fills the zero for these measures.
CREATE OR REPLACE TABLE staging.registry_count_definitions AS
SELECT * FROM (VALUES
    ('facilities_psychiatric_hospital_grade2plus', '二级以上精神病医院 psychiatric hospitals of grade two or above',
     ['psychiatric_hospital'], NULL, 2),
    ('facilities_primary_care_centre_gov', '政府办乡镇卫生院或社区卫生服务中心 government-run township or community health centres',
     ['township_health_centre', 'community_health_centre'], 'government', NULL)
) AS d(measure, description, facility_types, ownership, min_grade_level);

CREATE OR REPLACE TABLE staging.registry_counts AS
SELECT f.facility_id, y.year, d.measure, 1.0 AS value
FROM staging.facilities AS f
LEFT JOIN ref.facility_grades AS g ON g.code = f.grade
CROSS JOIN (SELECT DISTINCT year FROM staging.population) AS y
JOIN staging.registry_count_definitions AS d
  ON list_contains(d.facility_types, f.facility_type)
 AND (d.ownership IS NULL OR f.ownership = d.ownership)
 AND (d.min_grade_level IS NULL OR g.level::INTEGER >= d.min_grade_level);
