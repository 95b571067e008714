"""Spreadsheets as people make them (报表式文件): from a file's bytes to the data rows of each sheet.

A commission's files are not tidy tables. A sheet may open with a title, a 填报单位 line and a unit line
(单位:张); its header may span two rows (a group such as 救护车 over 救护车(辆) and 其中:负压救护车(辆)); it may
hold 合计 rows, a repeated header, a 栏次 row (甲 乙 1 2 3) and a footer (注, 填表人, 单位负责人 …). This module
finds the header itself, keeps the data rows with the row number a spreadsheet shows, and lists every other
row with the reason it was left out. What the words are (which headers, which footers) is data, in
expectations/reading.yaml and the input contract.

Every sheet becomes a grid of strings (column_0 … column_n, row i is spreadsheet row i + 1), so CSV and XLSX
are handled by the same code below.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import cache

import polars as pl
import yaml

from pipelines.contract import Column, Source, header_key, stripped_header_key
from pipelines.settings import EXPECTATIONS_DIR

READING_FILE = EXPECTATIONS_DIR / "reading.yaml"
UNDECODABLE = "\x00undecodable"  # marks a CSV line that is neither UTF-8 nor GBK


@cache
def reading_rules() -> dict:
    return yaml.safe_load(READING_FILE.read_text(encoding="utf-8"))


@dataclass
class Grid:
    """One sheet (or a CSV file) as strings, before any header is known."""

    sheet: str | None
    frame: pl.DataFrame
    encoding: str | None = None
    undecodable_rows: list[int] = field(default_factory=list)  # spreadsheet row numbers (CSV only)


@dataclass
class Header:
    """Where a sheet's header is and which contract column each of its columns holds."""

    rows: tuple[int, ...]  # spreadsheet row numbers of the header (one or two)
    columns: dict[str, Column]  # grid column → contract column
    written: dict[str, str]  # contract column name → the header as the file wrote it
    ignored: list[str]  # headers as written that match no contract column

    @property
    def row_label(self) -> str:
        return "–".join(str(r) for r in (self.rows[0], self.rows[-1])) if len(self.rows) > 1 else str(self.rows[0])


# --- bytes to grids --------------------------------------------------------------------------------------

def decode_csv(data: bytes) -> tuple[str, str, list[int]]:
    """The text of a CSV, its encoding (utf-8, gbk or mixed) and the line numbers that decode in neither.

    UTF-8 (with or without BOM) when the whole file is UTF-8; otherwise each line is decoded on its own, as
    UTF-8 or else GB18030 (the superset of GBK that Excel writes), because files pasted together from two
    machines mix both. CR-only line endings (old Excel for Mac) are read as line ends."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    if b"\r" in data and b"\n" not in data:
        data = data.replace(b"\r", b"\n")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    lines, encodings, undecodable = [], set(), []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(line.decode("utf-8"))
            if not line.isascii():
                encodings.add("utf-8")
        except UnicodeDecodeError:
            try:
                lines.append(line.decode("gb18030"))
                encodings.add("gbk")
            except UnicodeDecodeError:
                lines.append(UNDECODABLE)
                undecodable.append(number)
    encoding = "mixed" if len(encodings) > 1 else (encodings.pop() if encodings else "utf-8")
    return "\n".join(lines), encoding, undecodable


def csv_grid(data: bytes) -> Grid:
    text, encoding, undecodable = decode_csv(data)
    if not text.strip():
        return Grid(None, pl.DataFrame(), encoding, undecodable)
    # A title line has one field and the header ten: Polars takes the width from the first line, so a line
    # of empty fields as wide as the widest of the first lines goes first, and is dropped again.
    head = list(csv.reader(io.StringIO("\n".join(text.split("\n", 200)[:200]))))
    width = max((len(row) for row in head), default=1)
    padded = ("," * (width - 1) + "\n" + text).encode("utf-8")
    frame = pl.read_csv(io.BytesIO(padded), has_header=False, infer_schema=False, truncate_ragged_lines=True,
                        raise_if_empty=False, quote_char='"')
    return Grid(None, frame.slice(1), encoding, undecodable)


def xlsx_grids(data: bytes) -> list[Grid]:
    """Every sheet of a workbook (XLSX or XLS) as strings from row 1 on. Numbers Excel stored as numbers come back as
    Excel shows them in full (450702100201, not 4.50702E+11); dates stored as dates as their serial number."""
    import fastexcel

    reader = fastexcel.read_excel(data)
    grids = []
    for name in reader.sheet_names:
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        frame = sheet.to_polars()
        grids.append(Grid(name, frame.rename({c: f"column_{j}" for j, c in enumerate(frame.columns)})))
    return grids


def read_grids(suffix: str, data: bytes) -> list[Grid]:
    if suffix == ".csv":
        return [csv_grid(data)]
    if suffix in (".xlsx", ".xlsm", ".xls"):  # calamine (fastexcel) reads the old binary .xls too
        return xlsx_grids(data)
    frame = pl.read_parquet(io.BytesIO(data))
    header = pl.DataFrame([pl.Series(f"column_{i}", [c]) for i, c in enumerate(frame.columns)])
    body = frame.select([pl.col(c).cast(pl.String).alias(f"column_{i}") for i, c in enumerate(frame.columns)])
    return [Grid(None, pl.concat([header, body]))]


# --- finding the header ----------------------------------------------------------------------------------

def _normalised(frame: pl.DataFrame) -> pl.DataFrame:
    """Cells compared as words: full-width folded, spaces (also non-breaking) removed."""
    return frame.select(pl.all().str.normalize("NFKC").str.replace_all(r"\s+", "").replace("", None))


def match_header(label: str | None, lookup: dict[str, Column]) -> Column | None:
    """A header cell's contract column, with units in brackets, 其中: and # prefixes and full-width stripped."""
    if not label:
        return None
    return lookup.get(header_key(label)) or lookup.get(stripped_header_key(label))


