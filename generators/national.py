"""National-scale inputs (全国规模数据) for the benchmark: the whole country, in the input contract's formats.

Deterministic (fixed seed, no clock). At scale 1.0 it writes every real county-level division of
data/reference/regions_national.csv (2,846, GB/T 2260 as at 2024-12-31) with made-up townships (9-digit
codes, ~13 per county, ~37,000) and villages (12-digit, ~13 per township, ~480,000) below them, about 1.07
million facilities in the national mix of 2023 (582,000 village clinics), about 15.2 million staff records
and 10 years of population and public-health statistics. A scale below 1 keeps every n-th county (n = 1/scale)
with everything under it, so the volume is proportional to the scale.

Files are written per prefecture (the unit a statistician sends), as CSV with Chinese headers; staff rolls carry
ID numbers and names, which the pipeline hashes and drops. Every other prefecture sends its staff roll as the
workforce form (卫健统2表) exports it, with the form's codes and the year in a title row: the benchmark times
the real forms' path too, not only tidy exports. All are UTF-8, unlike the sample's GBK files: the
benchmark's floor is DuckDB reading the same files, and DuckDB reads GBK only through its encodings extension,
which cannot be installed offline. GBK is covered by the sample and the tests. The registry, the facility
reports and the staff rolls are for the latest year; population and public health cover ten years.
The mix below is calibrated on 中国卫生健康统计年鉴 2024 (2023 figures); see docs/performance.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from generators.builders import (
    BANDWIDTHS_MBPS, PRIMARY_CARE, SURNAMES, SYLLABLES, fresh_folder, id_number, names, reference_regions,
    WORKFORCE_FORM_HEADER, WORKFORCE_FORM_TITLE, workforce_form_fields,
)

SEED = 20240101
YEARS = tuple(range(2014, 2024))
LATEST = YEARS[-1]

# Facilities per county (Poisson means) by type, as filed in Chinese: 2023 national counts / 2,846 counties.
PER_COUNTY = {
    "综合医院": 7.0, "中医医院": 1.7, "专科医院": 3.5, "精神病医院": 0.7, "妇幼保健院": 1.05,
    "疾病预防控制中心": 1.2, "急救中心": 0.3, "采供血机构": 0.2, "社区卫生服务站": 9.0, "其他": 18.0,
}
CLINICS_PER_TOWNSHIP = 8.6       # 诊所、门诊部、医务室: ~320,000
SECOND_VILLAGE_CLINIC = 0.2      # 581,964 village clinics for ~480,000 villages
STREET_SHARE = 0.27              # townships that are 街道 (community health centre) rather than 乡镇 (health centre)
NO_CENTRE_SHARE = 0.02           # townships whose health centre is missing from the registry

# Staff per facility (Poisson means) by type; the total is ~15.2 million at scale 1.0.
STAFF_PER_FACILITY = {
    "综合医院": 380, "中医医院": 230, "专科医院": 110, "精神病医院": 140, "妇幼保健院": 170,
    "疾病预防控制中心": 55, "急救中心": 60, "采供血机构": 60, "社区卫生服务中心": 55, "社区卫生服务站": 5,
    "乡镇卫生院": 46, "村卫生室": 2.3, "诊所": 3.6, "其他": 14,
}
BEDS_PER_FACILITY = {"综合医院": 300, "中医医院": 220, "专科医院": 120, "精神病医院": 260, "妇幼保健院": 80,
                     "乡镇卫生院": 45, "社区卫生服务中心": 12}
HOSPITALS = ("综合医院", "中医医院", "专科医院", "精神病医院", "妇幼保健院")
GRADES = (["三级甲等", "三级乙等", "二级甲等", "二级乙等", "二级", "一级甲等", "一级", "未定级"],
          [0.08, 0.04, 0.2, 0.08, 0.1, 0.1, 0.2, 0.2])

# Staff mix (category, specialty, share) by type group; categories and specialties as filed in Chinese.
HOSPITAL_MIX = [("执业医师", "内科", 0.14), ("执业医师", "外科", 0.1), ("执业医师", "全科医学", 0.02),
                ("执业医师", "妇产科", 0.03), ("执业医师", "儿科", 0.02), ("执业医师", "中医", 0.03),
                ("执业医师", "急诊医学", 0.02), ("执业医师", "精神科", 0.01), ("执业助理医师", "内科", 0.03),
                ("注册护士", "护理", 0.42), ("药师", "", 0.05), ("技师", "", 0.06), ("其他卫生技术人员", "其他", 0.02),
                ("管理人员", "", 0.03), ("工勤技能人员", "", 0.02)]
PRIMARY_MIX = [("执业医师", "全科医学", 0.14), ("执业医师", "内科", 0.06), ("执业医师", "中医", 0.05),
               ("执业医师", "公共卫生", 0.04), ("执业助理医师", "全科医学", 0.08), ("注册护士", "护理", 0.28),
               ("其他卫生技术人员", "公共卫生", 0.2), ("药师", "", 0.05), ("技师", "", 0.04), ("管理人员", "", 0.03),
               ("工勤技能人员", "", 0.03)]
VILLAGE_MIX = [("执业助理医师", "全科医学", 0.3), ("执业医师", "全科医学", 0.1), ("其他卫生技术人员", "其他", 0.6)]
PUBLIC_HEALTH_MIX = [("执业医师", "公共卫生", 0.35), ("其他卫生技术人员", "公共卫生", 0.45), ("管理人员", "", 0.2)]
STAFF_MIX = {"乡镇卫生院": PRIMARY_MIX, "社区卫生服务中心": PRIMARY_MIX, "社区卫生服务站": PRIMARY_MIX,
             "村卫生室": VILLAGE_MIX, "疾病预防控制中心": PUBLIC_HEALTH_MIX}

# Reported public-health statistics per county and year: (indicator, numerator per denominator, denominator).
RATES = {"family_doctor_contract_pct": (0.45, "population"), "ehr_coverage_pct": (0.8, "population"),
         "immunization_coverage_pct": (0.98, "births"), "newborn_metabolic_screening_pct": (0.97, "births")}
DEATHS_PER_BIRTH = {"maternal_mortality_per_100k": 15e-5, "infant_mortality_per_mille": 5e-3,
                    "under5_mortality_per_mille": 7e-3}


def select_counties(scale: float) -> pl.DataFrame:
    """Every n-th real county-level division (n = 1/scale), with its prefecture (or province) as group."""
    if not 0 < scale <= 1:
        raise ValueError(f"scale must be in (0, 1], got {scale}")
    counties = reference_regions("regions_national.csv").filter(pl.col("level") == "county").sort("region_code")
    step = max(1, round(1 / scale))
    return counties.gather_every(step)


def _children(parents: pl.Series, counts: np.ndarray) -> pl.DataFrame:
    """Codes parent + 001, 002, ... for each parent, `counts` of them."""
    parent = np.repeat(parents.to_numpy(), counts)
    index = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    return pl.DataFrame({"parent_code": parent, "n": index}).with_columns(
        (pl.col("parent_code") + pl.col("n").cast(pl.String).str.zfill(3)).alias("region_code")
    )


def build_regions(rng: np.random.Generator, counties: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The regions list, and the townships and villages made up under the chosen counties."""
    reference = reference_regions("regions_national.csv")
    parents = set(counties["parent_code"]) | {code[:2] + "0000" for code in counties["region_code"]}
    upper = reference.filter(pl.col("region_code").is_in(sorted(parents)))
    townships = _children(counties["region_code"], rng.integers(8, 19, counties.height))
    is_street = rng.random(townships.height) < STREET_SHARE
    townships = townships.with_columns(
        is_street=pl.Series(is_street),
        region_name=pl.Series(np.where(is_street, names(rng, townships.height, "街道"), names(rng, townships.height, "镇"))),
        level=pl.lit("township"),
    )
    villages = _children(townships["region_code"], rng.integers(6, 21, townships.height))
    villages = villages.with_columns(region_name=pl.Series(names(rng, villages.height, "村")), level=pl.lit("village"))
    columns = ["region_code", "region_name", "level", "parent_code"]
    regions = pl.concat([upper.select(columns), counties.select(columns), townships.select(columns), villages.select(columns)])
    return regions.sort("region_code"), townships, villages


