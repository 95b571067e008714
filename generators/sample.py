"""The sample inputs (样例数据): the five plan jurisdictions, written as statisticians send them.

Deterministic: a fixed seed and no clock, so the same bytes every time. Real county-level codes come from
data/reference/regions_gbt2260.csv; townships, villages, facilities, people and figures are made up, in the
right code formats, calibrated so that some norms are met and some are not. What is made where:

- regions_2024.csv        UTF-8, English headers; includes the retired 许昌县 411023 (→ 建安区 411003)
- population_*.csv        GBK, Chinese headers; 2019–2020 建安区 figures still filed under 411023;
                          two counties give only township figures
- facilities_<city>.xlsx  XLSX, Chinese headers; some 建安区 facilities still filed under 411023.
                          许昌's is a registry saved from Excel: title and 填报单位 rows, a two-row header with
                          医院等级 as 级 + 等, WS 218 class codes and labels mixed, 设置/主办单位, a 合计 row, a footer
- facility_stats_2019_2023.csv  GBK, Chinese headers, 是/否
- facility_stats_2024.xlsx      the annual report as a report: one sheet per prefecture, title with the year
                          (no year column), unit row, two-row merged headers with units, 栏次 row, 合计 row,
                          footer, and a 填表说明 sheet that is not data
- staff_<year>.csv        UTF-8; odd years as the workforce form (卫健统2表) exports them: a title with the year,
                          从事专业类别代码, 医师执业类别代码, 医师执业范围代码, 科室, ID numbers and names; even years
                          English headers, staff ids and a one-word specialty
- public_health.xlsx      XLSX, Chinese headers: maternal and infant deaths per live births, by county
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import polars as pl

from generators.builders import (
    BANDWIDTHS_MBPS, PRIMARY_CARE, SURNAMES, WORKFORCE_FORM_HEADER, WORKFORCE_FORM_TITLE, fresh_folder, id_number, names,
    reference_regions, workforce_form_fields,
)
from pipelines.settings import SAMPLE_DIR

SEED = 20231106
YEARS = tuple(range(2019, 2025))
JURISDICTIONS = {"411000": "xuchang", "440600": "foshan", "321000": "yangzhou", "420500": "yichang", "450700": "qinzhou"}
ONLY_COUNTIES = {"440600": {"440608"}}  # of 佛山市 only 高明区 is a plan jurisdiction
RETIRED, SUCCESSOR = "411023", "411003"
TOWNSHIP_ONLY_POPULATION = {"321023", "450722"}  # 宝应县, 浦北县: the county figure is not filed
PUBLIC_HEALTH_INDICATORS = ("maternal_mortality_per_100k", "infant_mortality_per_mille")


def _name(rng: np.random.Generator, suffix: str) -> str:
    """One made-up name: the sample draws them one at a time, in the order of its loops."""
    return str(names(rng, 1, suffix)[0])


def _counties(regions: pl.DataFrame) -> list[str]:
    """The codes of the county-level divisions in force (许昌县 411023 is retired)."""
    return regions.filter((pl.col("level") == "county") & pl.col("replaced_by").is_null())["region_code"].to_list()


def build_regions(rng: np.random.Generator) -> pl.DataFrame:
    reference = reference_regions("regions_gbt2260.csv")
    keep = reference.filter(
        pl.col("parent_code").is_null()
        | pl.col("region_code").is_in(list(JURISDICTIONS))
        | (pl.col("parent_code").is_in(list(JURISDICTIONS)) & ~pl.col("parent_code").is_in(list(ONLY_COUNTIES)))
        | pl.col("region_code").is_in([c for codes in ONLY_COUNTIES.values() for c in codes])
    )
    provinces = {code[:2] for code in JURISDICTIONS}
    keep = keep.filter(pl.col("level") != "province").vstack(
        keep.filter((pl.col("level") == "province") & pl.col("region_code").str.slice(0, 2).is_in(list(provinces)))
    )
    rows = []
    for county in sorted(_counties(keep)):
        for t in range(1, int(rng.integers(8, 15)) + 1):
            # Half of 建安区's townships still carry the codes of the retired 许昌县.
            parent = RETIRED if county == SUCCESSOR and t % 2 == 0 else county
            township = f"{parent}{t:03d}"
            street = t <= 2 and county != SUCCESSOR
            rows.append((township, _name(rng, "街道" if street else "镇"), "township", parent))
            for v in range(1, int(rng.integers(5, 16)) + 1):
                rows.append((f"{township}{v:03d}", _name(rng, "社区" if street else "村"), "village", township))
    made_up = pl.DataFrame(rows, schema=["region_code", "region_name", "level", "parent_code"], orient="row")
    return pl.concat([keep, made_up], how="diagonal").sort("region_code")


def build_population(rng: np.random.Generator, regions: pl.DataFrame) -> pl.DataFrame:
    townships = regions.filter(pl.col("level") == "township")
    rows = []
    for county in _counties(regions):
        own = townships.filter(pl.col("parent_code").is_in([county, RETIRED] if county == SUCCESSOR else [county]))
        total = 450_000 if county == "440608" else int(rng.integers(250_000, 1_250_000))
        shares = rng.dirichlet(np.full(own.height, 4.0))
        for year in YEARS:
            size = int(total * (1 + 0.004 * (year - YEARS[0])))
            births = int(size * rng.uniform(0.0065, 0.0095))
            older = int(size * rng.uniform(0.12, 0.18))
            filed_as = RETIRED if county == SUCCESSOR and year <= 2020 else county
            if county not in TOWNSHIP_ONLY_POPULATION:
                rows.append((filed_as, year, size, older, births))
            for township, share in zip(own["region_code"], shares):
                rows.append((township, year, int(size * share), int(older * share), int(births * share)))
    return pl.DataFrame(rows, schema=["区划代码", "年份", "常住人口", "65岁及以上人口", "活产数"], orient="row")


FACILITY_COLUMNS = ["机构代码", "机构名称", "机构类别", "医院等级", "举办主体", "区划代码"]


def build_facilities(rng: np.random.Generator, regions: pl.DataFrame, population: pl.DataFrame) -> pl.DataFrame:
    rows = []
    latest = dict(population.filter(pl.col("年份") == YEARS[-1]).select("区划代码", "常住人口").iter_rows())
    county_names = dict(regions.select("region_code", "region_name").iter_rows())
    counties = _counties(regions)
    townships = regions.filter(pl.col("level") == "township")
    villages = regions.filter(pl.col("level") == "village")

    def add(region: str, kind: str, name: str, grade: str = "", ownership: str = "政府办") -> None:
        rows.append((f"F{region}{len(rows):05d}", name, kind, grade, ownership, region))

    for county in sorted(counties):
        name = county_names[county]
        filed = RETIRED if county == SUCCESSOR else county  # the registry has not caught up with 2017
        for h in range(int(rng.integers(2, 5))):
            add(filed if h == 0 else county, "综合医院", f"{name}第{h + 1}人民医院", ["三级甲等", "二级甲等", "二级乙等", "一级甲等"][min(h, 3)])
        add(county, "中医医院", f"{name}中医院", "二级甲等")
        add(county, "妇幼保健院", f"{name}妇幼保健院", "二级甲等")
        add(county, "疾病预防控制中心", f"{name}疾病预防控制中心", "未定级")
        if rng.random() < 0.85:
            add(county, "急救中心", f"{name}急救中心", "未定级")
        population_of = latest.get(county) or sum(
            v for k, v in latest.items() if len(k) == 9 and k[:6] in (county, RETIRED if county == SUCCESSOR else county)
        )
        if population_of > 500_000 and rng.random() < 0.5:
            add(county, "精神病医院", f"{name}精神卫生中心", "二级甲等")
    for i, (township, tname, parent) in enumerate(townships.select("region_code", "region_name", "parent_code").iter_rows()):
        street = tname.endswith("街道")
        kind = "社区卫生服务中心" if street else "乡镇卫生院"
        if i % 97 == 13:
            continue  # a township without a government-run centre
        add(township, kind, f"{tname}{'社区卫生服务中心' if street else '卫生院'}", "一级甲等", "社会办" if i % 89 == 7 else "政府办")
        for c in range(int(rng.integers(1, 5))):
            add(township, "诊所", f"{tname}{_name(rng, '诊所')}", "", "社会办")
        if street:
            add(township, "社区卫生服务站", f"{tname}社区卫生服务站", "", "政府办")
    for village, vname in villages.select("region_code", "region_name").iter_rows():
        if rng.random() < 0.94:
            add(village, "村卫生室", f"{vname}卫生室", "", "政府办" if rng.random() < 0.7 else "社会办")
    return pl.DataFrame(rows, schema=FACILITY_COLUMNS, orient="row")


# Staff per facility: (category, specialty, how many) by facility type; `beds` scales hospitals.
BEDS = {"综合医院": (150, 900), "中医医院": (100, 400), "妇幼保健院": (50, 200), "精神病医院": (120, 400),
        "乡镇卫生院": (20, 90), "社区卫生服务中心": (0, 40)}


def build_stats_and_staff(rng: np.random.Generator, facilities: pl.DataFrame):
    stats, people = [], []
    for fid, _, kind, _, _, region in facilities.iter_rows():
        low, high = BEDS.get(kind, (0, 0))
        beds = int(rng.integers(low, high + 1)) if high else 0
        ambulances = {"急救中心": int(rng.integers(6, 30)), "综合医院": int(rng.integers(1, 6)), "乡镇卫生院": int(rng.integers(0, 3))}.get(kind, 0)
        negative_share = rng.uniform(0.15, 0.65)
        served = int(rng.integers(30_000, 120_000)) if kind in PRIMARY_CARE else None
        growth = rng.uniform(0.0, 0.05)
        for k, year in enumerate(YEARS):
            factor = (1 + growth) ** k
            b = int(beds * factor)
            a = int(round(ambulances * (0.8 + 0.05 * k)))
            stats.append((
                fid, year, b, int(b * rng.uniform(0.05, 0.3)) if kind == "中医医院" or rng.random() < 0.3 else 0,
                a, int(a * negative_share), int(rng.integers(0, 4)), round(rng.uniform(200, 60 * max(b, 10)), 1),
                served, "是" if rng.random() < 0.6 else "否", "是" if rng.random() < 0.4 else "否",
                float(rng.choice(BANDWIDTHS_MBPS)), int(b * rng.uniform(20, 40)), int(b * rng.uniform(250, 330)),
            ))
        people += _staff_of(rng, fid, kind, beds)
    stat_columns = ["机构代码", "年份", "床位数", "中医床位数", "救护车数", "负压救护车数", "AED数", "业务用房面积", "服务人口",
                    "是否设置中医馆", "是否设置老年医学科", "网络带宽", "出院人数", "实际占用总床日数"]
    return pl.DataFrame(stats, schema=stat_columns, orient="row", infer_schema_length=None), people


def _staff_of(rng: np.random.Generator, fid: str, kind: str, beds: int) -> list[tuple]:
    """A facility's people: (facility_id, category, specialty, first year, last year)."""
    if kind in ("综合医院", "中医医院", "妇幼保健院", "精神病医院"):
        plan = [("执业医师", 0.5), ("执业助理医师", 0.06), ("注册护士", 0.72), ("药师", 0.05), ("技师", 0.07), ("管理人员", 0.04), ("工勤技能人员", 0.05)]
        counts = [(c, int(beds * share * rng.uniform(0.85, 1.2))) for c, share in plan]
    elif kind in PRIMARY_CARE:
        size = int(rng.integers(25, 90))
        public_health = rng.uniform(0.12, 0.34)
        counts = [("执业医师", int(size * 0.28)), ("执业助理医师", int(size * 0.08)), ("注册护士", int(size * 0.25)),
                  ("其他卫生技术人员", int(size * public_health)), ("药师", 2), ("管理人员", 2), ("工勤技能人员", 2)]
    elif kind == "村卫生室":
        counts = [("执业助理医师", int(rng.integers(0, 2))), ("其他卫生技术人员", int(rng.integers(1, 3)))]
    elif kind == "疾病预防控制中心":
        counts = [("执业医师", int(rng.integers(10, 30))), ("其他卫生技术人员", int(rng.integers(20, 60))), ("管理人员", 5)]
    elif kind == "急救中心":
        counts = [("执业医师", int(rng.integers(15, 40))), ("注册护士", int(rng.integers(15, 40))), ("工勤技能人员", int(rng.integers(10, 30)))]
    else:
        counts = [("执业医师", int(rng.integers(1, 4))), ("注册护士", int(rng.integers(0, 3)))]
    people = []
    for category, n in counts:
        for _ in range(n):
            specialty = _specialty(rng, kind, category)
            start = int(rng.choice(YEARS, p=[0.7] + [0.06] * (len(YEARS) - 1)))
            end = int(rng.choice(YEARS, p=[0.06] * (len(YEARS) - 1) + [0.7]))
            people.append((fid, category, specialty, min(start, end), max(start, end)))
    return people


