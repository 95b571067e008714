"""Reading inbox files into typed Polars frames, as the input contract says.

pipelines/reading.py turns each file into the data rows of its sheets; this module types every cell. A cell
that cannot be typed becomes a problem on its row (column, header as written, value, rule, outcome and the
message in Chinese and English) instead of an error. The outcome decides what staging does with it: a bad
cell in a key column sets the row aside (`row`), a bad measure cell is set aside alone (`cell`: null in
staging), a doubtful but usable figure is kept (`flag`). Problems that make a whole file unusable
(unreadable, a required column missing) are *structural*: they are returned separately and block the run.
"""

from __future__ import annotations

import hashlib
import os
import re
import string
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl
import yaml

from pipelines.contract import Column, Source, code_lookup, load_sources, normalise_header
from pipelines.reading import Grid, Header, classify_rows, locate_header, read_grids, reading_rules
from pipelines.settings import EXPECTATIONS_DIR, REFERENCE_DIR

READABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".parquet")
MESSAGES_FILE = EXPECTATIONS_DIR / "messages.yaml"
PROBLEM = pl.Struct({
    "column": pl.String, "header": pl.String, "value": pl.String, "rule": pl.String, "outcome": pl.String,
    "zh": pl.String, "en": pl.String, "fix_zh": pl.String, "fix_en": pl.String,
})
POLARS_TYPE = {
    "code": pl.String, "text": pl.String, "integer": pl.Int64, "decimal": pl.Float64,
    "year": pl.Int32, "date": pl.Date, "boolean": pl.Boolean,
}
LEFT_OUT_SCHEMA = {"source": pl.String, "file": pl.String, "sheet": pl.String, "row_number": pl.Int64,
                   "reason": pl.String, "reason_zh": pl.String, "reason_en": pl.String}
# GB 11643-1999: weights of the first 17 digits, and the check character for each remainder mod 11
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = dict(enumerate("10X98765432"))
SCIENTIFIC = r"^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$"
MULTI_SEPARATORS = r"[;；,，、/]"
EXCEL_EPOCH = date(1899, 12, 30)


@cache
def messages() -> dict:
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


class FileStillChanging(OSError):
    """A file changed while it was read (still being copied into the inbox): worth a retry, not a data error."""


@dataclass
class FileReport:
    source: str
    file: str
    sha256: str
    bytes: int
    format: str
    encoding: str | None = None
    rows: int = 0  # rows in: every row of the sheets read, except their header rows
    ignored_columns: list[str] = field(default_factory=list)
    header_rows: str | None = None  # where the header was found, per sheet ("Sheet1: 4–5")
    ignored_sheets: list[str] = field(default_factory=list)
    rows_left_out: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # contract column → header as the file wrote it
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # structural: the file cannot be used (not kept between runs)


@dataclass
class Ingested:
    """One source's inbox files, typed and stacked, with what was found wrong with them."""

    frame: pl.DataFrame  # the rows of the files read this time (not of the files reused)
    files: list[FileReport]
    structural_errors: list[str]
    reused: list[str] = field(default_factory=list)  # files unchanged since the last build: not read again
    left_out: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LEFT_OUT_SCHEMA))


# --- which files belong to a source ----------------------------------------------------------------------

def name_pattern(source: Source) -> re.Pattern:
    """A file belongs to a source when its name holds the source's name as a word, in any case, or one of
    its Chinese names (sources.yaml file_names): Facility_stats_2023.csv, 许昌_public_health_2023.xlsx,
    2023年机构名录.xlsx."""
    words = [re.escape(source.name), *(re.escape(n) for n in source.file_names)]
    return re.compile(rf"(?<![a-z])({'|'.join(words)})(?![a-z])", re.IGNORECASE)


def sources_of(name: str, sources) -> list[str]:
    """The sources a file name matches: the longest match wins (facility_stats over facilities is not
    needed as neither contains the other, but 卫生人员 over 人员 is)."""
    stem = unicodedata.normalize("NFKC", Path(name).stem).lower()
    hits = {}
    for source in sources:
        found = [m.group(0) for m in name_pattern(source).finditer(stem)]
        if found:
            hits[source.name] = max(len(f) for f in found)
    if not hits:
        return []
    longest = max(hits.values())
    return sorted(s for s, n in hits.items() if n == longest)


