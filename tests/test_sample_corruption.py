"""The three outcomes of bad input, on a copy of the shipped sample (data/sample/, all five jurisdictions,
~600,000 staff rows), not only on the hand-made small inbox of tests/test_corruption.py.

1. One build with a broken row or cell of each kind and one doubtful figure: the run publishes; each problem is
   in marts.quarantine with its file, spreadsheet row, column, rule and outcome; for every source rows in the
   files = rows staged + rows set aside + rows left out as not data; the doubtful figure is staged and flagged.

   file                            what is broken                                         column            rule (outcome)
   facility_stats_2019_2023.csv    中医床位数 of F32100200000 in 2019: 800 > its 765 beds  tcm_beds          tcm_beds_within_beds (cell)
   population_2019_2024.csv (GBK)  常住人口 of 321002001 in 2019 keyed as "约7.2万"        resident_population type (cell)
   staff_2024.csv                  a new row in facility F99999999999 (not registered)    facility_id       unknown_facility (row)
   facilities_yangzhou.xlsx        F32100200000 listed a second time                      facility_id       duplicate (row)
   public_health.xlsx              beds_per_1k filed (a computed indicator, not reported)  indicator_code    unknown_indicator (row)
   regions_2024.csv                a village code with 11 digits                          region_code       code_format (row)

   doubtful: 魏都区 411002's first hospital F41100200044 files 9,999 beds for 2023 (its real figure is a few
   hundred; the limit for one facility is 10,000): 魏都区's beds per 1,000 jump far more than 33% above the
   mean of 2020–2022, so consistency_over_time flags 411002 in 2023.

2. Then the same inbox loses its 常住人口 column: the run stops, and the warehouse of build 1 stays, byte for byte.

The sample itself has 41 staff rows of made-up people whose ID numbers collide (generators/sample.py): they are
quarantined as duplicates in every build and are the only other rows there.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import build
from pipelines.settings import SAMPLE_DIR
from test_corruption import SOURCES, append_rows, failure_messages, query, read_file, set_cell, write_file


@dataclass(frozen=True)
class Broken:
    source: str
    file: str
    column: str
    rule: str
    row: int
    reason: str
    outcome: str = "row"


def corrupt_rows(inbox: Path) -> list[Broken]:
    broken = []
    row = set_cell(inbox, "facility_stats_2019_2023.csv", {"机构代码": "F32100200000", "年份": "2019"}, "中医床位数", "800")
    broken.append(Broken("facility_stats", "facility_stats_2019_2023.csv", "tcm_beds", "tcm_beds_within_beds", row,
                         "中医床位数 800 多于实有床位 765", "cell"))
    row = set_cell(inbox, "population_2019_2024.csv", {"区划代码": "321002001", "年份": "2019"}, "常住人口", "约7.2万")
    broken.append(Broken("population", "population_2019_2024.csv", "resident_population", "type", row,
                         "常住人口 的值 '约7.2万' 不是整数", "cell"))
    [row] = append_rows(inbox, "staff_2024.csv", [
        {"staff_id": "P9999999", "facility_id": "F99999999999", "year": "2024", "category": "注册护士", "specialty": "护理"},
    ])
    broken.append(Broken("staff", "staff_2024.csv", "facility_id", "unknown_facility", row,
                         "机构代码 F99999999999 不在机构名录中"))
    first = read_file(inbox / "facilities_yangzhou.xlsx")["机构代码"].to_list().index("F32100200000") + 2
    [row] = append_rows(inbox, "facilities_yangzhou.xlsx", [
        {"机构代码": "F32100200000", "机构名称": "广陵区第1人民医院", "机构类别": "综合医院", "医院等级": "三级甲等",
         "举办主体": "政府办", "区划代码": "321002"},
    ])
    broken.append(Broken("facilities", "facilities_yangzhou.xlsx", "facility_id", "duplicate", row,
                         f"机构代码 F32100200000 重复，保留首次出现的 facilities_yangzhou.xlsx row {first}"))
    [row] = append_rows(inbox, "public_health.xlsx", [{"区划代码": "411002", "年份": "2024", "指标代码": "beds_per_1k", "指标值": "5.1"}])
    broken.append(Broken("public_health", "public_health.xlsx", "indicator_code", "unknown_indicator", row,
                         "指标代码 beds_per_1k 不是指标目录中的上报指标"))
    [row] = append_rows(inbox, "regions_2024.csv", [
        {"region_code": "41100200199", "region_name": "错码村", "level": "village", "parent_code": "411002001"},
    ])
    broken.append(Broken("regions", "regions_2024.csv", "region_code", "code_format", row,
                         "区划代码 41100200199 为 11 位，village 级代码应为 12 位"))
    return broken


@dataclass
class SampleBuild:
    inbox: Path
    published: Path
    broken: list[Broken]
    result: object


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory) -> SampleBuild:
    if not any(SAMPLE_DIR.glob("staff_*.csv")):
        from pipelines.cli import ensure_sample

        ensure_sample()
    root = tmp_path_factory.mktemp("sample_corruption")
    inbox = root / "inbox"
    shutil.copytree(SAMPLE_DIR, inbox, ignore=shutil.ignore_patterns("*.md", ".*"))
    broken = corrupt_rows(inbox)
    set_cell(inbox, "facility_stats_2019_2023.csv", {"机构代码": "F41100200044", "年份": "2023"}, "床位数", "9999")
    published = root / "warehouse" / "health.duckdb"
    return SampleBuild(inbox, published, broken, build(inbox, published))


def test_the_run_publishes_and_every_broken_row_is_quarantined_with_its_reason(sample_build):
    assert sample_build.result.success, failure_messages(sample_build.result)
    for bad in sample_build.broken:
        rows = query(sample_build.published,
                     'SELECT "column", rule, outcome, reason FROM marts.quarantine WHERE source = ? AND file = ? AND row_number = ?',
                     [bad.source, bad.file, bad.row])
        assert len(rows) == 1, (bad, rows)
        [(column, rule, outcome, reason)] = rows
        assert (column, rule, outcome) == (bad.column, bad.rule, bad.outcome) and bad.reason in reason, (bad, rows)
    others = query(sample_build.published, "SELECT source, rule, count(*) FROM marts.quarantine GROUP BY ALL ORDER BY ALL")
    assert [(s, r) for s, r, _ in others] == sorted({(b.source, b.rule) for b in sample_build.broken} | {("staff", "duplicate")})


@pytest.mark.parametrize("source", SOURCES)
def test_rows_in_are_rows_staged_plus_rows_set_aside_plus_rows_left_out(sample_build, source):
    staged = query(sample_build.published, f"SELECT count(*) FROM staging.{source}")[0][0]
    set_aside = query(sample_build.published, "SELECT count(DISTINCT (file, sheet, row_number)) FROM marts.quarantine "
                                              "WHERE source = ? AND row_set_aside", [source])[0][0]
    left_out = query(sample_build.published, "SELECT count(*) FROM marts.left_out_rows WHERE source = ?", [source])[0][0]
    rows_in = query(sample_build.published, "SELECT sum(rows) FROM raw.input_files WHERE source = ?", [source])[0][0]
    assert rows_in == staged + set_aside + left_out
    # the tidy files (header in row 1, nothing left out) counted independently of the reader
    tidy = [f for (f,) in query(sample_build.published, "SELECT file FROM raw.input_files WHERE source = ? "
                                                        "AND header_rows IN ('1', 'Sheet1: 1')", [source])]
    assert sum(read_file(sample_build.inbox / f).height for f in tidy) == query(
        sample_build.published, "SELECT coalesce(sum(rows), 0) FROM raw.input_files WHERE file IN (SELECT unnest(?))", [tidy])[0][0]


def test_the_doubtful_figure_is_kept_and_flagged(sample_build):
    assert query(sample_build.published,
                 "SELECT beds FROM staging.facility_stats WHERE facility_id = 'F41100200044' AND year = 2023") == [(9999,)]
    flagged = query(sample_build.published,
                    "SELECT flag FROM marts.data_quality_flags WHERE check_name = 'consistency_over_time' "
                    "AND region_code = '411002' AND year = 2023 AND indicator_code = 'beds_per_1k'")
    assert flagged == [("flagged",)]


def test_a_file_without_a_required_column_stops_the_run_and_the_last_good_warehouse_stays(sample_build, tmp_path):
    good = hashlib.sha256(sample_build.published.read_bytes()).hexdigest()
    inbox = shutil.copytree(sample_build.inbox, tmp_path / "inbox")
    path = inbox / "population_2019_2024.csv"
    write_file(path, read_file(path).drop("常住人口"))
    result = build(inbox, sample_build.published)
    assert not result.success
    assert any("文件 population_2019_2024.csv 缺少必需的列 常住人口 (resident_population)" in m
               for m in failure_messages(result)), failure_messages(result)
    assert hashlib.sha256(sample_build.published.read_bytes()).hexdigest() == good
