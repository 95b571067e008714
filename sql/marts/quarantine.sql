-- What could not be used as received (隔离区), at the smallest grain that is wrong: a row set aside (what
-- identifies it cannot be used), a cell set aside (null in staging; the row's other figures are used) or a
-- figure kept and flagged. One row per problem, with the file, sheet, row and column as the file wrote it.
CREATE OR REPLACE TABLE marts.quarantine AS
SELECT * FROM staging.regions_rejected
UNION ALL BY NAME SELECT * FROM staging.population_rejected
UNION ALL BY NAME SELECT * FROM staging.facilities_rejected
UNION ALL BY NAME SELECT * FROM staging.facility_stats_rejected
UNION ALL BY NAME SELECT * FROM staging.staff_rejected
UNION ALL BY NAME SELECT * FROM staging.public_health_rejected
ORDER BY source, file, sheet, row_number, "column";

COMMENT ON TABLE marts.quarantine IS '隔离区 What could not be used as received, one row per problem: a row set aside, a cell set aside or a figure flagged; rows in = rows staged + rows set aside + rows left out as not data (marts.left_out_rows)';
COMMENT ON COLUMN marts.quarantine.source IS '数据源 Source (regions, population, facilities, facility_stats, staff, public_health)';
COMMENT ON COLUMN marts.quarantine.file IS '文件 Inbox file name';
COMMENT ON COLUMN marts.quarantine.sheet IS '工作表 Sheet of the workbook (empty for CSV)';
COMMENT ON COLUMN marts.quarantine.row_number IS '行号 Row in the file as a spreadsheet shows it';
COMMENT ON COLUMN marts.quarantine."column" IS '列 Column (contract name)';
COMMENT ON COLUMN marts.quarantine.header IS '表头 The column as the file wrote it';
COMMENT ON COLUMN marts.quarantine.value IS '值 The cell as received (never for personal identifiers)';
COMMENT ON COLUMN marts.quarantine.rule IS '规则 Rule: required, type, code_list, unknown_kept, range, year_range, excel_damaged, id_damaged, id_check_digit, encoding, or a rule of the quality suite (expectations/quality/<source>.yaml)';
COMMENT ON COLUMN marts.quarantine.outcome IS '处理 row: the row is set aside; cell: the cell alone is set aside (null in staging); flag: kept and flagged';
COMMENT ON COLUMN marts.quarantine.row_set_aside IS '整行未采用 Whether the whole row is set aside (by this or another problem of the row)';
COMMENT ON COLUMN marts.quarantine.reason IS '原因 The problem, in Chinese and English';
COMMENT ON COLUMN marts.quarantine.fix IS '如何修改 How to fix it, in Chinese and English';
COMMENT ON COLUMN marts.quarantine.raw_values IS '原始值 The row as received (JSON) where the row is set aside, personal identifiers removed';
