"""Catalog stage (规划指标目录): the indicators and the plans' norms, from expectations/, as tables."""

import dagster as dg
import polars as pl

from pipelines.catalog import load_catalog
from pipelines.metadata import markdown_table
from pipelines.resources import Warehouse, run_sql

CONDITION_SCHEMA = {
    "norm_id": pl.String, "clause": pl.Int32, "kind": pl.String, "measure": pl.String, "comparator": pl.String,
    "value": pl.Float64, "value_high": pl.Float64, "codes": pl.List(pl.String),
}

@dg.asset(group_name="catalog", kinds={"duckdb"}, owners=["team:data-engineering"])
def indicator_catalog(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """指标与规划标准目录 marts.indicators, marts.measures, marts.norms and marts.norm_conditions: every
    indicator the plans use (how it is computed, its unit), the measures it is built from, and every
    quantitative norm of the five plans, one row per norm and milestone, with the exact quote from the plan
    text and the conditions limiting where it applies. Read from expectations/indicators.yaml and expectations/norms/*.yaml; the loader
    refuses the whole catalog if one entry is wrong."""
    catalog = load_catalog()
    indicators = pl.DataFrame(catalog.indicator_rows(), infer_schema_length=None)
    norms = pl.DataFrame(catalog.norm_rows(), infer_schema_length=None)
    plans = pl.DataFrame(catalog.plans, infer_schema_length=None)
    measures = pl.DataFrame(catalog.measure_rows(), infer_schema_length=None)
    conditions = pl.DataFrame(catalog.condition_rows(), schema=CONDITION_SCHEMA, strict=False)
    with warehouse.connect(context.run.run_id) as con:
        con.execute("CREATE OR REPLACE TEMP TABLE catalog_indicators AS SELECT * FROM indicators")
        con.execute("CREATE OR REPLACE TEMP TABLE catalog_norms AS SELECT * FROM norms")
        con.execute("CREATE OR REPLACE TEMP TABLE catalog_plans AS SELECT * FROM plans")
        con.execute("CREATE OR REPLACE TEMP TABLE catalog_measures AS SELECT * FROM measures")
        con.execute("CREATE OR REPLACE TEMP TABLE catalog_norm_conditions AS SELECT * FROM conditions")
        run_sql(con, "marts/indicators")
        run_sql(con, "marts/norms")
    per_plan = norms.group_by("plan_id").agg(pl.len().alias("rows")).sort("plan_id")
    return dg.MaterializeResult(
        metadata={
            "indicators": indicators.height,
            "measures": measures.height,
            "norm_rows": norms.height,
            "norms_per_plan": markdown_table(["plan", "rows"], per_plan.iter_rows()),
        }
    )
