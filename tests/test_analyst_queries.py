"""The ten queries of docs/analysts.md, run against a warehouse built from the shipped sample.

Each query must run, return rows, and return exactly the columns its `Columns:` line lists; where a figure
can be checked cheaply by hand (a rate from its numerator and denominator, a trend line, a quarantined row in
its file), it is.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.settings import REPO_ROOT

DOC = REPO_ROOT / "docs" / "analysts.md"


def documented_queries() -> list[tuple[str, str, str, list[str]]]:
    """(id, heading, sql, columns) for every ```sql block of the doc and the `Columns:` line after it."""
    queries = []
    heading, lines, i = "", DOC.read_text(encoding="utf-8").splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if line.strip() == "```sql":
            end = lines.index("```", i + 1)
            sql = "\n".join(lines[i + 1 : end])
            columns = None
            for following in lines[end + 1 :]:
                if following.startswith("Columns: "):
                    columns = re.findall(r"`([^`]+)`", following)
                    break
                if following.strip() == "```sql" or following.startswith("#"):
                    break
            assert columns, f"no `Columns:` line after the query under {heading!r}"
            number = re.match(r"(\d+)\.", heading)
            assert number, f"the query under {heading!r} is not under a numbered question"
            queries.append((f"q{int(number.group(1)):02d}", heading, sql, columns))
            i = end
        i += 1
    return queries


QUERIES = documented_queries()
BY_ID = {query_id: (sql, columns) for query_id, _, sql, columns in QUERIES}


def test_the_doc_has_exactly_ten_questions_each_with_one_query():
    assert [query_id for query_id, *_ in QUERIES] == [f"q{n:02d}" for n in range(1, 11)]


@pytest.fixture(scope="module")
def warehouse(sample_warehouse) -> Path:
    return sample_warehouse


@pytest.fixture(scope="module")
def sample_inbox(sample_warehouse) -> Path:
    return sample_warehouse.parent.parent / "inbox"


@pytest.fixture(scope="module")
def con(warehouse):
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def slug(heading: str) -> str:
    """'1. Which counties are short of ambulances …' -> 'which-counties-are-short-of'."""
    words = re.sub(r"[^a-z0-9]+", " ", heading.lower()).split()[1:6]
    return "-".join(words)


def run(con, query_id: str) -> pl.DataFrame:
    return con.sql(BY_ID[query_id][0]).pl()


@pytest.mark.parametrize(("sql", "columns"), [(sql, columns) for _, _, sql, columns in QUERIES],
                         ids=[f"{query_id}-{slug(heading)}" for query_id, heading, *_ in QUERIES])
def test_query_returns_the_documented_columns_and_rows(con, sql, columns):
    relation = con.sql(sql)
    assert relation.columns == columns
    assert relation.fetchall(), "the query returned no rows on the sample warehouse"


def test_every_view_reads_from_a_plain_connection(con):
    """An analyst's connection (the CLI, DBeaver) has none of the pipeline's macros: every view of the published
    file must read without them, as every table does."""
    views = con.execute("SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    assert views, "the warehouse has the intermediate.<source>_checked views"
    for (view,) in views:
        con.execute(f"SELECT count(*) FROM {view}").fetchall()


def test_q01_ambulances_missing_follow_from_the_counts(con):
    rows = run(con, "q01")
    for row in rows.iter_rows(named=True):
        assert row["ambulances"] / row["resident_population"] * 30000 < 1
        assert row["gap"] < 0 or math.isclose(row["gap"], 0, abs_tol=5e-4)
        assert row["ambulances_missing"] == math.ceil(row["resident_population"] / 30000) - row["ambulances"] > 0
    # 宝应县 in Yangzhou, a county the Yangzhou plan names, is short in the sample.
    assert "321023" in rows["region_code"].to_list()


def test_q02_share_is_public_health_staff_over_health_technicians(con):
    rows = run(con, "q02")
    for row in rows.iter_rows(named=True):
        share = row["public_health_staff"] / row["health_technicians"] * 100
        assert round(share, 1) == row["public_health_staff_pct"]
        assert share < row["target_pct"] == 25
    types = con.execute(
        "SELECT DISTINCT facility_type FROM marts.dim_facility WHERE list_contains(?, facility_id)",
        [rows["facility_id"].to_list()],
    ).fetchall()
    assert types == [("township_health_centre",)]


def test_q03_listed_townships_have_no_government_run_centre(con):
    rows = run(con, "q03")
    for code in rows["region_code"].to_list():
        centres = con.execute(
            "SELECT count(*) FROM marts.dim_facility WHERE township_code = ? AND government_run "
            "AND facility_type IN ('township_health_centre', 'community_health_centre')",
            [code],
        ).fetchall()[0][0]
        assert centres == 0, code
    assert (rows["missing"] >= 1).all()


def test_q04_projection_is_the_least_squares_line_of_the_yearly_rates(con):
    rows = run(con, "q04")
    for row in rows.iter_rows(named=True):
        years = con.execute(
            "SELECT year, value FROM marts.indicator_values WHERE region_code = ? "
            "AND indicator_code = 'maternal_mortality_per_100k' AND year BETWEEN ? AND ? ORDER BY year",
            [row["region_code"], row["year"] - row["trend_years"] + 1, row["year"]],
        ).fetchall()
        assert len(years) == row["trend_years"] >= 3
        xs, ys = [x for x, _ in years], [y for _, y in years]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in years) / sum((x - mx) ** 2 for x in xs)
        assert round(my + slope * (row["target_year"] - mx), 2) == pytest.approx(row["projected_value"], abs=0.011)
        assert round(slope, 2) == pytest.approx(row["annual_change_observed"], abs=0.011)
        needed = (row["target"] - row["actual"]) / (row["target_year"] - row["year"])
        assert round(needed, 2) == pytest.approx(row["annual_change_needed"], abs=0.011)
        assert row["on_track"] == (row["projected_value"] <= row["target"])


