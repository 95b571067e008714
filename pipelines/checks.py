"""Asset checks (资产检查), each on the table it judges.

- staging.<source>: rows_accounted and quarantine_share block the run; quality_rules warns and lists every
  problem by rule;
- marts.indicator_values: coherent_rollups (WARN);
- marts.norm_results: norms_<plan> per plan (WARN: a norm not met is a finding, never an error);
- marts.data_quality_flags: one WARN check per check of the WHO Data Quality Review.
"""

import dagster as dg

from pipelines.assets.validation import PLANS
from pipelines.contract import CONTRACT_FILE, Source, load_sources
from pipelines.data_quality_review import DQR_CHECKS
from pipelines.metadata import markdown_table
from pipelines.quality import QUALITY_DIR, QualitySuite, load_quality_suite
from pipelines.resources import Warehouse
from pipelines.settings import REPO_ROOT


def _row_counts(con, source: str) -> tuple[int, int, int, int, int, int]:
    """Rows received and staged; of the problems, the rows set aside, the rows with any problem, the cells set
    aside and the figures flagged."""
    received = con.execute(f"SELECT count(*) FROM raw.{source}").fetchall()[0][0]
    staged = con.execute(f"SELECT count(*) FROM staging.{source}").fetchall()[0][0]
    rejected, problem_rows, cells, flags = con.execute(
        f"SELECT count(DISTINCT (file, sheet, row_number)) FILTER (WHERE row_set_aside),"
        f" count(DISTINCT (file, sheet, row_number)), count(*) FILTER (WHERE outcome = 'cell'),"
        f" count(*) FILTER (WHERE outcome = 'flag') FROM staging.{source}_rejected"
    ).fetchall()[0]
    return received, staged, rejected, problem_rows, cells, flags


def _rule_source(suite: QualitySuite, rule: str) -> str:
    """Where a rule is written: the source's quality suite, or the input contract (type, required, code list, range)."""
    if suite.path and rule in {r.rule for r in suite.rules}:
        return str(suite.path.relative_to(REPO_ROOT))
    return str(CONTRACT_FILE.relative_to(REPO_ROOT))


def _reason_table(con, source: str, suite: QualitySuite) -> dg.MetadataValue:
    rows = con.execute(
        f"SELECT rule, outcome, \"column\", count(*) AS n, any_value(file || ' row ' || row_number) AS example, any_value(reason)"
        f" FROM staging.{source}_rejected GROUP BY ALL ORDER BY n DESC, rule LIMIT 20"
    ).fetchall()
    return markdown_table(["rule 规则", "outcome 处理", "column 列", "cells 单元格", "example 示例", "reason 原因", "rule source 规则出处"],
                          [(*row, _rule_source(suite, row[0])) for row in rows])


def _rejected_sample(con, source: str, limit: int = 10) -> dg.MetadataValue:
    rows = con.execute(
        f"SELECT file, row_number, \"column\", rule, outcome, reason FROM staging.{source}_rejected ORDER BY file, row_number LIMIT {limit}"
    ).fetchall()
    return markdown_table(["file 文件", "row 行", "column 列", "rule 规则", "outcome 处理", "reason 原因"], rows)