def inbox_files(inbox: Path) -> dict[str, list[str]]:
    """Every file of the inbox with the sources it matches: one (it is read), none or several (it is not read,
    and the run summary and its receipt say so). Files of another format match nothing; hidden files and
    Excel's lock files (~$name.xlsx) are not inbox files."""
    sources = list(load_sources().values())
    if not inbox.is_dir():
        return {}
    return {
        p.name: sources_of(p.name, sources) if p.suffix.lower() in READABLE_SUFFIXES else []
        for p in sorted(inbox.iterdir()) if p.is_file() and not p.name.startswith((".", "~$"))
    }


def discover_files(inbox: Path, source: str) -> list[Path]:
    """Every readable inbox file whose name matches this source and no other."""
    return [inbox / name for name, matched in inbox_files(inbox).items() if matched == [source]]


# --- cells -----------------------------------------------------------------------------------------------

def _render(template: str, value: pl.Expr, **params) -> pl.Expr:
    """A message template with {value} taken from the cell and every other field given."""
    class Keep(dict):
        def __missing__(self, key):
            return "{" + key + "}"
    text = string.Formatter().vformat(template, (), Keep(params))
    parts = text.split("{value}")
    pieces = [pl.lit(parts[0])]
    for part in parts[1:]:
        pieces += [value.cast(pl.String).fill_null(""), pl.lit(part)]
    return pl.concat_str(pieces)


def problem(rule: str, column: Column, header: str, value: pl.Expr, outcome: str, **params) -> pl.Expr:
    """One problem of a cell as a struct, with its message in Chinese and English (expectations/messages.yaml)."""
    text = messages()["rules"][rule]
    shown = pl.lit(None, pl.String) if column.personal else value.cast(pl.String)
    params = {"header": header, **params}
    return pl.struct(
        column=pl.lit(column.name), header=pl.lit(header), value=shown, rule=pl.lit(rule), outcome=pl.lit(outcome),
        zh=_render(text["zh"], shown, **params), en=_render(text["en"], shown, **params),
        fix_zh=pl.lit(text["fix_zh"].format(**params)), fix_en=pl.lit(text["fix_en"].format(**params)),
    )


def cleaned(name: str) -> pl.Expr:
    """A cell as text: full-width folded (NFKC), non-breaking and other spaces trimmed, empty as null."""
    text = pl.col(name).str.normalize("NFKC").str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def nothing_reported(text: pl.Expr) -> pl.Expr:
    """A cleaned cell with the words for "nothing reported" (—, /, 无 …) as null."""
    return pl.when(text.is_in(messages()["nothing_reported"])).then(None).otherwise(text)


# Columns of the cells as prepared once per sheet (see prepared): the typing rules read these.
CLEANED, REPORTED, IDENT, ID_VALID, ID_DAMAGED, NUMBER = (
    f"{{}}__{part}" for part in ("cleaned", "reported", "ident", "valid", "damaged", "number"))
NUMERIC = ("integer", "year", "decimal")


def _is_text_key(column: Column) -> bool:
    """A text identifier (机构代码 …) Excel may have stored as a number: typed by its identifier and damage."""
    return bool(column.key) and not column.personal and not column.code_list and column.type not in (*NUMERIC, "code", "date", "boolean")


