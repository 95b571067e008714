"""Marts stage (数据集市): the tables analysts query, built by the SQL models in sql/marts/."""

from datetime import datetime, timezone

import dagster as dg

from pipelines.metadata import markdown_table, table_metadata
from pipelines.resources import Warehouse, run_sql
from pipelines.validation import set_tracking_variables
from pipelines.assets.staging import STAGING_MODELS

STAGING_ASSETS = [f"stg_{m.source}" for m in STAGING_MODELS]

@dg.asset(group_name="marts", kinds={"duckdb"}, owners=["team:data-engineering"], deps=STAGING_ASSETS)
def quarantine(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """隔离区 marts.quarantine: every problem of the input at its grain — a row set aside, a cell set aside or a
    figure flagged — with its source, file, sheet, row, column as the file wrote it, the rule, the reason and how
    to fix it (Chinese and English); and marts.left_out_rows, the rows that are not data (titles, 合计, footers)."""
    with warehouse.connect(context.run.run_id) as con:
        run_sql(con, "marts/quarantine")
        by_source = con.execute("SELECT source, count(*) FROM marts.quarantine GROUP BY source ORDER BY source").fetchall()
        metadata = table_metadata(con, "marts.quarantine")
    return dg.MaterializeResult(metadata=metadata | {f"rows_{s}": n for s, n in by_source})

@dg.asset(
    group_name="marts", kinds={"duckdb"}, owners=["team:data-engineering"],
    deps=["stg_facilities", "stg_facility_stats", "stg_staff", "stg_population", "stg_public_health",
          "reference_code_lists", "indicator_catalog"],
)
def measures(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Building blocks of the indicators (指标分子分母): what each facility has each year (beds, ambulances,
    physicians, nurses, general practitioners, attributes such as government_run …) in
    staging.facility_measures; registry facilities counted by what the norms ask (staging.registry_counts);
    what kind of place each township and village is (staging.region_attributes); and all of it summed up
    every region and its ancestors, with population and reported figures (staging.region_filed), in
    staging.region_measures; and the roll-ups whose numerator and denominator cover different parts
    (staging.region_coverage), which get no value."""
    with warehouse.connect(context.run.run_id) as con:
        run_sql(con, "marts/facility_measures")
        run_sql(con, "marts/registry_counts")
        run_sql(con, "marts/region_attributes")
        run_sql(con, "marts/region_filed")
        run_sql(con, "marts/region_measures")
        run_sql(con, "marts/region_coverage")
        facility_rows = con.execute("SELECT count(*) FROM staging.facility_measures").fetchall()[0][0]
        metadata = table_metadata(con, "staging.region_measures")
    return dg.MaterializeResult(metadata=metadata | {"facility_measure_rows": facility_rows})

@dg.asset(
    group_name="marts", kinds={"duckdb"}, owners=["team:data-engineering"], deps=["measures", "indicator_catalog"],
    check_specs=[dg.AssetCheckSpec(
        "coherent_rollups", asset="indicator_values",
        description="汇总一致 Every rate above the unit its figures are filed for has a numerator and a denominator "
        "covering the same parts. WARN: where they do not (a county with beds but no population row), no value is "
        "published; marts.indicator_values.reason names the parts.",
    )],
)
def indicator_values(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """地区指标值 marts.indicator_values: every region-level indicator of the catalog (beds, physicians and
    nurses per 1,000 residents, GPs per 10,000, ambulances per 30,000 …) for every township, county and
    prefecture and year. Rates are the region's summed numerator over its summed denominator, never an
    average of rates; a rate whose numerator and denominator cover different parts has no value, and a reason."""
    with warehouse.connect(context.run.run_id) as con:
        run_sql(con, "marts/indicator_values")
        per_indicator = con.execute(
            "SELECT indicator_code, count(*) FROM marts.indicator_values GROUP BY 1 ORDER BY 1"
        ).fetchall()
        withheld = con.execute(
            "SELECT v.region_code, r.region_name, v.year, v.indicator_code, v.reason FROM marts.indicator_values AS v "
            "JOIN staging.region_coverage AS g USING (region_code, year, indicator_code) "
            "LEFT JOIN staging.regions AS r USING (region_code) WHERE v.reason = g.reason ORDER BY v.year DESC, v.region_code, v.indicator_code"
        ).fetchall()
        metadata = table_metadata(con, "marts.indicator_values")
    if withheld:
        context.log.warning(f"{len(withheld)} 个汇总值因分子分母覆盖不一致未发布，例如 {withheld[0][1]} {withheld[0][0]} "
                            f"{withheld[0][2]} {withheld[0][3]}。 {len(withheld)} roll-ups withheld: numerator and "
                            f"denominator cover different parts. {withheld[0][4]}")
    return dg.MaterializeResult(
        metadata=metadata | {"indicators": len(per_indicator), "values_withheld": len(withheld)},
        check_results=[dg.AssetCheckResult(
            check_name="coherent_rollups",
            passed=not withheld,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{len(withheld)} 个汇总值未发布（分子分母覆盖不一致） roll-ups withheld (numerator and denominator "
            "cover different parts); see marts.indicator_values.reason",
            metadata={"withheld": markdown_table(["region", "name", "year", "indicator", "reason"], withheld[:20])},
        )],
    )

@dg.asset(group_name="marts", kinds={"duckdb"}, owners=["team:data-engineering"], deps=[f"raw_{m.source}" for m in STAGING_MODELS])
def build_info(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """构建记录 marts.build_info: when the warehouse was built, by which Dagster run, and from which input
    files (names, sizes, encodings and SHA-256 content hashes)."""
    with warehouse.connect(context.run.run_id) as con:
        con.execute("SET VARIABLE run_id = ?", [context.run.run_id])
        con.execute("SET VARIABLE built_at = ?", [datetime.now(timezone.utc).isoformat()])
        run_sql(con, "marts/build_info")
        metadata = table_metadata(con, "marts.build_info")
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(group_name="marts", kinds={"duckdb"}, owners=["team:data-engineering"], deps=["measures", "indicator_catalog"])
def facility_indicators(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """机构指标值 marts.facility_indicators: every facility-level indicator of the catalog (public-health staff
    share of a township health centre, nurses and physicians per bed, TCM bed share, floor area per served
    resident, bandwidth …) for every facility and year, in long form."""
    with warehouse.connect(context.run.run_id) as con:
        run_sql(con, "marts/facility_indicators")
        metadata = table_metadata(con, "marts.facility_indicators")
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    group_name="marts", kinds={"duckdb"}, owners=["team:data-engineering"],
    deps=["stg_regions", "stg_facilities", "indicator_catalog", "reference_code_lists"],
)
def dimensions(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """维表 marts.dim_region and marts.dim_facility, the tables analysts join on: every region code ever filed
    with the code in force, its parent chain up to the prefecture and the plans that apply; every facility with
    its type, grade and ownership in Chinese and English and its township, county and prefecture."""
    with warehouse.connect(context.run.run_id) as con:
        run_sql(con, "marts/dim_region")
        run_sql(con, "marts/dim_facility")
        facilities = con.execute("SELECT count(*) FROM marts.dim_facility").fetchall()[0][0]
        metadata = table_metadata(con, "marts.dim_region")
    return dg.MaterializeResult(metadata=metadata | {"facilities": facilities})


@dg.asset(group_name="marts", kinds={"duckdb"}, owners=["team:data-engineering"], deps=["norm_results"])
def target_tracking(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """目标追踪 marts.target_tracking: for every norm, unit in scope and year — the actual value, the milestone
    that applies, the gap, the status and the progress class (achieved 已达标, on_track 按期可达,
    acceleration_needed 需加速, limited_progress 进展有限, deterioration 倒退, no_trend 年数不足; Open SDG's
    thresholds in expectations/tracking.yaml); the shortfall in the numerator's own unit (beds, physicians,
    ambulances) and its sums up the region tree (marts.shortfall_totals); for a target still ahead, the value
    projected to the target year from the unit's least-squares trend. Rare-event rates are pooled over years."""
    with warehouse.connect(context.run.run_id) as con:
        set_tracking_variables(con)
        run_sql(con, "marts/target_tracking")
        run_sql(con, "marts/shortfall_totals")
        progress = con.execute(
            "SELECT coalesce(progress, 'none'), count(*) FROM marts.target_tracking GROUP BY 1 ORDER BY 1"
        ).fetchall()
        metadata = table_metadata(con, "marts.target_tracking")
    return dg.MaterializeResult(metadata=metadata | {f"progress_{k}": v for k, v in progress})


@dg.asset(group_name="marts", kinds={"duckdb"}, owners=["team:data-engineering"], deps=["norm_results"])
def plan_scorecard(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """规划达标计分卡 marts.plan_scorecard: per plan, jurisdiction and year, how many of the plan's norms are met,
    not met and not evaluable, in all and by domain (resources, workforce, public-health outcomes, primary
    care, emergency care, TCM). A norm is met when every unit in its scope that can be judged meets it."""
    with warehouse.connect(context.run.run_id) as con:
        run_sql(con, "marts/plan_scorecard")
        latest = con.execute(
            "SELECT plan_id, year, norms_judged, norms_met, norms_not_met, norms_not_evaluable FROM marts.plan_scorecard s "
            "WHERE domain = 'all' AND year = (SELECT max(year) FROM marts.plan_scorecard WHERE plan_id = s.plan_id) ORDER BY 1"
        ).fetchall()
        metadata = table_metadata(con, "marts.plan_scorecard")
    per_plan = markdown_table(["plan", "year", "norms judged", "met", "not met", "not evaluable"], latest)
    return dg.MaterializeResult(metadata=metadata | {"norms_met_per_plan": per_plan})


@dg.asset(group_name="marts", kinds={"duckdb"}, owners=["team:data-engineering"], deps=["norm_results"])
def coverage_gaps(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """覆盖缺口 marts.coverage_gaps: every structural norm that fails, one row per missing thing — townships
    without a government-run health centre, counties over 500,000 residents without a psychiatric hospital of
    grade two or above, health centres with fewer general practitioners than the plan asks."""
    with warehouse.connect(context.run.run_id) as con:
        run_sql(con, "marts/coverage_gaps")
        metadata = table_metadata(con, "marts.coverage_gaps")
    return dg.MaterializeResult(metadata=metadata)
