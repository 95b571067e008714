"""Norm judgement (规划标准评价): one Great Expectations suite per plan, one expectation per norm.

What meeting a norm means is the macro meets (sql/macros/comparators.sql), computed per row in
intermediate.norm_candidates.met; GX checks it and shows every result in the Data Docs.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.gx import DataDocs, insert_rowids


def norm_expectation(norm_id: str) -> tuple[str, dict]:
    """The expectation of one norm on its rows: every row meets it. What meeting means is the macro meets
    (sql/macros/comparators.sql), computed per row in intermediate.norm_candidates.met; GX checks it and reports it in the
    Data Docs. A row whose met is empty (a figure the rule needs is missing) is not counted as failing."""
    return ("expect_column_values_to_be_in_set",
            {"column": "met", "value_set": [True], "row_condition": f'norm_id=="{norm_id}"',
             "condition_parser": "pandas", "meta": {"norm_id": norm_id}})


def evaluate_norms(con: duckdb.DuckDBPyConnection, plan_ids: list[str], docs_dir: Path) -> int:
    """Judge every evaluable row of intermediate.norm_candidates with one GX suite per plan, one expectation
    per norm; the rows found wrong are written to intermediate.norms_not_met (rowid of the candidate).
    Returns how many."""
    con.execute("CREATE OR REPLACE TABLE intermediate.norms_not_met (_rowid BIGINT)")
    with DataDocs(docs_dir) as docs:
        for plan_id in plan_ids:
            evaluable = f"FROM intermediate.norm_candidates WHERE not_evaluable_reason IS NULL AND plan_id = '{plan_id}'"
            norms = [norm_id for (norm_id,) in con.execute(f"SELECT DISTINCT norm_id {evaluable} ORDER BY 1").fetchall()]
            _, failing = docs.failing_rows(
                con,
                f"SELECT rowid AS _rowid, norm_id, met {evaluable}",
                f"norms_{plan_id}",
                [norm_expectation(norm_id) for norm_id in norms],
            )
            rowids = sorted({r for rows in failing for r in rows})
            insert_rowids(con, "intermediate.norms_not_met", rowids)
    con.execute("COMMENT ON TABLE intermediate.norms_not_met IS '未达标的待评价行 The rows of "
                "intermediate.norm_candidates a Great Expectations norm suite found not met (by rowid)'")
    return con.execute("SELECT count(*) FROM intermediate.norms_not_met").fetchall()[0][0]