def prepared(frame: pl.DataFrame, columns: list[Column]) -> pl.DataFrame:
    """Each cell cleaned once, with its nothing-reported form, and an ID number's checks, as columns the typing
    rules read. Polars evaluates an expression wherever it appears: a cell cleaned inside every rule and message
    would be cleaned a dozen times (the national benchmark spent minutes on it)."""
    frame = frame.with_columns([cleaned(c.name).alias(CLEANED.format(c.name)) for c in columns])
    frame = frame.with_columns([nothing_reported(pl.col(CLEANED.format(c.name))).alias(REPORTED.format(c.name)) for c in columns])
    numeric = [c for c in columns if c.type in NUMERIC and not c.code_list]
    frame = frame.with_columns([
        as_number(pl.col(REPORTED.format(c.name)).str.replace(r"年度?$", "") if c.type == "year" else pl.col(REPORTED.format(c.name)))
        .alias(NUMBER.format(c.name)) for c in numeric])
    personal = [c.name for c in columns if c.personal == "pseudonymise"]
    keys = [c.name for c in columns if _is_text_key(c)]
    frame = frame.with_columns(
        # an ID number's final x is the check character X
        [identifier(pl.col(REPORTED.format(n))).str.to_uppercase().alias(IDENT.format(n)) for n in personal]
        + [identifier(pl.col(REPORTED.format(n))).alias(IDENT.format(n)) for n in keys])
    return frame.with_columns(
        [excel_damaged(pl.col(IDENT.format(n))).alias(ID_DAMAGED.format(n)) for n in personal + keys]
        + [(id_check_passes(pl.col(IDENT.format(n))) | pl.col(IDENT.format(n)).str.contains(r"^\d{15}$")).alias(ID_VALID.format(n))
           for n in personal])


def as_number(text: pl.Expr) -> pl.Expr:
    """12,345 · 12.5% (→ 12.5) · 98.42万 (→ 984,200) · 1.2亿 · 4.5E+11 as a number; null if it is not one."""
    bare = text.str.replace_all(r"[,\s]", "").str.strip_suffix("%")
    multipliers = messages()["multipliers"]
    factor = pl.lit(1.0)
    for word, times in multipliers.items():
        factor = pl.when(bare.str.ends_with(word)).then(pl.lit(float(times))).otherwise(factor)
    number = bare.str.replace(f"({'|'.join(multipliers)})$", "").cast(pl.Float64, strict=False)
    # a multiplied figure is rounded to what was written (98.42 × 10,000 is 984,199.99999999)
    return pl.when(factor != 1).then((number * factor).round(6)).otherwise(number)


def as_whole(number: pl.Expr, dtype) -> pl.Expr:
    return pl.when(number == number.round()).then(number).cast(dtype)


def as_date(text: pl.Expr, bare_year: str | None) -> pl.Expr:
    """2016-11-24, 2016/11/24, 2016.11.24, 2016年11月24日, 20161124, an Excel serial (42698), and — for a
    column that says so — a bare year (2016, 2016年) or a year and month as the first or last day."""
    t = text.str.replace(r"\s.*$", "").str.replace(r"日$", "")
    parts = t.str.extract_groups(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2}))?月?$")
    y, m, d = (parts.struct.field(f).cast(pl.Int32, strict=False) for f in ("1", "2", "3"))
    compact = t.str.extract_groups(r"^(\d{4})(\d{2})(\d{2})$")
    cy, cm, cd = (compact.struct.field(f).cast(pl.Int32, strict=False) for f in ("1", "2", "3"))
    year_only = t.str.extract(r"^(\d{4})年?$", 1).cast(pl.Int32, strict=False)
    serial = t.str.extract(r"^(\d{5})(?:\.0+)?$", 1).cast(pl.Int32, strict=False)
    end = bare_year == "end"
    month_date = pl.date(y, m, pl.lit(1))
    parsed = (
        pl.when(d.is_not_null()).then(pl.date(y, m, d, ))
        .when(m.is_not_null()).then(month_date.dt.month_end() if end else month_date)
        .when(cy.is_not_null()).then(pl.date(cy, cm, cd))
        .when(serial.is_between(1, 80000)).then(pl.lit(EXCEL_EPOCH) + pl.duration(days=serial))
    )
    if bare_year:
        parsed = parsed.when(year_only.is_not_null()).then(pl.date(year_only, pl.lit(12 if end else 1), pl.lit(31 if end else 1)))
    return parsed.otherwise(None)