def test_q05_beds_per_1k_and_year_on_year_change(con):
    rows = run(con, "q05")
    for row in rows.iter_rows(named=True):
        assert round(row["beds"] / row["resident_population"] * 1000, 2) == row["beds_per_1k"]
    counties = rows.group_by("region_code").agg(pl.len().alias("years"), pl.col("change_from_previous_year").null_count())
    assert (counties["years"] == rows["year"].n_unique()).all()
    assert (counties["change_from_previous_year"] == 1).all()  # only the first year has no previous year


def test_q06_domains_add_up_to_the_whole_plan(con):
    rows = run(con, "q06")
    assert rows["domain"].to_list()[-1] == "all"
    for row in rows.iter_rows(named=True):
        assert row["norms_judged"] == row["norms_met"] + row["norms_not_met"] + row["norms_not_evaluable"]
    domains, total = rows.filter(pl.col("domain") != "all"), rows.filter(pl.col("domain") == "all")
    for column in ("norms_judged", "norms_met", "norms_not_met", "norms_not_evaluable", "units_met",
                   "units_not_met", "units_not_evaluable"):
        assert domains[column].sum() == total[column].item(), column


def test_q07_units_add_up_to_the_scorecard(con):
    rows = run(con, "q07")
    assert rows["reason"].null_count() == 0
    year = rows["year"].unique().item()
    scorecard = con.execute(
        "SELECT sum(units_not_evaluable) FROM marts.plan_scorecard WHERE domain = 'all' AND year = ?", [year]
    ).fetchall()[0][0]
    assert rows["units"].sum() == scorecard


def test_q08_quarantined_rows_are_where_the_list_says(con, sample_inbox):
    rows = run(con, "q08")
    assert rows["rows"].sum() == con.execute("SELECT count(*) FROM marts.quarantine").fetchall()[0][0]
    duplicates = rows.filter((pl.col("source") == "staff") & (pl.col("rule") == "duplicate"))
    assert duplicates.height > 0
    for row in duplicates.iter_rows(named=True):
        # the workforce form's export: a title in row 1, the header in row 2, the first person in row 3
        staff = pl.read_csv(sample_inbox / row["file"], infer_schema=False, skip_rows=1)
        first = int(re.search(r"at \S+ row (\d+)", row["example_reason"]).group(1))
        key = staff.row(first - 3, named=True)["身份证件号码"]
        keys = [staff.row(r - 3, named=True)["身份证件号码"] for r in row["row_numbers"]]
        assert key in keys, "the quarantined rows do not include a repeat of the row the reason names"
        assert all(staff["身份证件号码"].to_list().count(k) >= 2 for k in keys)


def test_q09_flagged_statistics_lie_outside_their_limits(con):
    rows = run(con, "q09")
    for row in rows.iter_rows(named=True):
        low, high = row["limit_low"], row["limit_high"]
        assert (low is not None and row["statistic"] < low) or (high is not None and row["statistic"] > high), row


def test_q10_prefecture_rate_is_the_ratio_of_summed_county_figures(con):
    rows = run(con, "q10")
    assert rows.height == con.execute("SELECT count(*) FROM marts.dim_region WHERE level = 'prefecture'").fetchall()[0][0]
    for row in rows.iter_rows(named=True):
        assert row["recomputed_value"] == pytest.approx(row["prefecture_value"], rel=1e-12)
        assert row["county_numerator_sum"] / row["county_denominator_sum"] * 1000 == pytest.approx(row["prefecture_value"])
    # Averaging county rates is not the prefecture rate wherever the prefecture has more than one county.
    several = rows.filter(pl.col("counties") > 1)
    assert several.height > 0
    assert all(abs(a - b) > 1e-6 for a, b in zip(several["mean_of_county_values"], several["prefecture_value"]))
