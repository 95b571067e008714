"""Publish stage (发布): the run's build replaces the published warehouse in one atomic step."""

import dagster as dg
import duckdb

from pipelines.metadata import markdown_table
from pipelines.resources import Warehouse

MARTS = ["quarantine", "receipts", "indicator_values", "norm_results", "data_quality_flags", "facility_indicators", "dimensions", "target_tracking", "plan_scorecard", "coverage_gaps", "build_info", "indicator_catalog"]

@dg.asset(group_name="publish", kinds={"duckdb"}, owners=["team:data-engineering"], deps=MARTS)
def warehouse_file(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """已发布的数据仓库 The published DuckDB file analysts open (data/warehouse/health.duckdb unless
    HEALTH_WAREHOUSE says otherwise). Runs only when every mart was built and every blocking check passed;
    the new file then replaces the old one in one atomic rename, so a reader never sees half a warehouse."""
    path = warehouse.publish(context.run.run_id)
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name || '.' || table_name, estimated_size FROM duckdb_tables() "
            "WHERE schema_name IN ('marts', 'staging') ORDER BY 1"
        ).fetchall()
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(path)), "tables": markdown_table(["table", "rows"], tables)}
    )
