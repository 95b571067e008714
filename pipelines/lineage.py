"""The SQL models of sql/ and what each reads, parsed by DuckDB's own parser (json_serialize_sql).

A model is one file, sql/<schema>/<table>.sql, that builds exactly <schema>.<table> (CREATE OR REPLACE TABLE …
AS SELECT …, or VIEW where a copy would only cost time and space; a view calls no macro of sql/macros/, as an
analyst's connection has none) and describes it (COMMENT ON TABLE/VIEW/COLUMN). Its dependencies are the
tables its SELECT names, nothing typed by hand: every schema-qualified table of the FROM clauses, and the
tables read by the table macros it calls (sql/macros/), including a table the macro is handed by name
('intermediate.staff_validated').
DuckDB's parser is used rather than a second SQL grammar, so what parses here is what runs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import yaml

from pipelines.settings import SQL_DIR

# The schemas a model may build, in layer order; raw, ref and config are written by Python assets.
MODEL_SCHEMAS = ("intermediate", "staging", "marts")
SCHEMAS = ("raw", "ref", "config", *MODEL_SCHEMAS)
LAYER_GROUPS = {"intermediate": "intermediate", "staging": "staging", "marts": "marts"}

_CREATE = re.compile(r"^\s*CREATE\s+OR\s+REPLACE\s+(TABLE|VIEW)\s+(\w+)\.(\w+)\s+AS\s+(.*)$", re.S | re.I)
_TABLE_COMMENT = re.compile(r"COMMENT\s+ON\s+(?:TABLE|VIEW)\s+(\w+)\.(\w+)\s+IS\s+'((?:[^']|'')*)'", re.I)
_MACRO = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+)?MACRO\s+(\w+)\s*\([^)]*\)\s+AS\s+TABLE\s+(.*)$", re.S | re.I)
_ANY_MACRO = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+)?MACRO\s+(\w+)", re.I)
_TABLE_NAME = re.compile(rf"^({'|'.join(SCHEMAS)})\.(\w+)$")
# The keys a model can be rebuilt by (pipelines/partial_rebuild.py knows how one maps to the other).
INCREMENTAL_KEYS = ("facility_id", "region_code")


@dataclass(frozen=True)
class Model:
    schema: str
    table: str
    path: Path
    description: str
    select: str  # the SELECT the table is built from
    kind: str  # TABLE, or VIEW: a view is read where it is used, never copied
    reads: frozenset[str]  # "schema.table" of every table the model reads
    unqualified: frozenset[str]  # tables named without a schema (a temp table): a test refuses them
    # Partial rebuild (增量重建, pipelines/partial_rebuild.py), from the model's YAML `incremental:`: the key
    # (facility_id or region_code), and how the changed keys are found: "key" (the model's rows of a key are
    # built from that key's rows only, so it is rebuilt for the changed keys) or "comparison" (built in full,
    # then compared with the published table).
    incremental_key: str | None = None
    incremental_by: str | None = None

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def file(self) -> str:
        """The model as run_sql names it: "<schema>/<table>"."""
        return f"{self.schema}/{self.table}"


@cache
def _parser() -> duckdb.DuckDBPyConnection:
    """An empty in-memory DuckDB, used only to parse: nothing is bound or run."""
    return duckdb.connect()


def _statements(sql: str) -> list[str]:
    return [s.query for s in _parser().extract_statements(sql)]


def _parse(select: str) -> dict:
    tree = json.loads(_parser().execute("SELECT json_serialize_sql(?)", [select]).fetchone()[0])
    if tree.get("error"):
        raise ValueError(tree.get("error_message", "cannot parse"))
    return tree


def _walk(node, found: set[str], unqualified: set[str], ctes: set[str], macros: dict[str, frozenset[str]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, found, unqualified, ctes, macros)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "BASE_TABLE":
        if node.get("schema_name"):
            found.add(f"{node['schema_name']}.{node['table_name']}")
        elif node["table_name"] not in ctes:
            unqualified.add(node["table_name"])
    if node.get("type") == "TABLE_FUNCTION":
        function = node["function"]
        found |= macros.get(function.get("function_name", ""), frozenset())
        for argument in function.get("arguments", []):
            literal = argument.get("expression", {}).get("literal", {})
            if literal.get("kind") == "STRING" and _TABLE_NAME.match(literal.get("text", "")):
                found.add(literal["text"])
    if "cte_map" in node:
        ctes |= {entry["key"] for entry in node["cte_map"].get("map", [])}
    for value in node.values():
        _walk(value, found, unqualified, ctes, macros)


def _called(node) -> set[str]:
    """The names of every function a parsed statement calls, scalar or table (macros included)."""
    if isinstance(node, list):
        return set().union(*(_called(item) for item in node))
    if not isinstance(node, dict):
        return set()
    own = {node["function_name"]} if isinstance(node.get("function_name"), str) else set()
    return own.union(*(_called(value) for value in node.values()))


def references(select: str, macros: dict[str, frozenset[str]] | None = None) -> tuple[set[str], set[str]]:
    """The schema-qualified tables a SELECT reads, and the tables it names without a schema (not CTEs)."""
    found: set[str] = set()
    unqualified: set[str] = set()
    _walk(_parse(select), found, unqualified, set(), macros or {})
    return found, unqualified


@cache
def table_macros() -> dict[str, frozenset[str]]:
    """Table macros of sql/macros/ and the tables each reads."""
    reads = {}
    for path in sorted((SQL_DIR / "macros").glob("*.sql")):
        for statement in _statements(path.read_text(encoding="utf-8")):
            if match := _MACRO.match(_strip_comments(statement)):
                reads[match.group(1)] = frozenset(references(match.group(2))[0])
    return reads


@cache
def macro_names() -> frozenset[str]:
    """Every macro of sql/macros/, scalar or table."""
    return frozenset(name for path in (SQL_DIR / "macros").glob("*.sql")
                     for name in _ANY_MACRO.findall(path.read_text(encoding="utf-8")))


def _strip_comments(statement: str) -> str:
    return "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))


def load_model(path: Path) -> Model:
    """One model file, checked: it builds exactly the table its path names."""
    schema, table = path.parent.name, path.stem
    sql = path.read_text(encoding="utf-8")
    creates = [m for s in _statements(sql) if (m := _CREATE.match(_strip_comments(s)))]
    built = [f"{m.group(2)}.{m.group(3)}" for m in creates]
    if built != [f"{schema}.{table}"]:
        raise ValueError(f"{path}: a model builds exactly {schema}.{table}; it builds {built or 'nothing'}")
    kind, select = creates[0].group(1).upper(), creates[0].group(4)
    called = _called(_parse(select)) & macro_names()
    if kind == "VIEW" and called:
        raise ValueError(f"{path}: a view is read by connections that have no macros (an analyst's); it calls "
                         f"{', '.join(sorted(called))}: build a table instead")
    reads, unqualified = references(select, table_macros())
    comments = {(s, t): text.replace("''", "'") for s, t, text in _TABLE_COMMENT.findall(sql)}
    spec = path.with_suffix(".yml")
    incremental = (yaml.safe_load(spec.read_text(encoding="utf-8")) if spec.exists() else {}).get("incremental") or {}
    if incremental and (incremental.get("key") not in INCREMENTAL_KEYS or incremental.get("by") not in ("key", "comparison")):
        raise ValueError(f"{spec}: incremental needs key: one of {INCREMENTAL_KEYS}, and by: key or comparison; "
                         f"it has {incremental}")
    return Model(schema=schema, table=table, path=path, description=comments.get((schema, table), ""), select=select,
                 kind=kind, reads=frozenset(reads - {f"{schema}.{table}"}), unqualified=frozenset(unqualified),
                 incremental_key=incremental.get("key"), incremental_by=incremental.get("by"))


@cache
def load_models() -> tuple[Model, ...]:
    """Every model of sql/<schema>/, in layer order."""
    return tuple(load_model(path) for schema in MODEL_SCHEMAS for path in sorted((SQL_DIR / schema).glob("*.sql")))