def build_population(rng: np.random.Generator, counties: pl.DataFrame, townships: pl.DataFrame) -> pl.DataFrame:
    """Residents, residents 65+ and live births of every county and township, for every year."""
    totals = pl.DataFrame({
        "county": counties["region_code"],
        "total": np.exp(rng.normal(np.log(420_000), 0.6, counties.height)).round(),
        "births_rate": rng.uniform(0.005, 0.011, counties.height),
        "older_share": rng.uniform(0.1, 0.22, counties.height),
        "growth": rng.normal(0.002, 0.006, counties.height),
    })
    weights = rng.gamma(4.0, size=townships.height)
    shares = townships.select("region_code", county="parent_code").with_columns(weight=pl.Series(weights)).with_columns(
        share=pl.col("weight") / pl.col("weight").sum().over("county")
    )
    years = pl.DataFrame({"year": list(YEARS)})
    county_years = totals.join(years, how="cross").with_columns(
        resident_population=(pl.col("total") * (1 + pl.col("growth")) ** (pl.col("year") - LATEST)),
    )
    township_rows = shares.join(county_years, on="county").with_columns(
        resident_population=pl.col("resident_population") * pl.col("share"), scale=pl.col("share")
    )
    rows = pl.concat([
        county_years.select(region_code="county", year="year", resident_population="resident_population",
                            older_share="older_share", births_rate="births_rate"),
        township_rows.select("region_code", "year", "resident_population", "older_share", "births_rate"),
    ])
    return rows.select(
        pl.col("region_code").alias("区划代码"),
        pl.col("year").alias("年份"),
        pl.col("resident_population").round().cast(pl.Int64).alias("常住人口"),
        (pl.col("resident_population") * pl.col("older_share")).round().cast(pl.Int64).alias("65岁及以上人口"),
        (pl.col("resident_population") * pl.col("births_rate")).round().cast(pl.Int64).alias("活产数"),
    ).sort("区划代码", "年份")


