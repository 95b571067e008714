"""Partial rebuild by key (按键增量重建): when some facilities' figures change, the long tables are rebuilt for
those facilities and the regions they are summed into, not for the country.

A model says how in its YAML, beside the SQL:

    incremental:
      key: facility_id   # or region_code
      by: key            # or comparison

- by: key. The model's rows of one key are built from that key's rows of the tables it reads (a facility's
  measures from its own reports; a region's sums from the facilities in it). When it must be rebuilt
  (pipelines/versions.py: an input's version changed) and every input that changed says which of its keys
  changed since the version the model was built from, the model's rows of those keys are deleted and built
  again by the model's own SELECT, filtered to them; every other row is kept. A facility's keys become region
  keys through the regions its figures are summed into (macro regions_summing, sql/macros/regions.sql), which
  needs the facility list and the region tree unchanged. In every other case (the code changed, an input
  changed that says nothing of its keys, too many keys) the model is built in full.
- by: comparison. The model is built in full, then compared with the published warehouse's table (EXCEPT ALL
  both ways) to find the keys whose rows changed. This is where a change enters: staging.facility_stats, built
  in full from the quality suite's output, says which facilities' reports changed; staging.region_coverage,
  whose rows for a region depend on the regions below it, says which regions' coverage changed.

Which keys of a table changed is recorded in config.changed_keys, from one version of the table to the next,
and used only by a table built from exactly that earlier version. A view with a key (staging.facility_measures,
staging.region_measures) is re-created and passes on the keys of its changed parts.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines.lineage import Model, load_models
from pipelines.versions import CODE, OWN

CHANGED_KEYS_TABLE = "config.changed_keys"
CHANGED_KEYS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {CHANGED_KEYS_TABLE} (table_name VARCHAR PRIMARY KEY, key_column VARCHAR, "
    "from_version VARCHAR, to_version VARCHAR, keys VARCHAR[])"
)
CHANGED_KEYS_COMMENT = (
    f"COMMENT ON TABLE {CHANGED_KEYS_TABLE} IS '变更的键 The keys (facility_id or region_code) whose rows of a table "
    "changed between two versions of it, as its last rebuild found them; a table built from it is rebuilt for "
    "those keys only (pipelines/partial_rebuild.py)'"
)
# Beyond this many keys the filter of written-out keys costs about what a full build does: build in full.
MAX_KEYS = 100_000
# The tables that map facility keys to region keys (regions_summing): both must be unchanged.
REGION_TREE = ("staging.facilities", "staging.region_ancestors")


def key_column(table: str) -> str | None:
    """The key a table is rebuilt by, if it is a model that declares one."""
    return {model.name: model.incremental_key for model in load_models()}.get(table)


def changed_keys(con: duckdb.DuckDBPyConnection, table: str, since: str, now: str) -> list[str] | None:
    """The keys whose rows of `table` changed from version `since` to version `now`, if a rebuild recorded them."""
    con.execute(CHANGED_KEYS_DDL)
    found = con.execute(f"SELECT keys FROM {CHANGED_KEYS_TABLE} WHERE table_name = ? AND from_version = ? "
                        "AND to_version = ?", [table, since, now]).fetchall()
    return found[0][0] if found else None


def record_changed_keys(con: duckdb.DuckDBPyConnection, model: Model, since: str | None, now: str,
                        keys: list[str] | None) -> None:
    """Record which keys of the model's table changed in this rebuild; None (not known) forgets the last record."""
    con.execute(CHANGED_KEYS_DDL)
    con.execute(f"DELETE FROM {CHANGED_KEYS_TABLE} WHERE table_name = ?", [model.name])
    if keys is not None and since is not None:
        con.execute(f"INSERT INTO {CHANGED_KEYS_TABLE} VALUES (?, ?, ?, ?, ?)",
                    [model.name, model.incremental_key, since, now, sorted(keys)])
    con.execute(CHANGED_KEYS_COMMENT)


