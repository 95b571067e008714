"""Every kind of data-quality rule, broken on purpose in a copy of the small inbox (conftest.write_small_inbox).

Each case is a small function that corrupts a fresh copy of the inbox the way a statistician's file goes
wrong (GBK files stay GBK, XLSX stays XLSX) and returns what that corruption must produce, worked out from
the figures it wrote, never read back from the warehouse. Three outcomes, one parametrized test each.

1. Rules on rows and cells: the run succeeds, the problem is in marts.quarantine with the rule's name, its
   file, its spreadsheet row (the header is row 1), its column and its outcome — the row set aside (what
   identifies it cannot be used), the cell alone set aside (null in staging, the row's other figures used) or
   the figure kept and flagged (a plausibility rule) — and for that source
   rows in the inbox files = rows in staging.<source> + rows set aside.
   All these corruptions touch different rows, so they go into ONE inbox and one build.

   case                         file                      what is broken                              column                        rule
   wrong type                   population_2023.csv GBK   常住人口 of 411003002 is "约3.5万"          resident_population           type
   empty required value         staff_2023.csv            人员类别 of S24 is empty (kept as unknown)  category                      required
   not in the code list         facilities.xlsx           new facility X2 of 机构类别 宠物医院 (kept   facility_type                 unknown_kept
                                                          as other)
   below the contract minimum   facility_stats_2023.csv   救护车数 of T3 is -1                        ambulances                    range
   above the plausible maximum  facility_stats_2023.csv   床位数 of T2 is 12,000 (limit 10,000)       beds                          beds_plausible
   TCM beds > beds              facility_stats_2023.csv   中医床位数 of H1 2023 is 350 > 300 beds     tcm_beds                      tcm_beds_within_beds
   bed-days > beds × 366        facility_stats_2023.csv   实际占用总床日数 of H2 2023 is 73,201       inpatient_days                inpatient_days_within_capacity
   negative-pressure > all      facility_stats_2023.csv   负压救护车数 of H2 2022 is 4 > 3            negative_pressure_ambulances  negative_pressure_within_ambulances
   65+ > residents              population_2023.csv GBK   65岁及以上人口 of 411023 2022: 45,000 > 40,000  population_65_plus            older_within_population
   births > 5% of residents     population_2023.csv GBK   活产数 of 411002001 is 1,600 > 1,500        live_births                   live_births_plausible
   facility and year twice      facility_stats_2023.csv   T1 2023 filed a second time                 facility_id                   duplicate
   staff, unknown facility      staff_2023.csv            new staff S98 in facility H9                facility_id                   unknown_facility
   facility, unknown region     facilities.xlsx           new facility X3 in region 411099            region_code                   unknown_region
   share numerator > denominator public_health_2023.xlsx family_doctor_contract_pct 70,000 / 60,000  numerator                     share_numerator_within_denominator
   stats, unknown facility      facility_stats_2023.csv   new statistics of facility H8               facility_id                   unknown_facility
   region listed twice          regions.csv               小召村 411003002001 listed a second time    region_code                   duplicate
   region, unknown parent       regions.csv               new township 411004001 under 411004         parent_code                   unknown_parent
   region, unknown successor    regions.csv               new retired county 411001 → 411005          replaced_by                   unknown_successor
   code of the wrong length     regions.csv               new township 41100300 (8 digits, not 9)     region_code                   code_format
   region without a parent      regions.csv               new county 411006, 上级区划代码 empty        parent_code                   parent_required
   population, unknown region   population_2023.csv GBK   new row for 411002003                       region_code                   unknown_region
   population given twice       population_2023.csv GBK   411003's 2023 figure again under 411023     region_code                   duplicate
   facility listed twice        facilities.xlsx           V1 listed a second time                     facility_id                   duplicate
   hospital without a sponsor   facilities.xlsx           new hospital X4, 举办主体 empty (flag)      ownership                     ownership_required
   person twice, by 人员编码    staff_2023.csv            S05 listed a second time for 2023           staff_id                      duplicate
   person twice, by 身份证号    staff_2023.csv            李二 (no 人员编码) again for 2023; the      id_number                     duplicate
                                                          reason and raw values never show the number
   person without an ID         staff_2023.csv            new staff 王六, no 人员编码, no 身份证号      staff_id                      person_required
   public health, unknown region public_health_2023.xlsx  life_expectancy of 411098                   region_code                   unknown_region
   not a reported indicator     public_health_2023.xlsx   beds_per_1k (computed, not reported)        indicator_code                unknown_indicator
   public health figure twice   public_health_2023.xlsx   life_expectancy of 411000 2023 again        indicator_code                duplicate
   no numerator and no value    public_health_2023.xlsx   life_expectancy of 411003, both empty       numerator                     numerator_or_value_required
   denominator not above zero   public_health_2023.xlsx   maternal_mortality_per_100k 1 / 0           denominator                   denominator_positive

   A new region nothing else refers to is the one broken (a quarantined region cannot be referred to without
   quarantining the referring rows too). test_every_rule_of_every_quality_suite_has_a_corruption_case makes
   every rule of every expectations/quality/<source>.yaml need a case here; the contract rules (type,
   required, code_list, range) come from expectations/sources.yaml.

2. Structural failures: the run fails (result.success is False), a blocking check says why, nothing is
   published, and the warehouse of the previous good build (a byte copy of the session's small_warehouse,
   placed at the `published` path with its pseudonym key) keeps the same bytes and the same run id.

   unreadable file                public_health_2023.xlsx is garbage bytes (an optional source still blocks)
   required column missing        population_2023.csv (GBK) without 常住人口
   too large a share set aside    population_2023.csv with 126 rows, 7 of them of an unknown region:
                                  7 > 5% × 126 = 6.3 (population.yaml's limit; the default 10% would let it pass)

3. WHO Data Quality Review flags (expectations/quality/data_quality_review.yaml): the run succeeds, nothing
   is quarantined (every input row is staged, the corrupted one included), and marts.data_quality_flags has
   exactly the expected flagged rows for that check, indicator and year. One build per case: the checks
   judge regions against each other, so two corruptions in one inbox would move each other's statistics.

   consistency over time   411002 gets 2020–2022 equal to 2023 (beds 360, residents 50,000: 7.2 per 1,000);
                           H1's 2023 beds keyed as 3,000: (3,000 + 40 + 20) / 50,000 × 1,000 = 61.2
                           → |61.2 − 7.2| / 7.2 = 7.5 > 0.33
   outlier among peers     four more counties of 许昌市 with 100,000 residents and 500, 600, 700, 800 beds;
                           禹州市's 700 keyed as 7,000. beds per 1,000: 7.2, 4.33, 5, 6, 70, 8 →
                           median 6.6, MAD 1.5, modified z of 70 = 0.6745 × 63.4 / 1.5 = 28.5 > 5 (extreme)
   completeness            the staff of 411002's facilities (H1, T1) not sent for 2023: physicians, nurses and
                           GPs per population are missing → 2 of 5 required indicators = 0.4 < 0.9
   related figures         411003's 2023 live births keyed as 2,000 instead of 500 for 60,000 residents:
                           33.3‰ > 30‰ (still under the 5% quarantine ceiling, so the row is staged)
"""

