"""Ingest stage (采集): inbox files → typed raw tables, one asset per source, plus the reference code lists."""

import json

import dagster as dg
import duckdb
import polars as pl

from pipelines.contract import Source, load_sources, read_code_list
from pipelines.ingestion import FileReport, ingest_source, typing_fingerprint
from pipelines.assets.receipts import write_structural_receipts
from pipelines.metadata import markdown_table
from pipelines.resources import Warehouse
from pipelines.settings import REFERENCE_DIR
from pipelines.versions import inputs_version, record, replace_from_frame

CODE_LISTS = sorted(p.stem for p in REFERENCE_DIR.glob("*.csv") if not p.stem.startswith("regions_"))

@dg.multi_asset(
    name="reference_code_lists",
    group_name="ingest",
    specs=[dg.AssetSpec(["ref", name], kinds={"duckdb", "csv"}, owners=["team:data-engineering"],
                        description=f"代码表 Code list ref.{name} from data/reference/{name}.csv (sources in data/reference/README.md)")
           for name in CODE_LISTS],
)
def reference_code_lists(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Code lists (代码表) from data/reference/: facility types, grades, ownership, staff categories,
    specialties and region levels, each with its Chinese name and the spellings accepted in input files.
    Loaded as ref.<list> so analysts can join on them."""
    with warehouse.connect(context.run.run_id) as con:
        for name in CODE_LISTS:
            frame = pl.DataFrame(read_code_list(name))
            replace_from_frame(con, f"ref.{name}", frame)
            yield dg.MaterializeResult(asset_key=["ref", name], metadata={"dagster/row_count": frame.height})

def _file_table(files) -> dg.MetadataValue:
    return markdown_table(
        ["file 文件", "header row 表头行", "rows in 行数", "left out 非数据行", "encoding", "ignored columns 未用列",
         "ignored sheets 未用工作表", "sha256"],
        [(f.file, f.header_rows, f.rows, f.rows_left_out, f.encoding, ", ".join(f.ignored_columns),
          "; ".join(f.ignored_sheets), f.sha256[:12]) for f in files],
    )

INPUT_FILES_SCHEMA = {"source": pl.String, "file": pl.String, "sha256": pl.String, "bytes": pl.Int64,
                      "format": pl.String, "encoding": pl.String, "rows": pl.Int64, "ignored_columns": pl.String,
                      "header_rows": pl.String, "ignored_sheets": pl.String, "rows_left_out": pl.Int64,
                      "headers": pl.String, "notes": pl.String}
INPUT_FILES_DDL = (
    "CREATE TABLE IF NOT EXISTS raw.input_files (source VARCHAR, file VARCHAR, sha256 VARCHAR, bytes BIGINT,"
    " format VARCHAR, encoding VARCHAR, rows BIGINT, ignored_columns VARCHAR, header_rows VARCHAR,"
    " ignored_sheets VARCHAR, rows_left_out BIGINT, headers VARCHAR, notes VARCHAR, typing_fingerprint VARCHAR)"
)
LEFT_OUT_DDL = (
    "CREATE TABLE IF NOT EXISTS raw.left_out_rows (source VARCHAR, file VARCHAR, sheet VARCHAR, row_number BIGINT,"
    " reason VARCHAR, reason_zh VARCHAR, reason_en VARCHAR)"
)


def _file_row(f: FileReport) -> dict:
    return {
        "source": f.source, "file": f.file, "sha256": f.sha256, "bytes": f.bytes, "format": f.format,
        "encoding": f.encoding, "rows": f.rows, "ignored_columns": ", ".join(f.ignored_columns),
        "header_rows": f.header_rows, "ignored_sheets": "; ".join(f.ignored_sheets), "rows_left_out": f.rows_left_out,
        "headers": json.dumps(f.headers, ensure_ascii=False), "notes": "; ".join(f.notes),
    }


def previous_files(con, source: str, fingerprint: str) -> dict[str, FileReport]:
    """The files of the last build whose typed rows can be reused: same typing fingerprint, rows still there."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name = ?", [source]
    ).fetchall()[0][0]
    if not exists:
        return {}
    rows = con.execute(
        "SELECT source, file, sha256, bytes, format, encoding, rows, ignored_columns, header_rows, ignored_sheets,"
        " rows_left_out, headers, notes FROM raw.input_files WHERE source = ? AND typing_fingerprint = ?",
        [source, fingerprint],
    ).fetchall()
    return {
        file: FileReport(source=s, file=file, sha256=sha, bytes=size, format=fmt, encoding=enc, rows=n,
                         ignored_columns=[c for c in (ignored or "").split(", ") if c], header_rows=header_rows,
                         ignored_sheets=[c for c in (sheets or "").split("; ") if c], rows_left_out=left or 0,
                         headers=json.loads(headers or "{}"), notes=[c for c in (notes or "").split("; ") if c])
        for s, file, sha, size, fmt, enc, n, ignored, header_rows, sheets, left, headers, notes in rows
    }


def _outdated(con) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name = 'input_files'"
    ).fetchall()[0][0]) and not con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = 'input_files'"
        " AND column_name = 'headers'").fetchall()[0][0]


