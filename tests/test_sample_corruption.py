"""The three outcomes of bad input, on a copy of the shipped sample (data/sample/, all five jurisdictions,
~600,000 staff rows), not only on the hand-made small inbox of tests/test_corruption.py.

1. One build with a broken row of each kind and one doubtful figure: the run publishes; each broken row is in
   marts.quarantine with its file, spreadsheet row, column and rule; for every source rows in the files =
   rows staged + rows quarantined; the doubtful figure is staged and flagged.

   file                            what is broken                                         column            rule
   facility_stats_2019_2024.csv    中医床位数 of F32100200000 in 2019: 800 > its 765 beds  tcm_beds          tcm_beds_within_beds
   population_2019_2024.csv (GBK)  常住人口 of 321002001 in 2019 keyed as "约7.2万"        resident_population type
   staff_2024.csv                  a new row in facility F99999999999 (not registered)    facility_id       unknown_facility
   facilities_xuchang.xlsx         F41100200045 listed a second time                      facility_id       duplicate
   public_health.xlsx              beds_per_1k filed (a computed indicator, not reported)  indicator_code    unknown_indicator
   regions_2024.csv                a village code with 11 digits                          region_code       code_format

   doubtful: 魏都区 411002's first hospital F41100200044 files 9,999 beds for 2024 (its real figure is a few
   hundred; the limit for one facility is 10,000): 魏都区's beds per 1,000 jump far more than 33% above the
   mean of 2021–2023, so consistency_over_time flags 411002 in 2024.

2. Then the same inbox loses its 常住人口 column: the run stops, and the warehouse of build 1 stays, byte for byte.

The sample itself has 41 staff rows of made-up people whose ID numbers collide (pipelines/sample.py): they are
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
from test_corruption import SOURCES, append_rows, failure_messages, input_rows, query, read_file, set_cell, write_file


@dataclass(frozen=True)
class Broken:
    source: str
    file: str
    column: str
    rule: str
    row: int
    reason: str


def corrupt_rows(inbox: Path) -> list[Broken]:
    broken = []
    row = set_cell(inbox, "facility_stats_2019_2024.csv", {"机构代码": "F32100200000", "年份": "2019"}, "中医床位数", "800")
    broken.append(Broken("facility_stats", "facility_stats_2019_2024.csv", "tcm_beds", "tcm_beds_within_beds", row,
                         "中医床位数 (tcm_beds) 800 is more than 床位数 (beds) 765"))
    row = set_cell(inbox, "population_2019_2024.csv", {"区划代码": "321002001", "年份": "2019"}, "常住人口", "约7.2万")
    broken.append(Broken("population", "population_2019_2024.csv", "resident_population", "type", row,
                         "常住人口 (resident_population): '约7.2万' is not a whole number"))
    [row] = append_rows(inbox, "staff_2024.csv", [
        {"staff_id": "P9999999", "facility_id": "F99999999999", "year": "2024", "category": "注册护士", "specialty": "护理"},
    ])
    broken.append(Broken("staff", "staff_2024.csv", "facility_id", "unknown_facility", row,
                         "机构代码 (facility_id) F99999999999 is not in the facility registry"))
    first = read_file(inbox / "facilities_xuchang.xlsx")["机构代码"].to_list().index("F41100200045") + 2
    [row] = append_rows(inbox, "facilities_xuchang.xlsx", [
        {"机构代码": "F41100200045", "机构名称": "魏都区第2人民医院", "机构类别": "综合医院", "医院等级": "二级甲等",
         "举办主体": "政府办", "区划代码": "411002"},
    ])
    broken.append(Broken("facilities", "facilities_xuchang.xlsx", "facility_id", "duplicate", row,
                         f"机构代码 (facility_id) F41100200045 is listed more than once; the first, at "
                         f"facilities_xuchang.xlsx row {first}, is kept"))
    [row] = append_rows(inbox, "public_health.xlsx", [{"区划代码": "411002", "年份": "2024", "指标代码": "beds_per_1k", "指标值": "5.1"}])
    broken.append(Broken("public_health", "public_health.xlsx", "indicator_code", "unknown_indicator", row,
                         "指标代码 (indicator_code) beds_per_1k is not a reported indicator of the catalog"))
    [row] = append_rows(inbox, "regions_2024.csv", [
        {"region_code": "41100200199", "region_name": "错码村", "level": "village", "parent_code": "411002001"},
    ])
    broken.append(Broken("regions", "regions_2024.csv", "region_code", "code_format", row,
                         "区划代码 (region_code) 41100200199 has 11 digits; a village code has 12"))
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
    set_cell(inbox, "facility_stats_2019_2024.csv", {"机构代码": "F41100200044", "年份": "2024"}, "床位数", "9999")
    published = root / "warehouse" / "health.duckdb"
    return SampleBuild(inbox, published, broken, build(inbox, published))


def test_the_run_publishes_and_every_broken_row_is_quarantined_with_its_reason(sample_build):
    assert sample_build.result.success, failure_messages(sample_build.result)
    for bad in sample_build.broken:
        rows = query(sample_build.published,
                     'SELECT "column", rule, reason FROM marts.quarantine WHERE source = ? AND file = ? AND row_number = ?',
                     [bad.source, bad.file, bad.row])
        assert len(rows) == 1, (bad, rows)
        [(column, rule, reason)] = rows
        assert (column, rule) == (bad.column, bad.rule) and bad.reason in reason, (bad, rows)
    others = query(sample_build.published, "SELECT source, rule, count(*) FROM marts.quarantine GROUP BY ALL ORDER BY ALL")
    assert [(s, r) for s, r, _ in others] == sorted({(b.source, b.rule) for b in sample_build.broken} | {("staff", "duplicate")})


@pytest.mark.parametrize("source", SOURCES)
def test_rows_in_are_rows_staged_plus_rows_quarantined(sample_build, source):
    staged = query(sample_build.published, f"SELECT count(*) FROM staging.{source}")[0][0]
    quarantined = query(sample_build.published, "SELECT count(*) FROM marts.quarantine WHERE source = ?", [source])[0][0]
    assert input_rows(sample_build.inbox, source) == staged + quarantined


def test_the_doubtful_figure_is_kept_and_flagged(sample_build):
    assert query(sample_build.published,
                 "SELECT beds FROM staging.facility_stats WHERE facility_id = 'F41100200044' AND year = 2024") == [(9999,)]
    flagged = query(sample_build.published,
                    "SELECT flag FROM marts.data_quality_flags WHERE check_name = 'consistency_over_time' "
                    "AND region_code = '411002' AND year = 2024 AND indicator_code = 'beds_per_1k'")
    assert flagged == [("flagged",)]


def test_a_file_without_a_required_column_stops_the_run_and_the_last_good_warehouse_stays(sample_build, tmp_path):
    good = hashlib.sha256(sample_build.published.read_bytes()).hexdigest()
    inbox = shutil.copytree(sample_build.inbox, tmp_path / "inbox")
    path = inbox / "population_2019_2024.csv"
    write_file(path, read_file(path).drop("常住人口"))
    result = build(inbox, sample_build.published)
    assert not result.success
    assert any("population_2019_2024.csv lacks the required column(s) 常住人口 (resident_population)" in m
               for m in failure_messages(result)), failure_messages(result)
    assert hashlib.sha256(sample_build.published.read_bytes()).hexdigest() == good