def _candidates(rows: list[list[str | None]], index: int) -> list[tuple[tuple[int, ...], list[str | None]]]:
    """The header labels if the header is row `index` alone, and if it is that row over the next one (the
    upper row's group label carried right over the empty cells of its merge)."""
    upper = rows[index]
    options = [((index,), upper)]
    if index + 1 < len(rows):
        lower, carried, combined = rows[index + 1], None, []
        for j, cell in enumerate(upper):
            carried = cell if cell else carried
            below = lower[j] if j < len(lower) else None
            combined.append(below if below else cell)
            if below and carried and carried != below:
                combined[-1] = (below, carried + below)
        options.append(((index, index + 1), combined))
    return options


def locate_header(grid: Grid, source: Source) -> Header | None:
    """The header that names the most contract columns among the first rows of the sheet: the one that lacks
    the fewest required columns, then names the most columns, then spans one row rather than two."""
    rules = reading_rules()
    lookup = source.header_lookup()
    top = _normalised(grid.frame.head(rules["header_search_rows"])).rows()
    original = grid.frame.head(rules["header_search_rows"]).rows()
    best, best_key = None, None
    for index in range(len(top)):
        if sum(1 for c in top[index] if c) < 2:
            continue
        for header_rows, labels in _candidates([list(r) for r in top], index):
            columns, written, ignored = {}, {}, []
            for j, label in enumerate(labels):
                options = label if isinstance(label, tuple) else (label,)
                column = next((c for c in (match_header(o, lookup) for o in options) if c), None)
                as_written = "/".join(
                    str(original[r][j]).strip() for r in header_rows if j < len(original[r]) and original[r][j]
                )
                if column is None or column.name in written:
                    if as_written:
                        ignored.append(as_written)
                    continue
                columns[f"column_{j}"] = column
                written[column.name] = as_written
            missing = sum(1 for c in source.columns if c.required and c.name not in written)
            key = (-missing, len(columns), -len(header_rows))
            if columns and (best_key is None or key > best_key):
                best_key = key
                best = Header(tuple(r + 1 for r in header_rows), columns, written, ignored)
    return best


# --- rows that are not data ------------------------------------------------------------------------------

def classify_rows(grid: Grid, header: Header) -> pl.DataFrame:
    """The sheet's rows after the header, each with _row (spreadsheet row) and _left_out (a reason from
    expectations/reading.yaml, or null for a data row). Rows above the header are left out as titles."""
    rules = reading_rules()
    first = header.rows[-1]  # rows before this index (0-based) are the header and what is above it
    cells = list(grid.frame.columns)
    rows = pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("_row")
    norm = _normalised(grid.frame.select(cells)).with_columns(rows)
    first_cell = pl.coalesce([pl.col(c) for c in cells]) if cells else pl.lit(None, pl.String)
    any_cell = lambda pattern: pl.any_horizontal([pl.col(c).str.contains(pattern).fill_null(False) for c in cells])
    filled = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Int32) for c in cells])
    header_words = [w.lower() for label in header.written.values() for w in re.split(r"\s+|/", label) if w]
    header_cells = pl.sum_horizontal([
        pl.col(c).str.to_lowercase().is_in(header_words).fill_null(False).cast(pl.Int32) for c in header.columns
    ]) if header.columns else pl.lit(0)
    # a row after a footer is still data if it fills most of the header's columns, as data rows do
    mapped_filled = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Int32) for c in header.columns])
    keys_filled = mapped_filled >= max(2, (len(header.columns) + 1) // 2)
    numbers = rules["column_number_cells"]
    is_numbers_row = pl.all_horizontal([pl.col(c).is_null() | pl.col(c).str.contains(numbers) for c in cells]) & (filled >= 2)
    marked = norm.with_columns(
        pl.when(pl.col("_row").is_in(list(header.rows))).then(pl.lit("header"))
        .when(pl.col("_row") < header.rows[0]).then(pl.lit("title"))
        .when(filled == 0).then(pl.lit("blank"))
        .when(first_cell.str.contains(UNDECODABLE)).then(None)
        .when(any_cell(rules["total_cell"])).then(pl.lit("total"))
        .when(first_cell.str.contains(rules["unit_row_start"]) & (filled <= 2)).then(pl.lit("unit_row"))
        .when(first_cell.str.contains(rules["footer_start"])).then(pl.lit("footer"))
        .when(header_cells >= max(2, (len(header.columns) + 1) // 2)).then(pl.lit("repeated_header"))
        .when((pl.col("_row") == first + 1) & is_numbers_row).then(pl.lit("column_numbers"))
        .alias("_left_out"),
        keys_filled.alias("_keys_filled"),
    )
    # Everything after a footer line is footer too (notes run over several lines), unless it looks like a data row.
    after_footer = (pl.col("_left_out") == "footer").fill_null(False).cum_max()
    marked = marked.with_columns(
        pl.when(pl.col("_left_out").is_null() & after_footer & ~pl.col("_keys_filled"))
        .then(pl.lit("footer")).otherwise(pl.col("_left_out")).alias("_left_out")
    )
    return grid.frame.with_columns(marked["_row"], marked["_left_out"]).filter(pl.col("_left_out").fill_null("") != "header")
