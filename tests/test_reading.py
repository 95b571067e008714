"""Spreadsheets and cells as people make them, one rule at a time, without a build (pipelines/reading.py,
pipelines/ingestion.py). Every expected value is what the cell means, written by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.contract import Column, load_sources
from pipelines.ingestion import ingest_source, prepared, sources_of, type_column


def typed(column: Column, cells: list[str | None]) -> list:
    frame = prepared(pl.DataFrame({column.name: cells}, schema={column.name: pl.String}), [column])
    return frame.select(type_column(column, column.name, b"test").value.alias("v"))["v"].to_list()


@pytest.mark.parametrize("cell, value", [
    ("８００", 800), ("7,414,228", 7414228), ("98.42万", 984200), ("1.2亿", 120000000), ("\u00a012\u00a0", 12),
    ("—", None), ("-", None), ("/", None), ("无", None), ("空", None), ("", None), ("12.5", None), ("四十", None),
])
def test_whole_numbers(cell, value):
    assert typed(Column("beds", "integer"), [cell]) == [value]


@pytest.mark.parametrize("cell, value", [("12.5%", 12.5), ("１２.５", 12.5), ("3.5万", 35000.0), ("-", None)])
def test_decimals(cell, value):
    assert typed(Column("value", "decimal"), [cell]) == [value]


@pytest.mark.parametrize("cell, value", [("2024年", 2024), ("2024", 2024), ("2024.0", 2024), ("２０２４年度", 2024), ("1900", None)])
def test_years(cell, value):
    assert typed(Column("year", "year"), [cell]) == [value]


@pytest.mark.parametrize("cell, start, end", [
    ("2016", date(2016, 1, 1), date(2016, 12, 31)),
    ("2016年", date(2016, 1, 1), date(2016, 12, 31)),
    ("2016-11", date(2016, 11, 1), date(2016, 11, 30)),
    ("2016年11月24日", date(2016, 11, 24), date(2016, 11, 24)),
    ("2016/11/24", date(2016, 11, 24), date(2016, 11, 24)),
    ("20161124", date(2016, 11, 24), date(2016, 11, 24)),
    ("42698", date(2016, 11, 24), date(2016, 11, 24)),  # the date Excel stores as a serial number
    ("2016-11-24 00:00:00", date(2016, 11, 24), date(2016, 11, 24)),
])
def test_dates_and_bare_years_for_boundary_changes(cell, start, end):
    assert typed(Column("valid_from", "date", bare_year="start"), [cell]) == [start]
    assert typed(Column("valid_to", "date", bare_year="end"), [cell]) == [end]


@pytest.mark.parametrize("cell, value", [("450702100201", "450702100201"), ("450702100201.0", "450702100201"),
                                         ("4.50702E+11", None), ("４５０７０２", "450702")])
def test_codes_excel_stored_as_numbers(cell, value):
    assert typed(Column("region_code", "code", key=True), [cell]) == [value]


def test_a_code_in_scientific_notation_is_named_as_damaged_by_excel():
    column = Column("region_code", "code", key=True, aliases=("区划代码",))
    frame = prepared(pl.DataFrame({"region_code": ["4.50702E+11"]}), [column])
    problems = frame.select(pl.concat_list(type_column(column, "区划代码", b"k").problems).list.drop_nulls())
    [[problem]] = problems.to_series().to_list()
    assert (problem["rule"], problem["outcome"]) == ("excel_damaged", "row")
    assert "Excel" in problem["zh"] and "文本" in problem["fix_zh"]


@pytest.mark.parametrize("name, sources", [
    ("Facility_Stats_2023.csv", ["facility_stats"]), ("许昌_public_health_2023.xlsx", ["public_health"]),
    ("2023年机构名录.xlsx", ["facilities"]), ("卫健统2表_2023.xlsx", ["staff"]), ("卫生人员_2023.csv", ["staff"]),
    ("facilities_2023.csv", ["facilities"]), ("会议纪要.docx", []), ("notes.csv", []),
])
def test_which_source_a_file_name_names(name, sources):
    assert sources_of(name, load_sources().values()) == sources


def test_a_repeated_header_a_unit_row_and_a_total_are_left_out(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "population.csv").write_text(
        "常住人口（按区县）\n"
        "区划代码,年份,常住人口(人)\n"
        "单位：人,,\n"
        "411002,2023,\"50,000\"\n"
        "区划代码,年份,常住人口(人)\n"
        "411003,2023,60000\n"
        "全市合计,,110000\n", encoding="utf-8")
    ingested = ingest_source(inbox, load_sources()["population"], b"test")
    assert ingested.structural_errors == []
    assert ingested.frame.select("region_code", "resident_population", "_row").rows() == [("411002", 50000, 4), ("411003", 60000, 6)]
    assert ingested.left_out.select("row_number", "reason").rows() == [(1, "title"), (3, "unit_row"), (5, "repeated_header"), (7, "total")]
    [report] = ingested.files
    assert (report.header_rows, report.rows, report.rows_left_out) == ("2", 6, 4)


def test_an_id_number_filed_under_another_column_is_hashed_never_kept_in_clear(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # some HR exports put the 身份证号 under 人员编码; a real number passes its GB 11643 check character
    (inbox / "staff_2023.csv").write_text("人员编码,机构代码,年份,人员类别\n41010219800101123X,H1,2023,注册护士\nS07,H1,2023,注册护士\n",
                                          encoding="utf-8")
    frame = ingest_source(inbox, load_sources()["staff"], b"test").frame
    staff_ids = frame["staff_id"].to_list()
    assert staff_ids[1] == "S07"
    assert "41010219800101123X" not in staff_ids[0] and len(staff_ids[0]) == 32  # the keyed hash, as for 身份证号
    assert "41010219800101123X" not in str(frame.rows())


def test_files_that_match_no_source_are_named(tmp_path: Path):
    from pipelines.ingestion import inbox_files

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("facilities_2023.xlsx", "会议纪要.docx", "notes.csv", ".hidden", "~$facilities_2023.xlsx"):
        (inbox / name).write_bytes(b"")
    assert inbox_files(inbox) == {"facilities_2023.xlsx": ["facilities"], "会议纪要.docx": [], "notes.csv": []}