def build_staging_checks(source: Source) -> dg.AssetChecksDefinition:
    asset = ["staging", source.name]
    rejected = ["staging", f"{source.name}_rejected"]

    @dg.multi_asset_check(
        name=f"staging_{source.name}_checks",
        specs=[
            dg.AssetCheckSpec(
                "rows_accounted", asset=asset, blocking=True, additional_deps=[rejected],
                description="行数核对 Every row received is either staged or quarantined: rows in = staged + quarantined.",
            ),
            dg.AssetCheckSpec(
                "quality_rules", asset=asset, additional_deps=[rejected],
                description=f"质量规则 No row breaks a rule of the contract (expectations/sources.yaml) or of the quality suite "
                f"(expectations/quality/{source.name}.yaml). WARN: every problem is in marts.quarantine with its reason and "
                "outcome — the row set aside (整行未采用) where what identifies it is unusable, the cell alone set aside "
                "(单元格未采用) where one figure is wrong, or the figure kept and flagged (已采用并标记).",
            ),
            dg.AssetCheckSpec(
                "quarantine_share", asset=asset, blocking=True, additional_deps=[rejected],
                description=f"隔离比例 No more than the share of rows set in expectations/quality/{source.name}.yaml "
                "(max_quarantined_share, defaults in expectations/quality/defaults.yaml) is quarantined: "
                "more means the file is broken, not a few rows.",
            ),
        ],
    )
    def staging_checks(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        suite = load_quality_suite(source.name)
        with warehouse.connect(context.run.run_id) as con:
            received, staged, rejected_rows, problem_rows, cells, flags = _row_counts(con, source.name)
            reasons = _reason_table(con, source.name, suite)
            sample = _rejected_sample(con, source.name)
        if rejected_rows:
            context.log.warning(f"{rejected_rows} of {received} {source.name} rows quarantined; see marts.quarantine.")
        share = rejected_rows / received if received else 0.0
        yield dg.AssetCheckResult(
            asset_key=asset, check_name="rows_accounted",
            passed=received == staged + rejected_rows,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"received": received, "staged": staged, "quarantined": rejected_rows},
        )
        yield dg.AssetCheckResult(
            asset_key=asset, check_name="quality_rules",
            passed=problem_rows == 0,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{problem_rows} 行有问题：{rejected_rows} 行整行未采用，{cells} 个单元格未采用，{flags} 个数值已标记 "
            f"({problem_rows} of {received} rows have a problem: {rejected_rows} rows set aside, {cells} cells set aside, "
            f"{flags} figures flagged; all in marts.quarantine with the reason)",
            metadata={"rows_received": received, "rows_failed": problem_rows, "rows_set_aside": rejected_rows,
                      "cells_set_aside": cells, "flags": flags, "by_rule": reasons, "sample": sample},
        )
        yield dg.AssetCheckResult(
            asset_key=asset, check_name="quarantine_share",
            passed=not suite.share_blocks(rejected_rows, received),
            severity=dg.AssetCheckSeverity.ERROR,
            description=f"{rejected_rows} / {received} 行（{share:.1%}）整行未采用，超过上限 {suite.max_quarantined_share:.0%}"
            f"（{suite.min_rows_for_share} 行起计） ({rejected_rows} of {received} rows ({share:.1%}) set aside; the limit is "
            f"{suite.max_quarantined_share:.0%} from {suite.min_rows_for_share} rows on.)",
            metadata={"share": share, "limit": suite.max_quarantined_share, "reasons": reasons,
                      "rule_source": str((suite.path or QUALITY_DIR / "defaults.yaml").relative_to(REPO_ROOT))},
        )

    return staging_checks


@dg.asset_check(
    asset=["marts", "indicator_values"], name="coherent_rollups",
    description="汇总一致 Every rate above the unit its figures are filed for has a numerator and a denominator "
    "covering the same parts. WARN: where they do not (a county with beds but no population row), no value is "
    "published; marts.indicator_values.reason names the parts.",
)
def coherent_rollups(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect(context.run.run_id) as con:
        withheld = con.execute(
            "SELECT v.region_code, r.region_name, v.year, v.indicator_code, v.reason FROM marts.indicator_values AS v "
            "JOIN staging.region_coverage AS g USING (region_code, year, indicator_code) "
            "LEFT JOIN staging.regions AS r USING (region_code) WHERE v.reason = g.reason ORDER BY v.year DESC, v.region_code, v.indicator_code"
        ).fetchall()
    if withheld:
        context.log.warning(f"{len(withheld)} 个汇总值因分子分母覆盖不一致未发布，例如 {withheld[0][1]} {withheld[0][0]} "
                            f"{withheld[0][2]} {withheld[0][3]}。 {len(withheld)} roll-ups withheld: numerator and "
                            f"denominator cover different parts. {withheld[0][4]}")
    return dg.AssetCheckResult(
        passed=not withheld,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{len(withheld)} 个汇总值未发布（分子分母覆盖不一致） roll-ups withheld (numerator and denominator "
        "cover different parts); see marts.indicator_values.reason",
        metadata={"values_withheld": len(withheld),
                  "withheld": markdown_table(["region", "name", "year", "indicator", "reason"], withheld[:20])},
    )


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
        asset_key=["marts", "norm_results"],
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


@dg.multi_asset_check(
    name="plan_norms",
    specs=[
        dg.AssetCheckSpec(
            f"norms_{plan_id}", asset=["marts", "norm_results"],
            description=f"规划标准 Norms of plan {plan_id} met by every unit in its scope in the latest year (WARN: never blocks).",
        )
        for plan_id in PLANS
    ],
)
def plan_norms(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
    with warehouse.connect(context.run.run_id) as con:
        checks = [_plan_check(con, plan_id) for plan_id in PLANS]
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
        asset_key=["marts", "data_quality_flags"],
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


@dg.multi_asset_check(
    name="data_quality_review",
    specs=[
        dg.AssetCheckSpec(check, asset=["marts", "data_quality_flags"], description=f"数据质量评估 WHO Data Quality Review: {check} (WARN).")
        for check in DQR_CHECKS
    ],
)
def data_quality_review(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
    with warehouse.connect(context.run.run_id) as con:
        checks = [_dqr_check(con, check) for check in DQR_CHECKS]
    yield from checks


staging_checks = [build_staging_checks(source) for source in load_sources().values()]
asset_checks = [*staging_checks, coherent_rollups, plan_norms, data_quality_review]