def id_check_character(text: pl.Expr) -> pl.Expr:
    """The GB 11643 check character of an ID number's first 17 digits."""
    digits = [text.str.slice(i, 1).cast(pl.Int32, strict=False) for i in range(17)]
    total = pl.sum_horizontal([d * w for d, w in zip(digits, ID_WEIGHTS)])
    return (total % 11).replace_strict(ID_CHECK, default=None, return_dtype=pl.String)


def id_check_passes(text: pl.Expr) -> pl.Expr:
    """Whether an 18-character ID number's last character is its GB 11643 check character."""
    return text.str.contains(r"^\d{17}[\dX]$") & (text.str.slice(17, 1) == id_check_character(text))


def identifier(text: pl.Expr) -> pl.Expr:
    """An identifier as typed: no spaces, without the .0 of a number Excel stored as a number."""
    return text.str.replace_all(" ", "").str.replace(r"^(\d+)\.0+$", "${1}")


def excel_damaged(text: pl.Expr) -> pl.Expr:
    """A long number Excel turned into scientific notation, or one of 16 digits or more that is a number of 15
    significant digits (Excel keeps 15: 410102198002051234 comes back as 410102198002051000, or as the nearest
    double, 410102198002051008)."""
    number = text.cast(pl.Float64, strict=False)
    fifteen_digits = (number - number.round_sig_figs(15)).abs() < 100
    return text.str.contains(SCIENTIFIC) | (text.str.contains(r"^\d{16,}$") & fifteen_digits & ~id_check_passes(text))


def code_list_lookup(text: pl.Expr, column: Column) -> pl.Expr:
    """The code of each cell (a list of codes for a multi-valued column's list of parts); null if none."""
    lookup = code_lookup(column.code_list)

    def find(value: str) -> str | None:
        key = normalise_header(value)
        if key in lookup:
            return lookup[key]
        # a finer national code than the list holds falls back to its group: WS 218 A229 → A220 → A200
        if re.fullmatch(r"[a-z]\d{3}", key):
            return lookup.get(key[:3] + "0") or lookup.get(key[:2] + "00")
        return None

    def to_codes(batch: pl.Series) -> pl.Series:
        # a code list has a handful of spellings: map each distinct value once, not every row
        values = batch.explode() if column.multi else batch
        spellings = {v: find(v) for v in values.drop_nulls().unique().to_list()}
        if column.multi:
            # the lists mapped in one vectorised step: a lookup inside list.eval is called once per row
            # (98,000 Python calls took 18 s on one 卫健统2表 file with 医师执业范围代码)
            return batch.list.eval(pl.element().replace_strict(spellings, default=None, return_dtype=pl.String))
        return batch.replace_strict(spellings, default=None, return_dtype=pl.String)

    return text.map_batches(to_codes, return_dtype=pl.List(pl.String) if column.multi else pl.String)


def pseudonymise(values: pl.Expr, key: bytes) -> pl.Expr:
    """A keyed hash: the same person gets the same key every year, and the ID number cannot be recovered."""
    # The key is absorbed once: each value starts from a copy of the keyed state (the same digest as
    # blake2b(value, key=key), a third faster than keying every call: 15.9 M national staff rows)
    keyed = hashlib.blake2b(key=key, digest_size=16)

    def digest(value: str) -> str:
        state = keyed.copy()
        state.update(value.strip().upper().encode())
        return state.hexdigest()

    def digests(batch: pl.Series) -> pl.Series:
        return pl.Series(batch.name, [None if v is None else digest(v) for v in batch.to_list()], dtype=pl.String)

    return values.map_batches(digests, return_dtype=pl.String)


@dataclass
class TypedColumn:
    value: pl.Expr
    problems: list[pl.Expr]