def _specialty(rng: np.random.Generator, kind: str, category: str) -> str:
    if category == "注册护士":
        return "护理"
    if category == "其他卫生技术人员":
        return "公共卫生" if kind in (*PRIMARY_CARE, "疾病预防控制中心") else "其他"
    if category not in ("执业医师", "执业助理医师"):
        return ""
    choices = {
        "乡镇卫生院": (["全科医学", "中医", "内科", "公共卫生"], [0.45, 0.2, 0.25, 0.1]),
        "社区卫生服务中心": (["全科医学", "中医", "内科", "公共卫生"], [0.5, 0.2, 0.2, 0.1]),
        "村卫生室": (["全科医学", "中医"], [0.6, 0.4]),
        "中医医院": (["中医", "内科", "外科"], [0.7, 0.15, 0.15]),
        "精神病医院": (["精神科", "内科"], [0.85, 0.15]),
        "妇幼保健院": (["妇产科", "儿科"], [0.6, 0.4]),
        "急救中心": (["急诊医学"], [1.0]),
        "疾病预防控制中心": (["公共卫生"], [1.0]),
    }.get(kind, (["内科", "外科", "妇产科", "儿科", "全科医学", "中医", "急诊医学"], [0.3, 0.25, 0.1, 0.1, 0.1, 0.1, 0.05]))
    return str(rng.choice(choices[0], p=choices[1]))