# A file still being copied or locked by another program raises OSError: retried. Bad data never raises:
# it fails a check or goes to quarantine, so it is never retried. Neither is a DuckDB error (a damaged or
# full build file): a retry cannot cure it, so it fails the step at once with its cause (not_retried).
TRANSIENT_RETRY = dg.RetryPolicy(max_retries=3, delay=10, backoff=dg.Backoff.EXPONENTIAL)


def not_retried(exc: duckdb.Error, asset: str) -> dg.Failure:
    """A DuckDB error as a failure that is not retried, its cause said in Chinese and English."""
    return dg.Failure(
        description=f"{asset} 写入构建文件失败，重试无法解决，未重试：{type(exc).__name__}: {exc} "
        f"Writing the build file failed in {asset}; a retry cannot cure this, so it was not retried.",
        allow_retries=False,
    )


def build_raw_asset(source: Source) -> dg.AssetsDefinition:
    check_name = "files_usable"

    @dg.asset(
        key=["raw", source.name],
        group_name="ingest",
        kinds={"polars", "duckdb"},
        owners=["team:data-engineering"],
        retry_policy=TRANSIENT_RETRY,
        description=(
            f"{source.name_zh} ({source.name}) as received: every inbox file whose name starts with "
            f"'{source.name}' (CSV in UTF-8 or GBK, XLSX, Parquet), headers mapped to the contract's names, "
            f"cells typed, personal identifiers dropped or hashed, each row's problems listed. "
            f"{'Required source: the run stops without it.' if source.required else 'Optional source.'}"
        ),
        check_specs=[
            dg.AssetCheckSpec(
                check_name, asset=["raw", source.name], blocking=True,
                description="文件可用 Every file of the source can be read and has the required columns; "
                "a required source has at least one file. A failure stops the run before anything is published.",
            )
        ],
    )
    def raw_asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        try:
            return ingest(context, warehouse)
        except duckdb.Error as exc:
            raise not_retried(exc, f"raw.{source.name}") from exc

    def ingest(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        key = warehouse.pseudonym_key()
        fingerprint = typing_fingerprint(source, key)
        with warehouse.connect(context.run.run_id) as con:
            if _outdated(con):  # a warehouse from before the header columns: read every file again
                con.execute("DROP TABLE raw.input_files")
            con.execute(INPUT_FILES_DDL)
            con.execute(LEFT_OUT_DDL)
            previous = previous_files(con, source.name, fingerprint)
        ingested = ingest_source(warehouse.inbox_dir, source, key, previous)
        write_structural_receipts(warehouse, ingested.files)
        frame = ingested.frame
        files = pl.DataFrame([_file_row(f) for f in ingested.files], schema=INPUT_FILES_SCHEMA).with_columns(
            typing_fingerprint=pl.lit(fingerprint))
        left_out = ingested.left_out
        with warehouse.connect(context.run.run_id) as con:
            if ingested.reused:  # keep the rows of the unchanged files, replace the others
                con.execute(f"DELETE FROM raw.{source.name} WHERE NOT list_contains(?, _file)", [ingested.reused])
                con.execute(f"INSERT INTO raw.{source.name} SELECT * FROM frame")
            else:
                con.execute(f"CREATE OR REPLACE TABLE raw.{source.name} AS SELECT * FROM frame")
            con.execute("DELETE FROM raw.input_files WHERE source = ?", [source.name])
            con.execute("INSERT INTO raw.input_files BY NAME SELECT * FROM files")
            con.execute("DELETE FROM raw.left_out_rows WHERE source = ? AND NOT list_contains(?, file)",
                        [source.name, ingested.reused])
            con.execute("INSERT INTO raw.left_out_rows BY NAME SELECT * FROM left_out")
            # The raw table's version: the files it was typed from, and how they were typed
            files_typed = "\n".join(sorted(f"{f.file}\t{f.sha256}" for f in ingested.files))
            record(con, f"raw.{source.name}", inputs_version(con, [], own=f"{fingerprint}\n{files_typed}"))
            rows, rows_with_problems = con.execute(
                f"SELECT count(*), count(*) FILTER (WHERE len(_problems) > 0) FROM raw.{source.name}"
            ).fetchall()[0]
        for f in ingested.files:
            if f.ignored_columns:
                context.log.warning(f"{f.file}: columns not in the contract were left out: {', '.join(f.ignored_columns)}")
        if not ingested.files:
            context.log.warning(f"No file for the optional source {source.name} ({source.name_zh}); it is skipped.")
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": rows,
                "files_reused": len(ingested.reused),
                "files": _file_table(ingested.files),
                "rows_with_problems": rows_with_problems,
                "rows_left_out": sum(f.rows_left_out for f in ingested.files),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name=check_name,
                    passed=not ingested.structural_errors,
                    severity=dg.AssetCheckSeverity.ERROR,
                    description="\n".join(ingested.structural_errors) or "All files usable.",
                    metadata={"problems": dg.MetadataValue.md("\n".join(f"- {e}" for e in ingested.structural_errors) or "none")},
                )
            ],
        )

    return raw_asset

raw_assets = [build_raw_asset(source) for source in load_sources().values()]
