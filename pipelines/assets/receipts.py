"""Receipts stage (回执): what the statisticians who sent the files read after every run."""

from collections import defaultdict

import dagster as dg

from pipelines.contract import load_sources
from pipelines.ingestion import FileReport, inbox_files, messages
from pipelines.receipts import remove_stale, write_receipt
from pipelines.resources import Warehouse

# Every file's rows in one query: one query per file took 1.3 s for the 1,686 files of a national inbox.
RECEIPT_ROWS = """
SELECT file, sheet, row_number, header, value, outcome, reason, fix FROM marts.quarantine
UNION ALL
SELECT file, sheet, row_number, NULL, NULL, 'left_out', reason_zh || ' (' || reason_en || ')', NULL
FROM marts.left_out_rows
ORDER BY file, sheet NULLS FIRST, row_number, header NULLS FIRST, outcome, reason
"""


def _note(key: str, **fields) -> str:
    text = messages()["file_notes"][key]
    return f"{text['zh'].format(**fields)} ({text['en'].format(**fields)})"


def file_notes(file: str, header_rows: str | None, ignored_columns: str | None, ignored_sheets: str | None,
               notes: str | None) -> list[tuple]:
    """The lines of a receipt about the whole file: where the header is, what was not read."""
    rows = []
    if header_rows:
        rows.append(_note("header", rows=header_rows))
    if ignored_columns:
        rows.append(_note("ignored_columns", columns=ignored_columns))
    if ignored_sheets:
        rows.append(_note("ignored_sheets", sheets=ignored_sheets))
    rows += [n for n in (notes or "").split("; ") if n]
    return [(None, None, None, None, "note", text, None) for text in rows]


def unmatched_rows(matched: list[str]) -> list[tuple]:
    names = ", ".join(f"{s.name}/{'/'.join(s.file_names)}" for s in load_sources().values())
    fix = messages()["file_notes"]["unmatched_fix"]
    reason = _note("ambiguous", names=", ".join(matched)) if matched else _note("unmatched", names=names)
    return [(None, None, None, None, "file", reason, f"{fix['zh']} ({fix['en']})")]


def write_structural_receipts(warehouse: Warehouse, reports: list[FileReport]) -> None:
    """A file that cannot be used at all stops the run before the receipts asset: its receipt is written now."""
    fix = messages()["rules"]["required_column"]
    for report in reports:
        if report.errors:
            write_receipt(warehouse.receipts_dir, report.file,
                          [(None, None, None, None, "file", error, f"{fix['fix_zh']} ({fix['fix_en']})") for error in report.errors])


@dg.asset(group_name="marts", kinds={"duckdb", "csv"}, owners=["team:data-engineering"], deps=[["marts", "quarantine"]])
def receipts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """回执 One receipt per inbox file in the receipts folder beside the warehouse (CSV, opens in Excel with the
    Chinese intact): each problem with its sheet, row and column as the file wrote it, what was done (row set
    aside, cell set aside, flagged, left out as not data) and how to fix it; files whose name matches no source
    are named too. The statistician fixes the file from it and sends it again."""
    inbox = inbox_files(warehouse.inbox_dir)
    with warehouse.connect(context.run.run_id) as con:
        read = {row[0]: row[1:] for row in con.execute(
            "SELECT file, header_rows, ignored_columns, ignored_sheets, notes FROM raw.input_files").fetchall()}
        problems = defaultdict(list)
        for file, *row in con.execute(RECEIPT_ROWS).fetchall():
            problems[file].append(tuple(row))
    for file, matched in inbox.items():
        rows = file_notes(file, *read[file]) + problems[file] if file in read else unmatched_rows(matched)
        write_receipt(warehouse.receipts_dir, file, rows)
    remove_stale(warehouse.receipts_dir, set(inbox))
    unmatched = sorted(f for f in inbox if f not in read)
    for file in unmatched:
        context.log.warning(f"文件 {file} 的文件名不对应任何数据源，未读取 (the name of {file} matches no source; it was not read)")
    return dg.MaterializeResult(metadata={
        "receipts_dir": dg.MetadataValue.path(str(warehouse.receipts_dir)),
        "files": len(inbox), "files_not_read": dg.MetadataValue.json(unmatched),
    })
