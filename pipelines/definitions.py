"""The Dagster code location (代码位置) of the health-indicator warehouse.

The lineage graph, layer by layer: the inbox files (raw.*), code lists (ref.*) and settings (config.*) are
written by Python; every table of the intermediate, staging and marts schemas is its own SQL file and asset
(pipelines/assets/models.py), wired by the tables its SQL reads; the Great Expectations suites write their
findings to tables the models read (pipelines/assets/validation.py); checks sit on the tables they judge
(pipelines/checks.py); the release guard, the published file and the report come last.
"""

import dagster as dg

from pipelines.assets.config import config_tables
from pipelines.assets.ingest import raw_assets, reference_code_lists
from pipelines.assets.models import model_assets
from pipelines.assets.publish import published_profile_asset, release_guard, warehouse_file
from pipelines.assets.receipts import receipts
from pipelines.assets.report import report
from pipelines.assets.validation import dqr_failed, norms_not_met, validated_assets
from pipelines.checks import asset_checks
from pipelines.jobs import build_warehouse
from pipelines.resources import Warehouse
from pipelines.schedules import nightly_build
from pipelines.sensors import inbox_sensor

defs = dg.Definitions(
    assets=[
        # ingest and settings (Python)
        reference_code_lists, *raw_assets, config_tables,
        # SQL models: intermediate, staging, marts
        *model_assets([raw.key for raw in raw_assets]),
        # Great Expectations suites, each writing its findings to a table
        *validated_assets, norms_not_met, dqr_failed,
        # what the statisticians read back, the release guard, the published file, then the report
        receipts, published_profile_asset, release_guard, warehouse_file, report,
    ],
    asset_checks=asset_checks,
    jobs=[build_warehouse],
    schedules=[nightly_build],
    sensors=[inbox_sensor],
    resources={"warehouse": Warehouse()},
    # One process runs the assets in order: they share one DuckDB build file, which takes one writer.
    executor=dg.in_process_executor,
)
