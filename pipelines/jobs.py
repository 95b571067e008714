"""Jobs: the whole warehouse, built and published in one run."""

import dagster as dg

build_warehouse = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all(),
    description="Ingest every inbox file, stage and check it, build the marts and publish the warehouse (构建并发布数据仓库).",
)
