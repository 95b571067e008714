"""Real files, right numbers: the same counts sent as the survey forms and Excel deliver them, and as tidy CSV.

The real-form inbox (许昌市, 2023) is modelled on what commissions hold (../shared/reference/health-statistics-
forms.md): a GBK registry of regions with a title row and bare-year boundary dates; a facility registry saved
from Excel with a title, a 填报单位 row, WS 218 codes and label text mixed, 设置/主办单位 categories, 医院等级 in two
merged-header fields (级 / 等), a 合计 row and a footer; an annual report with a two-row merged header with units,
a 栏次 row, full-width digits, thousands separators, "—" for nothing reported, 万, 小计/合计 rows and no year
column (the year is in its title); a workforce roll (卫健统2表) with the form's numeric codes, several scopes in
one cell, a certificate-only GP, department-based staff, a pharmacist and a technician, an unknown category
and an ID number Excel stored as a number. Every expected figure below is worked out by hand in the comments.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import polars as pl
import pytest
import xlsxwriter

from conftest import build_published, query

REGIONS = [  # code, name, level, parent, valid_from, valid_to, replaced_by
    ("410000", "河南省", "省", "", "", "", ""),
    ("411000", "许昌市", "地级", "410000", "", "", ""),
    ("411002", "魏都区", "县级", "411000", "", "", ""),
    ("411003", "建安区", "县级", "411000", "2016", "", ""),  # bare year: 2016-01-01
    ("411023", "许昌县", "县级", "411000", "", "2016年", "411003"),  # bare year: 2016-12-31, retired into 建安区
]
POPULATION = [("411002", "2023年", "400,000"), ("411003", "2023", "98.42万")]  # 98.42万 = 984,200
# id, name, WS 218 class (code or label), 设置/主办单位, 级, 等, region
FACILITIES = [
    ("H01", "许昌市中心医院", "A100", "卫生健康行政部门", "三级", "甲等", "411002"),
    ("H02", "建安区人民医院", "综合医院", "卫生行政部门", "二级", "甲等", "411023"),  # filed under the retired county
    ("H03", "魏都区中医院", "A210", "其他行政部门", "二级", "乙等", "411002"),
    ("H04", "魏都区仁和医院", "A100", "个人", "一级", "未定", "411002"),
    ("T01", "建安区灵井镇卫生院", "C210", "卫生行政部门", "未定级", "", "411003"),
    ("V01", "灵井镇霍庄村卫生室", "D600", "", "", "", "411003"),  # 村卫生室不填 设置/主办单位
]
# 实有床位 (as typed), 编制床位, 救护车, 负压救护车, 实际开放总床日数, 实际占用总床日数, 年末服务(常住)人口数
STATS = {
    "H01": ("８００", 700, 10, 4, "292,800", "299,520", ""),  # occupancy 299,520 / (800 × 366) = 102.3 %: flagged, kept
    "H02": ("350", 300, "3", "—", "128,100", "100,000", ""),  # "—": negative-pressure ambulances not reported
    "H03": ("200", 200, "2", "1", "73,200", "60,000", ""),
    "H04": ("-5", 20, "1", "0", "", "", ""),  # a negative bed count: that cell alone is set aside
    "T01": ("40", 40, "1", "0", "14,640", "9,000", "3.5万"),
}
# facility, ID number, 从事专业类别代码, 医师执业类别代码, 医师执业范围, 所在科室, 全科注册, 全科证书 — and what it shows
STAFF = [
    ("T01", "41010219800101123X", "11", "1", "21", "全科医疗科", "1", ""),  # GP by scope
    ("T01", "410102198001021235", "11", "1", "内科专业;全科医学专业", "内科", "2", ""),  # GP among two scopes
    ("T01", "410102198001031230", "12", "1", "11", "内科", "2", "转岗培训"),  # GP by certificate only
    ("T01", "410102198001041236", "11", "3", "41", "预防保健科", "", ""),  # public-health physician
    ("T01", "410102198001051231", "21", "", "", "预防保健科", "", ""),  # public-health staff by department
    ("T01", "410102198001061237", "31", "", "", "药剂科", "", ""),  # pharmacist (药学)
    ("T01", "410102198001071232", "41", "", "", "检验科", "", ""),  # laboratory technician (检验)
    ("T01", "410102198001081238", "21", "", "", "内科", "", ""),
    ("T01", "410102198001091233", "80", "", "", "院办", "", ""),  # manager: not a health technician
    ("T01", "410102198001101235", "11", "4", "51", "中医科", "", ""),  # TCM physician
    ("H01", "410102198002011231", "11", "1", "17", "精神科", "", ""),  # psychiatrist
    ("H01", "410102198002021237", "21", "", "", "精神科", "", ""),  # psychiatric nurse, by department
    ("H01", "410102198002031232", "13", "", "", "内科", "", ""),  # trainee physician: health technician, not a physician
    ("H01", "410102198002041238", "护工", "", "", "内科", "", ""),  # unknown category: kept as unknown, reported
    ("H01", 410102198002051000, "11", "1", "12", "外科", "", ""),  # an ID Excel stored as a number keeps 15 digits: damaged, still counted
]


# --- the real-form inbox ---------------------------------------------------------------------------------

def _write_regions_gbk(path: Path) -> None:
    lines = ["行政区划代码表（2023年）,,,,,,", "区划代码,区划名称,级别,上级区划代码,启用日期,停用日期,继承区划代码"]
    lines += [",".join(r) for r in REGIONS]
    lines += ["注：启用、停用日期只填年份的，按该年1月1日、12月31日计。,,,,,,"]
    path.write_bytes("\r\n".join(lines).encode("gbk"))


def _write_population(path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["2023年常住人口"])
        writer.writerow(["单位：人"])
        writer.writerow(["行政区划代码", "年份", "年末常住人口数"])
        writer.writerows(POPULATION)
        writer.writerow(["合计", "", "1,384,200"])


def _write_registry(path: Path) -> None:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("机构名录")
    sheet.write(0, 0, "2023年医疗卫生机构名录")
    sheet.write(1, 0, "填报单位：许昌市卫生健康委员会")
    for col, label in enumerate(["序号", "机构名称", "组织机构代码", "卫生机构类别代码", "设置/主办单位"]):
        sheet.merge_range(2, col, 3, col, label)
    sheet.merge_range(2, 5, 2, 6, "医院等级")
    sheet.write(3, 5, "级")
    sheet.write(3, 6, "等")
    sheet.merge_range(2, 7, 3, 7, "行政区划代码")
    for i, (fid, name, kind, sponsor, level, klass, region) in enumerate(FACILITIES):
        sheet.write_row(4 + i, 0, [i + 1, name, fid, kind, sponsor, level, klass])
        sheet.write_number(4 + i, 7, int(region))  # a code Excel stored as a number
    sheet.write_row(4 + len(FACILITIES), 0, ["合计", f"{len(FACILITIES)}家"])
    sheet.write(6 + len(FACILITIES), 0, "单位负责人：王某某    填表人：李某某    报出日期：2024年1月15日")
    book.add_worksheet("说明").write(0, 0, "本表数据来源：机构注册登记")
    book.close()


def _write_annual_report(path: Path) -> None:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("卫健统1-1")
    sheet.write(0, 0, "2023年医疗卫生机构年报（汇总表）")
    sheet.write(1, 0, "单位：张、辆、床日、人")
    sheet.merge_range(2, 0, 3, 0, "机构代码")
    sheet.merge_range(2, 1, 2, 2, "床位")
    sheet.write_row(3, 1, ["实有床位(张)", "编制床位(张)"])
    sheet.merge_range(2, 3, 2, 4, "救护车")
    sheet.write_row(3, 3, ["救护车(辆)", "其中:负压救护车(辆)"])
    for col, label in ((5, "实际开放总床日数"), (6, "实际占用总床日数"), (7, "年末服务(常住)人口数(人)")):
        sheet.merge_range(2, col, 3, col, label)
    sheet.write_row(4, 0, ["甲", "1", "2", "3", "4", "5", "6", "7"])
    row = 5
    for fid in ("H01", "H02", "H03"):
        sheet.write_row(row, 0, [fid, *STATS[fid]])
        row += 1
    sheet.write_row(row, 0, ["小计", 1200, "1350"])
    row += 1
    for fid in ("H04", "T01"):
        sheet.write_row(row, 0, [fid, *STATS[fid]])
        row += 1
    sheet.write_row(row, 0, ["总 计", 1260, "1,385"])
    sheet.write(row + 2, 0, "注：1. 实有床位含加床超过半年的床位。")
    sheet.write(row + 3, 0, "    2. 负压救护车为救护车中的一部分。")
    book.close()


def _write_workforce_roll(path: Path) -> None:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("N02")
    sheet.write(0, 0, "卫生人力基本信息调查表（卫健统2表） 2023年")
    header = ["机构编码", "姓名", "身份证件号码", "从事专业类别代码", "医师执业类别代码", "医师执业范围", "科室实际名称",
              "是否注册为全科医学专业", "全科医生取得培训合格证书情况"]
    sheet.write_row(1, 0, header)
    for i, (fid, id_number, *rest) in enumerate(STAFF):
        sheet.write(2 + i, 0, fid)
        sheet.write(2 + i, 1, f"职工{i}")
        if isinstance(id_number, int):
            sheet.write_number(2 + i, 2, id_number)  # as Excel keeps it: 15 significant digits
        else:
            sheet.write_string(2 + i, 2, id_number)
        sheet.write_row(2 + i, 3, rest)
    book.close()


def write_real_form_inbox(inbox: Path) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    _write_regions_gbk(inbox / "行政区划_2023.csv")
    _write_population(inbox / "population_2023.csv")
    _write_registry(inbox / "2023年许昌市机构名录.xlsx")
    _write_annual_report(inbox / "Facility_Stats_2023.xlsx")
    _write_workforce_roll(inbox / "卫健统2表_许昌_2023.xlsx")
    (inbox / "会议纪要.docx").write_bytes(b"PK")  # not a source: named, not read
    return inbox


# --- the same counts, tidy -------------------------------------------------------------------------------

def write_tidy_inbox(inbox: Path) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    levels = {"省": "province", "地级": "prefecture", "县级": "county"}
    pl.DataFrame(
        [(c, n, levels[lv], p, "2016-01-01" if f else "", "2016-12-31" if t else "", r) for c, n, lv, p, f, t, r in REGIONS],
        schema=["region_code", "region_name", "level", "parent_code", "valid_from", "valid_to", "replaced_by"], orient="row",
    ).write_csv(inbox / "regions.csv")
    pl.DataFrame([("411002", 2023, 400000), ("411003", 2023, 984200)],
                 schema=["region_code", "year", "resident_population"], orient="row").write_csv(inbox / "population.csv")
    types = {"A100": "general_hospital", "综合医院": "general_hospital", "A210": "tcm_hospital",
             "C210": "township_health_centre", "D600": "village_clinic"}
    grades = {("三级", "甲等"): "3A", ("二级", "甲等"): "2A", ("二级", "乙等"): "2B", ("一级", "未定"): "1",
              ("未定级", ""): "ungraded", ("", ""): ""}
    owner = {"卫生健康行政部门": "government", "卫生行政部门": "government", "其他行政部门": "government",
             "个人": "non_government", "": ""}
    pl.DataFrame(
        [(f, n, types[k], grades[(lv, kl)], owner[s], r) for f, n, k, s, lv, kl, r in FACILITIES],
        schema=["facility_id", "facility_name", "facility_type", "grade", "ownership", "region_code"], orient="row",
    ).write_csv(inbox / "facilities.csv")
    number = lambda v: "" if v in ("", "—") else str(v).replace(",", "").replace("８００", "800").replace("3.5万", "35000")
    pl.DataFrame(
        [(f, 2023, number(b), number(a), number(n), number(o), number(i), number(s)) for f, (b, _, a, n, o, i, s) in STATS.items()],
        schema=["facility_id", "year", "beds", "ambulances", "negative_pressure_ambulances", "open_bed_days",
                "inpatient_days", "served_population"], orient="row",
    ).write_csv(inbox / "facility_stats.csv")
    categories = {"11": "licensed_physician", "12": "assistant_physician", "13": "trainee_physician", "21": "registered_nurse",
                  "31": "pharmacist", "41": "technician", "80": "manager", "护工": "护工"}
    practice = {"1": "clinical", "3": "public_health", "4": "tcm", "": ""}
    scopes = {"21": "general_practice", "内科专业;全科医学专业": "internal_medicine;general_practice", "11": "internal_medicine",
              "41": "public_health", "51": "tcm", "17": "psychiatry", "12": "surgery", "": ""}
    departments = {"全科医疗科": "general_practice", "内科": "internal_medicine", "预防保健科": "preventive_care",
                   "药剂科": "pharmacy", "检验科": "laboratory_medicine", "院办": "general_office", "中医科": "tcm", "精神科": "psychiatry",
                   "外科": "surgery"}
    rows = []
    for fid, id_number, cat, pc, scope, dept, gp, cert in STAFF:
        rows.append((fid, str(id_number), 2023, categories[cat], practice[pc], scopes[scope], departments[dept],
                     {"1": "是", "2": "否", "": ""}[gp], "是" if cert else ""))
    pl.DataFrame(rows, schema=["facility_id", "id_number", "year", "category", "practice_category", "practice_scopes",
                               "department", "gp_registered", "gp_certificate"], orient="row").write_csv(inbox / "staff.csv")
    return inbox


# --- tests -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_forms(tmp_path_factory) -> Path:
    return build_published(tmp_path_factory.mktemp("real_forms"), write_real_form_inbox)


@pytest.fixture(scope="module")
def tidy(tmp_path_factory) -> Path:
    return build_published(tmp_path_factory.mktemp("tidy"), write_tidy_inbox)


def test_every_file_is_read_with_its_header_row_named(real_forms):
    files = {f: (h, rows, left) for f, h, rows, left in query(
        real_forms, "SELECT file, header_rows, rows, rows_left_out FROM raw.input_files")}
    assert files == {
        "行政区划_2023.csv": ("2", 7, 2),  # title row and the 注 footer are left out
        "population_2023.csv": ("3", 5, 3),  # title, 单位 row, 合计 row
        "2023年许昌市机构名录.xlsx": ("机构名录: 3–4", 11, 5),  # title, 填报单位, 合计, blank, footer
        "Facility_Stats_2023.xlsx": ("卫健统1-1: 3–4", 13, 8),  # title, 单位, 栏次, 小计, 总计, blank, 2 footer lines
        "卫健统2表_许昌_2023.xlsx": ("N02: 2", 16, 1),  # title
    }
    assert query(real_forms, "SELECT ignored_sheets FROM raw.input_files WHERE file = '2023年许昌市机构名录.xlsx'") == [
        ("说明 (缺少 lacks 机构代码 (facility_id), 机构名称 (facility_name), 机构类别 (facility_type), 区划代码 (region_code))",)]
    assert query(real_forms, "SELECT ignored_columns FROM raw.input_files WHERE file = 'Facility_Stats_2023.xlsx'") == [
        ("编制床位(张)",)]  # 编制床位 is the approved number, never the beds


def test_left_out_rows_are_listed_with_their_reason_and_every_row_is_accounted(real_forms):
    left = query(real_forms, "SELECT row_number, reason FROM marts.left_out_rows WHERE file = 'Facility_Stats_2023.xlsx' ORDER BY 1")
    assert left == [(1, "title"), (2, "title"), (5, "column_numbers"), (9, "total"), (12, "total"), (13, "blank"),
                    (14, "footer"), (15, "footer")]
    for source, rows_in in query(real_forms, "SELECT source, sum(rows) FROM raw.input_files GROUP BY 1"):
        staged = query(real_forms, f"SELECT count(*) FROM staging.{source}")[0][0]
        set_aside = query(real_forms, "SELECT count(DISTINCT (file, sheet, row_number)) FROM marts.quarantine "
                                       "WHERE source = ? AND row_set_aside", [source])[0][0]
        left_out = query(real_forms, "SELECT count(*) FROM marts.left_out_rows WHERE source = ?", [source])[0][0]
        assert rows_in == staged + set_aside + left_out, source
    assert query(real_forms, "SELECT count(*) FROM marts.quarantine WHERE row_set_aside") == [(0,)]


def test_cells_are_typed_as_people_type_them(real_forms):
    assert query(real_forms, "SELECT region_code, resident_population FROM staging.population ORDER BY 1") == [
        ("411002", 400000), ("411003", 984200)]
    # bare years: the first day of the year a code came in force, the last day of the year it was retired
    assert query(real_forms, "SELECT region_code, valid_from, valid_to FROM staging.regions WHERE region_code IN ('411003', '411023') ORDER BY 1") == [
        ("411003", __import__("datetime").date(2016, 1, 1), None), ("411023", None, __import__("datetime").date(2016, 12, 31))]
    stats = query(real_forms, "SELECT facility_id, year, beds, ambulances, negative_pressure_ambulances, inpatient_days, "
                               "served_population FROM staging.facility_stats ORDER BY 1")
    assert stats == [
        ("H01", 2023, 800, 10, 4, 299520, None),
        ("H02", 2023, 350, 3, None, 100000, None),
        ("H03", 2023, 200, 2, 1, 60000, None),
        ("H04", 2023, None, 1, 0, None, None),
        ("T01", 2023, 40, 1, 0, 9000, 35000),
    ]
    registry = query(real_forms, "SELECT facility_id, facility_type, grade, ownership, region_code FROM staging.facilities ORDER BY 1")
    assert registry == [
        ("H01", "general_hospital", "3A", "government", "411002"),
        ("H02", "general_hospital", "2A", "government", "411003"),  # the retired county's successor
        ("H03", "tcm_hospital", "2B", "government", "411002"),
        ("H04", "general_hospital", "1", "non_government", "411002"),
        ("T01", "township_health_centre", "ungraded", "government", "411003"),
        ("V01", "village_clinic", None, None, "411003"),
    ]


def test_a_bad_cell_is_set_aside_alone_and_a_plausibility_rule_only_flags(real_forms):
    problems = query(real_forms, "SELECT file, row_number, header, value, rule, outcome FROM marts.quarantine "
                                  "WHERE source = 'facility_stats' ORDER BY row_number")
    assert problems == [
        ("Facility_Stats_2023.xlsx", 6, "实际占用总床日数", None, "inpatient_days_within_capacity", "flag"),
        ("Facility_Stats_2023.xlsx", 10, "床位/实有床位(张)", "-5", "range", "cell"),  # the group over the column
    ]
    # the 102 %-occupancy hospital keeps its 800 beds and 10 ambulances in every indicator; H04 its ambulance
    assert query(real_forms, "SELECT numerator, denominator FROM marts.indicator_values WHERE indicator_code = 'beds_per_1k' "
                              "AND region_code = '411002' AND year = 2023") == [(1000.0, 400000.0)]  # 800 + 200, H04 has no beds
    assert query(real_forms, "SELECT numerator FROM marts.indicator_values WHERE indicator_code = 'ambulances_per_30k' "
                              "AND region_code = '411002' AND year = 2023") == [(13.0,)]  # 10 + 2 + 1


def test_the_retired_county_rolls_up_under_its_successor(real_forms):
    rows = query(real_forms, "SELECT region_code, numerator, denominator, round(value, 6) FROM marts.indicator_values "
                              "WHERE indicator_code = 'beds_per_1k' AND year = 2023 ORDER BY 1")
    assert rows == [
        ("411000", 1390.0, 1384200.0, round(1390 / 1384200 * 1000, 6)),  # 1,000 + 390 over 400,000 + 984,200
        ("411002", 1000.0, 400000.0, 2.5),
        ("411003", 390.0, 984200.0, round(390 / 984200 * 1000, 6)),  # 建安区 H02 (filed under 411023) 350 + T01 40
    ]


def test_the_national_staff_definitions(real_forms):
    measures = dict(query(real_forms, "SELECT measure, value FROM staging.facility_measures WHERE facility_id = 'T01' AND year = 2023"))
    assert {m: measures[m] for m in ("staff_total", "health_technicians", "physicians", "gps", "nurses", "pharmacists",
                                     "technicians", "public_health_staff", "public_health_physicians", "tcm_physicians")} == {
        "staff_total": 10, "health_technicians": 9,  # all but the manager
        "physicians": 5,  # four 11 执业医师 and one 12 执业助理医师
        "gps": 3,  # by scope, among two scopes, by certificate only — each once
        "nurses": 2, "pharmacists": 1, "technicians": 1,
        "public_health_staff": 2,  # the 公共卫生 physician and the nurse of 预防保健科
        "public_health_physicians": 1, "tcm_physicians": 1,
    }
    assert query(real_forms, "SELECT numerator, denominator, value FROM marts.facility_indicators WHERE facility_id = 'T01' "
                              "AND indicator_code = 'public_health_staff_pct'") == [(2.0, 9.0, 2 / 9 * 100)]
    h01 = dict(query(real_forms, "SELECT measure, value FROM staging.facility_measures WHERE facility_id = 'H01' AND year = 2023"))
    # psychiatrist by scope 17, psychiatric nurse by department; the trainee counts as a health technician, not a
    # physician; the 护工 of unknown category stays on the roll; the damaged ID number is still one person
    assert {m: h01[m] for m in ("staff_total", "physicians", "health_technicians", "psychiatrists", "psychiatric_nurses")} == {
        "staff_total": 5, "physicians": 2, "health_technicians": 4, "psychiatrists": 1, "psychiatric_nurses": 1}


def test_an_id_number_damaged_by_excel_is_named_in_chinese_and_never_stored(real_forms):
    [(header, value, rule, outcome, reason, fix)] = query(
        real_forms, "SELECT header, value, rule, outcome, reason, fix FROM marts.quarantine WHERE source = 'staff' AND \"column\" = 'id_number'")
    assert (header, value, rule, outcome) == ("身份证件号码", None, "id_damaged", "flag")
    assert reason.startswith("第17行 身份证件号码 像是被 Excel 损坏的身份证件号码")
    assert "文本" in fix and "Text" in fix
    assert query(real_forms, "SELECT count(*) FROM staging.staff WHERE person_key LIKE 'row:%'") == [(1,)]
    receipt = (real_forms.parent / "receipts" / "卫健统2表_许昌_2023.xlsx.csv").read_text(encoding="utf-8-sig")
    assert "像是被 Excel 损坏的身份证件号码" in receipt and "410102198002051" not in receipt


def test_no_name_or_id_number_reaches_any_table(real_forms):
    forbidden = [str(i) for _, i, *_ in STAFF] + [f"职工{i}" for i in range(len(STAFF))] + ["王某某", "李某某"]
    with duckdb.connect(str(real_forms), read_only=True) as con:
        columns = con.execute("SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE data_type = 'VARCHAR'").fetchall()
        for schema, table, column in columns:
            hits = con.execute(f'SELECT count(*) FROM "{schema}"."{table}" WHERE ' +
                               " OR ".join(f'contains("{column}", ?)' for _ in forbidden), forbidden).fetchall()[0][0]
            assert hits == 0, f"{schema}.{table}.{column} holds a name or an ID number"


def test_tidy_csv_and_real_form_xlsx_give_identical_marts(real_forms, tidy):
    for table, key in (("indicator_values", "indicator_code, region_code, year"),
                       ("facility_indicators", "indicator_code, facility_id, year"),
                       ("norm_results", "norm_id, unit_code, year")):
        sql = f"SELECT * EXCLUDE (run_id) FROM marts.{table} ORDER BY {key}" if table == "" else f"SELECT * FROM marts.{table} ORDER BY ALL"
        assert query(real_forms, sql) == query(tidy, sql), table


def test_receipts_open_in_excel_with_chinese_intact(real_forms):
    receipts = real_forms.parent / "receipts"
    read = [f for (f,) in query(real_forms, "SELECT file FROM raw.input_files")]
    assert sorted(p.name for p in receipts.iterdir()) == sorted(f"{f}.csv" for f in [*read, "会议纪要.docx"])
    unmatched = (receipts / "会议纪要.docx.csv").read_text(encoding="utf-8-sig")
    assert "文件名不对应任何数据源，未读取" in unmatched and "matches no source" in unmatched
    data = (receipts / "Facility_Stats_2023.xlsx.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines()))
    assert {(r["行号 row"], r["处理 outcome"]) for r in rows} >= {("10", "该单元格未采用（本行其他数据照常使用） cell set aside (the row's other figures are used)"),
                                                             ("9", "非数据行，未计入 left out as not data")}
