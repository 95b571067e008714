"""The input contract (输入数据规范), read from expectations/sources.yaml and the code lists in data/reference/."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from pipelines.settings import EXPECTATIONS_DIR, REFERENCE_DIR

CONTRACT_FILE = EXPECTATIONS_DIR / "sources.yaml"
TYPES = {"code", "text", "integer", "decimal", "year", "date", "boolean"}


def normalise_header(header: str) -> str:
    """Words match whatever their case, spacing (non-breaking too), BOM or full-width characters."""
    cleaned = unicodedata.normalize("NFKC", str(header).replace("\ufeff", ""))
    return "".join(cleaned.split()).lower()


SUBITEM_PREFIX = re.compile(r"^(其中[:：]?|[#＃]+|\d+[.、]|[一二三四五六七八九十]+[、.])")
BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")


def header_key(header: str) -> str:
    """A header as matched: normalised, without the "其中:" or "#" that marks a sub-item, or a "1." number."""
    return SUBITEM_PREFIX.sub("", normalise_header(header))


def stripped_header_key(header: str) -> str:
    """A header with its units or notes in brackets removed as well: 实有床位(张) → 实有床位."""
    return BRACKETED.sub("", header_key(header))


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    code_list: str | None = None
    personal: str | None = None  # "drop" or "pseudonymise"
    min: float | None = None
    key: bool = False  # identifies the row: a bad cell here sets the whole row aside
    unknown: str | None = None  # code kept for a value not in the code list (the cell is reported)
    multi: bool = False  # several code-list values in one cell, separated by ; , ， 、
    bare_year: str | None = None  # a date given as a bare year means its "start" or "end" day
    compose: tuple[str, ...] = ()  # columns whose text, joined, gives this one when it is not filed itself
    hidden: bool = False  # only read to compose another column; never staged

    @property
    def label(self) -> str:
        """How messages name the column: the usual Chinese header beside the English name."""
        return f"{self.aliases[0]} ({self.name})" if self.aliases else self.name


@dataclass(frozen=True)
class Source:
    name: str
    name_zh: str
    required: bool
    columns: tuple[Column, ...] = field(default_factory=tuple)
    file_names: tuple[str, ...] = ()  # Chinese names a file of this source may carry instead of its name

    def header_lookup(self) -> dict[str, Column]:
        """Every accepted header to its column, as written and with its bracketed units removed."""
        mapping = {}
        for column in self.columns:
            for header in (column.name, *column.aliases):
                mapping.setdefault(header_key(header), column)
        for column in self.columns:
            for header in (column.name, *column.aliases):
                mapping.setdefault(stripped_header_key(header), column)
        return mapping

    @property
    def kept_columns(self) -> tuple[Column, ...]:
        """The columns a raw table holds: names and other dropped columns are never read."""
        return tuple(c for c in self.columns if c.personal != "drop")

    @property
    def staged_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.kept_columns if not c.hidden)


def _column(name: str, spec: dict) -> Column:
    if spec["type"] not in TYPES:
        raise ValueError(f"sources.yaml: column {name} has unknown type {spec['type']!r}")
    return Column(
        name=name,
        type=spec["type"],
        required=spec.get("required", False),
        aliases=tuple(spec.get("aliases", ())),
        code_list=spec.get("code_list"),
        personal=spec.get("personal"),
        min=spec.get("min"),
        key=spec.get("key", False),
        unknown=spec.get("unknown"),
        multi=spec.get("multi", False),
        bare_year=spec.get("bare_year"),
        compose=tuple(spec.get("compose", ())),
        hidden=spec.get("hidden", False),
    )


@cache
def load_sources(path: Path = CONTRACT_FILE) -> dict[str, Source]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
    return {
        name: Source(
            name=name,
            name_zh=body["name_zh"],
            required=body["required"],
            file_names=tuple(body.get("file_names", ())),
            columns=tuple(_column(col, col_spec) for col, col_spec in body["columns"].items()),
        )
        for name, body in spec.items()
    }


def read_code_list(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


SPELLING_COLUMNS = ("code", "name_zh", "name_en", "national_code", "ws218_code")


@cache
def code_lookup(name: str) -> dict[str, str]:
    """Every accepted spelling of a code-list value (code, Chinese and English name, the national code,
    aliases) to its code. A list may take the spellings of finer national lists that map onto it: those are
    named in data/reference/code_list_mappings.yaml (e.g. WS 218 classes onto facility types)."""
    lookup = {}
    for row in read_code_list(name):
        labels = [*(row.get(c) for c in SPELLING_COLUMNS), *(row.get("aliases") or "").split("|")]
        for label in filter(None, labels):
            lookup.setdefault(normalise_header(label), row["code"])
    for finer in code_list_mappings().get(name, ()):
        for row in read_code_list(finer["list"]):
            labels = [*(row.get(c) for c in SPELLING_COLUMNS if c != "code"), *(row.get("aliases") or "").split("|")]
            if finer.get("own_code_is_a_spelling"):
                labels.append(row.get("code"))
            for label in filter(None, labels):
                lookup.setdefault(normalise_header(label), row[finer["maps_to"]])
    return lookup


@cache
def code_list_mappings() -> dict[str, list[dict]]:
    path = REFERENCE_DIR / "code_list_mappings.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
