"""Config stage (配置): the settings of expectations/*.yaml as typed tables of the config schema.

One asset writes them all at the start of every run; it is the one way a setting reaches SQL. The catalog
loader refuses the whole catalog if one entry is wrong, so a bad YAML edit stops the run here, before any
table is rebuilt.
"""

import dagster as dg
import polars as pl

from pipelines.config import CONFIG_TABLES, config_frames
from pipelines.metadata import markdown_table
from pipelines.resources import Warehouse
from pipelines.versions import replace_from_frame


@dg.multi_asset(
    name="config_tables",
    group_name="config",
    specs=[dg.AssetSpec(["config", table], kinds={"duckdb", "yaml"}, owners=["team:data-engineering"],
                        description=f"{text} (config.{table}, from expectations/)")
           for table, text in CONFIG_TABLES.items()],
)
def config_tables(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """配置表 The indicators, measures, plans and norms of expectations/indicators.yaml and expectations/norms/,
    the tracking, data-quality-review and release-guard settings, and the run itself, as typed tables config.*
    that the SQL models read."""
    frames = config_frames(context.run.run_id)
    with warehouse.connect(context.run.run_id) as con:
        for table, frame in frames.items():
            replace_from_frame(con, f"config.{table}", frame)
            con.execute(f"COMMENT ON TABLE config.{table} IS '{CONFIG_TABLES[table]}'")
    norms = frames["norms"]
    per_plan = norms.group_by("plan_id").agg(pl.len().alias("rows")).sort("plan_id")
    for table, frame in frames.items():
        metadata = {"dagster/row_count": frame.height}
        if table == "norms":
            metadata["norms_per_plan"] = markdown_table(["plan", "rows"], per_plan.iter_rows())
        yield dg.MaterializeResult(asset_key=["config", table], metadata=metadata)
