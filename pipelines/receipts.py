"""Receipts (回执): one CSV per inbox file, beside the warehouse, saying what was done with each problem.

A statistician opens the receipt of the file they sent (in Excel: UTF-8 with BOM keeps the Chinese intact),
fixes the file row by row and sends it again. Every row says where (sheet, row, column as the file wrote it),
what was done (row set aside, cell set aside, flagged, left out as not data) and how to fix it.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from pipelines.ingestion import messages

COLUMNS = ["文件 file", "工作表 sheet", "行号 row", "列 column", "值 value", "处理 outcome", "原因 reason", "如何修改 how to fix"]


def outcome_label(outcome: str) -> str:
    text = messages()["outcomes"][outcome]
    return f"{text['zh']} {text['en']}"


def receipt_name(file: str) -> str:
    return f"{file}.csv"


def write_receipt(directory: Path, file: str, rows: list[tuple]) -> Path:
    """Write one file's receipt atomically: rows are (sheet, row, column, value, outcome, reason, fix)."""
    directory.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    if not rows:
        writer.writerow([file, "", "", "", "", "", "未发现问题 (no problems found)", ""])
    for sheet, row, column, value, outcome, reason, fix in rows:
        writer.writerow([file, sheet or "", row or "", column or "", value or "", outcome_label(outcome), reason, fix or ""])
    path = directory / receipt_name(file)
    temporary = path.with_suffix(".csv.tmp")
    temporary.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    os.replace(temporary, path)
    return path


def remove_stale(directory: Path, files: set[str]) -> None:
    """Receipts of files no longer in the inbox go: the folder mirrors the inbox."""
    if directory.is_dir():
        kept = {receipt_name(f) for f in files}
        for path in directory.glob("*.csv"):
            if path.name not in kept:
                path.unlink()
