"""Validation stage (质量检查与规划标准评价): the Great Expectations suites, each writing its findings to a table.

- intermediate.<source>_validated: the source's checked rows with the problems its quality suite
  (expectations/quality/<source>.yaml) found, each with its outcome (row, cell or flag);
- intermediate.norms_not_met: the norm candidates a plan's norm suite found not met;
- intermediate.dqr_failed: the data-quality-review statistics outside their limits.
The SQL models downstream (staging.<source>, marts.norm_results, marts.data_quality_flags) read these tables.
"""

import time

import dagster as dg

from pipelines.catalog import load_catalog
from pipelines.contract import Source, load_sources
from pipelines.data_quality_review import evaluate_data_quality_review
from pipelines.norm_judgement import evaluate_norms
from pipelines.quality import apply_quality_suite, load_quality_suite
from pipelines.resources import Warehouse
from pipelines.versions import build_unless_current

# One norm suite per plan: a new plan's YAML file brings its suite (and its check) with it.
PLANS = sorted(plan["plan_id"] for plan in load_catalog().plans)


def build_validated_asset(source: Source) -> dg.AssetsDefinition:
    suite = load_quality_suite(source.name)
    lookups = sorted({rule.references["table"] for rule in suite.of_kind("references")})
    checked, validated = f"intermediate.{source.name}_checked", f"intermediate.{source.name}_validated"

    @dg.asset(
        key=["intermediate", f"{source.name}_validated"],
        group_name="validation",
        kinds={"great_expectations", "duckdb"},
        owners=["team:data-engineering"],
        deps=[["intermediate", f"{source.name}_checked"], *(table.split(".") for table in lookups)],
        description=(
            f"{source.name_zh}质量检查 {checked} with the problems its quality suite finds (expectations/quality/"
            f"{source.name}.yaml: uniqueness, references to {', '.join(lookups) or 'no table'}, row rules), each "
            "with its outcome: the row set aside, the cell set aside (nulled here), or the figure flagged."
        ),
    )
    def validated_asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        def validate(con) -> list:
            con.execute(f"CREATE OR REPLACE TABLE {validated} AS FROM {checked}")
            failures = apply_quality_suite(con, source.name, validated, warehouse.docs_dir)
            con.execute(f"COMMENT ON TABLE {validated} IS '{source.name_zh}（已检查） {checked} with the problems "
                        f"of expectations/quality/{source.name}.yaml added to each row'")
            return failures

        with warehouse.connect(context.run.run_id) as con:
            started = time.perf_counter()
            kept, version, failures = build_unless_current(context, con, validated, lambda: validate(con))
            seconds = time.perf_counter() - started
            rows = con.execute(f"SELECT count(*) FROM {validated}").fetchall()[0][0]
        metadata = {"dagster/row_count": rows, "kept": kept, "quality_validation_seconds": round(seconds, 3)}
        if not kept:
            metadata["quality_rule_failures"] = dg.MetadataValue.json(failures)
        return dg.MaterializeResult(metadata=metadata, data_version=version)

    return validated_asset


validated_assets = [build_validated_asset(source) for source in load_sources().values()]


@dg.asset(
    key=["intermediate", "norms_not_met"],
    group_name="validation",
    kinds={"great_expectations", "duckdb"},
    owners=["team:data-engineering"],
    deps=[["intermediate", "norm_candidates"]],
)
def norms_not_met(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """规划标准评价 Every evaluable row of intermediate.norm_candidates judged by a Great Expectations suite per
    plan, one expectation per norm (met is the macro meets, sql/macros/comparators.sql); the rows not met go to
    intermediate.norms_not_met, and marts.norm_results says met, not_met or not_evaluable. A norm not met is a
    finding to act on; it never stops the run."""
    with warehouse.connect(context.run.run_id) as con:
        kept, version, _ = build_unless_current(context, con, "intermediate.norms_not_met",
                                                lambda: evaluate_norms(con, PLANS, warehouse.docs_dir))
        found = con.execute("SELECT count(*) FROM intermediate.norms_not_met").fetchall()[0][0]
    return dg.MaterializeResult(metadata={"dagster/row_count": found, "plans": len(PLANS), "kept": kept},
                                data_version=version)


@dg.asset(
    key=["intermediate", "dqr_failed"],
    group_name="validation",
    kinds={"great_expectations", "duckdb"},
    owners=["team:data-engineering"],
    deps=[["intermediate", "dqr_statistics"]],
)
def dqr_failed(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """数据质量评估 The WHO Data Quality Review: Great Expectations compares each statistic of
    intermediate.dqr_statistics (completeness, consistency over time, outliers among peers, related figures)
    with its limits (expectations/quality/data_quality_review.yaml); those outside go to intermediate.dqr_failed
    and become the flags of marts.data_quality_flags. Flags never drop data."""
    with warehouse.connect(context.run.run_id) as con:
        kept, version, _ = build_unless_current(context, con, "intermediate.dqr_failed",
                                                lambda: evaluate_data_quality_review(con, warehouse.docs_dir))
        found = con.execute("SELECT count(*) FROM intermediate.dqr_failed").fetchall()[0][0]
    return dg.MaterializeResult(metadata={"dagster/row_count": found, "kept": kept},
                                data_version=version)
