"""Where a norm applies (marts.norm_conditions), who lacks what (marts.coverage_gaps) and the not-applicable
count of marts.plan_scorecard, on a small inbox worked on paper. 2023 only.

扬州 321000 (plan yangzhou_2021)
  广陵区 321002  600,000 residents; not one of the four counties the emergency norms name (321012, 321023,
                 321081, 321084). 汶河街道 321002001 (a 街道) with community health centre C1 (政府办); in it the
                 urban community 东关社区 321002001001, which hosts no centre. General hospital A2, 10 ambulances.
  宝应县 321023  300,000 residents; named by the emergency norms. 安宜镇 321023100 (a 镇) with the
                 administrative villages 城南村 …201 (village clinic V1), 西湖村 …202 (township health centre T1,
                 政府办) and 北河村 …203 (nothing). General hospital A1 (二级甲等): 5 ambulances, 1 negative-pressure.
                 Psychiatric hospital P1, 二级.

  ambulances_per_30k (counties named)      宝应县 5 / 300,000 × 30,000 = 0.5 < 1 not_met; 广陵区 out of scope
  negative_pressure_ambulance_pct          宝应县 1 / 5 = 20 % < 40 not_met
  independent_emergency_station            宝应县 0 emergency centres: not_met, 1 missing
  psychiatric_hospital (counties > 500,000) 广陵区 0: not_met, 1 missing; 宝应县 300,000: not applicable
  psychiatric_hospital_grade3 (city)        P1 is grade 2: 0, 1 missing at 321000
  township_centre (every township)          汶河街道 C1 → 1 met; 安宜镇 T1 (in 西湖村) → 1 met
  village_clinic (行政村 without a centre)   城南村 V1 met; 北河村 0: 1 missing; 西湖村 hosts T1 and 东关社区
                                            is a community: not applicable
  community_health_stations (townships with communities without a centre)
                                            汶河街道 0 stations / 1 community × 3 = 0 < 1 not_met (not a count:
                                            no coverage gap); 安宜镇 has no such community: not applicable
  not applicable units: 宝应县, 西湖村, 东关社区, 安宜镇 = 4; every such norm has a unit it applies to.

宜昌 420500 (plan yichang_2016; its norms' last milestone applies in 2023)
  西陵区 420502 (urban, named by the urban norms), 500,000 residents; 学院街道 420502001 (a 街道) with community
                 health centres Y1 (serves 120,000; 5,500 m²; 50 Mbit/s) and Y2 (serves 80,000; 4,800 m²;
                 50 Mbit/s), both 政府办, and in 西陵区 itself general hospital Y5 (三级甲等, 1,200 Mbit/s).
  夷陵区 420506 (a county named by the county bandwidth norm), 400,000 residents; 小溪塔镇 420506100 (a 镇) with
                 township health centre Y4 (政府办, 8 Mbit/s); general hospital Y3 (三级甲等, 20 Mbit/s).

  community_health_centre_served_population 30,000–100,000: Y1 120,000 not_met, 20,000 too many; Y2 met
  chc_floor_area_70k_100k (≥ 5,000 m² where 70,000–100,000 served): Y2 4,800 not_met; Y1 not applicable
  chc_floor_area_30k_50k, chc_floor_area_50k_70k: Y1 and Y2 not applicable (norms wholly not applicable)
  bandwidth_county_hospitals_and_others (≥ 30, county list, not township centres, village clinics or clinics):
                                            Y3 20 not_met; Y4 left out (a township centre); Y1, Y2, Y5 not in a named county
  bandwidth_township_health_centres ≥ 10:   Y4 8 not_met
  bandwidth_urban_community_health_centres ≥ 30: Y1, Y2 50 met
  bandwidth_urban_grade3_hospitals ≥ 1,000: Y5 1,200 met; Y1, Y2 (ungraded, level 0) not applicable
  bandwidth_urban_other_facilities (grade < 3, urban, not primary care): only Y5 in scope, grade 3: not applicable
                                            (norm wholly not applicable)
  township_health_centre_per_town (towns):  小溪塔镇 Y4 → 1 met; 学院街道 not applicable
  community_health_centre_per_subdistrict:  学院街道 Y1, Y2 → 2 met; 小溪塔镇 not applicable
  not applicable units: Y1 ×4, Y2 ×3, Y5, 学院街道, 小溪塔镇 = 10; norms wholly not applicable: 3
  A unit left out keeps its value (the figure is real); only its status says the norm does not apply.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from conftest import build, query

REGIONS = [
    ("320000", "江苏省", "province", ""),
    ("321000", "扬州市", "prefecture", "320000"),
    ("321002", "广陵区", "county", "321000"),
    ("321023", "宝应县", "county", "321000"),
    ("321002001", "汶河街道", "township", "321002"),
    ("321002001001", "东关社区", "village", "321002001"),
    ("321023100", "安宜镇", "township", "321023"),
    ("321023100201", "城南村", "village", "321023100"),
    ("321023100202", "西湖村", "village", "321023100"),
    ("321023100203", "北河村", "village", "321023100"),
    ("420000", "湖北省", "province", ""),
    ("420500", "宜昌市", "prefecture", "420000"),
    ("420502", "西陵区", "county", "420500"),
    ("420506", "夷陵区", "county", "420500"),
    ("420502001", "学院街道", "township", "420502"),
    ("420506100", "小溪塔镇", "township", "420506"),
]

POPULATION = [("321002", 2023, 600000), ("321023", 2023, 300000), ("420502", 2023, 500000), ("420506", 2023, 400000)]

FACILITIES = [
    # facility_id, name, type, grade, ownership, region
    ("A1", "宝应县人民医院", "综合医院", "二级甲等", "政府办", "321023"),
    ("A2", "广陵区人民医院", "综合医院", "二级甲等", "政府办", "321002"),
    ("P1", "宝应县精神病医院", "精神病医院", "二级", "政府办", "321023"),
    ("C1", "汶河街道社区卫生服务中心", "社区卫生服务中心", "", "政府办", "321002001"),
    ("T1", "安宜镇卫生院", "乡镇卫生院", "一级甲等", "政府办", "321023100202"),
    ("V1", "城南村卫生室", "村卫生室", "", "社会办", "321023100201"),
    ("Y1", "学院街道第一社区卫生服务中心", "社区卫生服务中心", "", "政府办", "420502001"),
    ("Y2", "学院街道第二社区卫生服务中心", "社区卫生服务中心", "", "政府办", "420502001"),
    ("Y3", "夷陵区人民医院", "综合医院", "三级甲等", "政府办", "420506"),
    ("Y4", "小溪塔镇卫生院", "乡镇卫生院", "一级甲等", "政府办", "420506100"),
    ("Y5", "宜昌市中心人民医院", "综合医院", "三级甲等", "政府办", "420502"),
]

FACILITY_STATS = [
    # facility_id, year, ambulances, negative_pressure_ambulances, served_population, floor_area_m2, bandwidth_mbps
    ("A1", 2023, 5, 1, None, None, None),
    ("A2", 2023, 10, 0, None, None, None),
    ("Y1", 2023, None, None, 120000, 5500.0, 50.0),
    ("Y2", 2023, None, None, 80000, 4800.0, 50.0),
    ("Y3", 2023, None, None, None, None, 20.0),
    ("Y4", 2023, None, None, None, None, 8.0),
    ("Y5", 2023, None, None, None, None, 1200.0),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("conditions")
    inbox = root / "inbox"
    inbox.mkdir()
    pl.DataFrame(REGIONS, schema=["region_code", "region_name", "level", "parent_code"], orient="row").write_csv(
        inbox / "regions.csv")
    pl.DataFrame(POPULATION, schema=["region_code", "year", "resident_population"], orient="row").write_csv(
        inbox / "population.csv")
    pl.DataFrame(FACILITIES, schema=["facility_id", "facility_name", "facility_type", "grade", "ownership", "region_code"],
                 orient="row").write_csv(inbox / "facilities.csv")
    pl.DataFrame(
        FACILITY_STATS,
        schema={"facility_id": pl.String, "year": pl.Int64, "ambulances": pl.Int64, "negative_pressure_ambulances": pl.Int64,
                "served_population": pl.Int64, "floor_area_m2": pl.Float64, "bandwidth_mbps": pl.Float64},
        orient="row",
    ).write_csv(inbox / "facility_stats.csv")
    published = root / "warehouse" / "health.duckdb"
    result = build(inbox, published)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return published


def results(path: Path, norm_id: str) -> dict[str, tuple]:
    """unit (facility or region) → (status, value, applies) for one norm in 2023."""
    rows = query(path, "SELECT coalesce(facility_id, region_code), status, value, applies FROM marts.norm_results "
                       "WHERE norm_id = ? AND year = 2023", [norm_id])
    return {unit: (status, value, applies) for unit, status, value, applies in rows}


def not_applicable(value):
    """A unit the condition leaves out: not evaluable, applies false, with its value all the same."""
    return ("not_evaluable", value, False)


@pytest.mark.parametrize(
    "norm_id, expected",
    [
        # region_in: only the named counties are in scope
        ("yangzhou_2021.ambulances_per_30k", {"321023": ("not_met", 0.5, True)}),
        ("yangzhou_2021.negative_pressure_ambulance_pct", {"321023": ("not_met", 20.0, True)}),
        ("yangzhou_2021.independent_emergency_station", {"321023": ("not_met", 0.0, True)}),
        # a condition on population
        ("yangzhou_2021.psychiatric_hospital", {"321002": ("not_met", 0.0, True), "321023": not_applicable(1.0)}),
        ("yangzhou_2021.township_centre", {"321002001": ("met", 1.0, True), "321023100": ("met", 1.0, True)}),
        # villages: administrative villages that host no centre
        ("yangzhou_2021.village_clinic", {"321023100201": ("met", 1.0, True), "321023100203": ("not_met", 0.0, True),
                                          "321023100202": not_applicable(0.0), "321002001001": not_applicable(0.0)}),
        ("yangzhou_2021.community_health_stations", {"321002001": ("not_met", 0.0, True), "321023100": not_applicable(None)}),
        # between, and a between condition
        ("yichang_2016.community_health_centre_served_population", {"Y1": ("not_met", 120000.0, True),
                                                                     "Y2": ("met", 80000.0, True)}),
        ("yichang_2016.chc_floor_area_70k_100k", {"Y1": not_applicable(5500.0), "Y2": ("not_met", 4800.0, True)}),
        ("yichang_2016.chc_floor_area_30k_50k", {"Y1": not_applicable(5500.0), "Y2": not_applicable(4800.0)}),
        # region_in with facility_type_not_in, and grade conditions
        ("yichang_2016.bandwidth_county_hospitals_and_others", {"Y3": ("not_met", 20.0, True)}),
        ("yichang_2016.bandwidth_township_health_centres", {"Y4": ("not_met", 8.0, True)}),
        ("yichang_2016.bandwidth_urban_community_health_centres", {"Y1": ("met", 50.0, True), "Y2": ("met", 50.0, True)}),
        ("yichang_2016.bandwidth_urban_grade3_hospitals", {"Y5": ("met", 1200.0, True),
                                                           "Y1": not_applicable(50.0), "Y2": not_applicable(50.0)}),
        ("yichang_2016.bandwidth_urban_other_facilities", {"Y5": not_applicable(1200.0)}),
        # subdistricts (街道) and towns (镇) by their names
        ("yichang_2016.township_health_centre_per_town", {"420506100": ("met", 1.0, True), "420502001": not_applicable(0.0)}),
        ("yichang_2016.community_health_centre_per_subdistrict", {"420502001": ("met", 2.0, True),
                                                                   "420506100": not_applicable(0.0)}),
    ],
)
def test_who_a_norm_applies_to(warehouse, norm_id, expected):
    assert results(warehouse, norm_id) == expected


def test_a_unit_left_out_says_which_figure_leaves_it_out(warehouse):
    rows = query(warehouse, "SELECT coalesce(facility_id, region_code), reason FROM marts.norm_results "
                            "WHERE norm_id IN ('yangzhou_2021.psychiatric_hospital', 'yichang_2016.chc_floor_area_70k_100k') "
                            "AND NOT applies ORDER BY 1")
    assert rows == [
        ("321023", "condition not applicable: resident_population is 300000 "
                   "(the norm applies where resident_population > 500000)"),
        ("Y1", "condition not applicable: served_population is 120000 "
               "(the norm applies where served_population between 70000 and 100000)"),
    ]


def test_coverage_gaps_count_what_is_missing_and_what_is_too_many(warehouse):
    rows = query(warehouse, "SELECT norm_id, coalesce(facility_id, region_code), found, missing, excess "
                            "FROM marts.coverage_gaps WHERE year = 2023 ORDER BY 1, 2")
    assert rows == [
        ("yangzhou_2021.independent_emergency_station", "321023", 0.0, 1.0, 0.0),
        ("yangzhou_2021.psychiatric_hospital", "321002", 0.0, 1.0, 0.0),
        ("yangzhou_2021.psychiatric_hospital_grade3", "321000", 0.0, 1.0, 0.0),
        ("yangzhou_2021.village_clinic", "321023100203", 0.0, 1.0, 0.0),
        ("yichang_2016.community_health_centre_served_population", "Y1", 120000.0, 0.0, 20000.0),
    ]
    [(text,)] = query(warehouse, "SELECT what_is_missing FROM marts.coverage_gaps WHERE facility_id = 'Y1'")
    assert "20000 more than the plan allows (30000 to 100000)" in text


@pytest.mark.parametrize("plan_id, norms_not_applicable, units_not_applicable",
                         [("yangzhou_2021", 0, 4), ("yichang_2016", 3, 10)])
def test_the_scorecard_counts_units_left_out_apart(warehouse, plan_id, norms_not_applicable, units_not_applicable):
    [row] = query(warehouse, "SELECT norms_not_applicable, units_not_applicable FROM marts.plan_scorecard "
                             "WHERE plan_id = ? AND year = 2023 AND domain = 'all'", [plan_id])
    assert row == (norms_not_applicable, units_not_applicable)


def test_places_are_known_by_the_end_of_their_names(warehouse):
    rows = query(warehouse, "SELECT region_code, measure, value FROM staging.region_attributes "
                            "WHERE year = 2023 AND measure IN ('is_subdistrict', 'is_administrative_village') ORDER BY 1")
    assert rows == [
        ("321002001", "is_subdistrict", 1.0), ("321002001001", "is_administrative_village", 0.0),
        ("321023100", "is_subdistrict", 0.0), ("321023100201", "is_administrative_village", 1.0),
        ("321023100202", "is_administrative_village", 1.0), ("321023100203", "is_administrative_village", 1.0),
        ("420502001", "is_subdistrict", 1.0), ("420506100", "is_subdistrict", 0.0),
    ]


def test_a_unit_left_out_gets_no_trajectory(warehouse):
    # yichang_2016's milestones lie before 2023, so use 扬州 (target 2025): 宝应县 is left out of the
    # psychiatric-hospital norm, 广陵区 is judged (one year of data: too few for a projection, but the annual
    # change needed is (1 − 0) / (2025 − 2023) = 0.5).
    rows = query(warehouse, "SELECT region_code, applies, annual_change_needed, projected_value FROM marts.target_tracking "
                            "WHERE norm_id = 'yangzhou_2021.psychiatric_hospital' ORDER BY 1")
    assert rows == [("321002", True, 0.5, None), ("321023", False, None, None)]
