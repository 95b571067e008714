"""Validation stage (规划标准评价): the plans' norms judged by Great Expectations suites, one expectation per norm.

A norm that is not met is a finding, not an error: the checks here are WARN and never stop a run.
"""

import dagster as dg

from pipelines.catalog import load_catalog
from pipelines.metadata import markdown_table
from pipelines.resources import Warehouse, run_sql
from pipelines.validation import DQR_CHECKS, evaluate_data_quality_review, evaluate_norms, set_tracking_variables

# One WARN check per plan: a new plan's YAML file brings its check with it.
PLANS = sorted(plan["plan_id"] for plan in load_catalog().plans)


def _plan_check(con, plan_id: str) -> dg.AssetCheckResult:
    """The plan's norms in the latest year; the units that miss them are listed worst first: furthest from the
    target relative to it (a direction target: the trend going the wrong way)."""
    counts = dict(con.execute(
        "SELECT status, count(*) FROM marts.norm_results WHERE plan_id = ? GROUP BY status", [plan_id]
    ).fetchall())
    failing = con.execute(
        "SELECT r.norm_id, coalesce(r.facility_id || ' ' || f.facility_name, r.region_code || ' ' || g.region_name), "
        "r.year, round(r.value, 3), r.comparator, r.threshold, n.quote "
        "FROM marts.norm_results r JOIN staging.regions g USING (region_code) "
        "LEFT JOIN staging.facilities f ON f.facility_id = r.facility_id "
        "JOIN marts.norms n ON n.norm_id = r.norm_id AND n.target_year IS NOT DISTINCT FROM r.target_year "
        "WHERE r.plan_id = ? AND r.status = 'not_met' "
        "AND r.year = (SELECT max(year) FROM marts.norm_results WHERE plan_id = ?) "
        "ORDER BY abs(r.value - aim(r.value, r.comparator, r.threshold, r.threshold_high)) "
        "/ nullif(abs(r.threshold), 0) DESC NULLS LAST, 1, 2",
        [plan_id, plan_id],
    ).fetchall()
    table = markdown_table(
        ["norm", "unit", "year", "value", "norm", "source"],
        [(n, unit, y, v, op if t is None else f"{op} {t:g}", q[:60]) for n, unit, y, v, op, t, q in failing[:25]],
    )
    return dg.AssetCheckResult(
        check_name=f"norms_{plan_id}",
        passed=not failing,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{len(failing)} norm results not met in the latest year" + (" (the worst 25 shown)" if len(failing) > 25 else ""),
        metadata={
            "met": counts.get("met", 0),
            "not_met": counts.get("not_met", 0),
            "not_evaluable": counts.get("not_evaluable", 0),
            "worst_units_latest_year": table,
            "rule_source": f"expectations/norms/ ({plan_id})",
        },
    )


@dg.asset(
    group_name="validation",
    kinds={"great_expectations", "duckdb"},
    owners=["team:data-engineering"],
    deps=["indicator_values", "facility_indicators", "indicator_catalog"],
    check_specs=[
        dg.AssetCheckSpec(
            f"norms_{plan_id}", asset="norm_results",
            description=f"规划标准 Norms of plan {plan_id} met by every unit in its scope in the latest year (WARN: never blocks).",
        )
        for plan_id in PLANS
    ],
)
def norm_results(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """规划标准评价结果 marts.norm_results: every trackable norm of the catalog on the indicator values of every
    unit in its scope and every year, each judged by the macro meets (sql/macros/comparators.sql) and checked by a
    Great Expectations suite per plan: met, not_met, or not_evaluable with its reason (no data, denominator zero,
    condition not applicable).
    A norm not met is a finding to act on; it never stops the run."""
    with warehouse.connect(context.run.run_id) as con:
        set_tracking_variables(con)
        run_sql(con, "marts/norm_candidates")
        evaluate_norms(con, PLANS, warehouse.docs_dir)
        run_sql(con, "marts/norm_results")
        statuses = dict(con.execute("SELECT status, count(*) FROM marts.norm_results GROUP BY 1").fetchall())
        rows = sum(statuses.values())
        checks = [_plan_check(con, plan_id) for plan_id in PLANS]
    yield dg.MaterializeResult(metadata={"dagster/row_count": rows, **{f"rows_{k}": v for k, v in statuses.items()}})
    yield from checks


def _dqr_check(con, check: str) -> dg.AssetCheckResult:
    counts = dict(con.execute(
        "SELECT flag, count(*) FROM marts.data_quality_flags WHERE check_name = ? GROUP BY flag", [check]
    ).fetchall())
    sample = con.execute(
        "SELECT region_code, year, coalesce(indicator_code, ''), coalesce(severity, ''), detail FROM marts.data_quality_flags "
        "WHERE check_name = ? AND flag = 'flagged' ORDER BY year DESC, region_code LIMIT 15", [check]
    ).fetchall()
    return dg.AssetCheckResult(
        check_name=check,
        passed=counts.get("flagged", 0) == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{counts.get('flagged', 0)} flagged, {counts.get('insufficient_data', 0)} with insufficient data to judge",
        metadata={
            "flagged": counts.get("flagged", 0),
            "insufficient_data": counts.get("insufficient_data", 0),
            "sample": markdown_table(["region", "year", "indicator", "severity", "detail"], sample),
            "rule_source": "expectations/quality/data_quality_review.yaml",
        },
    )


@dg.asset(
    group_name="validation",
    kinds={"great_expectations", "duckdb"},
    owners=["team:data-engineering"],
    deps=["indicator_values", "measures"],
    check_specs=[
        dg.AssetCheckSpec(check, asset="data_quality_flags", description=f"数据质量评估 WHO Data Quality Review: {check} (WARN).")
        for check in DQR_CHECKS
    ],
)
def data_quality_flags(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """数据质量标记 marts.data_quality_flags: the WHO Data Quality Review on the indicator values — counties
    that did not report every required indicator (completeness, 90%), values that moved more than 33% from
    the mean of the three preceding years, counties far from their peers (modified z-score above 3.5 or 5), and
    related figures that disagree (live births per 1,000 residents). Thresholds are in
    expectations/quality/data_quality_review.yaml. Flags are warnings: they never drop data."""
    with warehouse.connect(context.run.run_id) as con:
        evaluate_data_quality_review(con, warehouse.docs_dir)
        run_sql(con, "marts/data_quality_flags")
        rows = con.execute("SELECT count(*) FROM marts.data_quality_flags").fetchall()[0][0]
        checks = [_dqr_check(con, check) for check in DQR_CHECKS]
    yield dg.MaterializeResult(metadata={"dagster/row_count": rows})
    yield from checks
