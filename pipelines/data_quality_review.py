"""The WHO Data Quality Review (数据质量评估): Great Expectations compares each statistic of
intermediate.dqr_statistics with its limits (settings in expectations/quality/data_quality_review.yaml,
reaching SQL as the config.dqr_* tables).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.gx import DataDocs, insert_rowids

DQR_CHECKS = ("completeness", "consistency_over_time", "outliers", "related_figures")


def evaluate_data_quality_review(con: duckdb.DuckDBPyConnection, docs_dir: Path) -> int:
    """Let GX compare every statistic of intermediate.dqr_statistics with its limits; the rows outside are
    written to intermediate.dqr_failed (rowid of the statistic). Returns how many."""
    expectations = [
        ("expect_column_pair_values_a_to_be_greater_than_b",
         {"column_A": a, "column_B": b, "or_equal": True, "ignore_row_if": "either_value_is_missing",
          "row_condition": f'check_name=="{check}"', "condition_parser": "pandas", "meta": {"check": check}})
        for check in DQR_CHECKS
        for a, b in (("statistic", "limit_low"), ("limit_high", "statistic"))
    ]
    with DataDocs(docs_dir) as docs:
        _, failing = docs.failing_rows(
            con,
            "SELECT rowid AS _rowid, check_name, statistic, limit_low, limit_high FROM intermediate.dqr_statistics "
            "WHERE insufficient IS NULL AND statistic IS NOT NULL",
            "data_quality_review",
            expectations,
        )
    con.execute("CREATE OR REPLACE TABLE intermediate.dqr_failed (_rowid BIGINT)")
    rowids = sorted({r for rows in failing for r in rows})
    insert_rowids(con, "intermediate.dqr_failed", rowids)
    con.execute("COMMENT ON TABLE intermediate.dqr_failed IS '超出界限的统计量 The statistics of "
                "intermediate.dqr_statistics Great Expectations found outside their limits (by rowid)'")
    return len(rowids)
