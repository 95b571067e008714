-- Rows that are not data (非数据行): titles, blank, total (合计/小计), footer, repeated-header and 栏次 rows.
CREATE OR REPLACE TABLE marts.left_out_rows AS
SELECT * FROM raw.left_out_rows ORDER BY source, file, sheet, row_number;

COMMENT ON TABLE marts.left_out_rows IS '非数据行 Rows of the inbox files that are not data, left out with their reason (expectations/reading.yaml); counted apart from quarantine';
COMMENT ON COLUMN marts.left_out_rows.source IS '数据源 Source';
COMMENT ON COLUMN marts.left_out_rows.file IS '文件 Inbox file name';
COMMENT ON COLUMN marts.left_out_rows.sheet IS '工作表 Sheet (empty for CSV)';
COMMENT ON COLUMN marts.left_out_rows.row_number IS '行号 Row as a spreadsheet shows it';
COMMENT ON COLUMN marts.left_out_rows.reason IS '原因代码 title, blank, total, footer, repeated_header, column_numbers, unit_row';
COMMENT ON COLUMN marts.left_out_rows.reason_zh IS '原因 Why it was left out, in Chinese';
COMMENT ON COLUMN marts.left_out_rows.reason_en IS 'Why it was left out, in English';
