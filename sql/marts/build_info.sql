-- Build record (构建记录): when the warehouse was built, by which run, from which input files.
-- The run and its start come from config.build (written by the config asset); the release guard fills in the build's
-- fingerprint and, for a build it would have blocked, the recorded acceptance that released it.
CREATE OR REPLACE TABLE marts.build_info AS
SELECT b.run_id, b.built_at, source, file, sha256, bytes, format, encoding, rows, ignored_columns,
       NULL::VARCHAR AS release_fingerprint, NULL::VARCHAR AS release_acceptance
FROM raw.input_files CROSS JOIN config.build AS b
ORDER BY source, file;

COMMENT ON TABLE marts.build_info IS '构建记录 Build record: the run that built this warehouse, when, and every input file with its content hash';
COMMENT ON COLUMN marts.build_info.run_id IS '运行编号 Dagster run id';
COMMENT ON COLUMN marts.build_info.built_at IS '构建时间 When the build ran';
COMMENT ON COLUMN marts.build_info.source IS '数据源 Source the file belongs to';
COMMENT ON COLUMN marts.build_info.file IS '文件 Inbox file name';
COMMENT ON COLUMN marts.build_info.sha256 IS '内容哈希 SHA-256 of the file content';
COMMENT ON COLUMN marts.build_info.bytes IS '大小 File size in bytes';
COMMENT ON COLUMN marts.build_info.format IS '格式 csv, xlsx or parquet';
COMMENT ON COLUMN marts.build_info.encoding IS '编码 Detected text encoding of a CSV (utf-8 or gbk)';
COMMENT ON COLUMN marts.build_info.rows IS '行数 Data rows read from the file';
COMMENT ON COLUMN marts.build_info.ignored_columns IS '忽略列 Headers not in the contract, left out';
COMMENT ON COLUMN marts.build_info.release_fingerprint IS '构建指纹 Fingerprint of this build for the release guard: its input files'' hashes and the run it was compared with';
COMMENT ON COLUMN marts.build_info.release_acceptance IS '发布确认 The acceptance (who, why, from release_acceptances.yaml) that released a build the guard would have blocked; empty when nothing was blocked';