def build_facilities(rng: np.random.Generator, counties: pl.DataFrame, townships: pl.DataFrame,
                     villages: pl.DataFrame) -> pl.DataFrame:
    """The registry: county-level facilities, a centre per township (a few missing), clinics, village clinics."""
    parts = []
    for kind, mean in PER_COUNTY.items():
        parts.append((counties["region_code"], rng.poisson(mean, counties.height), kind))
    has_centre = rng.random(townships.height) >= NO_CENTRE_SHARE
    street = townships["is_street"].to_numpy()
    parts.append((townships["region_code"], (has_centre & street).astype(np.int64), "社区卫生服务中心"))
    parts.append((townships["region_code"], (has_centre & ~street).astype(np.int64), "乡镇卫生院"))
    parts.append((townships["region_code"], rng.poisson(CLINICS_PER_TOWNSHIP, townships.height), "诊所"))
    parts.append((villages["region_code"], 1 + (rng.random(villages.height) < SECOND_VILLAGE_CLINIC), "村卫生室"))
    frames = [
        pl.DataFrame({"区划代码": np.repeat(codes.to_numpy(), counts), "机构类别": kind})
        for codes, counts, kind in parts
    ]
    facilities = pl.concat(frames).sort("区划代码", "机构类别")
    n = facilities.height
    kinds = facilities["机构类别"].to_numpy()
    hospital = np.isin(kinds, HOSPITALS)
    grade = np.where(hospital, rng.choice(GRADES[0], n, p=GRADES[1]), "")
    public = np.isin(kinds, ["疾病预防控制中心", "妇幼保健院", "乡镇卫生院", "社区卫生服务中心", "急救中心", "采供血机构"])
    government = public | (hospital & (rng.random(n) < 0.4)) | ((kinds == "村卫生室") & (rng.random(n) < 0.6))
    return facilities.select(
        pl.format("F{}", pl.int_range(1, n + 1).cast(pl.String).str.zfill(8)).alias("机构代码"),
        (pl.col("机构类别") + pl.int_range(1, n + 1).cast(pl.String)).alias("机构名称"),
        "机构类别",
        pl.Series("医院等级", grade),
        pl.Series("举办主体", np.where(government, "政府办", "社会办")),
        "区划代码",
    )


