"""Reading inbox files into typed Polars frames, as the input contract says.

Every cell that cannot be typed becomes a problem on its row (column, rule, message) instead of an
error: staging later sends such rows to quarantine with their reason, so nothing is lost.
Problems that make a whole file unusable (unreadable, a required column missing) are *structural*:
they are returned separately and block the run.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.contract import Column, Source, code_lookup, normalise_header
from pipelines.settings import REFERENCE_DIR

READABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
TRUE_WORDS = ("是", "有", "yes", "y", "true", "1")
FALSE_WORDS = ("否", "无", "no", "n", "false", "0")
PROBLEM = pl.Struct({"column": pl.String, "rule": pl.String, "message": pl.String})
POLARS_TYPE = {
    "code": pl.String, "text": pl.String, "integer": pl.Int64, "decimal": pl.Float64,
    "year": pl.Int32, "date": pl.Date, "boolean": pl.Boolean,
}


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
    rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class Ingested:
    """One source's inbox files, typed and stacked, with what was found wrong with them."""

    frame: pl.DataFrame  # the rows of the files read this time (not of the files reused)
    files: list[FileReport]
    structural_errors: list[str]
    reused: list[str] = field(default_factory=list)  # files unchanged since the last build: not read again


def discover_files(inbox: Path, source: str) -> list[Path]:
    """A source is every readable file in the inbox whose name starts with the source's name."""
    if not inbox.is_dir():
        return []
    return sorted(
        p for p in inbox.iterdir()
        if p.is_file() and p.name.startswith(source) and p.suffix.lower() in READABLE_SUFFIXES
    )


def decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) if it decodes, else GB18030, the superset of GBK that Excel writes."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gbk"


