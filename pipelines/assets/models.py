"""SQL models (SQL模型): one asset per file sql/<schema>/<table>.sql, keyed [<schema>, <table>].

Nothing here names a model. The asset's dependencies are the tables its SQL reads (pipelines.lineage parses
them with DuckDB's own parser), its description is the model's COMMENT ON TABLE, its group is its layer
(intermediate, staging, marts). A table written by Python (raw, ref, config, the Great Expectations results)
is an asset of the same [schema, table] key, so the lineage graph runs from the inbox to the marts unbroken.
A model whose inputs are unchanged since the last build is kept, not rebuilt (pipelines/versions.py).
"""

from pathlib import Path

import dagster as dg

from pipelines.lineage import LAYER_GROUPS, Model, load_models
from pipelines.metadata import table_metadata
from pipelines.partial_rebuild import compared_with_published, keys_to_rebuild, rebuild_keys, record_changed_keys
from pipelines.resources import Warehouse, run_sql
from pipelines.versions import (build_unless_current, existing_kind, input_versions, recorded, recorded_inputs,
                                upstream_tables, version_of)

# Tables every ingest asset appends its files' rows to: a model reading them depends on all of them.
SHARED_RAW_TABLES = ("raw.input_files", "raw.left_out_rows")


def table_key(table: str) -> dg.AssetKey:
    """The asset key of a warehouse table: "staging.staff" → ["staging", "staff"]."""
    return dg.AssetKey(table.split("."))


def upstream_keys(table: str, raw_keys: list[dg.AssetKey]) -> list[dg.AssetKey]:
    return raw_keys if table in SHARED_RAW_TABLES else [table_key(table)]


def build_model(con, model: Model, upstream: list[str], published: Path) -> str:
    """Build the model's table, for the changed keys only where its inputs say which changed
    (pipelines/partial_rebuild.py), else by running its file. Returns how: "partial (N <key column>)" or "full".
    An object of the other kind under its name (a table the model built before it became a view, as the
    <source>_checked models did) is dropped first: DuckDB does not replace a table with a view."""
    existing = existing_kind(con, model.name)
    if existing and existing != model.kind:
        con.execute(f"DROP {existing} {model.name}")
        existing = None
    inputs = input_versions(con, upstream)
    since, now = recorded(con).get(model.name), version_of(inputs)
    keys = keys_to_rebuild(con, model, recorded_inputs(con, model.name), inputs) if existing else None
    partial = keys is not None and model.kind == "TABLE"
    if partial:
        rebuild_keys(con, model, keys)
    else:
        run_sql(con, model.file)
    if keys is None and model.incremental_by == "comparison":
        since, keys = compared_with_published(con, model, published) or (None, None)
    if model.incremental_key:
        record_changed_keys(con, model, since, now, keys)
    return f"partial ({len(keys)} {model.incremental_key})" if partial else "full"


def build_model_asset(model: Model, raw_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    deps = sorted({key for table in model.reads for key in upstream_keys(table, raw_keys)}, key=str)

    @dg.asset(
        key=[model.schema, model.table],
        group_name=LAYER_GROUPS[model.schema],
        kinds={"duckdb", "sql"},
        owners=["team:data-engineering"],
        deps=deps,
        description=f"{model.description}\n\nsql/{model.file}.sql",
        metadata={"sql": dg.MetadataValue.path(f"sql/{model.file}.sql")},
    )
    def model_asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect(context.run.run_id) as con:
            kept, version, rebuilt = build_unless_current(
                context, con, model.name, lambda: build_model(con, model, upstream_tables(context), warehouse.published))
            metadata = table_metadata(con, model.name)
        if rebuilt and rebuilt != "full":
            context.log.info(f"{model.name} 仅重建变更的键 {rebuilt}。 Rebuilt for the changed keys only: {rebuilt}.")
        return dg.MaterializeResult(metadata={**metadata, "kept": kept, "rebuilt": rebuilt or "kept"}, data_version=version)

    return model_asset


def model_assets(raw_keys: list[dg.AssetKey]) -> list[dg.AssetsDefinition]:
    return [build_model_asset(model, raw_keys) for model in load_models()]
