"""One table, one SQL file, one asset; and the lineage graph is what the SQL reads.

Checked three ways: against the files (each model builds exactly the table its path names, every table it
reads is schema-qualified), against the Dagster definitions (each model's asset depends on exactly the tables
its SQL reads), and against a built warehouse (every table of the intermediate, staging and marts schemas has
its own asset, and DuckDB's own plan of each model scans only tables its asset depends on).
"""

import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.assets.models import SHARED_RAW_TABLES, build_model, table_key
from pipelines.definitions import defs
from pipelines.lineage import MODEL_SCHEMAS, load_model, load_models, references
from pipelines.resources import load_macros
from pipelines.settings import SQL_DIR

MODELS = load_models()


def parents(key: dg.AssetKey) -> set[str]:
    return {".".join(k.path) for k in defs.resolve_asset_graph().get(key).parent_keys}


def expected_parents(model) -> set[str]:
    raw_sources = {".".join(k.path) for k in defs.resolve_asset_graph().get_all_asset_keys() if k.path[0] == "raw"}
    return {upstream for table in model.reads
            for upstream in (raw_sources if table in SHARED_RAW_TABLES else {table})}


def through_views(tables: set[str]) -> set[str]:
    """The tables, and what each view among them reads: a plan scans the tables behind a view."""
    views = {m.name: m for m in MODELS if m.kind == "VIEW"}
    found, todo = set(), list(tables)
    while todo:
        table = todo.pop()
        if table not in found:
            found.add(table)
            todo += views[table].reads if table in views else []
    return found


def test_every_model_is_one_file_building_its_own_table_and_describing_it():
    files = sorted(p for schema in MODEL_SCHEMAS for p in (SQL_DIR / schema).glob("*.sql"))
    assert sorted(m.path for m in MODELS) == files
    for model in MODELS:
        assert model.description, f"{model.path}: COMMENT ON TABLE {model.name} IS '中文 English'"
        assert not model.unqualified, f"{model.path} reads tables without a schema (temp tables?): {model.unqualified}"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_each_models_asset_depends_on_exactly_what_its_sql_reads(model):
    assert parents(table_key(model.name)) == expected_parents(model)


def test_a_model_reading_a_table_it_does_not_name_is_refused(tmp_path):
    """The parser finds what a model reads wherever it is named: a join, a subquery, a CTE (not itself a
    table), a table macro's argument; and a file building another table than its name says is refused."""
    reads, unqualified = references(
        "WITH x AS (SELECT * FROM staging.a) SELECT * FROM x JOIN marts.b USING (k) "
        "WHERE k IN (SELECT k FROM intermediate.c) AND k NOT IN (SELECT k FROM temp_table) "
        "UNION ALL FROM staged_rows('intermediate.d_validated')")
    assert reads == {"staging.a", "marts.b", "intermediate.c", "intermediate.d_validated"}
    assert unqualified == {"temp_table"}
    wrong = tmp_path / "marts" / "one.sql"
    wrong.parent.mkdir()
    wrong.write_text("CREATE OR REPLACE TABLE marts.two AS SELECT 1 AS x;", encoding="utf-8")
    with pytest.raises(ValueError, match="builds exactly marts.one"):
        load_model(wrong)
    # a view is read by connections without the pipeline's macros (an analyst's): it may call none
    wrong.write_text("CREATE OR REPLACE VIEW marts.one AS SELECT rate(1, 2, 100) AS x;", encoding="utf-8")
    with pytest.raises(ValueError, match="calls rate"):
        load_model(wrong)


def test_a_model_that_became_a_view_replaces_the_table_it_built_before():
    """A warehouse built when intermediate.regions_checked was a table (before it became a view) is rebuilt
    in place: DuckDB refuses CREATE OR REPLACE VIEW over a table, so the table is dropped first."""
    model = next(m for m in MODELS if m.name == "intermediate.regions_checked")
    assert model.kind == "VIEW"
    con = duckdb.connect()
    for schema in ("raw", "intermediate", "config"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute("CREATE TABLE raw.regions AS SELECT '411000' AS region_code")
    con.execute("CREATE TABLE intermediate.regions_checked AS SELECT 'an old copy' AS region_code")
    assert build_model(con, model, ["raw.regions"], published=Path("no-published-warehouse.duckdb")) == "full"
    assert con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'regions_checked'").fetchall() == [("VIEW",)]
    assert con.execute("FROM intermediate.regions_checked").fetchall() == [("411000",)]


def _scanned(con, model) -> set[str]:
    """The tables DuckDB's physical plan of the model scans (macros expanded, nothing guessed)."""
    plan = json.loads(con.execute("EXPLAIN (FORMAT JSON) " + model.select).fetchall()[0][1])
    found = set()

    def walk(node):
        if isinstance(node, dict):
            table = node.get("extra_info", {}).get("Table") if isinstance(node.get("extra_info"), dict) else None
            if table:
                found.add(table.split(".", 1)[1].replace('"', ""))  # database.schema.table, keywords quoted
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(plan)
    return found


def test_the_built_warehouse_matches_the_graph(small_warehouse):
    graph = defs.resolve_asset_graph()
    asset_tables = {".".join(k.path) for k in graph.get_all_asset_keys() if len(k.path) == 2}
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        built = {f"{s}.{t}" for s, t in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ?",
            [list(MODEL_SCHEMAS)]).fetchall()}
        # every table of the intermediate, staging and marts schemas is its own asset, keyed by schema and table
        assert built - asset_tables == set()
        assert {m.name for m in MODELS} <= built
        load_macros(con)
        for model in MODELS:
            scanned = _scanned(con, model)
            allowed = through_views(expected_parents(model)) | set(SHARED_RAW_TABLES)
            assert scanned <= allowed, (model.name, scanned - allowed)
