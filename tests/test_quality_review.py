"""The WHO Data Quality Review statistics and their GX judgement, on figures worked by hand.

Outliers: six counties of prefecture 419900 report beds_per_1k 14, 11, 12, 13, 14, 40 in 2023.
  median 13.5; absolute deviations 0.5 2.5 1.5 0.5 0.5 26.5 → MAD 1.0
  modified z of 40 = 0.6745 × 26.5 / 1.0 = 17.87425 → extreme (above 5); of 11 = 1.68625 → fine.
Consistency over time: county 419901 reports 10, 10, 10, 14 in 2020–2023: 2023 is 40% above the mean
  of the three previous years (limit 33%) → flagged; 2021 has only one previous year → insufficient data.
  County 419905 reports 100, 10, 10, 10, 14 in 2019–2023: only the three preceding years count, so 2023 is
  again |14 − 10| / 10 = 0.4 (not |14 − 32.5| / 32.5 over all four), and 2022 is |10 − 40| / 40 = 0.75.
Related figures: 419902 has 3,500 live births for 100,000 residents in 2023: 35‰ > 30‰ → flagged.
Completeness: in 2022 county 419901 reports 1 of the 5 required indicators → 20% < 90% → flagged.
"""

import pytest

from conftest import given, model_connection
from pipelines import config
from pipelines.data_quality_review import evaluate_data_quality_review
from pipelines.resources import run_sql

COUNTIES = [f"4199{n:02d}" for n in range(1, 7)]
REQUIRED = ["beds_per_1k", "physicians_per_1k", "nurses_per_1k", "gps_per_10k", "ambulances_per_30k"]


@pytest.fixture
def review_file():
    """The settings the review runs with: expectations/quality/data_quality_review.yaml."""
    return config.DQR_FILE


@pytest.fixture
def con(tmp_path, review_file, monkeypatch):
    """The models of the review on rows given by hand: intermediate.dqr_statistics, judged by GX
    (intermediate.dqr_failed), then marts.data_quality_flags; the settings as the config asset writes them."""
    monkeypatch.setattr(config, "DQR_FILE", review_file)
    con = model_connection()
    for table, frame in config.dqr_tables().items():
        given(con, f"config.{table}", frame)
    con.execute("CREATE TABLE staging.region_ancestors (region_code VARCHAR, level VARCHAR, ancestor_code VARCHAR, ancestor_level VARCHAR, depth INT)")
    con.execute("CREATE TABLE staging.region_measures (region_code VARCHAR, year INT, measure VARCHAR, value DOUBLE)")
    con.execute("CREATE TABLE marts.indicator_values (region_code VARCHAR, level VARCHAR, year INT, indicator_code VARCHAR, "
                "numerator DOUBLE, denominator DOUBLE, value DOUBLE, unit VARCHAR)")
    con.execute("INSERT INTO staging.region_ancestors VALUES ('419900', 'prefecture', '419900', 'prefecture', 0)")
    for county in COUNTIES:
        con.execute("INSERT INTO staging.region_ancestors VALUES (?, 'county', ?, 'county', 0), (?, 'county', '419900', 'prefecture', 1)",
                    [county, county, county])
        for year in (2020, 2021, 2022, 2023):
            con.execute("INSERT INTO staging.region_measures VALUES (?, ?, 'resident_population', 100000)", [county, year])
    values = {c: v for c, v in zip(COUNTIES, [10, 11, 12, 13, 14, 40])}
    for county, beds in values.items():
        for indicator in REQUIRED:
            value = beds if indicator == "beds_per_1k" else 1.0
            con.execute("INSERT INTO marts.indicator_values VALUES (?, 'county', 2023, ?, NULL, NULL, ?, NULL)", [county, indicator, value])
    for year, value in ((2020, 10), (2021, 10), (2022, 10)):
        con.execute("INSERT INTO marts.indicator_values VALUES ('419901', 'county', ?, 'beds_per_1k', NULL, NULL, ?, NULL)", [year, value])
    con.execute("UPDATE marts.indicator_values SET value = 14 WHERE region_code = '419901' AND year = 2023 AND indicator_code = 'beds_per_1k'")
    for year, value in ((2019, 100), (2020, 10), (2021, 10), (2022, 10)):
        con.execute("INSERT INTO marts.indicator_values VALUES ('419905', 'county', ?, 'beds_per_1k', NULL, NULL, ?, NULL)", [year, value])
    con.execute("INSERT INTO staging.region_measures VALUES ('419902', 2023, 'live_births', 3500), ('419903', 2023, 'live_births', 800)")
    run_sql(con, "intermediate/dqr_statistics")
    evaluate_data_quality_review(con, tmp_path / "docs")
    run_sql(con, "marts/data_quality_flags")
    return con


def flags(con, check):
    return con.execute(
        "SELECT region_code, year, indicator_code, round(statistic, 6), flag, severity FROM marts.data_quality_flags "
        "WHERE check_name = ? ORDER BY region_code, year, indicator_code", [check]
    ).fetchall()


def test_outlier_by_modified_z_score(con):
    flagged = [f for f in flags(con, "outliers") if f[4] == "flagged"]
    assert flagged == [("419906", 2023, "beds_per_1k", 17.87425, "flagged", "extreme")]


def test_consistency_over_time(con):
    rows = flags(con, "consistency_over_time")
    assert ("419901", 2023, "beds_per_1k", 0.4, "flagged", "warning") in rows
    insufficient = {r[1] for r in rows if r[4] == "insufficient_data" and r[2] == "beds_per_1k" and r[0] == "419901"}
    assert insufficient == {2020, 2021, 2022}  # 0, 1 and 2 previous years: 3 are needed
    judged = [r for r in rows if r[0] == "419905" and r[4] != "insufficient_data"]
    assert judged == [("419905", 2022, "beds_per_1k", 0.75, "flagged", "warning"),
                      ("419905", 2023, "beds_per_1k", 0.4, "flagged", "warning")]


def test_related_figures(con):
    assert flags(con, "related_figures") == [("419902", 2023, "crude_birth_rate", 35.0, "flagged", "warning")]


def test_completeness(con):
    rows = flags(con, "completeness")
    assert ("419901", 2022, None, 0.2, "flagged", "warning") in rows
    assert all(r[1] != 2023 for r in rows)  # every county reports all five in 2023


class TestAnIndicatorsOwnWindow:
    """by_indicator overrides the window too: beds_per_1k averaged over 4 preceding years, 4 needed. 419905's
    2023: |14 − (100 + 10 + 10 + 10) / 4| / 32.5 = 18.5 / 32.5; its 2022 has only 2019–2021 before it."""

    @pytest.fixture
    def review_file(self, tmp_path):
        import yaml

        spec = yaml.safe_load(config.DQR_FILE.read_text(encoding="utf-8"))
        spec["consistency_over_time"]["by_indicator"]["beds_per_1k"] = {"previous_years": 4, "min_previous_years": 4}
        path = tmp_path / "data_quality_review.yaml"
        path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
        return path

    def test_the_window_is_the_indicators_own(self, con):
        rows = [r for r in flags(con, "consistency_over_time") if r[0] == "419905"]
        assert ("419905", 2023, "beds_per_1k", round(18.5 / 32.5, 6), "flagged", "warning") in rows
        assert ("419905", 2022, "beds_per_1k", 0.75, "insufficient_data", None) in rows
