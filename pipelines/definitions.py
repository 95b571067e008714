"""The Dagster code location (代码位置) of the health-indicator warehouse."""

import dagster as dg

from pipelines.assets.catalog import indicator_catalog
from pipelines.assets.ingest import raw_assets, reference_code_lists
from pipelines.assets.marts import (
    build_info,
    coverage_gaps,
    dimensions,
    facility_indicators,
    indicator_values,
    measures,
    plan_scorecard,
    quarantine,
    target_tracking,
)
from pipelines.assets.publish import release_guard, warehouse_file
from pipelines.assets.receipts import receipts
from pipelines.assets.report import report
from pipelines.assets.staging import staging_assets
from pipelines.assets.validation import data_quality_flags, norm_results
from pipelines.jobs import build_warehouse
from pipelines.resources import Warehouse
from pipelines.schedules import nightly_build
from pipelines.sensors import inbox_sensor

defs = dg.Definitions(
    assets=[
        # ingest and catalog
        reference_code_lists, *raw_assets, indicator_catalog,
        # staging
        *staging_assets,
        # marts
        measures, quarantine, receipts, indicator_values, facility_indicators, dimensions, build_info,
        # validation
        norm_results, data_quality_flags, target_tracking, plan_scorecard, coverage_gaps,
        # publish (after the release guard), then the report on the published warehouse
        release_guard, warehouse_file, report,
    ],
    jobs=[build_warehouse],
    schedules=[nightly_build],
    sensors=[inbox_sensor],
    resources={"warehouse": Warehouse()},
    # One process runs the assets in order: they share one DuckDB build file, which takes one writer.
    executor=dg.in_process_executor,
)
