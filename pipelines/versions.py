"""Incremental rebuild (增量重建): a table whose inputs have not changed since the last build is kept, not rebuilt.

A table's version is a hash of what it is built from:
- a raw table: the contents of its inbox files and the typing fingerprint (pipelines.ingestion);
- a code list or config table: its own rows, as loaded this run;
- any other table: the project's code and rules (pipelines/, sql/, expectations/, data/reference/) and the
  versions of the tables its asset depends on.
So a changed file changes its source's raw table and, through the dependencies, exactly the tables downstream
of it; a changed rule or model rebuilds everything. Versions are kept in the warehouse file itself
(config.table_versions), beside the tables they describe: a failed run's build is thrown away with its
versions, and a damaged warehouse set aside takes its versions with it, so the next run rebuilds from scratch.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from functools import cache
from typing import Callable, Iterable

import dagster as dg
import duckdb
import polars as pl

from pipelines.settings import EXPECTATIONS_DIR, REFERENCE_DIR, REPO_ROOT, SQL_DIR

VERSIONS_TABLE = "config.table_versions"
VERSIONS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {VERSIONS_TABLE} (table_name VARCHAR PRIMARY KEY, version VARCHAR NOT NULL, inputs JSON)"
)
# A warehouse built before the inputs were kept gets the column (empty: its tables are rebuilt in full once).
VERSIONS_UPGRADE = f"ALTER TABLE {VERSIONS_TABLE} ADD COLUMN IF NOT EXISTS inputs JSON"
VERSIONS_COMMENT = (
    f"COMMENT ON TABLE {VERSIONS_TABLE} IS '表版本 The version of the inputs each table was last built from, and "
    "the version of each input (inputs): a table whose inputs have the same version in the next run is kept, not "
    "rebuilt; one whose changed inputs say which keys changed is rebuilt for those keys (pipelines/versions.py, "
    "pipelines/partial_rebuild.py)'"
)
# What shapes the tables besides the data: the code, the rules and code lists, and the pinned libraries.
CODE_PATHS = (REPO_ROOT / "pipelines", SQL_DIR, EXPECTATIONS_DIR, REFERENCE_DIR, REPO_ROOT / "pyproject.toml")


@cache
def code_version() -> str:
    """A hash of every file of the code and rules that shape the tables (Python, SQL, YAML, code lists, pins)."""
    digest = hashlib.sha256()
    for root in CODE_PATHS:
        files = [root] if root.is_file() else root.rglob("*")
        for path in sorted(p for p in files if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def frame_version(frame: pl.DataFrame) -> str:
    """The version of a table written from a frame: a hash of its schema and rows."""
    digest = hashlib.sha256(str(frame.schema).encode())
    digest.update(frame.hash_rows(seed=0).to_numpy().tobytes())
    return digest.hexdigest()


def table_name(key: dg.AssetKey) -> str:
    return ".".join(key.path)


def recorded(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    con.execute(VERSIONS_DDL)
    return dict(con.execute(f"SELECT table_name, version FROM {VERSIONS_TABLE}").fetchall())


def recorded_inputs(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str] | None:
    """The versions of the inputs `table` was last built from (input_versions), if recorded."""
    con.execute(VERSIONS_DDL)
    con.execute(VERSIONS_UPGRADE)
    found = con.execute(f"SELECT inputs FROM {VERSIONS_TABLE} WHERE table_name = ?", [table]).fetchall()
    return json.loads(found[0][0]) if found and found[0][0] else None


# Stands for the version of an input that has none recorded (never built, built before versions were kept, or
# written by an asset that records none): new in every process, so a table built from it is never kept.
UNKNOWN_INPUT = secrets.token_hex(16)


# Keys of input_versions that are not tables: the code and rules, and what a table has of its own.
CODE, OWN = "(code)", "(own)"


def input_versions(con: duckdb.DuckDBPyConnection, upstream: Iterable[str], own: str = "") -> dict[str, str]:
    """What a table built now is built from: the code, anything of its own, and each input table's version.
    An input without a recorded version has a version new every run, so the table is rebuilt."""
    versions = recorded(con)
    return {CODE: code_version(), OWN: own, **{table: versions.get(table, UNKNOWN_INPUT) for table in sorted(set(upstream))}}


def version_of(inputs: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def inputs_version(con: duckdb.DuckDBPyConnection, upstream: Iterable[str], own: str = "") -> str:
    """The version a table built now would have: a hash of input_versions."""
    return version_of(input_versions(con, upstream, own))


def existing_kind(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    """TABLE or VIEW: what this build's warehouse holds under the name; None if nothing."""
    schema, name = table.split(".")
    found = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_catalog = current_database()"
        " AND table_schema = ? AND table_name = ?", [schema, name]).fetchall()
    return {"BASE TABLE": "TABLE", "VIEW": "VIEW"}[found[0][0]] if found else None


def is_current(con: duckdb.DuckDBPyConnection, table: str, version: str) -> bool:
    """The table (or view) exists and was built from inputs of this version (never when HEALTH_REBUILD_ALL is set: an
    operator forcing a full rebuild, e.g. after changing something the versions do not cover, like DuckDB
    itself outside the pins)."""
    if os.environ.get("HEALTH_REBUILD_ALL"):
        return False
    return existing_kind(con, table) is not None and recorded(con).get(table) == version


def record(con: duckdb.DuckDBPyConnection, table: str, version: str, inputs: dict[str, str] | None = None) -> None:
    con.execute(VERSIONS_DDL)
    con.execute(VERSIONS_UPGRADE)
    con.execute(f"INSERT OR REPLACE INTO {VERSIONS_TABLE} (table_name, version, inputs) VALUES (?, ?, ?)",
                [table, version, json.dumps(inputs, sort_keys=True) if inputs else None])
    con.execute(VERSIONS_COMMENT)


def replace_from_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Write `table` from a frame (a code list, a config table, the published profile), versioned by its rows."""
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM frame")
    record(con, table, frame_version(frame))


def upstream_tables(context: dg.AssetExecutionContext) -> list[str]:
    """The tables the running asset is built from: its asset dependencies, as table names."""
    return [table_name(key) for key in context.assets_def.asset_deps[context.asset_key]]


def build_unless_current(context: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, table: str,
                         build: Callable[[], object]) -> tuple[bool, dg.DataVersion, object]:
    """Build `table` (build()) unless its inputs are unchanged since the last build: then the table is kept and
    the run's log says so. Returns whether it was kept, its version as Dagster shows it, and what build()
    returned."""
    inputs = input_versions(con, upstream_tables(context))
    version = version_of(inputs)
    kept = is_current(con, table, version)
    if kept:
        context.log.info(f"{table} 的输入自上次构建以来未变，保留原表，未重建。 "
                         f"The inputs of {table} are unchanged since the last build: the table is kept, not rebuilt.")
        built = None
    else:
        built = build()
        record(con, table, version, inputs)
    return kept, dg.DataVersion(version[:16]), built