def read_as_text(path: Path, data: bytes) -> tuple[pl.DataFrame, str | None]:
    """Every file becomes a frame of strings, whatever its format, so typing is done once, below."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text, encoding = decode_text(data)
        # UTF-8 bytes are read as they are (without the BOM); only GBK is re-encoded.
        utf8 = data.removeprefix(b"\xef\xbb\xbf") if encoding == "utf-8" else text.encode("utf-8")
        frame = pl.read_csv(io.BytesIO(utf8), infer_schema=False, raise_if_empty=False)
        return frame, encoding
    if suffix == ".xlsx":
        return pl.read_excel(io.BytesIO(data), infer_schema_length=0, raise_if_empty=False), None
    frame = pl.read_parquet(io.BytesIO(data))
    return frame.with_columns(pl.all().cast(pl.String)), None


def pseudonymise(values: pl.Expr, key: bytes) -> pl.Expr:
    """A keyed hash: the same person gets the same key every year, and the ID number cannot be recovered."""
    def digests(batch: pl.Series) -> pl.Series:
        blake2b = hashlib.blake2b
        hashed = [
            None if v is None else blake2b(v.strip().upper().encode(), key=key, digest_size=16).hexdigest()
            for v in batch.to_list()
        ]
        return pl.Series(batch.name, hashed, dtype=pl.String)

    return values.map_batches(digests, return_dtype=pl.String)


def _clean(column: Column) -> pl.Expr:
    text = pl.col(column.name).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _typed(column: Column) -> pl.Expr:
    """The cell as its contract type; null where it does not fit (the problem is reported separately)."""
    text = _clean(column)
    kind = column.type
    if column.code_list:
        lookup = code_lookup(column.code_list)

        def to_codes(batch: pl.Series) -> pl.Series:
            # A code list has a handful of spellings: map each distinct value once, not every row.
            spellings = {v: lookup.get(normalise_header(v)) for v in batch.drop_nulls().unique().to_list()}
            return batch.replace_strict(spellings, default=None, return_dtype=pl.String)

        return text.map_batches(to_codes, return_dtype=pl.String)
    if kind == "code":
        return pl.when(text.str.contains(r"^\d+$")).then(text)
    if kind in ("integer", "year"):
        number = text.str.replace_all(",", "").cast(pl.Float64, strict=False)
        return pl.when(number == number.round()).then(number).cast(POLARS_TYPE[kind])
    if kind == "decimal":
        return text.str.replace_all(",", "").cast(pl.Float64, strict=False)
    if kind == "date":
        return text.str.slice(0, 10).str.replace_all("/", "-").str.to_date("%Y-%m-%d", strict=False)
    if kind == "boolean":
        lowered = text.str.to_lowercase()
        return pl.when(lowered.is_in(TRUE_WORDS)).then(True).when(lowered.is_in(FALSE_WORDS)).then(False)
    return text


EXPECTED = {
    "code": "a code made of digits",
    "integer": "a whole number",
    "year": "a year such as 2023",
    "decimal": "a number",
    "date": "a date such as 2017-01-01",
    "boolean": "是 or 否 (yes or no)",
}


def _problems(column: Column) -> list[pl.Expr]:
    """Row-level problems of one column, each a struct (column, rule, message) or null."""
    raw = _clean(column)
    typed = pl.col(f"{column.name}__typed")
    checks = []
    if column.required:
        checks.append((raw.is_null(), "required", pl.lit(f"{column.label} is empty but is required")))
    if column.code_list:
        message = pl.format(f"{column.label}: '{{}}' is not in the code list {column.code_list}", raw)
        checks.append((raw.is_not_null() & typed.is_null(), "code_list", message))
    elif column.type in EXPECTED:
        message = pl.format(f"{column.label}: '{{}}' is not {EXPECTED[column.type]}", raw)
        checks.append((raw.is_not_null() & typed.is_null(), "type", message))
    if column.type == "year":
        message = pl.format(f"{column.label}: {{}} is not a plausible year (1949-2100)", typed)
        checks.append((~typed.is_between(1949, 2100), "range", message))
    if column.min is not None:
        message = pl.format(f"{column.label}: {{}} is below the minimum {column.min:g}", typed)
        checks.append((typed < column.min, "range", message))
    return [
        pl.when(condition).then(pl.struct(column=pl.lit(column.name), rule=pl.lit(rule), message=message))
        for condition, rule, message in checks
    ]


def map_headers(frame: pl.DataFrame, source: Source, file_name: str) -> tuple[pl.DataFrame, list[str], list[str]]:
    """One file's columns renamed to the contract's names, still as text, with _file and _row added.

    Returns that frame, the headers that were ignored and the required columns that are missing (listed
    on every row in _lacks, so the rows can say why they are unusable)."""
    headers = source.header_map()
    renames, ignored = {}, []
    for header in frame.columns:
        column = headers.get(normalise_header(header))
        if column is None or column.name in renames.values():
            ignored.append(header)
        else:
            renames[header] = column.name
    frame = frame.select(list(renames)).rename(renames)
    missing = [c.label for c in source.columns if c.required and c.name not in frame.columns]
    kept = source.kept_columns
    frame = frame.with_columns(
        [pl.lit(None, pl.String).alias(c.name) for c in kept if c.name not in frame.columns]
    ).select([c.name for c in kept])
    # Spreadsheet row numbers, as a statistician sees them: the header is row 1.
    return frame.with_columns(
        pl.lit(file_name).alias("_file"),
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("_row"),
        pl.lit(", ".join(missing) or None, pl.String).alias("_lacks"),
    ), ignored, missing


def conform(frame: pl.DataFrame, source: Source, key: bytes) -> pl.DataFrame:
    """Type every cell of a source's files (stacked by map_headers) and list each row's problems.

    Returns the typed frame: contract columns, _file, _row, _problems and, for rows with problems, _raw.
    """
    kept = source.kept_columns
    frame = frame.with_columns([_typed(c).alias(f"{c.name}__typed") for c in kept])
    problem_exprs = [p for c in kept for p in _problems(c)]
    lacks = pl.col("_lacks")
    problem_exprs.append(pl.when(lacks.is_not_null()).then(pl.struct(
        column=lacks, rule=pl.lit("required_column"), message=pl.format("the file lacks the required column(s) {}", lacks),
    )))
    problems = pl.concat_list(problem_exprs).list.drop_nulls()
    frame = frame.with_columns(problems.alias("_problems"))
    for column in kept:
        if column.personal == "pseudonymise":
            frame = frame.with_columns(pseudonymise(pl.col(f"{column.name}__typed"), key).alias(f"{column.name}__typed"))
    typed = [pl.col(f"{c.name}__typed").alias(c.name) for c in kept]
    # Raw values are kept only where a row has a problem (encoded for those rows only: they are few),
    # and never with personal identifiers in them.
    raw = pl.struct([pl.col(c.name) for c in kept if not c.personal]).struct.json_encode().alias("_raw")
    has_problem = pl.col("_problems").list.len() > 0
    columns = [*typed, "_file", "_row", pl.col("_problems").cast(pl.List(PROBLEM))]
    return pl.concat([
        frame.filter(~has_problem).select(*columns, pl.lit(None, pl.String).alias("_raw")),
        frame.filter(has_problem).select(*columns, raw),
    ])


def empty_frame(source: Source) -> pl.DataFrame:
    schema = {c.name: POLARS_TYPE[c.type] if not c.code_list else pl.String for c in source.kept_columns}
    schema |= {"_file": pl.String, "_row": pl.Int64, "_problems": pl.List(PROBLEM), "_raw": pl.String}
    return pl.DataFrame(schema=schema)


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
    """Everything a file's typed rows depend on besides its bytes: the contract, the code lists, this module
    and the pseudonym key (only a hash of it). Rows typed under another fingerprint are never reused."""
    digest = hashlib.sha256(repr(source).encode())
    for name in sorted({c.code_list for c in source.columns if c.code_list}):
        digest.update((REFERENCE_DIR / f"{name}.csv").read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(hashlib.blake2b(b"typing fingerprint", key=key).digest())
    return digest.hexdigest()


def ingest_source(inbox: Path, source: Source, key: bytes, previous: dict[str, FileReport] | None = None) -> Ingested:
    """Read every file of one source from the inbox. A file listed in `previous` with the same SHA-256
    is not read again: its typed rows from the last build are reused (the report is the previous one)."""
    previous = previous or {}
    frames, reports, errors, reused = [], [], [], []
    paths = discover_files(inbox, source.name)
    if not paths and source.required:
        errors.append(
            f"No file for the required source '{source.name}' ({source.name_zh}) in {inbox}: "
            f"expected a file whose name starts with '{source.name}' (.csv, .xlsx or .parquet)."
        )
    for path in paths:
        data = read_settled(path)
        sha256 = hashlib.sha256(data).hexdigest()
        if path.name in previous and previous[path.name].sha256 == sha256:
            reports.append(previous[path.name])
            reused.append(path.name)
            continue
        report = FileReport(
            source=source.name, file=path.name, sha256=sha256, bytes=len(data), format=path.suffix.lower().lstrip("."),
        )
        reports.append(report)
        try:
            text_frame, report.encoding = read_as_text(path, data)
        except Exception as exc:  # any reader failure means the file cannot be used at all
            errors.append(f"File {path.name} could not be read as {report.format.upper()}: {exc}")
            continue
        mapped, report.ignored_columns, missing = map_headers(text_frame, source, path.name)
        report.rows = mapped.height
        if missing:
            errors.append(
                f"File {path.name} lacks the required column(s) {', '.join(missing)}; "
                f"its {mapped.height} rows cannot be used. Headers found: {', '.join(text_frame.columns)}."
            )
        frames.append(mapped)
    # Typed once for all files of the source: one pass over the rows, whatever the number of files.
    frame = conform(pl.concat(frames, how="vertical"), source, key) if frames else empty_frame(source)
    return Ingested(frame=frame, files=reports, structural_errors=errors, reused=reused)