def build_facility_stats(rng: np.random.Generator, facilities: pl.DataFrame) -> pl.DataFrame:
    """The latest year's report of every facility."""
    n = facilities.height
    kinds = facilities["机构类别"].to_numpy()
    mean_beds = np.array([BEDS_PER_FACILITY.get(k, 0) for k in kinds], dtype=float)
    beds = np.round(mean_beds * rng.lognormal(0, 0.5, n)).astype(np.int64)
    tcm = np.round(beds * np.where(kinds == "中医医院", rng.uniform(0.5, 0.9, n), rng.uniform(0, 0.1, n))).astype(np.int64)
    ambulances = np.where(kinds == "急救中心", rng.poisson(15, n),
                          np.where(np.isin(kinds, ["综合医院", "乡镇卫生院"]), rng.poisson(1.5, n), 0))
    negative = rng.binomial(ambulances, 0.35)
    served = np.where(np.isin(kinds, PRIMARY_CARE), rng.integers(20_000, 90_000, n), -1)
    yes_no = lambda p: np.where(rng.random(n) < p, "是", "否")  # noqa: E731
    return pl.DataFrame({
        "机构代码": facilities["机构代码"],
        "年份": LATEST,
        "床位数": beds,
        "中医床位数": tcm,
        "救护车数": ambulances,
        "负压救护车数": negative,
        "AED数": rng.poisson(0.5, n),
        "业务用房面积": np.round(rng.uniform(60, 120, n) * np.maximum(beds, 2), 1),
        "服务人口": pl.Series(served).replace(-1, None),
        "是否设置中医馆": yes_no(0.6),
        "是否设置老年医学科": yes_no(0.3),
        "网络带宽": rng.choice(np.array(BANDWIDTHS_MBPS, dtype=float), n),
        "出院人数": np.round(beds * rng.uniform(20, 40, n)).astype(np.int64),
        "实际占用总床日数": np.round(beds * rng.uniform(200, 330, n)).astype(np.int64),
    })


def build_staff(rng: np.random.Generator, facilities: pl.DataFrame) -> pl.DataFrame:
    """The latest year's staff roll: one row per person, with a made-up ID number and name."""
    kinds = facilities["机构类别"].to_numpy()
    counts = rng.poisson(np.array([STAFF_PER_FACILITY[k] for k in kinds], dtype=float))
    facility = np.repeat(facilities["机构代码"].to_numpy(), counts)
    kind = np.repeat(kinds, counts)
    region = np.repeat(facilities["区划代码"].str.slice(0, 6).to_numpy(), counts)
    n = len(facility)
    category = np.empty(n, dtype=object)
    specialty = np.empty(n, dtype=object)
    for mix_kind in np.unique(kind):
        rows = np.flatnonzero(kind == mix_kind)
        mix = STAFF_MIX.get(mix_kind, HOSPITAL_MIX)
        shares = np.array([share for _, _, share in mix])
        pick = rng.choice(len(mix), len(rows), p=shares / shares.sum())
        category[rows] = np.array([c for c, _, _ in mix], dtype=object)[pick]
        specialty[rows] = np.array([s for _, s, _ in mix], dtype=object)[pick]
    birth = rng.integers(0, 365 * 45, n) + np.datetime64("1960-01-01").astype(np.int64)
    staff = pl.DataFrame({
        "region": region,
        "birth": pl.Series(birth).cast(pl.Date).dt.strftime("%Y%m%d"),
        "sequence": rng.integers(0, 1000, n),
        "姓名": np.char.add(rng.choice(SURNAMES, n), rng.choice(SYLLABLES, n)),
        "机构代码": facility,
        "人员类别": category.astype(str),
        "专业": specialty.astype(str),
    })
    body = pl.format("{}{}{}", "region", "birth", pl.col("sequence").cast(pl.String).str.zfill(3))
    return staff.select(
        id_number(body).alias("身份证号"),
        "姓名", "机构代码", pl.lit(LATEST).alias("年份"), "人员类别", "专业",
    )


def build_public_health(rng: np.random.Generator, population: pl.DataFrame) -> pl.DataFrame:
    """Reported statistics of every county and year: deaths per live birth, and programme coverage rates."""
    county = population.filter(pl.col("区划代码").str.len_chars() == 6)
    n = county.height
    frames = []
    for code, per_birth in DEATHS_PER_BIRTH.items():
        births = county["活产数"].to_numpy()
        frames.append(county.select("区划代码", "年份", 分母="活产数").with_columns(
            指标代码=pl.lit(code), 分子=pl.Series(rng.poisson(births * per_birth)).cast(pl.Float64)))
    for code, (rate, base) in RATES.items():
        denominator = county["常住人口" if base == "population" else "活产数"].to_numpy()
        numerator = np.round(denominator * np.clip(rng.normal(rate, 0.05, n), 0, 1))
        frames.append(county.select("区划代码", "年份").with_columns(
            指标代码=pl.lit(code), 分子=pl.Series(numerator, dtype=pl.Float64), 分母=pl.Series(denominator)))
    return pl.concat([f.select("区划代码", "年份", "指标代码", "分子", pl.col("分母").cast(pl.Float64)) for f in frames])


