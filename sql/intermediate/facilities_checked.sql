-- Health facilities (医疗卫生机构). Each sits in the lowest region it belongs to (village, township
-- or county), resolved to the code in force. Rules (known region, one row per facility_id) are in
-- expectations/quality/facilities.yaml.
CREATE OR REPLACE TABLE intermediate.facilities_checked AS
SELECT f.* EXCLUDE (region_code), f.region_code AS filed_region_code, c.current_code AS region_code
FROM raw.facilities AS f
LEFT JOIN staging.region_codes AS c ON c.region_code = f.region_code;

COMMENT ON TABLE intermediate.facilities_checked IS '医疗卫生机构（检查中） facilities as received, codes resolved and keys formed, with the problems the input contract found on each row; the quality suite runs next (intermediate.facilities_validated)';
