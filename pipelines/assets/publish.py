"""Publish stage (发布): the release guard compares the build with the published warehouse, then the run's build
replaces the published warehouse in one atomic step."""

import dagster as dg
import duckdb
import polars as pl

from pipelines.metadata import markdown_table
from pipelines.release_guard import (
    PROFILE_SCHEMA, breach_lines, find_acceptance, fingerprint, how_to_accept, published_profile,
)
from pipelines.lineage import load_models
from pipelines.resources import Warehouse
from pipelines.versions import replace_from_frame

# Every mart, and what is written beside the warehouse: the published file waits for all of them.
MARTS = [["marts", model.table] for model in load_models() if model.schema == "marts"]


@dg.asset(key=["intermediate", "published_profile"], group_name="publish", kinds={"duckdb"}, owners=["team:data-engineering"])
def published_profile_asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """已发布构建概况 intermediate.published_profile: the figures (marts.release_profile) of the warehouse published
    now, with the run that built it, for the release guard to compare this build with. Empty when nothing is
    published yet (a first build, or a damaged file set aside)."""
    previous, previous_run = published_profile(warehouse.published)
    profile = (previous if previous is not None else pl.DataFrame(schema=PROFILE_SCHEMA)).with_columns(
        run_id=pl.lit(previous_run, dtype=pl.String))
    with warehouse.connect(context.run.run_id) as con:
        replace_from_frame(con, "intermediate.published_profile", profile)
        con.execute("COMMENT ON TABLE intermediate.published_profile IS '已发布构建概况 marts.release_profile of the "
                    "warehouse published before this run, with its run id'")
    return dg.MaterializeResult(metadata={"dagster/row_count": profile.height, "compared_with_run": previous_run or ""})


@dg.asset(
    group_name="publish", kinds={"duckdb"}, owners=["team:data-engineering"],
    deps=[["marts", "release_comparison"], ["marts", "build_info"], ["intermediate", "published_profile"]],
    check_specs=[dg.AssetCheckSpec(
        "no_unaccepted_drop", asset="release_guard", blocking=True,
        description="发布守卫 No figure of the build (rows per source and file; facilities, facilities by type, staff, "
        "statistics rows, regions with population, public-health rows per prefecture) falls below the published "
        "build's by more than the limits of expectations/release_guard.yaml, unless that build was accepted in the "
        "acceptances file. A failure stops the run before anything is published.",
    )],
)
def release_guard(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """发布守卫 Reads marts.release_comparison (the build's figures per source, file and prefecture beside the
    published warehouse's, with the limits of expectations/release_guard.yaml). A drop beyond a limit (a
    prefecture losing more than 20% of its facilities, a source falling to 0 rows …) blocks publishing until that
    build is accepted by name; the build's fingerprint and the acceptance are recorded in marts.build_info."""
    with warehouse.connect(context.run.run_id) as con:
        published, previous_run = con.execute(
            "SELECT count(*) > 0, any_value(run_id) FROM intermediate.published_profile").fetchall()[0]
        build = fingerprint(con, previous_run)
        lines = breach_lines(con)
        acceptance = find_acceptance(warehouse.acceptances, build) if lines else None
        con.execute("UPDATE marts.build_info SET release_fingerprint = ?, release_acceptance = ?",
                    [build, acceptance.record() if acceptance else None])
        compared = con.execute("SELECT count(*) FROM marts.release_comparison WHERE previous_value IS NOT NULL").fetchall()[0][0]
    if not published:
        summary = "没有已发布的数据仓库可比较（首次构建，或损坏的文件已移走）。 Nothing published to compare with (a first build, or a damaged file was set aside)."
    elif not lines:
        summary = f"与已发布的运行 {previous_run} 相比，{compared} 项数字均未超限下降。 Compared with published run {previous_run}: none of {compared} figures fell beyond its limit."
    elif acceptance:
        summary = (f"{len(lines)} 项下降超限，但本构建 {build} 已被确认发布：{acceptance.record()}。 "
                   f"{len(lines)} drops beyond the limits, released by the recorded acceptance of build {build}.")
    else:
        summary = (f"与已发布的运行 {previous_run} 相比，{len(lines)} 项数字下降超限，未发布（构建指纹 {build}）。 "
                   f"Compared with published run {previous_run}, {len(lines)} figures fell beyond their limits: "
                   f"nothing was published (build fingerprint {build}).")
    description = "\n".join([summary, *lines[:30], *([how_to_accept(warehouse.acceptances, build)] if lines and not acceptance else [])])
    if lines and not acceptance:
        context.log.error(description)
    elif lines:
        context.log.warning(description)
    return dg.MaterializeResult(
        metadata={"build_fingerprint": build, "compared_with_run": previous_run or "", "breaches": len(lines),
                  "accepted_by": acceptance.record() if acceptance else ""},
        check_results=[dg.AssetCheckResult(
            check_name="no_unaccepted_drop",
            passed=not lines or acceptance is not None,
            severity=dg.AssetCheckSeverity.ERROR,
            description=description,
            metadata={"build_fingerprint": build, "acceptances_file": str(warehouse.acceptances),
                      "breaches": dg.MetadataValue.md("\n".join(f"- {line}" for line in lines) or "none")},
        )],
    )


@dg.asset(group_name="publish", kinds={"duckdb"}, owners=["team:data-engineering"], deps=[*MARTS, "release_guard", "receipts"])
def warehouse_file(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """已发布的数据仓库 The published DuckDB file analysts open (data/warehouse/health.duckdb unless
    HEALTH_WAREHOUSE says otherwise). Runs only when every mart was built and every blocking check passed,
    the release guard's included; the new file then replaces the old one in one atomic rename, so a reader never
    sees half a warehouse."""
    path = warehouse.publish(context.run.run_id)
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name || '.' || table_name, estimated_size FROM duckdb_tables() "
            "WHERE schema_name IN ('marts', 'staging') ORDER BY 1"
        ).fetchall()
    metadata = {"path": dg.MetadataValue.path(str(path)), "tables": markdown_table(["table", "rows"], tables)}
    if warehouse.set_aside:
        metadata["damaged_file_set_aside"] = dg.MetadataValue.path(str(warehouse.set_aside))
    return dg.MaterializeResult(metadata=metadata)