def type_column(column: Column, header: str, key: bytes) -> TypedColumn:
    """A column's typed value and its problems. Cells that cannot be used are null in the value."""
    name = column.name
    raw = pl.col(CLEANED.format(name))
    text = raw if column.type == "boolean" or column.code_list else pl.col(REPORTED.format(name))
    bad = "row" if column.key else "cell"
    problems = []
    if column.required:
        problems.append(pl.when(text.is_null()).then(problem("required", column, header, raw, "row" if column.key else "flag")))
    if column.personal == "pseudonymise":
        ident, valid, damaged = (pl.col(c.format(name)) for c in (IDENT, ID_VALID, ID_DAMAGED))
        problems.append(pl.when(ident.is_not_null() & damaged).then(problem("id_damaged", column, header, ident, "flag")))
        problems.append(pl.when(ident.is_not_null() & ~damaged & ~valid).then(problem("id_check_digit", column, header, ident, "flag")))
        return TypedColumn(pl.when(valid).then(pseudonymise(ident, key)), problems)
    if column.code_list:
        if column.multi:
            parts = text.str.replace_all(MULTI_SEPARATORS, ";").str.split(";").list.eval(pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != ""))
            mapped = code_list_lookup(parts, column)
            unknown = mapped.list.eval(pl.element().is_null()).list.any()
            problems.append(pl.when(text.is_not_null() & unknown).then(
                problem("code_list", column, header, raw, "cell", code_list=column.code_list)))
            return TypedColumn(mapped.list.drop_nulls().list.unique(maintain_order=True), problems)
        codes = code_list_lookup(text, column)
        if column.unknown:
            problems.append(pl.when(text.is_not_null() & codes.is_null()).then(
                problem("unknown_kept", column, header, raw, "cell", code_list=column.code_list, unknown=column.unknown)))
            # an empty required descriptive cell is unknown too: the person or facility stays
            value = codes.fill_null(column.unknown) if column.required else pl.when(text.is_not_null()).then(codes.fill_null(column.unknown))
        else:
            problems.append(pl.when(text.is_not_null() & codes.is_null()).then(
                problem("code_list", column, header, raw, bad, code_list=column.code_list)))
            value = codes
        if column.type == "boolean":
            value = value == "true"
        return TypedColumn(value, problems)
    expected = messages()["expected"].get(column.type)
    kind = column.type
    if kind == "code":
        code = identifier(text)
        damaged = code.str.contains(SCIENTIFIC)
        problems.append(pl.when(damaged).then(problem("excel_damaged", column, header, raw, bad)))
        value = pl.when(code.str.contains(r"^\d+$")).then(code)
        problems.append(pl.when(text.is_not_null() & value.is_null() & ~damaged).then(
            problem("type", column, header, raw, bad, expected_zh=expected["zh"], expected_en=expected["en"])))
        return TypedColumn(value, problems)
    if kind in NUMERIC:
        number = pl.col(NUMBER.format(name))
        value = number if kind == "decimal" else as_whole(number, POLARS_TYPE[kind])
        problems.append(pl.when(text.is_not_null() & value.is_null()).then(
            problem("type", column, header, raw, bad, expected_zh=expected["zh"], expected_en=expected["en"])))
        if kind == "year":
            out = ~value.is_between(1949, 2100)
            problems.append(pl.when(out).then(problem("year_range", column, header, raw, bad)))
            value = pl.when(~out).then(value)
        if column.min is not None:
            below = value < column.min
            problems.append(pl.when(below).then(problem("range", column, header, raw, bad, min=f"{column.min:g}")))
            value = pl.when(~below.fill_null(False)).then(value)
        return TypedColumn(value, problems)
    if kind == "date":
        value = as_date(text, column.bare_year)
        problems.append(pl.when(text.is_not_null() & value.is_null()).then(
            problem("type", column, header, raw, bad, expected_zh=expected["zh"], expected_en=expected["en"])))
        return TypedColumn(value, problems)
    if kind == "boolean":
        yes_no = Column(name=name, type="boolean", code_list="yes_no")
        return type_column(yes_no, header, key)
    if column.key:  # a text identifier (机构代码 …) Excel may have stored as a number
        ident, damaged = pl.col(IDENT.format(name)), pl.col(ID_DAMAGED.format(name))
        problems.append(pl.when(damaged).then(problem("excel_damaged", column, header, raw, bad)))
        return TypedColumn(pl.when(~damaged).then(ident), problems)
    return TypedColumn(text, problems)


