"""The sample inputs (样例数据): the five plan jurisdictions, written as statisticians send them.

Deterministic: a fixed seed and no clock, so the same bytes every time. Real county-level codes come from
data/reference/regions_gbt2260.csv; townships, villages, facilities, people and figures are made up, in the
right code formats, calibrated so that some norms are met and some are not. What is made where:

- regions_2024.csv        UTF-8, English headers; includes the retired 许昌县 411023 (→ 建安区 411003)
- population_*.csv        GBK, Chinese headers; 2019–2020 建安区 figures still filed under 411023;
                          two counties give only township figures
- facilities_<city>.xlsx  XLSX, Chinese headers; some 建安区 facilities still filed under 411023
- facility_stats_*.csv    GBK, Chinese headers, 是/否
- staff_<year>.csv        UTF-8; Chinese headers and ID numbers (身份证号, 姓名) in odd years, English
                          headers and staff ids in even years
- public_health.xlsx      XLSX, Chinese headers: maternal and infant deaths per live births, by county
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.settings import REFERENCE_DIR, SAMPLE_DIR

SEED = 20231106
YEARS = tuple(range(2019, 2025))
JURISDICTIONS = {"411000": "xuchang", "440600": "foshan", "321000": "yangzhou", "420500": "yichang", "450700": "qinzhou"}
ONLY_COUNTIES = {"440600": {"440608"}}  # of 佛山市 only 高明区 is a plan jurisdiction
RETIRED, SUCCESSOR = "411023", "411003"
TOWNSHIP_ONLY_POPULATION = {"321023", "450722"}  # 宝应县, 浦北县: the county figure is not filed
SYLLABLES = list("东西南北新长安和平兴石河桥山湖龙凤清白青金马柳杨桃李花溪塘岭岗坪")
PUBLIC_HEALTH_INDICATORS = ("maternal_mortality_per_100k", "infant_mortality_per_mille")


def _name(rng: np.random.Generator, suffix: str) -> str:
    return "".join(rng.choice(SYLLABLES, 2)) + suffix


def build_regions(rng: np.random.Generator) -> pl.DataFrame:
    reference = pl.read_csv(REFERENCE_DIR / "regions_gbt2260.csv", infer_schema=False)
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
    counties = keep.filter((pl.col("level") == "county") & pl.col("replaced_by").is_null())["region_code"].to_list()
    for county in sorted(counties):
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
    for county in regions.filter((pl.col("level") == "county") & pl.col("replaced_by").is_null())["region_code"]:
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
    counties = regions.filter((pl.col("level") == "county") & pl.col("replaced_by").is_null())["region_code"].to_list()
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
        served = int(rng.integers(30_000, 120_000)) if kind in ("社区卫生服务中心", "乡镇卫生院") else None
        growth = rng.uniform(0.0, 0.05)
        for k, year in enumerate(YEARS):
            factor = (1 + growth) ** k
            b = int(beds * factor)
            a = int(round(ambulances * (0.8 + 0.05 * k)))
            stats.append((
                fid, year, b, int(b * rng.uniform(0.05, 0.3)) if kind == "中医医院" or rng.random() < 0.3 else 0,
                a, int(a * negative_share), int(rng.integers(0, 4)), round(rng.uniform(200, 60 * max(b, 10)), 1),
                served, "是" if rng.random() < 0.6 else "否", "是" if rng.random() < 0.4 else "否",
                float(rng.choice([20, 50, 100, 200, 500, 1000])), int(b * rng.uniform(20, 40)), int(b * rng.uniform(250, 330)),
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
    elif kind in ("乡镇卫生院", "社区卫生服务中心"):
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
        return "公共卫生" if kind in ("乡镇卫生院", "社区卫生服务中心", "疾病预防控制中心") else "其他"
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


def _id_number(rng: np.random.Generator, region: str) -> str:
    body = f"{region[:6]}{int(rng.integers(1960, 2000))}{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}{int(rng.integers(0, 1000)):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def build_public_health(rng: np.random.Generator, population: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    counties = regions.filter((pl.col("level") == "county") & pl.col("replaced_by").is_null())["region_code"].to_list()
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
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*"):
        if old.suffix in (".csv", ".xlsx", ".parquet"):
            old.unlink()
    regions = build_regions(rng)
    population = build_population(rng, regions)
    facilities = build_facilities(rng, regions, population)
    stats, people = build_stats_and_staff(rng, facilities)
    public_health = build_public_health(rng, population, regions)

    regions.select("region_code", "region_name", "level", "parent_code", "valid_from", "valid_to", "replaced_by").write_csv(out_dir / "regions_2024.csv")
    _write_gbk(population, out_dir / "population_2019_2024.csv")
    for prefecture, name in JURISDICTIONS.items():
        prefix = prefecture[:4]
        _write_xlsx(facilities.filter(pl.col("区划代码").str.starts_with(prefix)), out_dir / f"facilities_{name}.xlsx")
    _write_gbk(stats, out_dir / "facility_stats_2019_2024.csv")
    _write_xlsx(public_health, out_dir / "public_health.xlsx")
    staff_rows = _write_staff(rng, people, facilities, out_dir)
    return {
        "regions": regions.height, "population": population.height, "facilities": facilities.height,
        "facility_stats": stats.height, "staff": staff_rows, "public_health": public_health.height,
    }


def _write_staff(rng: np.random.Generator, people: list[tuple], facilities: pl.DataFrame, out_dir: Path) -> int:
    region_of = dict(facilities.select("机构代码", "区划代码").iter_rows())
    persons = [(f"P{i:07d}", _id_number(rng, region_of[fid]), "".join(rng.choice(list("王李张刘陈杨黄赵吴周"), 1)) + "".join(rng.choice(SYLLABLES, 2)), fid, cat, spec, start, end)
               for i, (fid, cat, spec, start, end) in enumerate(people)]
    total = 0
    for year in YEARS:
        rows = [p for p in persons if p[6] <= year <= p[7]]
        total += len(rows)
        with (out_dir / f"staff_{year}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            if year % 2:  # odd years: the personnel office's export, with ID numbers and names
                writer.writerow(["身份证号", "姓名", "机构代码", "年份", "人员类别", "执业范围"])
                writer.writerows((idn, name, fid, year, cat, spec) for _, idn, name, fid, cat, spec, _, _ in rows)
            else:
                writer.writerow(["staff_id", "facility_id", "year", "category", "specialty"])
                writer.writerows((sid, fid, year, cat, spec) for sid, _, _, fid, cat, spec, _, _ in rows)
    return total


def main() -> None:
    print(generate())


if __name__ == "__main__":
    main()
