"""Staging stage (清洗): typed raw rows → staging tables, with every problem kept in quarantine at its grain.

sql/staging/<source>.sql resolves codes and keys; the source's quality suite (expectations/quality/<source>.yaml:
uniqueness, references, row rules) adds the problems it finds, each with its outcome (row, cell or flag);
sql/staging/split.sql then stages every row no problem sets aside, and keeps every problem, with its reason, in
staging.<source>_rejected.
"""

import time
from dataclasses import dataclass

import dagster as dg

from pipelines.contract import CONTRACT_FILE, load_sources
from pipelines.metadata import markdown_table
from pipelines.resources import Warehouse, run_sql
from pipelines.settings import REPO_ROOT, SQL_DIR
from pipelines.validation import QUALITY_DIR, QualitySuite, apply_quality_suite, load_quality_suite

@dataclass(frozen=True)
class StagingModel:
    source: str
    upstream: tuple[str, ...] = ()  # staging assets whose tables the rules look up
    then: tuple[str, ...] = ()  # models built from the staged table

STAGING_MODELS = (
    StagingModel("regions", then=("staging/region_codes", "staging/region_ancestors")),
    StagingModel("population", upstream=("stg_regions",)),
    StagingModel("facilities", upstream=("stg_regions",)),
    StagingModel("facility_stats", upstream=("stg_facilities",)),
    StagingModel("staff", upstream=("stg_facilities",)),
    StagingModel("public_health", upstream=("stg_regions", "indicator_catalog")),
)

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

def build_staging_asset(model: StagingModel) -> dg.AssetsDefinition:
    source = load_sources()[model.source]
    name = f"stg_{model.source}"

    @dg.asset(
        name=name,
        group_name="staging",
        kinds={"duckdb"},
        owners=["team:data-engineering"],
        deps=[f"raw_{model.source}", *model.upstream],
        description=(
            f"{source.name_zh} ({source.name}), typed and checked: staging.{source.name}. Every problem a rule finds "
            f"(expectations/quality/{source.name}.yaml, the contract in expectations/sources.yaml) is kept with its "
            f"reason and outcome in staging.{source.name}_rejected and marts.quarantine: the row set aside only where "
            f"what identifies it is unusable, otherwise the cell alone, or the figure flagged."
        ),
        check_specs=[
            dg.AssetCheckSpec(
                "rows_accounted", asset=name, blocking=True,
                description="行数核对 Every row received is either staged or quarantined: rows in = staged + quarantined.",
            ),
            dg.AssetCheckSpec(
                "quality_rules", asset=name,
                description=f"质量规则 No row breaks a rule of the contract (expectations/sources.yaml) or of the quality suite "
                f"(expectations/quality/{source.name}.yaml). WARN: every problem is in marts.quarantine with its reason and "
                "outcome — the row set aside (整行未采用) where what identifies it is unusable, the cell alone set aside "
                "(单元格未采用) where one figure is wrong, or the figure kept and flagged (已采用并标记).",
            ),
            dg.AssetCheckSpec(
                "quarantine_share", asset=name, blocking=True,
                description=f"隔离比例 No more than the share of rows set in expectations/quality/{source.name}.yaml "
                "(max_quarantined_share, defaults in expectations/quality/defaults.yaml) is quarantined: "
                "more means the file is broken, not a few rows.",
            ),
        ],
    )
    def staging_asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect(context.run.run_id) as con:
            run_sql(con, f"staging/{source.name}")
            started = time.perf_counter()
            rule_failures = apply_quality_suite(con, source.name, f"{source.name}_checked", warehouse.docs_dir)
            validation_seconds = time.perf_counter() - started
            con.execute((SQL_DIR / "staging" / "split.sql").read_text(encoding="utf-8").replace("{source}", source.name))
            for follow_up in model.then:
                run_sql(con, follow_up)
            received, staged, rejected, problem_rows, cells, flags = _row_counts(con, source.name)
            suite = load_quality_suite(source.name)
            reasons = _reason_table(con, source.name, suite)
            sample = _rejected_sample(con, source.name)
        if rejected:
            context.log.warning(f"{rejected} of {received} {source.name} rows quarantined; see marts.quarantine.")
        share = rejected / received if received else 0.0
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": staged,
                "rows_received": received,
                "rows_quarantined": rejected,
                "cells_set_aside": cells,
                "flags": flags,
                "quarantine_reasons": reasons,
                "quality_rule_failures": dg.MetadataValue.json(rule_failures),
                "quality_validation_seconds": round(validation_seconds, 3),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name="rows_accounted",
                    passed=received == staged + rejected,
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata={"received": received, "staged": staged, "quarantined": rejected},
                ),
                dg.AssetCheckResult(
                    check_name="quality_rules",
                    passed=problem_rows == 0,
                    severity=dg.AssetCheckSeverity.WARN,
                    description=f"{problem_rows} 行有问题：{rejected} 行整行未采用，{cells} 个单元格未采用，{flags} 个数值已标记 "
                    f"({problem_rows} of {received} rows have a problem: {rejected} rows set aside, {cells} cells set aside, "
                    f"{flags} figures flagged; all in marts.quarantine with the reason)",
                    metadata={"rows_failed": problem_rows, "rows_set_aside": rejected, "cells_set_aside": cells,
                              "flags": flags, "by_rule": reasons, "sample": sample},
                ),
                dg.AssetCheckResult(
                    check_name="quarantine_share",
                    passed=not suite.share_blocks(rejected, received),
                    severity=dg.AssetCheckSeverity.ERROR,
                    description=f"{rejected} / {received} 行（{share:.1%}）整行未采用，超过上限 {suite.max_quarantined_share:.0%}"
                    f"（{suite.min_rows_for_share} 行起计） ({rejected} of {received} rows ({share:.1%}) set aside; the limit is "
                    f"{suite.max_quarantined_share:.0%} from {suite.min_rows_for_share} rows on.)",
                    metadata={"share": share, "limit": suite.max_quarantined_share, "reasons": reasons,
                              "rule_source": str((suite.path or QUALITY_DIR / "defaults.yaml").relative_to(REPO_ROOT))},
                ),
            ],
        )

    return staging_asset

staging_assets = [build_staging_asset(model) for model in STAGING_MODELS]