def hide_id_numbers(frame: pl.DataFrame, source: Source, key: bytes) -> pl.DataFrame:
    """A value that is an ID number (18 characters passing the GB 11643 check) is hashed whatever column it
    came in: some HR exports file it under 人员编码."""
    exprs = []
    for column in source.staged_columns:
        if column.personal or POLARS_TYPE.get(column.type) != pl.String or column.code_list:
            continue
        # One scan for 17 digits first (spaces allowed, as identifier() removes them): the full check is costly
        # and almost every column has no such value.
        if not frame.select(pl.col(column.name).str.contains(r"(?:\d\s*){17}").any()).item():
            continue
        ident = identifier(pl.col(column.name)).str.to_uppercase()
        looks = id_check_passes(ident).fill_null(False)
        if frame.select(looks.any()).item():
            exprs.append(pl.when(looks).then(pseudonymise(ident, key)).otherwise(pl.col(column.name)).alias(column.name))
    return frame.with_columns(exprs) if exprs else frame


def conform(frame: pl.DataFrame, source: Source, key: bytes, headers: dict[str, str]) -> pl.DataFrame:
    """Type every cell of one sheet (columns renamed to the contract's names, still text) and list each
    row's problems. Returns the contract's staged columns, _file, _sheet, _row, _problems and, for rows set
    aside, _raw (the row as received, personal identifiers removed)."""
    kept = source.kept_columns
    missing = [c for c in kept if c.name not in frame.columns]
    frame = frame.with_columns([pl.lit(None, pl.String).alias(c.name) for c in missing])
    for column in source.columns:
        if column.compose and column.name in frame.columns:
            joined = pl.concat_str([cleaned(c).fill_null("") for c in column.compose])
            frame = frame.with_columns(pl.coalesce(cleaned(column.name), pl.when(joined != "").then(joined)).alias(column.name))
    frame = prepared(frame, source.staged_columns)
    typed = {c.name: type_column(c, headers.get(c.name) or c.label, key) for c in source.staged_columns}
    exprs = [p for t in typed.values() for p in t.problems]
    # a line that decodes as neither UTF-8 nor GBK has one problem, its encoding: its cells are not read at all
    undecodable = problem("encoding", source.staged_columns[0], "", pl.lit(None), "row")
    problems = (pl.when(pl.col("_undecodable")).then(pl.concat_list([undecodable]))
                .otherwise(pl.concat_list(exprs)).list.drop_nulls().alias("_problems"))
    with_problems = frame.with_columns(problems)
    values = [typed[c.name].value.alias(c.name) for c in source.staged_columns]
    raw = pl.struct([pl.col(c.name) for c in kept if not c.personal]).struct.json_encode()
    row_set_aside = pl.col("_problems").list.eval(pl.element().struct.field("outcome") == "row").list.any()
    out = with_problems.select(
        *values, "_file", "_sheet", "_row", pl.col("_problems").cast(pl.List(PROBLEM)),
        pl.when(row_set_aside & ~pl.col("_undecodable")).then(raw).alias("_raw"),
    )
    return hide_id_numbers(out, source, key)


def empty_frame(source: Source) -> pl.DataFrame:
    schema = {c.name: POLARS_TYPE[c.type] if not c.code_list or c.type == "boolean" else pl.String
              for c in source.staged_columns}
    schema |= {c.name: pl.List(pl.String) for c in source.staged_columns if c.multi}
    schema |= {"_file": pl.String, "_sheet": pl.String, "_row": pl.Int64, "_problems": pl.List(PROBLEM), "_raw": pl.String}
    return pl.DataFrame(schema=schema)


# --- files -----------------------------------------------------------------------------------------------

def read_settled(path: Path) -> bytes:
    """The file's bytes, or FileStillChanging if its size or time moved while reading. OSError (a locked
    or vanished file) passes through too: both are transient, and the raw assets retry them."""
    before = path.stat()
    data = path.read_bytes()
    after = path.stat()
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        raise FileStillChanging(f"{path.name} changed while it was read; it is probably still being copied")
    return data