def _group(codes: pl.Expr, groups: dict[str, str]) -> pl.Expr:
    """The file group (prefecture, or province for counties directly under one) of a region code."""
    return codes.str.slice(0, 6).replace_strict(groups, default=None)


def _write(frame: pl.DataFrame, out: Path, stem: str) -> int:
    """One file per group, named <source>_<group>.csv."""
    for (group,), part in frame.partition_by("_group", as_dict=True, maintain_order=True).items():
        part.drop("_group").write_csv(out / f"{stem}_{group}.csv")
    return frame.height


def _write_staff(staff: pl.DataFrame, out: Path) -> int:
    """One staff roll per group. Every other group (the 2nd, 4th … in code order) sends it as the workforce form
    (卫健统2表) exports it: a title with the year, the form's codes (从事专业类别代码, 医师执业类别代码 and
    执业范围代码), no year column, named 卫健统2表_<group>_<year>.csv; the others as a tidy export
    (staff_<group>.csv). The same people either way."""
    groups = sorted(staff["_group"].unique().to_list())
    in_form = pl.col("_group").is_in(groups[1::2])
    _write(staff.filter(~in_form), out, "staff")
    pairs = staff.select("人员类别", "专业").unique(maintain_order=True)
    codes = pl.DataFrame([(c, s, *workforce_form_fields(c, s)) for c, s in pairs.iter_rows()], orient="row",
                         schema=["人员类别", "专业", *WORKFORCE_FORM_HEADER[3:]]
                         ).with_columns(pl.col(WORKFORCE_FORM_HEADER[3:]).replace("", None))  # a field not filed is empty
    form = staff.filter(in_form).join(codes, on=["人员类别", "专业"], how="left", maintain_order="left").select(
        pl.col("机构代码").alias("机构编码"), "姓名", pl.col("身份证号").alias("身份证件号码"), *WORKFORCE_FORM_HEADER[3:],
        "_group")
    for (group,), part in form.partition_by("_group", as_dict=True, maintain_order=True).items():
        with (out / f"卫健统2表_{group}_{LATEST}.csv").open("wb") as handle:
            handle.write((WORKFORCE_FORM_TITLE.format(year=LATEST) + "\n").encode())
            part.drop("_group").write_csv(handle)
    return staff.height


def generate_national(out: Path, scale: float) -> dict[str, int]:
    """Write the national inputs at `scale` into `out`; returns rows written per source."""
    rng = np.random.default_rng(SEED)
    fresh_folder(out, (".csv",))
    counties = select_counties(scale)
    groups = dict(zip(counties["region_code"], counties["parent_code"]))
    regions, townships, villages = build_regions(rng, counties)
    population = build_population(rng, counties, townships)
    facilities = build_facilities(rng, counties, townships, villages)
    stats = build_facility_stats(rng, facilities)
    staff = build_staff(rng, facilities)
    public_health = build_public_health(rng, population)
    regions.write_csv(out / "regions.csv")
    facility_group = facilities.select("机构代码", _group(pl.col("区划代码"), groups).alias("_group"))
    return {
        "regions": regions.height,
        "population": _write(population.with_columns(_group(pl.col("区划代码"), groups).alias("_group")), out, "population"),
        "facilities": _write(facilities.with_columns(_group(pl.col("区划代码"), groups).alias("_group")), out, "facilities"),
        "facility_stats": _write(stats.join(facility_group, on="机构代码", how="left", maintain_order="left"), out, "facility_stats"),
        "staff": _write_staff(staff.join(facility_group, on="机构代码", how="left", maintain_order="left"), out),
        "public_health": _write(public_health.with_columns(_group(pl.col("区划代码"), groups).alias("_group")), out, "public_health"),
    }