def _id_body(rng: np.random.Generator, region: str) -> str:
    """The 17 digits of a made-up ID number: the county, a birth date, a sequence number."""
    return f"{region[:6]}{int(rng.integers(1960, 2000))}{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}{int(rng.integers(0, 1000)):03d}"


def build_public_health(rng: np.random.Generator, population: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    counties = _counties(regions)
    births = population.with_columns(pl.col("区划代码").str.slice(0, 6).replace(RETIRED, SUCCESSOR).alias("county"))
    births = births.filter(pl.col("区划代码").str.len_chars() == 9).group_by("county", "年份").agg(pl.col("活产数").sum())
    rows = []
    for county, year, live in births.sort("county", "年份").iter_rows():
        if county not in counties:
            continue
        rows.append((county, year, "maternal_mortality_per_100k", int(rng.poisson(live * 12 / 100_000)), live, "妇幼卫生年报"))
        rows.append((county, year, "infant_mortality_per_mille", int(rng.poisson(live * 4.5 / 1000)), live, "妇幼卫生年报"))
    return pl.DataFrame(rows, schema=["区划代码", "年份", "指标代码", "分子", "分母", "数据来源"], orient="row")


def _write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    """XLSX with fixed zip timestamps, so the same data gives the same bytes."""
    buffer = io.BytesIO()
    frame.write_excel(buffer, worksheet="Sheet1", autofit=False)
    _write_deterministic(buffer, path)


def _write_deterministic(buffer: io.BytesIO, path: Path) -> None:
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in sorted(source.infolist(), key=lambda i: i.filename):
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _fixed_core_properties(data)
            target.writestr(zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def _fixed_core_properties(data: bytes) -> bytes:
    import re

    return re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*<", rb"<dcterms:\1\2>2024-01-01T00:00:00Z<", data)


def _write_gbk(frame: pl.DataFrame, path: Path) -> None:
    path.write_bytes(frame.write_csv().encode("gbk"))


def generate(out_dir: Path = SAMPLE_DIR) -> dict[str, int]:
    rng = np.random.default_rng(SEED)
    fresh_folder(out_dir, (".csv", ".xlsx", ".parquet"))
    regions = build_regions(rng)
    population = build_population(rng, regions)
    facilities = build_facilities(rng, regions, population)
    stats, people = build_stats_and_staff(rng, facilities)
    public_health = build_public_health(rng, population, regions)

    regions.select("region_code", "region_name", "level", "parent_code", "valid_from", "valid_to", "replaced_by").write_csv(out_dir / "regions_2024.csv")
    _write_gbk(population, out_dir / "population_2019_2024.csv")
    for prefecture, name in JURISDICTIONS.items():
        prefix = prefecture[:4]
        mine = facilities.filter(pl.col("区划代码").str.starts_with(prefix))
        if name == "xuchang":
            _write_registry_report(mine, out_dir / f"facilities_{name}.xlsx")
        else:
            _write_xlsx(mine, out_dir / f"facilities_{name}.xlsx")
    _write_gbk(stats.filter(pl.col("年份") < YEARS[-1]), out_dir / f"facility_stats_{YEARS[0]}_{YEARS[-2]}.csv")
    _write_stats_report(stats.filter(pl.col("年份") == YEARS[-1]), facilities, regions, out_dir / f"facility_stats_{YEARS[-1]}.xlsx")
    _write_xlsx(public_health, out_dir / "public_health.xlsx")
    staff_rows = _write_staff(rng, people, facilities, out_dir)
    return {
        "regions": regions.height, "population": population.height, "facilities": facilities.height,
        "facility_stats": stats.height, "staff": staff_rows, "public_health": public_health.height,
    }


def _write_staff(rng: np.random.Generator, people: list[tuple], facilities: pl.DataFrame, out_dir: Path) -> int:
    region_of = dict(facilities.select("机构代码", "区划代码").iter_rows())
    # Person by person, ID digits then name: the order of the draws is what makes the bytes. The sample's
    # surnames are the ten commonest.
    drawn = [(_id_body(rng, region_of[fid]), str(rng.choice(SURNAMES[:10], 1)[0]) + _name(rng, "")) for fid, *_ in people]
    ids = pl.DataFrame({"body": [body for body, _ in drawn]}, schema={"body": pl.String}).select(id_number(pl.col("body")))
    persons = [(f"P{i:07d}", idn, name, fid, cat, spec, start, end)
               for i, (idn, (_, name), (fid, cat, spec, start, end)) in enumerate(zip(ids.to_series(), drawn, people))]
    total = 0
    for year in YEARS:
        rows = [p for p in persons if p[6] <= year <= p[7]]
        total += len(rows)
        with (out_dir / f"staff_{year}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            if year % 2:  # odd years: the workforce form's export (卫健统2表), with ID numbers and names
                writer.writerow([WORKFORCE_FORM_TITLE.format(year=year)])
                writer.writerow(WORKFORCE_FORM_HEADER)
                writer.writerows((fid, name, idn, *workforce_form_fields(cat, spec)) for _, idn, name, fid, cat, spec, _, _ in rows)
            else:
                writer.writerow(["staff_id", "facility_id", "year", "category", "specialty"])
                writer.writerows((sid, fid, year, cat, spec) for sid, _, _, fid, cat, spec, _, _ in rows)
    return total


# --- the real shapes of the forms ------------------------------------------------------------------------
# The same people and facilities as the tidy files, written as the survey forms have them (the workforce
# form's fields: generators/builders.py, workforce_form_fields).
WS218 = {"综合医院": "A100", "中医医院": "A210", "妇幼保健院": "G100", "精神病医院": "A520", "乡镇卫生院": "C210",
         "社区卫生服务中心": "B100", "社区卫生服务站": "B200", "村卫生室": "D600", "急救中心": "E100",
         "疾病预防控制中心": "J100", "诊所": "D211"}
SPONSORS = {"政府办": "卫生健康行政部门", "社会办": "企业"}
GRADE_FIELDS = {"三级甲等": ("三级", "甲等"), "二级甲等": ("二级", "甲等"), "二级乙等": ("二级", "乙等"),
                "一级甲等": ("一级", "甲等"), "未定级": ("未定级", ""), "": ("", "")}


def _report_header(sheet, row: int, header: list) -> int:
    """Write a two-row header: a plain label spans both rows, a (group, [labels]) pair spans its columns."""
    col = 0
    for item in header:
        if isinstance(item, tuple):
            group, labels = item
            sheet.merge_range(row, col, row, col + len(labels) - 1, group)
            sheet.write_row(row + 1, col, labels)
            col += len(labels)
        else:
            sheet.merge_range(row, col, row + 1, col, item)
            col += 1
    return col


def _write_registry_report(facilities: pl.DataFrame, path: Path) -> None:
    """The registry as a commission saves it from Excel (机构名录): WS 218 codes on odd rows, labels on even."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("机构名录")
    sheet.write(0, 0, f"许昌市医疗卫生机构名录（{YEARS[-1]}年）")
    sheet.write(1, 0, "填报单位：许昌市卫生健康委员会")
    _report_header(sheet, 2, ["序号", "机构名称", "组织机构代码", "卫生机构类别代码", "设置/主办单位", ("医院等级", ["级", "等"]), "行政区划代码"])
    for i, (fid, name, kind, grade, owner, region) in enumerate(facilities.iter_rows()):
        level, klass = GRADE_FIELDS[grade]
        sheet.write_row(4 + i, 0, [i + 1, name, fid, WS218[kind] if i % 2 else kind, SPONSORS[owner], level, klass])
        sheet.write_number(4 + i, 7, int(region))  # Excel keeps a region code as a number
    end = 4 + facilities.height
    sheet.write_row(end, 0, ["合计", f"{facilities.height}家"])
    sheet.write(end + 2, 0, "单位负责人：（签章）    填表人：（签名）    报出日期：2025年1月15日")
    book.close()
    _write_deterministic(buffer, path)


def _write_stats_report(stats: pl.DataFrame, facilities: pl.DataFrame, regions: pl.DataFrame, path: Path) -> None:
    """The year's annual report (卫健统1表 汇总) as a workbook: one sheet per prefecture, the year in the title."""
    import xlsxwriter

    names = dict(regions.select("region_code", "region_name").iter_rows())
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = ["机构代码", ("床位", ["实有床位(张)", "其中:中医类床位数(张)"]), ("救护车", ["救护车(辆)", "其中:负压救护车(辆)"]),
              "AED数(台)", "建筑面积业务用房面积(平方米)", "服务人口数(人)", "是否设置中医馆", "是否设置老年医学科", "网络带宽(Mbps)",
              "出院人数(人)", "实际占用总床日数"]
    prefecture_of = dict(facilities.select("机构代码", pl.col("区划代码").str.slice(0, 4)).iter_rows())
    for prefecture in JURISDICTIONS:
        rows = stats.filter(pl.col("机构代码").replace_strict(prefecture_of, default="") == prefecture[:4])
        sheet = book.add_worksheet(names[prefecture])
        sheet.write(0, 0, f"{names[prefecture]}医疗卫生机构年报（{YEARS[-1]}年）")
        sheet.write(1, 0, "单位：张、辆、台、平方米、人、床日")
        width = _report_header(sheet, 2, header)
        sheet.write_row(4, 0, ["甲", *(str(k) for k in range(1, width))])
        for i, row in enumerate(rows.drop("年份").iter_rows()):
            fid, *figures = row
            # thousands separators as typed, "—" where nothing is reported
            cells = [f"{v:,}" if isinstance(v, int) and v >= 1000 else ("—" if v is None else v) for v in figures]
            sheet.write_row(5 + i, 0, [fid, *cells])
        end = 5 + rows.height
        sheet.write_row(end, 0, ["合计", int(rows["床位数"].sum())])
        sheet.write(end + 2, 0, "注：实有床位含加床超过半年的床位；负压救护车为救护车中的一部分。")
    book.add_worksheet("填表说明").write(0, 0, "本表由各级卫生健康行政部门汇总报送。")
    book.close()
    _write_deterministic(buffer, path)


def main() -> None:
    print(generate())


if __name__ == "__main__":
    main()
