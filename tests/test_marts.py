"""marts.indicator_values on the hand-computable inbox of conftest.py, every figure worked on paper.

2023, 魏都区 411002 (no county population: its townships are summed, 30,000 + 20,000 = 50,000)
  facilities H1 (county), T1, T2 (townships): beds 300 + 40 + 20 = 360; ambulances 2 + 1 + 0 = 3
  physicians (licensed + assistant): H1 3 + 1, T1 1 = 5; nurses H1 4 + T1 1 = 5; GPs S01 + T1's = 2
2023, 建安区 411003 (own figure 60,000; its townships' 25,000 + 35,000 are not added again)
  H2 is filed under the retired 许昌县 411023 and rolls up here: beds 200 + T3 60 = 260; ambulances 3
  physicians H2 2 + T3 1 = 3; nurses 3; GPs 1
2023, 许昌市 411000: population 50,000 + 60,000 = 110,000; beds 620; ambulances 6; physicians 8; GPs 3
"""

import duckdb
import pytest


def value(path, region, year, indicator):
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "SELECT numerator, denominator, value FROM marts.indicator_values "
            "WHERE region_code = ? AND year = ? AND indicator_code = ?",
            [region, year, indicator],
        ).fetchall()
    return rows[0] if rows else None


@pytest.mark.parametrize(
    "region, indicator, numerator, denominator, expected",
    [
        ("411002", "beds_per_1k", 360, 50000, 7.2),
        ("411002", "physicians_per_1k", 5, 50000, 0.1),
        ("411002", "nurses_per_1k", 5, 50000, 0.1),
        ("411002", "gps_per_10k", 2, 50000, 0.4),
        ("411002", "ambulances_per_30k", 3, 50000, 1.8),
        ("411003", "beds_per_1k", 260, 60000, 260 / 60),
        ("411003", "physicians_per_1k", 3, 60000, 0.05),
        ("411003", "gps_per_10k", 1, 60000, 1 / 6),
        ("411003", "ambulances_per_30k", 3, 60000, 1.5),
        ("411000", "beds_per_1k", 620, 110000, 620 / 110),
        ("411000", "physicians_per_1k", 8, 110000, 8 / 110),
        ("411000", "nurses_per_1k", 8, 110000, 8 / 110),
        ("411000", "gps_per_10k", 3, 110000, 3 / 11),
        ("411000", "ambulances_per_30k", 6, 110000, 6 * 30000 / 110000),
        ("411002001", "beds_per_1k", 40, 30000, 4 / 3),
        ("411003002", "beds_per_1k", 60, 35000, 60 / 35),
    ],
)
def test_indicator_arithmetic(small_warehouse, region, indicator, numerator, denominator, expected):
    assert value(small_warehouse, region, 2023, indicator) == pytest.approx((numerator, denominator, expected), rel=1e-12)


def test_prefecture_rate_is_not_the_average_of_county_rates(small_warehouse):
    county_rates = [value(small_warehouse, code, 2023, "beds_per_1k")[2] for code in ("411002", "411003")]
    prefecture = value(small_warehouse, "411000", 2023, "beds_per_1k")[2]
    assert prefecture == pytest.approx(620 / 110)
    assert prefecture != pytest.approx(sum(county_rates) / 2)


def test_data_under_a_retired_code_rolls_up_under_its_successor(small_warehouse):
    # 2022: population and H2 both filed under 许昌县 411023 only.
    assert value(small_warehouse, "411003", 2022, "beds_per_1k") == pytest.approx((190, 40000, 4.75))
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        retired = con.execute("SELECT count(*) FROM marts.indicator_values WHERE region_code = '411023'").fetchall()[0][0]
        levels = con.execute("SELECT DISTINCT level FROM marts.indicator_values ORDER BY 1").fetchall()
    assert retired == 0
    # villages only for the indicator a norm judges villages on (village clinics)
    assert levels == [("county",), ("prefecture",), ("township",), ("village",)]


def test_township_without_facilities_has_no_invented_zero(small_warehouse):
    # 尚集镇 411023001 has residents but no facility and no statistics: no beds value, not 0.
    assert value(small_warehouse, "411023001", 2023, "beds_per_1k") is None


