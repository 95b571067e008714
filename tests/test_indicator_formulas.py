"""Every indicator of the catalog (expectations/indicators.yaml), computed on paper for an inbox built here.

conftest's small inbox fixes the roll-up rules (retired codes, nearest descendants, no invented zero); this
one gives every formula something to count: each facility type a norm counts, every staff category and
specialty an indicator reads, every facility_stats column, and one reported figure per public-health
indicator. One year, 2023. Expected values are written as the arithmetic on paper, never read back.

许昌市 411000 (prefecture) = 魏都区 411002 (100,000 residents) + 建安区 411003 (200,000 residents)

  魏都区 411002: subdistricts 西大街道 411002001 (communities 西大社区, 北关社区), 东大街道 411002002
                 (community 东关社区), 南关街道 411002003 (nothing in it)
  建安区 411003: 小召乡 411003001 (a 乡, not a subdistrict) with the administrative villages 小召村, 大召村

  facility                          type, grade, ownership           where        2023 statistics
  A1 魏都区人民医院                  综合医院 三级甲等 政府办            411002       beds 500 (TCM 30), amb 4 (neg 2), AED 6,
                                                                                  20,000 m², geriatrics 是, 1,000 Mbps,
                                                                                  20,000 discharges, 150,000 bed-days
  A2 魏都康复医院                    综合医院 二级乙等 社会办            411002       beds 100 (TCM 0), amb 1 (neg 0), AED 1,
                                                                                  geriatrics 否, 3,000 discharges, 27,000 bed-days
  P1 许昌市精神卫生中心              精神病医院 三级 政府办              411002       beds 200, amb 1 (neg 1)
  P2 魏都区精神病医院                精神病医院 二级甲等 政府办          411002       beds 80
  E1 许昌市急救中心                  急救中心 — 政府办                   411002       amb 6 (neg 3), AED 2
  C1 西大街道社区卫生服务中心         社区卫生服务中心 二级 政府办        411002001    beds 30, 3,000 m², serves 60,000,
                                                                                  TCM hall 是, 100 Mbps
  C2 东关社区卫生服务中心             社区卫生服务中心 未定级 社会办      411002002001 beds 10, 1,200 m², serves 40,000,
                                                                                  TCM hall 否, 50 Mbps
  S1 西大社区卫生服务站               社区卫生服务站 — 社会办             411002001001 (none)
  G3 建安区人民医院                  综合医院 二级 政府办                411003       beds 150, amb 2 (neg 1), geriatrics 是
  W1 小召乡卫生院                    乡镇卫生院 一级甲等 政府办          411003001    beds 60, amb 1 (neg 0), 2,500 m²,
                                                                                  serves 30,000, TCM hall 是, 20 Mbps
  W2 小召乡民营卫生院                乡镇卫生院 二级 社会办              411003001    beds 20, serves 10,000, TCM hall 是
  W3 小召乡第二卫生院                乡镇卫生院 未定级 政府办            411003001    (none)
  V1 小召村卫生室                    村卫生室 — 社会办                   411003001001 (none)
  V2 大召村卫生室                    村卫生室 — 社会办                   411003001002 (none)

  staff (category / specialty)
  A1  执业医师 全科医学, 执业医师 内科, 执业医师 公共卫生, 执业助理医师 外科, 注册护士 护理 ×3, 药师, 技师, 管理人员
      physicians 4, licensed 3, GPs 1, nurses 3, public-health staff 1 (a physician), health technicians 9, all 10
  A2  执业医师 急诊医学                                          physicians 1, technicians 1, all 1
  P1  执业医师 精神科 ×2, 注册护士 精神科, 注册护士 护理          physicians 2 (psychiatrists 2), nurses 2 (psychiatric 1), 4
  C1  执业医师 全科医学, 执业助理医师 全科医学, 注册护士 护理 ×4, 其他卫生技术人员 公共卫生, 执业医师 公共卫生,
      药师, 工勤技能人员    physicians 3, GPs 2, nurses 4, public-health staff 2 (1 physician), technicians 9, all 10
  W1  执业助理医师 中医, 注册护士 护理, 其他卫生技术人员 公共卫生, 技师   physicians 1, nurses 1, public health 1, 4
  G3  执业医师 内科, 注册护士 护理                                physicians 1, nurses 1, all 2
  V1  执业助理医师 中医 (TCM-capable)        V2  执业助理医师 全科医学 (a GP)

  region sums        beds  amb  neg  AED  physicians  nurses  GPs  psychiatrists  psychiatric nurses
  411002              920   12    6    9      10         9      3        2               1
  411003              230    3    1    –       4         2      1        0               0
  411000             1150   15    7    9      14        11      4        2               1
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from conftest import build_published
from pipelines.catalog import load_catalog

YEAR = 2023

REGIONS = [
    ("410000", "河南省", "province", ""),
    ("411000", "许昌市", "prefecture", "410000"),
    ("411002", "魏都区", "county", "411000"),
    ("411003", "建安区", "county", "411000"),
    ("411002001", "西大街道", "township", "411002"),
    ("411002002", "东大街道", "township", "411002"),
    ("411002003", "南关街道", "township", "411002"),
    ("411002001001", "西大社区", "village", "411002001"),
    ("411002001002", "北关社区", "village", "411002001"),
    ("411002002001", "东关社区", "village", "411002002"),
    ("411003001", "小召乡", "township", "411003"),
    ("411003001001", "小召村", "village", "411003001"),
    ("411003001002", "大召村", "village", "411003001"),
]

POPULATION = [("411002", YEAR, 100_000), ("411003", YEAR, 200_000)]

FACILITIES = [
    ("A1", "魏都区人民医院", "综合医院", "三级甲等", "政府办", "411002"),
    ("A2", "魏都康复医院", "综合医院", "二级乙等", "社会办", "411002"),
    ("P1", "许昌市精神卫生中心", "精神病医院", "三级", "政府办", "411002"),
    ("P2", "魏都区精神病医院", "精神病医院", "二级甲等", "政府办", "411002"),
    ("E1", "许昌市急救中心", "急救中心", "", "政府办", "411002"),
    ("C1", "西大街道社区卫生服务中心", "社区卫生服务中心", "二级", "政府办", "411002001"),
    ("C2", "东关社区卫生服务中心", "社区卫生服务中心", "未定级", "社会办", "411002002001"),
    ("S1", "西大社区卫生服务站", "社区卫生服务站", "", "社会办", "411002001001"),
    ("G3", "建安区人民医院", "综合医院", "二级", "政府办", "411003"),
    ("W1", "小召乡卫生院", "乡镇卫生院", "一级甲等", "政府办", "411003001"),
    ("W2", "小召乡民营卫生院", "乡镇卫生院", "二级", "社会办", "411003001"),
    ("W3", "小召乡第二卫生院", "乡镇卫生院", "未定级", "政府办", "411003001"),
    ("V1", "小召村卫生室", "村卫生室", "", "社会办", "411003001001"),
    ("V2", "大召村卫生室", "村卫生室", "", "社会办", "411003001002"),
]

STATS_HEADERS = ["机构代码", "年份", "床位数", "中医床位数", "救护车数", "负压救护车数", "AED数", "业务用房面积", "服务人口",
                 "是否设置中医馆", "是否设置老年医学科", "网络带宽", "出院人数", "实际占用总床日数"]
FACILITY_STATS = [
    ("A1", YEAR, 500, 30, 4, 2, 6, 20000, None, None, "是", 1000, 20000, 150000),
    ("A2", YEAR, 100, 0, 1, 0, 1, None, None, None, "否", None, 3000, 27000),
    ("P1", YEAR, 200, None, 1, 1, None, None, None, None, None, None, None, None),
    ("P2", YEAR, 80, None, None, None, None, None, None, None, None, None, None, None),
    ("E1", YEAR, None, None, 6, 3, 2, None, None, None, None, None, None, None),
    ("C1", YEAR, 30, None, None, None, None, 3000, 60000, "是", None, 100, None, None),
    ("C2", YEAR, 10, None, None, None, None, 1200, 40000, "否", None, 50, None, None),
    ("G3", YEAR, 150, None, 2, 1, None, None, None, None, "是", None, None, None),
    ("W1", YEAR, 60, None, 1, 0, None, 2500, 30000, "是", None, 20, None, None),
    ("W2", YEAR, 20, None, None, None, None, None, 10000, "是", None, None, None, None),
]

STAFF = [(facility, category, specialty) for facility, people in {
    "A1": [("执业医师", "全科医学"), ("执业医师", "内科"), ("执业医师", "公共卫生"), ("执业助理医师", "外科"),
           ("注册护士", "护理"), ("注册护士", "护理"), ("注册护士", "护理"), ("药师", ""), ("技师", ""), ("管理人员", "")],
    "A2": [("执业医师", "急诊医学")],
    "P1": [("执业医师", "精神科"), ("执业医师", "精神科"), ("注册护士", "精神科"), ("注册护士", "护理")],
    "C1": [("执业医师", "全科医学"), ("执业助理医师", "全科医学"), ("注册护士", "护理"), ("注册护士", "护理"),
           ("注册护士", "护理"), ("注册护士", "护理"), ("其他卫生技术人员", "公共卫生"), ("执业医师", "公共卫生"),
           ("药师", ""), ("工勤技能人员", "")],
    "W1": [("执业助理医师", "中医"), ("注册护士", "护理"), ("其他卫生技术人员", "公共卫生"), ("技师", "")],
    "G3": [("执业医师", "内科"), ("注册护士", "护理")],
    "V1": [("执业助理医师", "中医")],
    "V2": [("执业助理医师", "全科医学")],
}.items() for category, specialty in people]

# Reported figures (公共卫生统计): (numerator, denominator) for 魏都区 411002 and 建安区 411003; 许昌市 files none,
# so its figure is their sum. Life expectancy is a value: every region files its own, nothing is summed.
REPORTED = {
    "maternal_mortality_per_100k": ((1, 800), (0, 1200)),
    "infant_mortality_per_mille": ((4, 800), (3, 1200)),
    "under5_mortality_per_mille": ((5, 800), (6, 1200)),
    "family_doctor_contract_pct": ((40000, 100000), (70000, 200000)),
    "ehr_coverage_pct": ((90000, 100000), (160000, 200000)),
    "health_literacy_pct": ((300, 1000), (250, 1000)),
    "smoking_rate_15plus_pct": ((250, 1000), (270, 1000)),
    "tb_bacteriological_positive_pct": ((30, 50), (45, 60)),
    "tb_incidence_per_100k": ((50, 100000), (90, 200000)),
    "hiv_rights_awareness_pct": ((18, 20), (24, 30)),
    "hiv_diagnosed_aware_pct": ((95, 100), (170, 200)),
    "hiv_art_coverage_pct": ((85, 95), (150, 170)),
    "hiv_treatment_success_pct": ((80, 85), (140, 150)),
    "immunization_coverage_pct": ((990, 1000), (1960, 2000)),
    "hypertension_managed_pct": ((6000, 10000), (13000, 20000)),
    "diabetes_managed_pct": ((1400, 2000), (2200, 4000)),
    "dental_caries_12y_pct": ((30, 100), (50, 200)),
    "severe_mental_disorder_managed_pct": ((380, 400), (720, 800)),
    "premarital_exam_pct": ((600, 1000), (900, 1200)),
    "preconception_exam_coverage_pct": ((800, 1000), (1700, 2000)),
    "prenatal_screening_pct": ((720, 800), (1020, 1200)),
    "newborn_metabolic_screening_pct": ((792, 800), (1194, 1200)),
    "child_eye_exam_pct": ((4500, 5000), (8800, 10000)),
    "elderly_health_management_pct": ((7000, 10000), (16000, 25000)),
    "occupational_hazard_monitoring_pass_pct": ((45, 50), (55, 60)),
    "childcare_places_per_1k": ((450, 100000), (600, 200000)),
}
LIFE_EXPECTANCY = {"411002": 79.5, "411003": 78.1, "411000": 78.6}

W, J, X = "411002", "411003", "411000"  # 魏都区, 建安区, 许昌市

# ------------------------------------------------------------------ region indicators, worked on paper
# indicator → {region: (numerator, denominator, value)}; a region missing from the map has no row.
REGION_EXPECTED: dict[str, dict[str, tuple]] = {
    "beds_per_1k": {W: (920, 100000, 9.2), J: (230, 200000, 1.15), X: (1150, 300000, 1150 / 300)},
    "physicians_per_1k": {W: (10, 100000, 0.1), J: (4, 200000, 0.02), X: (14, 300000, 14 / 300)},
    "nurses_per_1k": {W: (9, 100000, 0.09), J: (2, 200000, 0.01), X: (11, 300000, 11 / 300)},
    "gps_per_10k": {W: (3, 100000, 0.3), J: (1, 200000, 0.05), X: (4, 300000, 4 / 30)},
    # 建安区 has staff but no psychiatrist: 0, not "no data"
    "psychiatrists_per_100k": {W: (2, 100000, 2.0), J: (0, 200000, 0.0), X: (2, 300000, 2 / 3)},
    "psychiatric_nurses_per_100k": {W: (1, 100000, 1.0), J: (0, 200000, 0.0), X: (1, 300000, 1 / 3)},
    "ambulances_per_30k": {W: (12, 100000, 3.6), J: (3, 200000, 0.45), X: (15, 300000, 1.5)},
    "negative_pressure_ambulance_pct": {W: (6, 12, 50.0), J: (1, 3, 100 / 3), X: (7, 15, 700 / 15)},
    # no facility of 建安区 reports AEDs: no data there, not 0
    "aeds_per_10k": {W: (9, 100000, 0.9), X: (9, 300000, 0.3)},
    # counts: 0 where the registry has none
    "emergency_centres": {W: (1, None, 1), J: (0, None, 0), X: (1, None, 1)},
    "psychiatric_hospitals_grade2plus": {W: (2, None, 2), J: (0, None, 0), X: (2, None, 2)},  # P1 三级, P2 二甲
    "psychiatric_hospitals_grade3": {W: (1, None, 1), J: (0, None, 0), X: (1, None, 1)},  # P1
    "general_hospitals_grade2a_plus": {W: (1, None, 1), J: (0, None, 0), X: (1, None, 1)},  # A1; A2 二乙, G3 二级 not
    "gov_primary_care_centres": {W: (1, None, 1), J: (2, None, 2), X: (3, None, 3)},  # C1; W1, W3
    "gov_township_health_centres": {W: (0, None, 0), J: (2, None, 2), X: (2, None, 2)},  # W1, W3
    "community_health_centres": {W: (2, None, 2), J: (0, None, 0), X: (2, None, 2)},  # C1, C2
    "village_clinics": {W: (0, None, 0), J: (2, None, 2), X: (2, None, 2)},  # V1, V2
    # stations per 3 urban communities without a centre: 魏都区 has S1 and two such communities (西大, 北关;
    # 东关 has C2): 1 / 2 × 3. 建安区 has no community: 0 / 0, no value.
    "health_stations_per_3_communities": {W: (1, 2, 1.5), J: (0, 0, None), X: (1, 2, 1.5)},
    # subdistricts with a community centre or station in them: 西大 (C1, S1), 东大 (C2 in 东关社区); not 南关
    "subdistrict_chs_coverage_pct": {W: (2, 3, 200 / 3), J: (0, 0, None), X: (2, 3, 200 / 3)},
    # 乡镇卫生院 + 社区卫生服务中心 of grade two or above: C1 of C1, C2; W2 of W1, W2, W3
    "primary_care_centres_grade2plus_pct": {W: (1, 2, 50.0), J: (1, 3, 100 / 3), X: (2, 5, 40.0)},
    # the same centres reporting a TCM hall: C1 (C2 否); W1, W2 (W3 reports nothing, counts as none)
    "tcm_hall_pct": {W: (1, 2, 50.0), J: (2, 3, 200 / 3), X: (3, 5, 60.0)},
    # village clinics with TCM staff that year: V1 of V1, V2; 魏都区 has no village clinic: no data
    "village_clinics_tcm_capable_pct": {J: (1, 2, 50.0), X: (1, 2, 50.0)},
    # general hospitals of grade two or above (A1, A2; G3) with a geriatrics department: A1; G3
    "geriatrics_dept_pct": {W: (1, 2, 50.0), J: (1, 1, 100.0), X: (2, 3, 200 / 3)},
    "life_expectancy": {code: (value, None, value) for code, value in LIFE_EXPECTANCY.items()},
}
MULTIPLIER_BY_HAND = {  # the unit each reported indicator is given in, as its name says
    "maternal_mortality_per_100k": 100_000, "infant_mortality_per_mille": 1000, "under5_mortality_per_mille": 1000,
    "childcare_places_per_1k": 1000, "tb_incidence_per_100k": 100_000,
}
for _code, ((_n1, _d1), (_n2, _d2)) in REPORTED.items():
    _m = MULTIPLIER_BY_HAND.get(_code, 100)  # every other reported indicator is a percentage
    REGION_EXPECTED[_code] = {
        W: (_n1, _d1, _n1 / _d1 * _m), J: (_n2, _d2, _n2 / _d2 * _m), X: (_n1 + _n2, _d1 + _d2, (_n1 + _n2) / (_d1 + _d2) * _m),
    }

# ------------------------------------------------------------------ facility indicators, worked on paper
# indicator → {facility: (numerator, denominator, value)}, every row of marts.facility_indicators for 2023.
STAFFED = ("A1", "A2", "P1", "C1", "W1", "G3", "V1", "V2")
REPORTING = ("A1", "A2", "P1", "P2", "E1", "C1", "C2", "G3", "W1", "W2")  # facility_stats filed
FACILITY_EXPECTED: dict[str, dict[str, tuple]] = {
    "public_health_staff_pct": {
        "A1": (1, 9, 100 / 9), "A2": (0, 1, 0.0), "P1": (0, 4, 0.0), "C1": (2, 9, 200 / 9), "W1": (1, 4, 25.0),
        "G3": (0, 2, 0.0), "V1": (0, 1, 0.0), "V2": (0, 1, 0.0),
    },
    "public_health_physicians": {f: ({"A1": 1, "C1": 1}.get(f, 0), None, {"A1": 1, "C1": 1}.get(f, 0)) for f in STAFFED},
    # served population is filed by C1 (60,000) and W1 (30,000) among the staffed facilities
    "public_health_physicians_per_10k_served": {
        f: (n, d, n / d * 10000 if d else None)
        for f, n, d in [("A1", 1, None), ("A2", 0, None), ("P1", 0, None), ("C1", 1, 60000), ("W1", 0, 30000),
                        ("G3", 0, None), ("V1", 0, None), ("V2", 0, None)]
    },
    "gps_per_facility": {f: ({"A1": 1, "C1": 2, "V2": 1}.get(f, 0), None, {"A1": 1, "C1": 2, "V2": 1}.get(f, 0)) for f in STAFFED},
    "gps_per_10k_served": {
        "A1": (1, None, None), "A2": (0, None, None), "P1": (0, None, None), "C1": (2, 60000, 2 / 6),
        "W1": (0, 30000, 0.0), "G3": (0, None, None), "V1": (0, None, None), "V2": (1, None, None),
    },
    "nurses_per_gp": {
        "A1": (3, 1, 3.0), "A2": (0, 0, None), "P1": (2, 0, None), "C1": (4, 2, 2.0), "W1": (1, 0, None),
        "G3": (1, 0, None), "V1": (0, 0, None), "V2": (0, 1, 0.0),
    },
    "nurses_per_bed": {
        "A1": (3, 500, 0.006), "A2": (0, 100, 0.0), "P1": (2, 200, 0.01), "C1": (4, 30, 4 / 30), "W1": (1, 60, 1 / 60),
        "G3": (1, 150, 1 / 150), "V1": (0, None, None), "V2": (0, None, None),
    },
    "physicians_per_bed": {
        "A1": (4, 500, 0.008), "A2": (1, 100, 0.01), "P1": (2, 200, 0.01), "C1": (3, 30, 0.1), "W1": (1, 60, 1 / 60),
        "G3": (1, 150, 1 / 150), "V1": (1, None, None), "V2": (1, None, None),
    },
    "staff_per_1k_served": {
        f: (n, d, n / d * 1000 if d else None)
        for f, n, d in [("A1", 10, None), ("A2", 1, None), ("P1", 4, None), ("C1", 10, 60000), ("W1", 4, 30000),
                        ("G3", 2, None), ("V1", 1, None), ("V2", 1, None)]
    },
    "staff_per_10k_served": {
        "A1": (10, None, None), "A2": (1, None, None), "P1": (4, None, None), "C1": (10, 60000, 10 / 6),
        "W1": (4, 30000, 4 / 3), "G3": (2, None, None), "V1": (1, None, None), "V2": (1, None, None),
    },
    "floor_area_m2": {"A1": (20000, None, 20000), "C1": (3000, None, 3000), "C2": (1200, None, 1200), "W1": (2500, None, 2500)},
    "served_population": {"C1": (60000, None, 60000), "C2": (40000, None, 40000), "W1": (30000, None, 30000),
                          "W2": (10000, None, 10000)},
    "bandwidth_mbps": {"A1": (1000, None, 1000), "C1": (100, None, 100), "C2": (50, None, 50), "W1": (20, None, 20)},
    # TCM-capable: a TCM staff member (W1, V1) or a TCM hall reported (C1, W1, W2); every facility with data
    "tcm_capable": {f: (int(f in ("C1", "W1", "W2", "V1")), None, int(f in ("C1", "W1", "W2", "V1")))
                    for f in sorted(set(STAFFED) | set(REPORTING))},
    # graded 二级甲等 or any grade three: A1 三级甲等, P1 三级, P2 二级甲等
    "grade_2a_plus": {f: (int(f in ("A1", "P1", "P2")), None, int(f in ("A1", "P1", "P2")))
                      for f in sorted(set(STAFFED) | set(REPORTING))},
    "average_length_of_stay_days": {"A1": (150000, 20000, 7.5), "A2": (27000, 3000, 9.0)},
    "tcm_bed_share_pct": {"A1": (30, 500, 6.0), "A2": (0, 100, 0.0)},
}


def write_formula_inbox(inbox: Path) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(REGIONS, schema=["region_code", "region_name", "level", "parent_code"], orient="row").write_csv(inbox / "regions.csv")
    pl.DataFrame(POPULATION, schema=["区划代码", "年份", "常住人口"], orient="row").write_csv(inbox / "population.csv")
    pl.DataFrame(FACILITIES, schema=["机构代码", "机构名称", "机构类别", "医院等级", "举办主体", "区划代码"], orient="row").write_excel(
        inbox / "facilities.xlsx")
    stats = pl.DataFrame(FACILITY_STATS, schema=STATS_HEADERS, orient="row", infer_schema_length=None)
    (inbox / "facility_stats.csv").write_bytes(stats.write_csv().encode("gbk"))
    pl.DataFrame(
        [(f"P{i:03d}", facility, YEAR, category, specialty or None) for i, (facility, category, specialty) in enumerate(STAFF)],
        schema=["人员编码", "机构代码", "年份", "人员类别", "专业"], orient="row",
    ).write_csv(inbox / "staff.csv")
    reported = [(code, YEAR, indicator, float(n), float(d), None)
                for indicator, figures in REPORTED.items() for code, (n, d) in zip((W, J), figures)]
    reported += [(code, YEAR, "life_expectancy", None, None, value) for code, value in LIFE_EXPECTANCY.items()]
    pl.DataFrame(reported, schema={"区划代码": pl.String, "年份": pl.Int64, "指标代码": pl.String, "分子": pl.Float64,
                                   "分母": pl.Float64, "指标值": pl.Float64}, orient="row").write_excel(inbox / "public_health.xlsx")
    return inbox


@pytest.fixture(scope="module")
def formula_warehouse(tmp_path_factory) -> Path:
    return build_published(tmp_path_factory.mktemp("formulas"), write_formula_inbox)


def rows(path: Path, sql: str, params: list) -> dict[str, tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {key: tuple(rest) for key, *rest in con.execute(sql, params).fetchall()}


def assert_figures(got: dict[str, tuple], expected: dict[str, tuple]) -> None:
    """The same keys, and each figure equal to the one on paper to 12 significant digits (empty where empty)."""
    assert sorted(got) == sorted(expected)
    for key, figures in expected.items():
        assert len(got[key]) == len(figures), key
        for have, want in zip(got[key], figures):
            assert (have is None) == (want is None), (key, got[key], figures)
            if want is not None:
                assert have == pytest.approx(want, rel=1e-12), (key, got[key], figures)


def test_every_indicator_of_the_catalog_is_worked_out_here():
    catalog = {i["indicator_code"]: i["level"] for i in load_catalog().indicator_rows()}
    assert {c for c, level in catalog.items() if level == "region"} == set(REGION_EXPECTED)
    assert {c for c, level in catalog.items() if level == "facility"} == set(FACILITY_EXPECTED)


def test_nothing_in_the_formula_inbox_is_quarantined(formula_warehouse):
    assert rows(formula_warehouse, "SELECT source, count(*) FROM marts.quarantine GROUP BY 1", []) == {}


@pytest.mark.parametrize("indicator", sorted(REGION_EXPECTED))
def test_region_indicator(formula_warehouse, indicator):
    got = rows(
        formula_warehouse,
        "SELECT region_code, numerator, denominator, value FROM marts.indicator_values "
        "WHERE indicator_code = ? AND year = ? AND region_code IN (?, ?, ?)",
        [indicator, YEAR, W, J, X],
    )
    assert_figures(got, REGION_EXPECTED[indicator])


@pytest.mark.parametrize("indicator", sorted(FACILITY_EXPECTED))
def test_facility_indicator(formula_warehouse, indicator):
    got = rows(
        formula_warehouse,
        "SELECT facility_id, numerator, denominator, value FROM marts.facility_indicators WHERE indicator_code = ? AND year = ?",
        [indicator, YEAR],
    )
    assert_figures(got, FACILITY_EXPECTED[indicator])


def test_townships_and_villages(formula_warehouse):
    township = rows(
        formula_warehouse,
        "SELECT region_code || ' ' || indicator_code, numerator, denominator, value FROM marts.indicator_values "
        "WHERE level IN ('township', 'village') AND indicator_code IN "
        "('beds_per_1k', 'health_stations_per_3_communities', 'subdistrict_chs_coverage_pct', 'village_clinics')",
        [],
    )
    assert_figures(township, {
        # townships have no population of their own: the numerator is kept, there is no rate
        "411002001 beds_per_1k": (30, None, None),  # C1
        "411002002 beds_per_1k": (10, None, None),  # C2, in 东关社区
        "411003001 beds_per_1k": (80, None, None),  # W1 60 + W2 20
        "411002001 health_stations_per_3_communities": (1, 2, 1.5),
        "411002002 health_stations_per_3_communities": (0, 0, None),
        "411002003 health_stations_per_3_communities": (0, 0, None),
        "411003001 health_stations_per_3_communities": (0, 0, None),
        "411002001 subdistrict_chs_coverage_pct": (1, 1, 100.0),
        "411002002 subdistrict_chs_coverage_pct": (1, 1, 100.0),
        "411002003 subdistrict_chs_coverage_pct": (0, 1, 0.0),
        "411003001 subdistrict_chs_coverage_pct": (0, 0, None),
        "411002001 village_clinics": (0, None, 0),
        "411002002 village_clinics": (0, None, 0),
        "411002003 village_clinics": (0, None, 0),
        "411003001 village_clinics": (2, None, 2),
        # villages carry only what a norm judges villages on: one clinic per administrative village
        "411002001001 village_clinics": (0, None, 0),
        "411002001002 village_clinics": (0, None, 0),
        "411002002001 village_clinics": (0, None, 0),
        "411003001001 village_clinics": (1, None, 1),
        "411003001002 village_clinics": (1, None, 1),
    })
