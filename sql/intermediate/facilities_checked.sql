-- Health facilities (医疗卫生机构). Each sits in the lowest region it belongs to (village, township
-- or county), resolved to the code in force. Rules (known region, one row per facility_id) are in
-- expectations/quality/facilities.yaml.
CREATE OR REPLACE TABLE intermediate.facilities_checked AS
FROM with_region_in_force('raw.facilities');  -- sql/macros/regions.sql

COMMENT ON TABLE intermediate.facilities_checked IS '医疗卫生机构（检查中） facilities as received, codes resolved and keys formed, with the problems the input contract found on each row; the quality suite runs next (intermediate.facilities_validated)';