def keys_to_rebuild(con: duckdb.DuckDBPyConnection, model: Model, built_from: dict[str, str] | None,
                    inputs: dict[str, str]) -> list[str] | None:
    """The keys of the model whose rows may differ from its last build (built from the input versions
    `built_from`; `inputs` now), if every changed input says which of its keys changed; None: build in full."""
    if os.environ.get("HEALTH_REBUILD_ALL") or model.incremental_by != "key" or not built_from or built_from.keys() != inputs.keys():
        return None
    changed = [table for table in inputs if inputs[table] != built_from[table]]
    if CODE in changed or OWN in changed:
        return None
    keys: set[str] = set()
    for table in changed:
        found = changed_keys(con, table, built_from[table], inputs[table]) if key_column(table) else None
        mapped = None if found is None else _as_keys_of(con, found, key_column(table), model.incremental_key, changed, inputs)
        if mapped is None:
            return None
        keys |= mapped
    return sorted(keys) if len(keys) <= MAX_KEYS else None


def _as_keys_of(con, keys: list[str], source: str, target: str, changed: list[str], inputs: dict) -> set[str] | None:
    """Keys of one kind as the keys of another whose rows they reach: a facility reaches the regions its figures
    are summed into (with the facility list and region tree unchanged and read by the model)."""
    if source == target:
        return set(keys)
    if (source, target) == ("facility_id", "region_code") and all(t in inputs and t not in changed for t in REGION_TREE):
        return {code for (code,) in con.execute("SELECT region_code FROM regions_summing(?::VARCHAR[])", [keys]).fetchall()}
    return None


def rebuild_keys(con: duckdb.DuckDBPyConnection, model: Model, keys: list[str]) -> None:
    """Delete the model's rows of these keys and insert them again from its SELECT, in one transaction. The keys
    are written out in the filter: DuckDB pushes a list of constants into the model's CTEs and scans, not a
    subquery (measured in docs/performance.md)."""
    key, select = model.incremental_key, _select(model)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {model.name} WHERE {key} IN (SELECT unnest(?::VARCHAR[]))", [keys])
        if keys:
            written_out = ", ".join("'" + k.replace("'", "''") + "'" for k in keys)
            con.execute(f"INSERT INTO {model.name} SELECT * FROM ({select}) WHERE {key} IN ({written_out})")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _select(model: Model) -> str:
    """The model's SELECT without the statement's end (a semicolon, comments after it)."""
    lines = model.select.rstrip().splitlines()
    while lines and (lines[-1].lstrip().startswith("--") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).rstrip().rstrip(";")


def compared_with_published(con: duckdb.DuckDBPyConnection, model: Model, published: Path) -> tuple[str, list[str]] | None:
    """The keys whose rows of the model's table differ from the published warehouse's, and the version the
    published table has; None if there is no published table with the same columns to compare with."""
    if not published.exists():
        return None
    key, table = model.incremental_key, model.name
    con.execute(f"ATTACH '{str(published).replace(chr(39), chr(39) * 2)}' AS published (READ_ONLY)")
    try:
        versions = con.execute("SELECT version FROM published.config.table_versions WHERE table_name = ?", [table]).fetchall()
        columns = [con.execute("SELECT list(column_name || ' ' || data_type ORDER BY column_index) FROM duckdb_columns() "
                               "WHERE database_name = ? AND schema_name || '.' || table_name = ?", [db, table]).fetchone()[0]
                   for db in ("published", con.execute("SELECT current_database()").fetchone()[0])]
        if not versions or columns[0] != columns[1]:
            return None
        # Rows are compared by key and a 64-bit hash of the whole row (0.7 s for the 1.06 M national facility
        # reports, against 1.7 s for the rows themselves); a changed row goes unseen only if its hash equals that
        # of one of the same key's rows before, about one chance in 10^19. A differing row without a key cannot
        # be rebuilt by key: then NULL, and the tables read from it are built in full.
        [(keys,)] = con.execute(f"""
            WITH now AS (SELECT {key}, hash(r) AS row_hash FROM {table} AS r),
                 before AS (SELECT {key}, hash(r) AS row_hash FROM published.{table} AS r)
            SELECT CASE WHEN count(*) FILTER (WHERE {key} IS NULL) = 0 THEN coalesce(list(DISTINCT {key}), []) END
            FROM (SELECT {key} FROM (FROM now EXCEPT ALL FROM before)
                  UNION ALL
                  SELECT {key} FROM (FROM before EXCEPT ALL FROM now))""").fetchall()
        return None if keys is None else (versions[0][0], keys)
    finally:
        con.execute("DETACH published")
