"""The input contract (输入数据规范), read from expectations/sources.yaml and the code lists in data/reference/."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from pipelines.settings import EXPECTATIONS_DIR, REFERENCE_DIR

CONTRACT_FILE = EXPECTATIONS_DIR / "sources.yaml"
TYPES = {"code", "text", "integer", "decimal", "year", "date", "boolean"}


def normalise_header(header: str) -> str:
    """Headers match whatever their case, spacing, BOM or full-width brackets."""
    cleaned = header.replace("\ufeff", "").replace("（", "(").replace("）", ")")
    return "".join(cleaned.split()).lower()


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    code_list: str | None = None
    personal: str | None = None  # "drop" or "pseudonymise"
    min: float | None = None

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

    def header_map(self) -> dict[str, Column]:
        """Every accepted header, normalised, to its column."""
        mapping = {}
        for column in self.columns:
            for header in (column.name, *column.aliases):
                mapping[normalise_header(header)] = column
        return mapping

    @property
    def kept_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.personal != "drop")


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
    )


@cache
def load_sources(path: Path = CONTRACT_FILE) -> dict[str, Source]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
    return {
        name: Source(
            name=name,
            name_zh=body["name_zh"],
            required=body["required"],
            columns=tuple(_column(col, col_spec) for col, col_spec in body["columns"].items()),
        )
        for name, body in spec.items()
    }


def read_code_list(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def code_lookup(name: str) -> dict[str, str]:
    """Every accepted spelling of a code-list value (code, Chinese name, English name, aliases) to its code."""
    lookup = {}
    for row in read_code_list(name):
        labels = [row["code"], row["name_zh"], row["name_en"], *filter(None, row.get("aliases", "").split("|"))]
        for label in labels:
            lookup[normalise_header(label)] = row["code"]
    return lookup