from __future__ import annotations

import hashlib
import io
import shutil
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import dagster as dg
import polars as pl
import pytest
import yaml

from conftest import build, query, write_small_inbox
from pipelines.settings import EXPECTATIONS_DIR
from pipelines.quality import load_quality_suite

QUALITY_DIR = EXPECTATIONS_DIR / "quality"
SOURCES = ("regions", "population", "facilities", "facility_stats", "staff", "public_health")
READABLE = (".csv", ".xlsx", ".parquet")


# ------------------------------------------------------------------ reading and rewriting inbox files


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gbk"), "gbk"


def read_file(path: Path) -> pl.DataFrame:
    """An inbox file as the statistician sees it: every cell text, Chinese headers as they are."""
    if path.suffix == ".xlsx":
        return pl.read_excel(path, infer_schema_length=0)
    text, _ = _decode(path.read_bytes())
    return pl.read_csv(io.BytesIO(text.encode("utf-8")), infer_schema=False)


def write_file(path: Path, frame: pl.DataFrame) -> None:
    """Write the file back in its own format and encoding (a GBK CSV stays GBK)."""
    if path.suffix == ".xlsx":
        frame.write_excel(path)
        return
    _, encoding = _decode(path.read_bytes())
    path.write_bytes(frame.write_csv().encode(encoding))


def set_cell(inbox: Path, name: str, where: dict[str, str], column: str, value: str | None) -> int:
    """Set one cell of the single row matching `where`; returns that row's spreadsheet number."""
    path = inbox / name
    frame = read_file(path)
    if column not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias(column))
    match = pl.all_horizontal([pl.col(k) == v for k, v in where.items()])
    [index] = frame.with_row_index().filter(match)["index"].to_list()
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == index).then(pl.lit(value, pl.String)).otherwise(pl.col(column)).alias(column)
    )
    write_file(path, frame)
    return index + 2


def append_rows(inbox: Path, name: str, rows: list[dict[str, str | None]]) -> list[int]:
    """Append rows (header → text; headers not given are empty); returns their spreadsheet numbers."""
    path = inbox / name
    frame = read_file(path)
    extra = pl.DataFrame([{c: row.get(c) for c in frame.columns} for row in rows], schema={c: pl.String for c in frame.columns})
    write_file(path, pl.concat([frame, extra]))
    return [frame.height + 2 + i for i in range(len(rows))]


def drop_rows(inbox: Path, name: str, column: str, values: list[str]) -> None:
    path = inbox / name
    write_file(path, read_file(path).filter(~pl.col(column).is_in(values)))


def row_number(inbox: Path, name: str, where: dict[str, str]) -> int:
    frame = read_file(inbox / name).with_row_index()
    [index] = frame.filter(pl.all_horizontal([pl.col(k) == v for k, v in where.items()]))["index"].to_list()
    return index + 2


def input_rows(inbox: Path, source: str) -> int:
    """Data rows of every inbox file of a source (a file whose name starts with the source's name)."""
    return sum(
        read_file(p).height for p in inbox.iterdir()
        if p.name.startswith(source) and p.suffix in READABLE
    )


# ------------------------------------------------------------------ reading the warehouse


def staged_count(path: Path, source: str) -> int:
    return query(path, f"SELECT count(*) FROM staging.{source}")[0][0]