def typing_fingerprint(source: Source, key: bytes) -> str:
    """Everything a file's typed rows depend on besides its bytes: the contract, the code lists, the reading
    rules and messages, this module and the pseudonym key (only a hash of it). Rows typed under another
    fingerprint are never reused."""
    digest = hashlib.sha256(repr(source).encode())
    for path in sorted(REFERENCE_DIR.glob("*")):
        if path.suffix in (".csv", ".yaml") and not path.name.startswith("regions_"):
            digest.update(path.read_bytes())
    for path in (MESSAGES_FILE, Path(__file__), Path(__file__).with_name("reading.py"), EXPECTATIONS_DIR / "reading.yaml"):
        digest.update(path.read_bytes())
    digest.update(hashlib.blake2b(b"typing fingerprint", key=key).digest())
    return digest.hexdigest()


def implied_year(name: str, grid: Grid, header: Header) -> int | None:
    """The report year a file states once, in its name or its title rows, for a sheet without a year column
    (the workforce roll carries none: the year is the report's)."""
    title = " ".join(str(v) for row in grid.frame.head(header.rows[0] - 1).rows() for v in row if v)
    for text in (Path(name).stem, title):
        years = set(re.findall(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)", unicodedata.normalize("NFKC", text)))
        if len(years) == 1:
            return int(years.pop())
    return None


def _sheet_frame(grid: Grid, header: Header, rows: pl.DataFrame, file_name: str) -> pl.DataFrame:
    data = rows.filter(pl.col("_left_out").is_null())
    undecodable = pl.col("_row").is_in(grid.undecodable_rows)
    return data.select(
        *[pl.col(c).alias(col.name) for c, col in header.columns.items()],
        pl.lit(file_name).alias("_file"), pl.lit(grid.sheet, pl.String).alias("_sheet"), pl.col("_row"),
        undecodable.alias("_undecodable"),
    )


def _left_out(rows: pl.DataFrame, source: str, file_name: str, sheet: str | None) -> pl.DataFrame:
    reasons = reading_rules()["left_out_reasons"]
    left = rows.filter(pl.col("_left_out").is_not_null())
    return left.select(
        pl.lit(source).alias("source"), pl.lit(file_name).alias("file"), pl.lit(sheet, pl.String).alias("sheet"),
        pl.col("_row").alias("row_number"), pl.col("_left_out").alias("reason"),
        pl.col("_left_out").replace_strict({k: v["zh"] for k, v in reasons.items()}, return_dtype=pl.String).alias("reason_zh"),
        pl.col("_left_out").replace_strict({k: v["en"] for k, v in reasons.items()}, return_dtype=pl.String).alias("reason_en"),
    )


def read_file(path: Path, data: bytes, source: Source, key: bytes, report: FileReport) -> tuple[list[pl.DataFrame], list[pl.DataFrame], list[str]]:
    """One file's typed sheets, its left-out rows and its structural errors; the report is filled in."""
    if not data:
        report.notes.append("文件为空（0字节） the file is empty (0 bytes)")
        errors = [f"文件 {path.name} 为空（0字节），必需的数据源 {source.name_zh} 无法使用 "
                  f"(file {path.name} is empty (0 bytes); the required source {source.name} cannot be used)"] if source.required else []
        return [], [], errors
    try:
        grids = read_grids(path.suffix.lower(), data)
    except Exception as exc:  # any reader failure means the file cannot be used at all
        return [], [], [f"文件 {path.name} 无法按 {report.format.upper()} 读取 (file {path.name} could not be read as "
                         f"{report.format.upper()}): {exc}"]
    frames, left_out, best_missing = [], [], None
    required = [c for c in source.columns if c.required]
    for grid in grids:
        report.encoding = grid.encoding or report.encoding
        if grid.frame.height == 0:
            report.ignored_sheets.append(f"{grid.sheet or path.name} (空 empty)")
            continue
        header = locate_header(grid, source)
        lacking = [c for c in required if header is None or c.name not in header.written]
        year = None
        if header and [c.name for c in lacking] == ["year"]:
            year = implied_year(path.name, grid, header)
            if year is not None:
                lacking = []
        if lacking:
            if header and (best_missing is None or len(lacking) < len(best_missing[1])):
                best_missing = (grid, lacking, header)
            report.ignored_sheets.append(f"{grid.sheet or path.name} (缺少 lacks {', '.join(c.label for c in lacking)})")
            continue
        rows = classify_rows(grid, header)
        sheet = _sheet_frame(grid, header, rows, path.name)
        if year is not None:
            sheet = sheet.with_columns(pl.lit(str(year)).alias("year"))
            header.written["year"] = f"（文件名或标题中的年份 {year}）"
            note = f"年份取自文件名或标题：{year} (the year {year} is taken from the file name or title)"
            if note not in report.notes:
                report.notes.append(note)
        frames.append(conform(sheet, source, key, header.written))
        left_out.append(_left_out(rows, source.name, path.name, grid.sheet))
        report.rows += rows.height
        report.rows_left_out += left_out[-1].height
        report.ignored_columns += header.ignored
        report.headers |= header.written
        where = f"{grid.sheet}: " if grid.sheet else ""
        report.header_rows = "; ".join(filter(None, [report.header_rows, f"{where}{header.row_label}"]))
    if frames:
        return frames, left_out, []
    if best_missing:
        grid, lacking, header = best_missing
        found = ", ".join(header.written.values())
        return [], [], [f"文件 {path.name} 缺少必需的列 {', '.join(c.label for c in lacking)}，其数据无法使用；表头在第 "
                        f"{header.row_label} 行，找到的列：{found} (file {path.name} lacks the required column(s) "
                        f"{', '.join(c.name for c in lacking)}; header in row {header.row_label}, columns found: {found})"]
    return [], [], [f"文件 {path.name} 中找不到 {source.name_zh} 的表头（任何工作表的前 {reading_rules()['header_search_rows']} 行都不含"
                    f"其列名） (file {path.name}: no sheet has a header of the source {source.name} in its first rows)"]


def ingest_source(inbox: Path, source: Source, key: bytes, previous: dict[str, FileReport] | None = None) -> Ingested:
    """Read every file of one source from the inbox. A file listed in `previous` with the same SHA-256
    is not read again: its typed rows from the last build are reused (the report is the previous one)."""
    previous = previous or {}
    frames, left_out, reports, errors, reused = [], [], [], [], []
    paths = discover_files(inbox, source.name)
    if not paths and source.required:
        errors.append(
            f"收件箱 {inbox} 中没有必需的数据源 {source.name_zh} 的文件：文件名须包含 '{source.name}' 或 "
            f"{'、'.join(source.file_names)} (no file for the required source '{source.name}' in {inbox}: a file "
            f"name must contain '{source.name}' or one of {', '.join(source.file_names)}; .csv, .xlsx, .xls or .parquet)."
        )

    def read_one(path: Path) -> tuple[FileReport, list[pl.DataFrame], list[pl.DataFrame], bool]:
        data = read_settled(path)
        sha256 = hashlib.sha256(data).hexdigest()
        if path.name in previous and previous[path.name].sha256 == sha256:
            return previous[path.name], [], [], True
        report = FileReport(
            source=source.name, file=path.name, sha256=sha256, bytes=len(data), format=path.suffix.lower().lstrip("."),
        )
        sheets, left, report.errors = read_file(path, data, source, key, report)
        return report, sheets, left, False

    # Files are typed one per core at a time: Polars releases the GIL while it computes, so one file's
    # Python (header detection, row classification) overlaps another's typing. Results keep the inbox order.
    with ThreadPoolExecutor(max_workers=max(1, min(len(paths), os.cpu_count() or 1))) as pool:
        for report, sheets, left, was_reused in pool.map(read_one, paths):
            reports.append(report)
            if was_reused:
                reused.append(report.file)
                continue
            frames += sheets
            left_out += left
            errors += report.errors
    frame = pl.concat(frames, how="vertical") if frames else empty_frame(source)
    left = pl.concat(left_out) if left_out else pl.DataFrame(schema=LEFT_OUT_SCHEMA)
    return Ingested(frame=frame, files=reports, structural_errors=errors, reused=reused, left_out=left)