def test_build_info_names_every_input_file_with_its_hash(small_warehouse):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        rows = con.execute("SELECT source, file, length(sha256), encoding FROM marts.build_info ORDER BY file").fetchall()
        run_ids = con.execute("SELECT count(DISTINCT run_id) FROM marts.build_info").fetchall()[0][0]
    assert ("population", "population_2023.csv", 64, "gbk") in rows
    assert ("facilities", "facilities.xlsx", 64, None) in rows
    assert len(rows) == 6 and run_ids == 1


def test_tables_and_columns_carry_bilingual_comments(small_warehouse):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        missing = con.execute(
            "SELECT table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE schema_name = 'marts' AND (comment IS NULL OR comment = '')"
        ).fetchall()
        tables = con.execute("SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
    assert missing == []
    assert all(comment and any("\u4e00" <= ch <= "\u9fff" for ch in comment) for _, comment in tables)


def test_a_unit_below_a_norm_is_not_met_with_a_warning_and_the_warehouse_is_still_published(small_warehouse):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        results = con.execute(
            "SELECT region_code, year, target_year, value, status, reason FROM marts.norm_results "
            "WHERE norm_id = 'xuchang_2020.life_expectancy' ORDER BY year"
        ).fetchall()
        tracking = con.execute(
            "SELECT actual, target, round(gap, 6), status FROM marts.target_tracking "
            "WHERE norm_id = 'xuchang_2020.life_expectancy' AND year = 2023"
        ).fetchall()
        scorecard = con.execute(
            "SELECT norms_judged, norms_met, norms_not_met, norms_not_evaluable FROM marts.plan_scorecard "
            "WHERE plan_id = 'xuchang_2020' AND year = 2023 AND domain = 'all'"
        ).fetchall()
    # 2022 has population (建安区 only) but no life expectancy: judged not evaluable, with the reason.
    assert results == [
        ("411000", 2022, 2021, None, "not_evaluable", "no data"),
        ("411000", 2023, 2021, 77.2, "not_met", None),
    ]
    assert tracking == [(77.2, 78.0, -0.8, "not_met")]
    # tests/test_tracking.py works 许昌's norms out by hand; without its T4 the township centres' TCM norm is met:
    # met: subdistrict coverage, grade-2A hospitals, TCM township centres; not met: life expectancy, grade-2
    # primary-care share, TCM community centres; not evaluable: TCM halls, village clinics (two norms), and the
    # direction target on the TB share (提高病原学阳性患者检出率), of which this inbox reports nothing.
    assert scorecard == [(10, 3, 3, 4)]


def test_the_norm_check_warns_and_never_blocks(tmp_path):
    from conftest import build, write_small_inbox
    import dagster as dg

    result = build(write_small_inbox(tmp_path / "inbox"), tmp_path / "warehouse" / "health.duckdb")
    [check] = [e for e in result.get_asset_check_evaluations() if e.asset_check_key.name == "norms_xuchang_2020"]
    assert (check.passed, check.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert result.success and (tmp_path / "warehouse" / "health.duckdb").exists()


def test_a_township_without_a_government_centre_is_a_coverage_gap(tmp_path):
    """yangzhou_2021.township_centre asks every township of 扬州 for one government-run centre; here 广陵区's
    one township has a 社会办 centre only, so it lacks one."""
    from conftest import build

    import polars as pl

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    pl.DataFrame(
        [("320000", "江苏省", "province", None), ("321000", "扬州市", "prefecture", "320000"),
         ("321002", "广陵区", "county", "321000"), ("321002001", "汶河街道", "township", "321002")],
        schema=["region_code", "region_name", "level", "parent_code"], orient="row",
    ).write_csv(inbox / "regions.csv")
    pl.DataFrame([("321002001", 2024, 60000)], schema=["region_code", "year", "resident_population"], orient="row").write_csv(inbox / "population.csv")
    pl.DataFrame([("C1", "汶河社区卫生服务中心", "社区卫生服务中心", "社会办", "321002001")],
                 schema=["facility_id", "facility_name", "facility_type", "ownership", "region_code"], orient="row").write_csv(inbox / "facilities.csv")
    published = tmp_path / "warehouse" / "health.duckdb"
    assert build(inbox, published).success
    with duckdb.connect(str(published), read_only=True) as con:
        gaps = con.execute(
            "SELECT norm_id, region_code, year, missing FROM marts.coverage_gaps ORDER BY norm_id"
        ).fetchall()
    assert ("yangzhou_2021.township_centre", "321002001", 2024, 1.0) in gaps
