-- Measures (度量): what the indicators and the norms' conditions are built from. A registry count or flag
-- carries its facility filter; every filter field given must hold.
CREATE OR REPLACE TABLE marts.measures AS
SELECT measure, level, source, definition, role, zero_when_absent,
       facility_types::VARCHAR[] AS facility_types, ownership::VARCHAR AS ownership, grades::VARCHAR[] AS grades,
       min_grade_level::INTEGER AS min_grade_level, when_measure::VARCHAR AS when_measure,
       staff_categories::VARCHAR[] AS staff_categories, staff_category_flag::VARCHAR AS staff_category_flag,
       staff_any_of::STRUCT(practice_categories VARCHAR[], scopes VARCHAR[], departments VARCHAR[],
                            department_groups VARCHAR[], gp_registered BOOLEAN, gp_certificate BOOLEAN)[] AS staff_any_of
FROM config.measures
ORDER BY measure;

COMMENT ON TABLE marts.measures IS '度量 Measures the indicators and norm conditions are built from (expectations/indicators.yaml)';
COMMENT ON COLUMN marts.measures.measure IS '度量代码 Measure code';
COMMENT ON COLUMN marts.measures.level IS '层级 facility (one figure per facility and year) or region';
COMMENT ON COLUMN marts.measures.source IS '来源 Source it is computed from: facilities, facility_stats, staff, population, regions';
COMMENT ON COLUMN marts.measures.definition IS '定义 What it counts';
COMMENT ON COLUMN marts.measures.role IS '类型 count: registry facilities passing the filter, counted per region; flag: 1/0 per facility; staff: people passing the staff filter, per facility; empty otherwise';
COMMENT ON COLUMN marts.measures.zero_when_absent IS '缺省为零 Whether a region with nothing to count has 0 (counts) rather than no data';
COMMENT ON COLUMN marts.measures.facility_types IS '机构类别 Filter: facility types (any of)';
COMMENT ON COLUMN marts.measures.ownership IS '举办主体 Filter: ownership';
COMMENT ON COLUMN marts.measures.staff_categories IS '人员类别 Staff filter: categories (any of; data/reference/staff_categories.csv)';
COMMENT ON COLUMN marts.measures.staff_category_flag IS '人员类别标志 Staff filter: is_physician or is_health_technician';
COMMENT ON COLUMN marts.measures.staff_any_of IS '人员条件 Staff filter: at least one clause holds (执业类别, 执业范围, 科室, 科室类别, 全科注册, 全科培训合格证书)';
COMMENT ON COLUMN marts.measures.grades IS '等级 Filter: grades (any of)';
COMMENT ON COLUMN marts.measures.min_grade_level IS '最低级别 Filter: lowest grade level (data/reference/facility_grades.csv)';
COMMENT ON COLUMN marts.measures.when_measure IS '年度条件 Filter: a facility measure that must be 1 that year';