def quarantined_count(path: Path, source: str) -> int:
    """Rows set aside (a row counts once, however many problems it has)."""
    return query(path, "SELECT count(DISTINCT (file, sheet, row_number)) FROM marts.quarantine "
                       "WHERE source = ? AND row_set_aside", [source])[0][0]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def failure_messages(result: dg.ExecuteInProcessResult) -> list[str]:
    """What the run says went wrong: blocking (ERROR) checks that failed, and failed steps."""
    checks = [
        e.description or "" for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    return checks + [e.message or "" for e in result.all_events if e.is_failure]


def quality_setting(source: str, key: str):
    spec = yaml.safe_load((QUALITY_DIR / "defaults.yaml").read_text(encoding="utf-8"))
    path = QUALITY_DIR / f"{source}.yaml"
    if path.exists():
        spec |= yaml.safe_load(path.read_text(encoding="utf-8"))
    return spec[key]


DQR = yaml.safe_load((QUALITY_DIR / "data_quality_review.yaml").read_text(encoding="utf-8"))


# ================================================================== 1. row-level rules → quarantine


@dataclass(frozen=True)
class Bad:
    """Where the corruption put the bad row, what its reason must mention and what the quarantined row
    (its reason and its raw values) must never show, such as an ID number."""
    row: int
    reason: str  # the Chinese part of the reason; the English part follows it in brackets
    absent: tuple[str, ...] = ()


def wrong_type(inbox: Path) -> Bad:
    # 3.5万 is a number (35,000); 约3.5万 ("about") is not
    row = set_cell(inbox, "population_2023.csv", {"区划代码": "411003002", "年份": "2023"}, "常住人口", "约3.5万")
    return Bad(row, "常住人口 的值 '约3.5万' 不是整数 (row {row}: 常住人口: '约3.5万' is not a whole number)")


def empty_required(inbox: Path) -> Bad:
    row = set_cell(inbox, "staff_2023.csv", {"staff_id": "S24"}, "category", None)
    return Bad(row, "category 为必填项，但为空 (row {row}: category is empty but is required)")


def not_in_code_list(inbox: Path) -> Bad:
    [row] = append_rows(inbox, "facilities.xlsx", [
        {"机构代码": "X2", "机构名称": "魏都区宠物医院", "机构类别": "宠物医院", "医院等级": "", "举办主体": "社会办", "区划代码": "411002"},
    ])
    return Bad(row, "机构类别 的值 '宠物医院' 不在代码表 facility_types 中，已按“other”保留")


def below_minimum(inbox: Path) -> Bad:
    row = set_cell(inbox, "facility_stats_2023.csv", {"机构代码": "T3", "年份": "2023"}, "救护车数", "-1")
    return Bad(row, "救护车数 的值 -1 小于最小值 0 (row {row}: 救护车数: -1 is below the minimum 0)")


def above_plausible_maximum(inbox: Path) -> Bad:
    row = set_cell(inbox, "facility_stats_2023.csv", {"机构代码": "T2", "年份": "2023"}, "床位数", "12000")
    return Bad(row, "单个机构实有床位 12000 超过10000张，请核实 (row {row}: beds 12000 is above 10,000 for one facility")


def tcm_beds_above_beds(inbox: Path) -> Bad:
    row = set_cell(inbox, "facility_stats_2023.csv", {"机构代码": "H1", "年份": "2023"}, "中医床位数", "350")
    return Bad(row, "中医床位数 350 多于实有床位 300 (row {row}: tcm_beds 350 is more than beds 300)")


def inpatient_days_above_capacity(inbox: Path) -> Bad:
    days = 200 * 366 + 1  # H2 has 200 beds in 2023
    row = set_cell(inbox, "facility_stats_2023.csv", {"机构代码": "H2", "年份": "2023"}, "实际占用总床日数", str(days))
    return Bad(row, f"实际占用总床日数 {days} 超过实有床位 200 × 366（病床使用率超过100%），请核实")


def negative_pressure_above_ambulances(inbox: Path) -> Bad:
    row = set_cell(inbox, "facility_stats_2023.csv", {"机构代码": "H2", "年份": "2022"}, "负压救护车数", "4")
    return Bad(row, "负压救护车数 4 多于救护车数 3 (row {row}: negative_pressure_ambulances 4 is more than ambulances 3)")


def older_above_residents(inbox: Path) -> Bad:
    row = set_cell(inbox, "population_2023.csv", {"区划代码": "411023", "年份": "2022"}, "65岁及以上人口", "45000")
    return Bad(row, "65岁及以上人口 45000 多于常住人口 40000 (row {row}: population_65_plus 45000 is more than resident_population 40000)")


def births_above_ceiling(inbox: Path) -> Bad:
    row = set_cell(inbox, "population_2023.csv", {"区划代码": "411002001", "年份": "2023"}, "活产数", "1600")
    return Bad(row, "活产数 1600 超过常住人口 30000 的5%，请核实")


def same_facility_and_year_twice(inbox: Path) -> Bad:
    first = row_number(inbox, "facility_stats_2023.csv", {"机构代码": "T1", "年份": "2023"})
    [row] = append_rows(inbox, "facility_stats_2023.csv", [{"机构代码": "T1", "年份": "2023", "床位数": "40", "救护车数": "1"}])
    return Bad(row, f"机构 T1 2023 年的年报已在 facility_stats_2023.csv row {first} 报送，本行重复")


def staff_of_unknown_facility(inbox: Path) -> Bad:
    [row] = append_rows(inbox, "staff_2023.csv", [
        {"staff_id": "S98", "姓名": "孙二", "facility_id": "H9", "year": "2023", "category": "注册护士", "specialty": "护理"},
    ])
    return Bad(row, "机构代码 H9 不在机构名录中 (row {row}: facility_id H9 is not in the facility registry)")


def facility_of_unknown_region(inbox: Path) -> Bad:
    [row] = append_rows(inbox, "facilities.xlsx", [
        {"机构代码": "X3", "机构名称": "无此区划的诊所", "机构类别": "诊所", "医院等级": "", "举办主体": "社会办", "区划代码": "411099"},
    ])
    return Bad(row, "区划代码 411099 不在行政区划名录中 (row {row}: region_code 411099 is not in the regions list)")


def share_numerator_above_denominator(inbox: Path) -> Bad:
    [row] = append_rows(inbox, "public_health_2023.xlsx", [
        {"区划代码": "411003", "年份": "2023", "指标代码": "family_doctor_contract_pct", "分子": "70000", "分母": "60000"},
    ])
    return Bad(row, "比例指标 family_doctor_contract_pct 的分子 70000 大于分母 60000")


def statistics_of_unknown_facility(inbox: Path) -> Bad:
    [row] = append_rows(inbox, "facility_stats_2023.csv", [{"机构代码": "H8", "年份": "2023", "床位数": "100", "救护车数": "1"}])
    return Bad(row, "机构代码 H8 不在机构名录中")


def region_listed_twice(inbox: Path) -> Bad:
    first = row_number(inbox, "regions.csv", {"region_code": "411003002001"})
    [row] = append_rows(inbox, "regions.csv", [
        {"region_code": "411003002001", "region_name": "小召村", "level": "village", "parent_code": "411003002"},
    ])
    return Bad(row, f"区划代码 411003002001 重复，保留首次出现的 regions.csv row {first}")


def region_of_unknown_parent(inbox: Path) -> Bad:
    # A new township nothing else refers to, under a county 411004 that is not in the list.
    [row] = append_rows(inbox, "regions.csv", [
        {"region_code": "411004001", "region_name": "无上级镇", "level": "township", "parent_code": "411004"},
    ])
    return Bad(row, "上级区划代码 411004 不在行政区划名录中")


def region_of_unknown_successor(inbox: Path) -> Bad:
    # A retired county nothing else refers to, replaced by a code 411005 that is not in the list.
    [row] = append_rows(inbox, "regions.csv", [
        {"region_code": "411001", "region_name": "许昌市市辖区", "level": "county", "parent_code": "411000",
         "valid_to": "2010-01-01", "replaced_by": "411005"},
    ])
    return Bad(row, "继承区划代码 411005 不在行政区划名录中")


def region_code_of_wrong_length(inbox: Path) -> Bad:
    # A township's 9-digit code keyed with 8 digits (nothing else refers to it).
    [row] = append_rows(inbox, "regions.csv", [
        {"region_code": "41100300", "region_name": "错码镇", "level": "township", "parent_code": "411003"},
    ])
    return Bad(row, "区划代码 41100300 为 8 位，township 级代码应为 9 位")


def region_without_parent(inbox: Path) -> Bad:
    [row] = append_rows(inbox, "regions.csv", [
        {"region_code": "411006", "region_name": "无上级区", "level": "county", "parent_code": None},
    ])
    return Bad(row, "上级区划代码为空，county 级区划须有上级")


def population_of_unknown_region(inbox: Path) -> Bad:
    [row] = append_rows(inbox, "population_2023.csv", [
        {"区划代码": "411002003", "年份": "2023", "常住人口": "10000", "65岁及以上人口": "1500", "活产数": "80"},
    ])
    return Bad(row, "区划代码 411002003 不在行政区划名录中")


def population_given_twice(inbox: Path) -> Bad:
    # 建安区 411003's 2023 figure filed again under its retired code 许昌县 411023, which resolves to 411003.
    first = row_number(inbox, "population_2023.csv", {"区划代码": "411003", "年份": "2023"})
    [row] = append_rows(inbox, "population_2023.csv", [
        {"区划代码": "411023", "年份": "2023", "常住人口": "61000", "65岁及以上人口": "9100", "活产数": "510"},
    ])
    return Bad(row, f"411003 2023 年的人口已在 population_2023.csv row {first} 报送，本行重复")


def facility_listed_twice(inbox: Path) -> Bad:
    first = row_number(inbox, "facilities.xlsx", {"机构代码": "V1"})
    [row] = append_rows(inbox, "facilities.xlsx", [
        {"机构代码": "V1", "机构名称": "小召村卫生室", "机构类别": "村卫生室", "医院等级": "", "举办主体": "社会办",
         "区划代码": "411003002001", "备注": "note"},
    ])
    return Bad(row, f"机构代码 V1 重复，保留首次出现的 facilities.xlsx row {first}")


def hospital_without_sponsor(inbox: Path) -> Bad:
    # a village clinic may leave 设置/主办单位 empty (村卫生室不填); a hospital may not
    [row] = append_rows(inbox, "facilities.xlsx", [
        {"机构代码": "X4", "机构名称": "魏都区康复医院", "机构类别": "专科医院", "医院等级": "", "举办主体": "", "区划代码": "411002"},
    ])
    return Bad(row, "机构 X4 的设置/主办单位为空，无法判断是否政府办")


def staff_listed_twice_by_staff_id(inbox: Path) -> Bad:
    first = row_number(inbox, "staff_2023.csv", {"staff_id": "S05"})
    [row] = append_rows(inbox, "staff_2023.csv", [
        {"staff_id": "S05", "姓名": "张五", "facility_id": "H1", "year": "2023", "category": "注册护士", "specialty": "护理"},
    ])
    return Bad(row, f"此人（人员编码 staff_id S05）2023 年已在 staff_2023.csv row {first} 列出，本行重复")


def staff_listed_twice_by_id_number(inbox: Path) -> Bad:
    id_number = "41010219900102123X"  # 李二 of T1, who has no 人员编码
    first = row_number(inbox, "staff_2023.csv", {"身份证号": id_number})
    [row] = append_rows(inbox, "staff_2023.csv", [
        {"身份证号": id_number, "姓名": "李二", "facility_id": "T1", "year": "2023", "category": "注册护士", "specialty": "护理"},
    ])
    return Bad(row, f"此人（身份证号 id_number）2023 年已在 staff_2023.csv row {first} 列出，本行重复",
               absent=(id_number,))


def staff_without_staff_id_or_id_number(inbox: Path) -> Bad:
    [row] = append_rows(inbox, "staff_2023.csv", [
        {"姓名": "王六", "facility_id": "H2", "year": "2023", "category": "注册护士", "specialty": "护理"},
    ])
    return Bad(row, "人员编码和身份证件号码均为空，至少须填一项")


def public_health_of_unknown_region(inbox: Path) -> Bad:
    [row] = append_rows(inbox, "public_health_2023.xlsx", [
        {"区划代码": "411098", "年份": "2023", "指标代码": "life_expectancy", "指标值": "78.1"},
    ])
    return Bad(row, "区划代码 411098 不在行政区划名录中")


def public_health_of_unknown_indicator(inbox: Path) -> Bad:
    # beds_per_1k is in the catalog, but computed from facility_stats, not reported.
    [row] = append_rows(inbox, "public_health_2023.xlsx", [
        {"区划代码": "411003", "年份": "2023", "指标代码": "beds_per_1k", "指标值": "4.3"},
    ])
    return Bad(row, "指标代码 beds_per_1k 不是指标目录中的上报指标")


def public_health_given_twice(inbox: Path) -> Bad:
    first = row_number(inbox, "public_health_2023.xlsx", {"区划代码": "411000", "指标代码": "life_expectancy"})
    [row] = append_rows(inbox, "public_health_2023.xlsx", [
        {"区划代码": "411000", "年份": "2023", "指标代码": "life_expectancy", "指标值": "77.5"},
    ])
    return Bad(row, f"411000 2023 年的 life_expectancy 已在 public_health_2023.xlsx row {first} 报送，本行重复")


def neither_numerator_nor_value(inbox: Path) -> Bad:
    [row] = append_rows(inbox, "public_health_2023.xlsx", [
        {"区划代码": "411003", "年份": "2023", "指标代码": "life_expectancy"},
    ])
    return Bad(row, "分子和指标值均为空，至少须填一项")


def denominator_zero(inbox: Path) -> Bad:
    # Not a share (per 100,000 live births), so only the denominator rule applies.
    [row] = append_rows(inbox, "public_health_2023.xlsx", [
        {"区划代码": "411003", "年份": "2023", "指标代码": "maternal_mortality_per_100k", "分子": "1", "分母": "0"},
    ])
    return Bad(row, "分母 0 不大于零 (row {row}: denominator 0 is not above zero)")


@dataclass(frozen=True)
class RowCase:
    id: str
    corrupt: Callable[[Path], Bad]
    source: str
    file: str
    column: str
    rule: str
    outcome: str = "row"  # row set aside; cell set aside alone; flag (kept and flagged)


ROW_CASES = [
    RowCase("wrong type", wrong_type, "population", "population_2023.csv", "resident_population", "type", "cell"),
    RowCase("empty required value", empty_required, "staff", "staff_2023.csv", "category", "required", "flag"),
    RowCase("not in the code list", not_in_code_list, "facilities", "facilities.xlsx", "facility_type", "unknown_kept", "cell"),
    RowCase("below the minimum", below_minimum, "facility_stats", "facility_stats_2023.csv", "ambulances", "range", "cell"),
    RowCase("above the plausible maximum", above_plausible_maximum, "facility_stats", "facility_stats_2023.csv",
            "beds", "beds_plausible", "flag"),
    RowCase("tcm beds above beds", tcm_beds_above_beds, "facility_stats", "facility_stats_2023.csv",
            "tcm_beds", "tcm_beds_within_beds", "cell"),
    RowCase("inpatient days above beds x 366", inpatient_days_above_capacity, "facility_stats",
            "facility_stats_2023.csv", "inpatient_days", "inpatient_days_within_capacity", "flag"),
    RowCase("negative-pressure above ambulances", negative_pressure_above_ambulances, "facility_stats",
            "facility_stats_2023.csv", "negative_pressure_ambulances", "negative_pressure_within_ambulances", "cell"),
    RowCase("65+ above residents", older_above_residents, "population", "population_2023.csv",
            "population_65_plus", "older_within_population", "cell"),
    RowCase("births above 5% of residents", births_above_ceiling, "population", "population_2023.csv",
            "live_births", "live_births_plausible", "flag"),
    RowCase("same facility and year twice", same_facility_and_year_twice, "facility_stats", "facility_stats_2023.csv",
            "facility_id", "duplicate"),
    RowCase("staff of an unknown facility", staff_of_unknown_facility, "staff", "staff_2023.csv",
            "facility_id", "unknown_facility"),
    RowCase("facility of an unknown region", facility_of_unknown_region, "facilities", "facilities.xlsx",
            "region_code", "unknown_region"),
    RowCase("share numerator above denominator", share_numerator_above_denominator, "public_health",
            "public_health_2023.xlsx", "numerator", "share_numerator_within_denominator", "cell"),
    RowCase("statistics of an unknown facility", statistics_of_unknown_facility, "facility_stats",
            "facility_stats_2023.csv", "facility_id", "unknown_facility"),
    RowCase("region listed twice", region_listed_twice, "regions", "regions.csv", "region_code", "duplicate"),
    RowCase("region of an unknown parent", region_of_unknown_parent, "regions", "regions.csv",
            "parent_code", "unknown_parent"),
    RowCase("region of an unknown successor", region_of_unknown_successor, "regions", "regions.csv",
            "replaced_by", "unknown_successor"),
    RowCase("region code of the wrong length", region_code_of_wrong_length, "regions", "regions.csv",
            "region_code", "code_format"),
    RowCase("region without a parent", region_without_parent, "regions", "regions.csv", "parent_code", "parent_required"),
    RowCase("population of an unknown region", population_of_unknown_region, "population", "population_2023.csv",
            "region_code", "unknown_region"),
    RowCase("population given twice", population_given_twice, "population", "population_2023.csv",
            "region_code", "duplicate"),
    RowCase("facility listed twice", facility_listed_twice, "facilities", "facilities.xlsx", "facility_id", "duplicate"),
    RowCase("hospital without its sponsor", hospital_without_sponsor, "facilities", "facilities.xlsx", "ownership",
            "ownership_required", "flag"),
    RowCase("staff listed twice by staff_id", staff_listed_twice_by_staff_id, "staff", "staff_2023.csv",
            "staff_id", "duplicate"),
    RowCase("staff listed twice by id_number", staff_listed_twice_by_id_number, "staff", "staff_2023.csv",
            "id_number", "duplicate"),
    RowCase("staff without staff_id or id_number", staff_without_staff_id_or_id_number, "staff", "staff_2023.csv",
            "staff_id", "person_required"),
    RowCase("public health of an unknown region", public_health_of_unknown_region, "public_health",
            "public_health_2023.xlsx", "region_code", "unknown_region"),
    RowCase("public health of an unknown indicator", public_health_of_unknown_indicator, "public_health",
            "public_health_2023.xlsx", "indicator_code", "unknown_indicator"),
    RowCase("public health figure given twice", public_health_given_twice, "public_health",
            "public_health_2023.xlsx", "indicator_code", "duplicate"),
    RowCase("neither numerator nor value", neither_numerator_nor_value, "public_health", "public_health_2023.xlsx",
            "numerator", "numerator_or_value_required"),
    RowCase("denominator zero", denominator_zero, "public_health", "public_health_2023.xlsx",
            "denominator", "denominator_positive", "cell"),
]

# Rules of the input contract (expectations/sources.yaml, pipelines/ingestion.py), not of a quality suite.
CONTRACT_RULES = {"type", "required", "code_list", "unknown_kept", "range"}


def suite_rules() -> set[tuple[str, str]]:
    """(source, rule) of every rule of every quality suite, expectations/quality/<source>.yaml."""
    sources = set(SOURCES) | {
        p.stem for p in QUALITY_DIR.glob("*.yaml") if "rules" in (yaml.safe_load(p.read_text(encoding="utf-8")) or {})
    }
    return {(source, rule.rule) for source in sources for rule in load_quality_suite(source).rules}


def test_every_rule_of_every_quality_suite_has_a_corruption_case():
    rules = suite_rules()
    cased = {(c.source, c.rule) for c in ROW_CASES}
    assert {source for source, _ in rules} == set(SOURCES)
    assert sorted(rules - cased) == [], "rules of expectations/quality/*.yaml without a case in ROW_CASES"
    # and no case names a rule that is neither a contract rule nor in its suite (renamed or removed)
    assert sorted((s, r) for s, r in cased - rules if r not in CONTRACT_RULES) == []


@dataclass
class RowLevelBuild:
    inbox: Path
    published: Path
    result: dg.ExecuteInProcessResult
    bad: dict[str, Bad] = field(default_factory=dict)


@pytest.fixture(scope="module")
def row_level(tmp_path_factory) -> RowLevelBuild:
    """Every row-level corruption in one inbox (each touches its own row), built once."""
    root = tmp_path_factory.mktemp("row_level")
    inbox = write_small_inbox(root / "inbox")
    bad = {case.id: case.corrupt(inbox) for case in ROW_CASES}
    published = root / "warehouse" / "health.duckdb"
    return RowLevelBuild(inbox, published, build(inbox, published), bad)


@pytest.mark.parametrize("case", ROW_CASES, ids=[c.id for c in ROW_CASES])
def test_a_rule_broken_sets_aside_its_row_or_its_cell_or_flags_it_and_every_row_is_accounted_for(row_level, case):
    assert row_level.result.success, failure_messages(row_level.result)
    bad = row_level.bad[case.id]
    rows = query(
        row_level.published,
        'SELECT "column", rule, outcome, row_set_aside, reason, raw_values FROM marts.quarantine '
        'WHERE source = ? AND file = ? AND row_number = ?',
        [case.source, case.file, bad.row],
    )
    assert len(rows) == 1, rows
    [(column, rule, outcome, row_set_aside, reason, raw_values)] = rows
    assert (column, rule, outcome, row_set_aside) == (case.column, case.rule, case.outcome, case.outcome == "row")
    assert reason.startswith(f"第{bad.row}行 ") and bad.reason.format(row=bad.row) in reason, reason
    assert (raw_values is not None) == (case.outcome == "row")  # the row as received, only where it is set aside
    for secret in bad.absent:
        assert secret not in reason and secret not in (raw_values or ""), (reason, raw_values)
    received = input_rows(row_level.inbox, case.source)
    assert received == staged_count(row_level.published, case.source) + quarantined_count(row_level.published, case.source)


CELL_CASES = [c for c in ROW_CASES if c.outcome == "cell"]


@pytest.mark.parametrize("case", CELL_CASES, ids=[c.id for c in CELL_CASES])
def test_a_cell_set_aside_is_null_in_staging_and_its_row_is_staged(row_level, case):
    """The row is staged (found by its file and row number), with that one cell empty — or, for a value of a
    descriptive column not in its code list, kept as the list's 'other'."""
    bad = row_level.bad[case.id]
    staged = query(row_level.published, f'SELECT "{case.column}" FROM staging.{case.source} WHERE _file = ? AND _row = ?',
                   [case.file, bad.row])
    assert staged == [("other",)] if case.rule == "unknown_kept" else staged == [(None,)], staged


def test_only_the_corrupted_rows_are_quarantined(row_level):
    expected = sorted((c.source, c.file, row_level.bad[c.id].row) for c in ROW_CASES)
    assert query(row_level.published, "SELECT source, file, row_number FROM marts.quarantine ORDER BY ALL") == expected


CONTRACT_FILE = "expectations/sources.yaml"


@pytest.mark.parametrize("source", SOURCES)
def test_the_inspector_sees_each_broken_rule_on_the_asset_it_guards(row_level, source):
    """The WARN check quality_rules of staging.<source>: how many rows failed, which rules, where each is written,
    and a sample of the rows; the run is not stopped by it."""
    [check] = [e for e in row_level.result.get_asset_check_evaluations()
               if e.asset_check_key.name == "quality_rules" and e.asset_key == dg.AssetKey(["staging", source])]
    cases = [c for c in ROW_CASES if c.source == source]
    assert (check.passed, check.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert check.metadata["rows_failed"].value == len(cases)
    by_rule = check.metadata["by_rule"].value.splitlines()
    for case in cases:
        written_in = CONTRACT_FILE if case.rule in CONTRACT_RULES else f"expectations/quality/{source}.yaml"
        assert any(line.startswith(f"| {case.rule} | {case.outcome} | {case.column} |") and line.endswith(f"| {written_in} |")
                   for line in by_rule), (case.id, by_rule)
    sample = check.metadata["sample"].value.splitlines()[2:]  # below the header and its rule
    shown = sorted((case.file, row_level.bad[case.id].row) for case in cases)[:10]
    assert [tuple(line.split(" | ")[:2]) for line in sample] == [(f"| {f}", str(r)) for f, r in shown]


# ================================================================== 2. structural failures → no publish


def unreadable_xlsx(inbox: Path) -> str:
    (inbox / "public_health_2023.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    return "文件 public_health_2023.xlsx 无法按 XLSX 读取 (file public_health_2023.xlsx could not be read as XLSX)"


def required_column_missing(inbox: Path) -> str:
    path = inbox / "population_2023.csv"
    write_file(path, read_file(path).drop("常住人口"))
    return "文件 population_2023.csv 缺少必需的列 常住人口 (resident_population)"


def too_large_a_share_quarantined(inbox: Path) -> str:
    """Enough rows for the share to count, and just over population's own limit (stricter than the default)."""
    limit = float(quality_setting("population", "max_quarantined_share"))
    min_rows = int(quality_setting("population", "min_rows_for_share"))
    history = [
        {"区划代码": code, "年份": str(year), "常住人口": str(people), "65岁及以上人口": str(people // 6), "活产数": "200"}
        for code, people in (("411002001", 30000), ("411002002", 20000))
        for year in range(1960, 2020)
    ]
    bad = 7
    for row in history[:bad]:  # filed under a region that is not in the list: the row is set aside
        row["区划代码"] = "411002099"
    append_rows(inbox, "population_2023.csv", history)
    total = input_rows(inbox, "population")
    assert total >= min_rows and limit * total < bad, "the case must be over the limit"
    default = yaml.safe_load((QUALITY_DIR / "defaults.yaml").read_text(encoding="utf-8"))["max_quarantined_share"]
    assert bad <= float(default) * total, "and under the default limit, so population's own limit is what blocks"
    return f"{bad} of {total} rows ({bad / total:.1%}) set aside; the limit is {limit:.0%}"


STRUCTURAL_CASES = [
    pytest.param(unreadable_xlsx, id="unreadable xlsx"),
    pytest.param(required_column_missing, id="required column missing"),
    pytest.param(too_large_a_share_quarantined, id="too large a share quarantined"),
]


@pytest.mark.parametrize("corrupt", STRUCTURAL_CASES)
def test_a_structural_failure_stops_the_run_and_keeps_the_last_good_warehouse(small_warehouse, tmp_path, corrupt):
    # The last good build, at the published path the corrupted run is given (the pseudonym key is the session's).
    published = tmp_path / "warehouse" / "health.duckdb"
    published.parent.mkdir(parents=True)
    shutil.copyfile(small_warehouse, published)
    good_bytes = sha256(published)
    good_run = query(published, "SELECT DISTINCT run_id FROM marts.build_info")
    assert len(good_run) == 1

    inbox = write_small_inbox(tmp_path / "inbox")
    expected = corrupt(inbox)
    result = build(inbox, published)

    assert not result.success
    messages = failure_messages(result)
    assert any(expected in m for m in messages), messages
    assert [e for e in result.all_events if e.is_step_success and e.step_key == "warehouse_file"] == []
    assert sha256(published) == good_bytes
    assert query(published, "SELECT DISTINCT run_id FROM marts.build_info") == good_run


# ================================================================== 3. WHO Data Quality Review → flags


@dataclass(frozen=True)
class Flag:
    region: str
    statistic: float
    severity: str


@dataclass(frozen=True)
class Review:
    """What a DQR corruption must raise: the flagged rows of one check, year and indicator (None for
    completeness), and a row of the input that must still be staged."""
    check: str
    year: int
    indicator: str | None
    flags: list[Flag]
    staged: tuple[str, str]  # (staging table, condition)
    detail: str = ""


# Counties of 许昌市 in the small inbox, 2023, worked from conftest (see tests/test_marts.py):
# 411002: residents 30,000 + 20,000 (its townships), beds H1 300 + T1 40 + T2 20 = 360
# 411003: residents 60,000 (its own figure), beds H2 200 + T3 60 = 260
SMALL_COUNTY_BEDS = {"411002": (360, 50000), "411003": (260, 60000)}


def per_1k(beds: float, residents: float) -> float:
    return beds / residents * 1000


def value_jumps_over_time(inbox: Path) -> Review:
    years = (2020, 2021, 2022)
    append_rows(inbox, "population_2023.csv", [
        {"区划代码": code, "年份": str(y), "常住人口": str(people), "65岁及以上人口": str(old), "活产数": str(births)}
        for y in years
        for code, people, old, births in (("411002001", 30000, 5000, 240), ("411002002", 20000, 3000, 160))
    ])
    append_rows(inbox, "facility_stats_2023.csv", [
        {"机构代码": fid, "年份": str(y), "床位数": str(beds), "救护车数": str(amb), "负压救护车数": str(neg)}
        for y in years
        for fid, beds, amb, neg in (("H1", 300, 2, 1), ("T1", 40, 1, 0), ("T2", 20, 0, 0))
    ])
    set_cell(inbox, "facility_stats_2023.csv", {"机构代码": "H1", "年份": "2023"}, "床位数", "3000")  # 300 keyed as 3000
    previous = statistics.mean(per_1k(360, 50000) for _ in years)
    current = per_1k(3000 + 40 + 20, 50000)
    change = abs(current - previous) / previous
    assert change > DQR["consistency_over_time"]["max_relative_change"]
    return Review("consistency_over_time", 2023, "beds_per_1k", [Flag("411002", change, "warning")],
                  ("facility_stats", "facility_id = 'H1' AND year = 2023 AND beds = 3000"))


PEERS = [("411024", "鄢陵县", "PX1", 500), ("411025", "襄城县", "PX2", 600), ("411081", "禹州市", "PX3", 700),
         ("411082", "长葛市", "PX4", 800)]
PEER_RESIDENTS = 100_000


def modified_z(values: dict[str, float]) -> dict[str, float]:
    """Iglewicz and Hoaglin: 0.6745 × (x − median) / median absolute deviation."""
    median = statistics.median(values.values())
    mad = statistics.median(abs(v - median) for v in values.values())
    return {k: abs(0.6745 * (v - median) / mad) for k, v in values.items()}


def outlier_among_peers(inbox: Path) -> Review:
    append_rows(inbox, "regions.csv", [
        {"region_code": code, "region_name": name, "level": "county", "parent_code": "411000"} for code, name, _, _ in PEERS
    ])
    append_rows(inbox, "population_2023.csv", [
        {"区划代码": code, "年份": "2023", "常住人口": str(PEER_RESIDENTS), "65岁及以上人口": "15000", "活产数": "800"}
        for code, _, _, _ in PEERS
    ])
    append_rows(inbox, "facilities.xlsx", [
        {"机构代码": fid, "机构名称": f"{name}人民医院", "机构类别": "综合医院", "医院等级": "二级甲等", "举办主体": "政府办",
         "区划代码": code, "备注": "note"}
        for code, name, fid, _ in PEERS
    ])
    filed = {fid: 7000 if fid == "PX3" else beds for _, _, fid, beds in PEERS}  # 禹州市's 700 keyed as 7000
    append_rows(inbox, "facility_stats_2023.csv", [
        {"机构代码": fid, "年份": "2023", "床位数": str(beds)} for fid, beds in filed.items()
    ])
    values = {code: per_1k(*figures) for code, figures in SMALL_COUNTY_BEDS.items()}
    values |= {code: per_1k(filed[fid], PEER_RESIDENTS) for code, _, fid, _ in PEERS}
    assert len(values) >= DQR["outliers"]["min_peers"]
    flags = [
        Flag(code, z, "extreme" if z > DQR["outliers"]["extreme"] else "moderate")
        for code, z in modified_z(values).items() if z > DQR["outliers"]["moderate"]
    ]
    assert [f.region for f in flags] == ["411081"]
    return Review("outliers", 2023, "beds_per_1k", flags, ("facility_stats", "facility_id = 'PX3' AND year = 2023 AND beds = 7000"))


def county_stops_reporting(inbox: Path) -> Review:
    drop_rows(inbox, "staff_2023.csv", "facility_id", ["H1", "T1"])  # every staff member of 魏都区 411002 in 2023
    required = DQR["completeness"]["indicators"]
    missing = sorted(["physicians_per_1k", "nurses_per_1k", "gps_per_10k"])  # the ones counted from staff
    share = (len(required) - len(missing)) / len(required)
    assert share < DQR["completeness"]["threshold"]
    return Review("completeness", 2023, None, [Flag("411002", share, "warning")],
                  ("facility_stats", "facility_id = 'H1' AND year = 2023"), detail="missing: " + ", ".join(missing))


def births_disagree_with_population(inbox: Path) -> Review:
    set_cell(inbox, "population_2023.csv", {"区划代码": "411003", "年份": "2023"}, "活产数", "2000")  # 500 keyed as 2000
    [figure] = DQR["related_figures"]
    rate = 2000 / 60000 * figure["multiplier"]
    assert rate > figure["max"] and 2000 <= 0.05 * 60000  # flagged, but not quarantined by live_births_plausible
    return Review("related_figures", 2023, figure["check"], [Flag("411003", rate, "warning")],
                  ("population", "region_code = '411003' AND year = 2023 AND live_births = 2000"))


REVIEW_CASES = [
    pytest.param(value_jumps_over_time, id="consistency over time"),
    pytest.param(outlier_among_peers, id="outlier among peers"),
    pytest.param(county_stops_reporting, id="completeness"),
    pytest.param(births_disagree_with_population, id="related figures"),
]


@pytest.mark.parametrize("corrupt", REVIEW_CASES)
def test_a_doubtful_figure_is_flagged_and_kept(tmp_path, corrupt):
    inbox = write_small_inbox(tmp_path / "inbox")
    expected = corrupt(inbox)
    published = tmp_path / "warehouse" / "health.duckdb"
    result = build(inbox, published)
    assert result.success, failure_messages(result)

    # Nothing is dropped: every input row is staged, the doubtful one included.
    assert query(published, "SELECT count(*) FROM marts.quarantine") == [(0,)]
    for source in SOURCES:
        assert staged_count(published, source) == input_rows(inbox, source), source
    table, condition = expected.staged
    assert query(published, f"SELECT count(*) FROM staging.{table} WHERE {condition}") == [(1,)]

    flagged = query(
        published,
        "SELECT region_code, statistic, severity, detail FROM marts.data_quality_flags "
        "WHERE check_name = ? AND year = ? AND indicator_code IS NOT DISTINCT FROM ? AND flag = 'flagged' "
        "ORDER BY region_code",
        [expected.check, expected.year, expected.indicator],
    )
    assert [(r, s) for r, _, s, _ in flagged] == [(f.region, f.severity) for f in expected.flags]
    assert [s for _, s, _, _ in flagged] == pytest.approx([f.statistic for f in expected.flags], rel=1e-9)
    assert all(expected.detail in d for *_, d in flagged)
