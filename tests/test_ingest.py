"""The input contract at work: formats, headers, personal data, and every kind of bad input."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb
import polars as pl
import pytest

from conftest import build, query, write_small_inbox

SOURCES = ("regions", "population", "facilities", "facility_stats", "staff", "public_health")


def quarantined(path, source):
    return query(
        path,
        "SELECT file, row_number, \"column\", rule, reason, raw_values FROM marts.quarantine WHERE source = ? ORDER BY row_number",
        [source],
    )


def assert_rows_accounted(path):
    """Rows in = rows staged + rows set aside + rows left out as not data, for every source."""
    for source, received in query(path, "SELECT source, sum(rows) FROM marts.build_info GROUP BY source"):
        staged = query(path, f"SELECT count(*) FROM staging.{source}")[0][0]
        set_aside = query(path, "SELECT count(DISTINCT (file, sheet, row_number)) FROM marts.quarantine "
                                "WHERE source = ? AND row_set_aside", [source])[0][0]
        left_out = query(path, "SELECT count(*) FROM marts.left_out_rows WHERE source = ?", [source])[0][0]
        assert received == staged + set_aside + left_out, source


@pytest.fixture
def inbox(tmp_path):
    return write_small_inbox(tmp_path / "inbox")


def test_every_format_and_chinese_headers_are_staged(small_warehouse):
    counts = {s: query(small_warehouse, f"SELECT count(*) FROM staging.{s}")[0][0] for s in SOURCES}
    assert counts == {"regions": 10, "population": 6, "facilities": 6, "facility_stats": 6, "staff": 17, "public_health": 1}
    assert query(small_warehouse, "SELECT count(*) FROM marts.quarantine") == [(0,)]
    # Chinese code-list values are stored as codes; the unknown column 备注 is left out and reported.
    assert query(small_warehouse, "SELECT facility_type, grade, ownership FROM staging.facilities WHERE facility_id = 'T3'") == [
        ("township_health_centre", "1A", "government")
    ]
    assert query(small_warehouse, "SELECT ignored_columns FROM marts.build_info WHERE file = 'facilities.xlsx'") == [("备注",)]
    assert_rows_accounted(small_warehouse)


def test_personal_identifiers_never_reach_the_warehouse(small_warehouse):
    forbidden = ("410102199001011234", "张一", "李三")
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        columns = con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE data_type = 'VARCHAR'"
        ).fetchall()
        for schema, table, column in columns:
            hits = con.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" WHERE ' + " OR ".join(f"contains(\"{column}\", ?)" for _ in forbidden),
                list(forbidden),
            ).fetchall()[0][0]
            assert hits == 0, f"{schema}.{table}.{column} holds a personal identifier"
    # The same ID number gets the same key, so people still link across files and years.
    assert query(small_warehouse, "SELECT count(DISTINCT person_key) FROM staging.staff WHERE facility_id = 'T1'") == [(3,)]


def _rebuild(inbox, tmp_path):
    published = tmp_path / "warehouse" / "health.duckdb"
    result = build(inbox, published)
    return result, published


def test_a_cell_of_the_wrong_type_is_set_aside_alone_with_file_row_and_column(inbox, tmp_path):
    stats = pl.read_csv(inbox / "facility_stats_2023.csv", encoding="gbk", infer_schema=False)
    stats = stats.with_columns(pl.when(pl.col("机构代码") == "T1").then(pl.lit("四十")).otherwise(pl.col("床位数")).alias("床位数"))
    (inbox / "facility_stats_2023.csv").write_bytes(stats.write_csv().encode("gbk"))
    result, published = _rebuild(inbox, tmp_path)
    assert result.success
    [(file, row, column, rule, reason, raw)] = quarantined(published, "facility_stats")
    assert (file, row, column, rule) == ("facility_stats_2023.csv", 3, "beds", "type")
    assert reason == "第3行 床位数 的值 '四十' 不是整数 (row 3: 床位数: '四十' is not a whole number)"
    assert raw is None  # the row is not set aside: only its cell
    assert query(published, "SELECT outcome, value, header FROM marts.quarantine") == [("cell", "四十", "床位数")]
    # The row's other figures are staged and counted: T1's 1 ambulance, with no beds.
    assert query(published, "SELECT beds, ambulances FROM staging.facility_stats WHERE facility_id = 'T1'") == [(None, 1)]
    assert_rows_accounted(published)


def test_unknown_region_duplicate_id_and_unknown_facility_are_quarantined(inbox, tmp_path):
    facilities = pl.read_excel(inbox / "facilities.xlsx", infer_schema_length=0)
    extra = pl.DataFrame(
        [
            ("X1", "不存在区划的诊所", "诊所", "", "社会办", "411099", "n"),
            ("H1", "重复的机构", "综合医院", "", "政府办", "411002", "n"),
        ],
        schema=facilities.columns, orient="row",
    )
    pl.concat([facilities, extra]).write_excel(inbox / "facilities.xlsx")
    staff = pl.read_csv(inbox / "staff_2023.csv", infer_schema=False)
    ghost = pl.DataFrame([("S99", None, "孙一", "NOPE", "2023", "注册护士", "护理")], schema=staff.columns, orient="row")
    pl.concat([staff, ghost]).write_csv(inbox / "staff_2023.csv")

    result, published = _rebuild(inbox, tmp_path)
    assert result.success
    rows = {(row, column, rule): reason for _, row, column, rule, reason, _ in quarantined(published, "facilities")}
    assert rows == {
        (8, "region_code", "unknown_region"):
            "第8行 区划代码 411099 不在行政区划名录中 (row 8: region_code 411099 is not in the regions list)",
        (9, "facility_id", "duplicate"): "第9行 机构代码 H1 重复，保留首次出现的 facilities.xlsx row 2 "
                                         "(row 9: facility_id H1 is listed more than once; the first, at facilities.xlsx row 2, is kept)",
    }
    [(_, row, column, rule, reason, raw)] = quarantined(published, "staff")
    assert (row, column, rule) == (19, "facility_id", "unknown_facility")
    assert "孙一" not in raw
    assert query(published, "SELECT facility_name FROM staging.facilities WHERE facility_id = 'H1'") == [("魏都区人民医院",)]
    assert_rows_accounted(published)


def test_a_missing_optional_source_is_reported_not_fatal(inbox, tmp_path):
    (inbox / "staff_2023.csv").unlink()
    result, published = _rebuild(inbox, tmp_path)
    assert result.success
    assert query(published, "SELECT count(*) FROM staging.staff") == [(0,)]
    assert query(published, "SELECT value FROM marts.indicator_values WHERE region_code = '411002' AND year = 2023 "
                            "AND indicator_code = 'beds_per_1k'") == [(7.2,)]


def _blocking_failures(result):
    return [
        e.description for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]


@pytest.mark.parametrize(
    "corrupt, expected",
    [
        (lambda inbox: (inbox / "regions.csv").unlink(),
         "没有必需的数据源 行政区划 的文件"),
        (lambda inbox: pl.read_csv(inbox / "regions.csv", infer_schema=False).drop("level").write_csv(inbox / "regions.csv"),
         "文件 regions.csv 缺少必需的列 级别 (level)"),
        (lambda inbox: (inbox / "facilities.xlsx").write_bytes(b"not a spreadsheet"),
         "文件 facilities.xlsx 无法按 XLSX 读取 (file facilities.xlsx could not be read as XLSX)"),
    ],
    ids=["missing required file", "missing required column", "unreadable file"],
)
def test_structural_failure_blocks_the_run_and_keeps_the_last_good_warehouse(inbox, tmp_path, corrupt, expected):
    result, published = _rebuild(inbox, tmp_path)
    assert result.success
    good_run = query(published, "SELECT DISTINCT run_id FROM marts.build_info")

    corrupt(inbox)
    result, _ = _rebuild(inbox, tmp_path)
    assert any(expected in (d or "") for d in _blocking_failures(result)), _blocking_failures(result)
    published_step = [e for e in result.all_events if e.is_step_success and e.step_key == "warehouse_file"]
    assert published_step == []
    assert query(published, "SELECT DISTINCT run_id FROM marts.build_info") == good_run


def test_a_reader_holding_the_old_file_is_never_blocked_and_never_sees_half_a_warehouse(inbox, tmp_path):
    result, published = _rebuild(inbox, tmp_path)
    assert result.success
    reader = duckdb.connect(str(published), read_only=True)
    before = reader.execute("SELECT DISTINCT run_id FROM marts.build_info").fetchall()

    stats = pl.read_csv(inbox / "facility_stats_2023.csv", encoding="gbk", infer_schema=False)
    stats = stats.with_columns(pl.when(pl.col("机构代码") == "H1").then(pl.lit("400")).otherwise(pl.col("床位数")).alias("床位数"))
    (inbox / "facility_stats_2023.csv").write_bytes(stats.write_csv().encode("gbk"))
    result, _ = _rebuild(inbox, tmp_path)
    assert result.success  # the run published while the reader held the file open

    old_view = reader.execute(
        "SELECT v.value, b.run_id FROM marts.indicator_values v, (SELECT DISTINCT run_id FROM marts.build_info) b "
        "WHERE v.region_code = '411002' AND v.year = 2023 AND v.indicator_code = 'beds_per_1k'"
    ).fetchall()
    reader.close()
    assert old_view == [(7.2, before[0][0])]
    new_view = query(published, "SELECT value FROM marts.indicator_values WHERE region_code = '411002' AND year = 2023 "
                                "AND indicator_code = 'beds_per_1k'")
    assert new_view == [(9.2,)]  # (400 + 40 + 20) / 50,000 × 1,000
    assert not list((published.parent / "builds").glob("*.duckdb.wal"))


def test_a_quality_rule_of_the_suite_sets_its_cell_aside_with_the_rule_name(inbox, tmp_path):
    stats = pl.read_csv(inbox / "facility_stats_2023.csv", encoding="gbk", infer_schema=False)
    stats = stats.with_columns(
        pl.when((pl.col("机构代码") == "H2") & (pl.col("年份") == "2023")).then(pl.lit("5")).otherwise(pl.col("负压救护车数")).alias("负压救护车数"),
        pl.when(pl.col("机构代码") == "T1").then(pl.lit("50")).otherwise(None).alias("中医床位数"),
    )
    (inbox / "facility_stats_2023.csv").write_bytes(stats.write_csv().encode("gbk"))
    result, published = _rebuild(inbox, tmp_path)
    assert result.success
    rows = {(row, column, rule): reason for _, row, column, rule, reason, _ in quarantined(published, "facility_stats")}
    assert rows == {
        (3, "tcm_beds", "tcm_beds_within_beds"): "第3行 中医床位数 50 多于实有床位 40 (row 3: tcm_beds 50 is more than beds 40)",
        (5, "negative_pressure_ambulances", "negative_pressure_within_ambulances"):
            "第5行 负压救护车数 5 多于救护车数 3 (row 5: negative_pressure_ambulances 5 is more than ambulances 3)",
    }
    # The rule's outcome is `cell`: the doubtful cell is set aside and the row's other figures are counted.
    assert query(published, "SELECT facility_id, beds, tcm_beds FROM staging.facility_stats WHERE facility_id = 'T1'") == [("T1", 40, None)]
    assert query(published, "SELECT ambulances, negative_pressure_ambulances FROM staging.facility_stats "
                            "WHERE facility_id = 'H2' AND year = 2023") == [(3, None)]
    assert_rows_accounted(published)


def test_too_large_a_share_quarantined_blocks_the_run(inbox, tmp_path):
    result, published = _rebuild(inbox, tmp_path)
    good_run = query(published, "SELECT DISTINCT run_id FROM marts.build_info")
    staff = pl.read_csv(inbox / "staff_2023.csv", infer_schema=False)
    strays = pl.DataFrame(
        [(f"X{i:03d}", None, None, "GONE", "2023", "注册护士", "护理") for i in range(120)], schema=staff.columns, orient="row"
    )
    pl.concat([staff, strays]).write_csv(inbox / "staff_2023.csv")
    result, _ = _rebuild(inbox, tmp_path)
    assert any("120 / 137 行（87.6%）整行未采用，超过上限 10%" in (d or "") and "120 of 137 rows (87.6%) set aside; the limit is 10%" in d
               for d in _blocking_failures(result))
    assert query(published, "SELECT DISTINCT run_id FROM marts.build_info") == good_run
