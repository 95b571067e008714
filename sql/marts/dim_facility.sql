-- Facility dimension (机构维表): every staged facility with its type, grade and ownership in Chinese and
-- English, and the township, county and prefecture it belongs to (through the code in force).
CREATE OR REPLACE TABLE marts.dim_facility AS
SELECT
    f.facility_id, f.facility_name, f.facility_type, t.name_zh AS facility_type_zh,
    f.grade, g.name_zh AS grade_zh, g.level::INTEGER AS grade_level,
    f.ownership, f.ownership = 'government' AS government_run,
    f.region_code, f.filed_region_code, d.region_name, d.level AS region_level,
    d.township_code, d.county_code, d.county_name, d.prefecture_code, d.prefecture_name
FROM staging.facilities AS f
LEFT JOIN ref.facility_types AS t ON t.code = f.facility_type
LEFT JOIN ref.facility_grades AS g ON g.code = f.grade
LEFT JOIN marts.dim_region AS d ON d.region_code = f.region_code
ORDER BY f.facility_id;

COMMENT ON TABLE marts.dim_facility IS '机构维表 Facilities with type, grade, ownership and their region chain';
COMMENT ON COLUMN marts.dim_facility.facility_id IS '机构代码 Facility id';
COMMENT ON COLUMN marts.dim_facility.facility_name IS '机构名称 Facility name';
COMMENT ON COLUMN marts.dim_facility.facility_type IS '机构类别代码 Facility type code (ref.facility_types)';
COMMENT ON COLUMN marts.dim_facility.facility_type_zh IS '机构类别 Facility type in Chinese';
COMMENT ON COLUMN marts.dim_facility.grade IS '等级代码 Grade code (ref.facility_grades)';
COMMENT ON COLUMN marts.dim_facility.grade_zh IS '医院等级 Grade in Chinese';
COMMENT ON COLUMN marts.dim_facility.grade_level IS '级别 Grade level: 3, 2, 1, 0 for ungraded';
COMMENT ON COLUMN marts.dim_facility.ownership IS '举办主体代码 government or non_government';
COMMENT ON COLUMN marts.dim_facility.government_run IS '政府办 Whether the facility is government-run';
COMMENT ON COLUMN marts.dim_facility.region_code IS '区划代码 Lowest region the facility sits in (code in force)';
COMMENT ON COLUMN marts.dim_facility.filed_region_code IS '填报区划代码 Region code as filed (may be a retired code)';
COMMENT ON COLUMN marts.dim_facility.region_name IS '区划名称 Region name';
COMMENT ON COLUMN marts.dim_facility.region_level IS '区划级别 Level of that region: village, township or county';
COMMENT ON COLUMN marts.dim_facility.township_code IS '乡镇代码 Township';
COMMENT ON COLUMN marts.dim_facility.county_code IS '县区代码 County';
COMMENT ON COLUMN marts.dim_facility.county_name IS '县区名称 County name';
COMMENT ON COLUMN marts.dim_facility.prefecture_code IS '地市代码 Prefecture';
COMMENT ON COLUMN marts.dim_facility.prefecture_name IS '地市名称 Prefecture name';
