-- Rows that could not be staged (隔离区), with the file, row, column and the reason, and the values as received.
CREATE OR REPLACE TABLE marts.quarantine AS
SELECT * FROM staging.regions_rejected
UNION ALL BY NAME SELECT * FROM staging.population_rejected
UNION ALL BY NAME SELECT * FROM staging.facilities_rejected
UNION ALL BY NAME SELECT * FROM staging.facility_stats_rejected
UNION ALL BY NAME SELECT * FROM staging.staff_rejected
UNION ALL BY NAME SELECT * FROM staging.public_health_rejected
ORDER BY source, file, row_number;

COMMENT ON TABLE marts.quarantine IS '隔离区 Quarantine: input rows that could not be staged, with the reason; rows in = rows staged + rows quarantined';
COMMENT ON COLUMN marts.quarantine.source IS '数据源 Source (regions, population, facilities, facility_stats, staff, public_health)';
COMMENT ON COLUMN marts.quarantine.file IS '文件 Inbox file name';
COMMENT ON COLUMN marts.quarantine.row_number IS '行号 Row in the file as a spreadsheet shows it (the header is row 1)';
COMMENT ON COLUMN marts.quarantine."column" IS '列 Column of the first problem (contract name)';
COMMENT ON COLUMN marts.quarantine.rule IS '规则 Rule broken first: required, type, code_list, range, code_format, duplicate, unknown_region, unknown_facility, unknown_indicator, required_column';
COMMENT ON COLUMN marts.quarantine.reason IS '原因 Every problem of the row, in words';
COMMENT ON COLUMN marts.quarantine.raw_values IS '原始值 The row as received (JSON), personal identifiers removed';
