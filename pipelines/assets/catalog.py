"""Catalog stage (规划指标目录): the indicators and the plans' norms, from expectations/, as tables."""

import dagster as dg
import polars as pl

from pipelines.catalog import load_catalog
from pipelines.metadata import markdown_table
from pipelines.resources import Warehouse, run_sql

@dg.asset(group_name="catalog", kinds={"duckdb"}, owners=["team:data-engineering"])
def indicator_catalog(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """指标与规划标准目录 marts.indicators and marts.norms: every indicator the plans use (how it is computed,
    its unit) and every quantitative norm of the five plans, one row per norm and milestone, with the exact
    quote from the plan text. Read from expectations/indicators.yaml and expectations/norms/*.yaml; the loader
    refuses the whole catalog if one entry is wrong."""
    catalog = load_catalog()
    indicators = pl.DataFrame(catalog.indicator_rows(), infer_schema_length=None)
    norms = pl.DataFrame(catalog.norm_rows(), infer_schema_length=None)
    plans = pl.DataFrame(catalog.plans, infer_schema_length=None)
    with warehouse.connect(context.run.run_id) as con:
        con.execute("CREATE OR REPLACE TEMP TABLE catalog_indicators AS SELECT * FROM indicators")
        con.execute("CREATE OR REPLACE TEMP TABLE catalog_norms AS SELECT * FROM norms")
        con.execute("CREATE OR REPLACE TEMP TABLE catalog_plans AS SELECT * FROM plans")
        run_sql(con, "marts/indicators")
        run_sql(con, "marts/norms")
    per_plan = norms.group_by("plan_id").agg(pl.len().alias("rows")).sort("plan_id")
    return dg.MaterializeResult(
        metadata={
            "indicators": indicators.height,
            "norm_rows": norms.height,
            "norms_per_plan": markdown_table(["plan", "rows"], per_plan.iter_rows()),
        }
    )
