"""marts.norm_results, marts.target_tracking and marts.plan_scorecard on an inbox built here, every figure
worked on paper.

The inbox is conftest's 许昌 fragment (write_small_inbox) plus four more places (郑州, 高明, 宜昌, 钦州), each a small, made-up series
chosen so one rule of the tracking marts can be checked by hand. The plans' norms used (expectations/norms/):

  gaoming_2023   jurisdiction 440608 高明区 (a county: its norms are judged on 高明区 itself), target year 2025
                 ambulances_per_30k ≥ 1 (emergency_care), negative_pressure_ambulance_pct ≥ 40 (emergency_care),
                 aeds_per_10k ≥ 1 (emergency_care), childcare_places_per_1k ≥ 4.6 by 2023 (other)
  yichang_2016   jurisdiction 420500 宜昌市; family_doctor_contract_pct (county) has milestones
                 2016 ≥ 30, 2017 ≥ 35, 2018 ≥ 40
  qinzhou_14th   jurisdiction 450700 钦州市; maternal_mortality_per_100k (prefecture) ≤ 14.0 by 2025, a rare
                 event: judged on the pooled rate of the latest 3 years (expectations/tracking.yaml)
  xuchang_2020   jurisdiction 411000 许昌市; 郑州 (410100, county 410102) lies outside it

高明区 440608, one hospital G1 (300,000 residents a year; no population filed for 2022; 0 filed for 2024)

  year  residents  ambulances  negative-pressure  AEDs   per 30k (amb/10)  negative-pressure %   AEDs per 10k
  2018  300,000        4             4              –         0.4              100                –
  2019  300,000        5             1              –         0.5               20                –
  2020  300,000        6             3              –         0.6               50                –
  2021  300,000        7             0              –         0.7                0                –
  2022     –           8             2              –      no residents         25                –
  2023  300,000        9             0             45         0.9                0           45/30 = 1.5
  2024        0        9             3             45      0 residents      33.3…          0 residents

  No population for 2022: 高明区 is not a unit in scope that year, so it has no norm rows (a missing year),
  while the 2022 negative-pressure share (its denominator is ambulances) is still a point of the trend.
  2024: residents 0, so the per-30k and per-10k rates have a zero denominator: not_evaluable, "denominator zero".

  Trend (least squares through the yearly values of the latest ≤ 5 calendar years, at least 3 of them),
  read at the target year 2025:
  ambulances per 30k grows by exactly 0.1 a year, so every fit is that line, value(2025) = 1.1:
    2019  points 2018, 2019 = 2 < 3: no projection, trend_years 2
    2020  points 2018–2020: projected 0.6 + 5 × 0.1 = 1.1 ≥ 1, on track; needed (1 − 0.6)/5 = 0.08 a year
    2021  points 2018–2021: trend_years 4, projected 1.1; needed (1 − 0.7)/4 = 0.075
    2023  window 2019–2023 (2018 left out), 2022 has no value: points 2019, 2020, 2021, 2023, trend_years 4;
          projected 0.9 + 2 × 0.1 = 1.1, on track; needed (1 − 0.9)/2 = 0.05; status not_met, gap −0.1
    2024  no actual; window 2020–2024 holds 2020, 2021, 2023 (on the same line): projected 0.9 + 2 × 0.1 = 1.1
  negative-pressure share at 2023: window 2019–2023, x = year − 2021 = −2…2, y = 20, 50, 0, 25, 0
    Σx² = 10, Σxy = −40 − 50 + 0 + 25 + 0 = −65, slope −6.5, mean 95/5 = 19,
    projected at x = 4: 19 − 4 × 6.5 = −7 < 40, not on track; needed (40 − 0)/2 = 20 a year; gap −40.
    (Had 2018's 100 % been let in: x = year − 2020.5, Σx² = 17.5, Σxy = −250 − 30 − 25 + 37.5 = −267.5,
    slope ≈ −15.3 — the 5-year window matters.) At 2019 only 2018 and 2019 are there: no projection.

  Scorecard gaoming_2023 (one unit, 高明区):
    2023  ambulances not_met, negative-pressure not_met, AEDs met (1.5), childcare not_evaluable (no data)
          all: judged 4, met 1, not met 2, not evaluable 1; emergency_care 3/1/2/0; other 1/0/0/1
    2024  ambulances and AEDs not_evaluable (denominator zero), negative-pressure 33.3 % not_met,
          childcare not_evaluable: all 4/0/1/3
    2022  no row (no unit in scope)

西陵区 420502 (宜昌), 100,000 residents each year, family-doctor contracts reported (numerator/denominator):

  year  contracts  %    milestone applying (first due that year or later; after the last, the last)  status
  2013   26,000    26   2016 (≥ 30)                                                                      not_met
  2014   29,000    29   2016 (≥ 30)                                                                      not_met
  2015   32,000    32   2016 (≥ 30)                                                                      met
  2016   31,000    31   2016 (≥ 30)                                                                      met
  2017   36,000    36   2017 (≥ 35) — would fail ≥ 40                                                    met
  2018   40,000    40   2018 (≥ 40) — the boundary is met                                                met
  2019   38,000    38   2018 (≥ 40), the last — would pass ≥ 30 or ≥ 35                                  not_met
  2015's trend: 26, 29, 32 (3 points), slope 3, projected to 2016: 35 ≥ 30, on track; the annual change
  needed is (30 − 32)/(2016 − 2015) = −2 (already there); gap +2. For 2016–2019 the milestone is not ahead
  (target_year ≤ year): no projection and no annual change needed.

钦南区 450702 (钦州's one county), 500,000 residents; maternal deaths / live births reported at the county:

  year  deaths  births  yearly rate /10万   pooled (≤ 3 latest years)                    ≤ 14?
  2019    0     5,000        0              0 / 5,000                     = 0             met
  2020    1     5,000       20              1 / 10,000 × 100,000          = 10            met
  2021    0     5,000        0              1 / 15,000 × 100,000          = 6.67          met
  2022    2     5,000       40              3 / 15,000 × 100,000          = 20            not_met
  2023    0     5,000        0              2 / 15,000 × 100,000          = 13.33         met
  钦州市 450700 has the same sums. 2022 is judged on the pooled 20, not the year's 40.
  The trend is fitted to the yearly rates (docs/analysts.md): 2023, x = −2…2, y = 0, 20, 0, 40, 0:
  Σxy = −20 + 40 = 20, slope 2, mean 12, projected 12 + 4 × 2 = 20 > 14: not on track;
  needed (14 − 40/3)/2 = 1/3 a year; gap 40/3 − 14 = −2/3. 2021: y = 0, 20, 0, slope 0, projected 20/3, on track.

许昌 (conftest): 2022 has population only under the retired 许昌县 411023, i.e. 建安区 411003 (40,000); 2023 has
魏都区 411002 and 建安区 411003. Added here: township health centre T4 (一级甲等, 政府办), filed under the retired
411023, with 2023 statistics and no staff; and 郑州市 410100 / 中原区 410102 (outside 许昌) with population, a
township health centre Z1 and statistics in 2023. 许昌 is judged in the years its jurisdiction 411000 has
population, 2022 and 2023, on every county, township and village of it in force. Places: 西大街道 411002001 and
东大街道 411002002 are subdistricts (街道) of 魏都区, each with a community health centre (T1 ungraded, T2 no
grade); 建安区 has 尚集镇 (镇) and 小召乡 (乡), no subdistrict, and the administrative village 小召村 with clinic V1
(no statistics, no staff). Hospitals H1 (魏都区) and H2 (filed under 411023) are 二级甲等. T3 (小召乡 卫生院,
一级甲等) has one staff member of specialty 中医; T1's staff are GP, nurse and public health; nobody reports a TCM hall.

  norm (domain)                          2023 units                                    2022 units
  community_health_coverage (primary)    411002: 2 of 2 subdistricts with a centre,    same (the registry has no years)
                                         100 % ≥ 100 met; 411003: no subdistrict,
                                         denominator zero
  grade2a_general_hospital (resources)   411002: H1 → 1 met; 411003: H2 → 1 met        same
  life_expectancy (outcomes)             411000: 77.2 < 78 not_met                     no data
  primary_care_centres_grade2 (primary)  411002: 0 of T1, T2 graded 2+: 0 % not_met;    same
                                         411003: 0 of T3, T4: 0 % not_met
  tcm_capable_community_centres (tcm)    T1 0, T2 0 (statistics, no TCM): not_met ×2   no facility with data: no row
  tcm_capable_township_centres (tcm)     T3 1 (中医 staff) met; T4 0 not_met            no row
  tcm_hall_pct (tcm)                     411000: no centre reported a TCM hall: no data  no data
  village_clinic_over_800 (primary)      小召村: administrative village, but no village  same
                                         population: no data for the condition
  village_clinics_tcm_capable_pct (tcm)  411000: V1 has no data that year: no data      no data
  (stations, TCM hospitals: none registered)

  tb_bacteriological_positive_increase (outcomes, a direction target 提高): 411000 reports 40, 50, 52, 30 % in
                                         2020–2023; 2023: slope −2.8 not_met         2022: 40, 50, 52, slope 6, met

  Scorecard 2023: judged 10, met 2 (coverage, grade2a), not met 5, not evaluable 3; units met 4
  (411002 coverage, 411002 and 411003 grade2a, T3), not met 7, not evaluable 4.
  By domain: primary_care 3/1/1/1, units 1/2/2; resources 1/1/0/0, units 2/0/0; outcomes 2/0/2/0, units 0/2/0;
  tcm 4/0/2/2, units 1/3/2. 2022: judged 8, met 3, not met 1 (grade2 pct), not evaluable 4; units 4/2/5.
  No 许昌 norm has a condition that leaves a unit out here: not applicable 0 (tests/test_conditions.py has those).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from conftest import REGIONS, build, query, write_small_inbox

EXTRA_REGIONS = [
    # region_code, region_name, level, parent_code, valid_to, replaced_by
    ("410100", "郑州市", "prefecture", "410000", "", ""),
    ("410102", "中原区", "county", "410100", "", ""),
    ("440000", "广东省", "province", "", "", ""),
    ("440600", "佛山市", "prefecture", "440000", "", ""),
    ("440608", "高明区", "county", "440600", "", ""),
    ("420000", "湖北省", "province", "", "", ""),
    ("420500", "宜昌市", "prefecture", "420000", "", ""),
    ("420502", "西陵区", "county", "420500", "", ""),
    ("450000", "广西壮族自治区", "province", "", "", ""),
    ("450700", "钦州市", "prefecture", "450000", "", ""),
    ("450702", "钦南区", "county", "450700", "", ""),
    # 宜昌's counties for the progress boundaries (PROGRESS_SERIES)
    ("420503", "伍家岗区", "county", "420500", "", ""),
    ("420504", "点军区", "county", "420500", "", ""),
    ("420505", "猇亭区", "county", "420500", "", ""),
    ("420506", "夷陵区", "county", "420500", "", ""),
    ("420525", "远安县", "county", "420500", "", ""),
    ("420526", "兴山县", "county", "420500", "", ""),
]

# Family-doctor contracts per 100,000 residents in 2013, 2014, 2015, i.e. the percentage × 1,000. Each ends at
# 20 % in 2015, when the 2016 milestone (≥ 30) is a year ahead: 10 points a year are needed, and the slope of
# the three values decides the class (ratio = slope / 10; expectations/tracking.yaml: 0.95, 0.60, 0).
PROGRESS_SERIES = {
    "420503": ((1000, 10500, 20000), 0.95, "on_track"),              # slope 9.5: on the boundary
    "420504": ((1200, 10600, 20000), 0.94, "acceleration_needed"),   # slope 9.4: just below it
    "420505": ((8000, 14000, 20000), 0.60, "acceleration_needed"),   # slope 6: on the boundary
    "420506": ((8200, 14100, 20000), 0.59, "limited_progress"),      # slope 5.9: just below it
    "420525": ((20000, 20000, 20000), 0.0, "limited_progress"),      # flat: on the boundary 0
    "420526": ((21000, 20500, 20000), -0.05, "deterioration"),       # slope −0.5: below 0
}

GAOMING_POPULATION = {2018: 300000, 2019: 300000, 2020: 300000, 2021: 300000, 2023: 300000, 2024: 0}
EXTRA_POPULATION = (
    [("440608", year, residents) for year, residents in GAOMING_POPULATION.items()]
    + [("420502", year, 100000) for year in range(2013, 2020)]
    + [("450702", year, 500000) for year in range(2019, 2024)]
    + [("410102", 2023, 70000)]
    + [(code, year, 100000) for code in PROGRESS_SERIES for year in (2013, 2014, 2015)]
)

EXTRA_FACILITIES = [
    # facility_id, name, type, grade, ownership, region
    ("G1", "高明区人民医院", "综合医院", "二级甲等", "政府办", "440608"),
    ("T4", "尚集镇卫生院", "乡镇卫生院", "一级甲等", "政府办", "411023"),  # filed under the retired 许昌县
    ("Z1", "中原区某乡镇卫生院", "乡镇卫生院", "一级甲等", "政府办", "410102"),  # outside 许昌
    ("Y1", "西陵区某乡镇卫生院", "乡镇卫生院", "一级甲等", "政府办", "420502"),  # 2 GPs in 2015: 3 short of 5
    ("Y2", "伍家岗区某乡镇卫生院", "乡镇卫生院", "一级甲等", "政府办", "420503"),  # 4 GPs in 2015: 1 short
]

EXTRA_STAFF = [
    # staff_id, id_number, name, facility_id, year, category, specialty
    ("Y101", "", "周一", "Y1", 2015, "执业医师", "全科医学"),
    ("Y102", "", "周二", "Y1", 2015, "执业医师", "全科医学"),
    ("Y103", "", "周三", "Y1", 2015, "注册护士", "护理"),
    *[(f"Y20{i}", "", f"吴{i}", "Y2", 2015, "执业医师", "全科医学") for i in range(1, 5)],
]

EXTRA_FACILITY_STATS = [
    # facility_id, year, beds, ambulances, negative_pressure_ambulances, aeds
    ("G1", 2018, 400, 4, 4, None),
    ("G1", 2019, 400, 5, 1, None),
    ("G1", 2020, 400, 6, 3, None),
    ("G1", 2021, 400, 7, 0, None),
    ("G1", 2022, 400, 8, 2, None),
    ("G1", 2023, 400, 9, 0, 45),
    ("G1", 2024, 400, 9, 3, 45),
    ("T4", 2023, 30, 0, 0, None),
    ("Z1", 2023, 50, 1, 0, None),
]

CONTRACTS = {2013: 26000, 2014: 29000, 2015: 32000, 2016: 31000, 2017: 36000, 2018: 40000, 2019: 38000}
MATERNAL_DEATHS = {2019: 0, 2020: 1, 2021: 0, 2022: 2, 2023: 0}
# Direction targets: 许昌's bacteriologically confirmed TB share (提高, increase), 钦州's TB incidence per 100,000
# (进一步降低, decrease), reported by 钦南区 (500,000 residents): 60, 58, 56, 66, 50.
TB_POSITIVE = {2020: 40, 2021: 50, 2022: 52, 2023: 30}
TB_CASES = {2019: 300, 2020: 290, 2021: 280, 2022: 330, 2023: 250}
EXTRA_PUBLIC_HEALTH = (
    [("420502", year, "family_doctor_contract_pct", float(n), 100000.0) for year, n in CONTRACTS.items()]
    + [("450702", year, "maternal_mortality_per_100k", float(n), 5000.0) for year, n in MATERNAL_DEATHS.items()]
    + [(code, year, "family_doctor_contract_pct", float(n), 100000.0)
       for code, (series, _, _) in PROGRESS_SERIES.items() for year, n in zip((2013, 2014, 2015), series)]
    + [("411000", year, "tb_bacteriological_positive_pct", float(n), 100.0) for year, n in TB_POSITIVE.items()]
    + [("450702", year, "tb_incidence_per_100k", float(n), 500000.0) for year, n in TB_CASES.items()]
)


def write_tracking_inbox(inbox: Path) -> Path:
    write_small_inbox(inbox)
    regions = [r for r in REGIONS] + EXTRA_REGIONS
    pl.DataFrame(
        regions, schema=["region_code", "region_name", "level", "parent_code", "valid_to", "replaced_by"], orient="row"
    ).write_csv(inbox / "regions.csv")
    pl.DataFrame(
        EXTRA_POPULATION, schema=["region_code", "year", "resident_population"], orient="row"
    ).write_csv(inbox / "population_extra.csv")
    pl.DataFrame(
        EXTRA_FACILITIES, schema=["facility_id", "facility_name", "facility_type", "grade", "ownership", "region_code"],
        orient="row",
    ).write_csv(inbox / "facilities_extra.csv")
    pl.DataFrame(
        EXTRA_FACILITY_STATS,
        schema={"facility_id": pl.String, "year": pl.Int64, "beds": pl.Int64, "ambulances": pl.Int64,
                "negative_pressure_ambulances": pl.Int64, "aeds": pl.Int64},
        orient="row",
    ).write_csv(inbox / "facility_stats_extra.csv")
    pl.DataFrame(
        EXTRA_PUBLIC_HEALTH, schema=["region_code", "year", "indicator_code", "numerator", "denominator"], orient="row"
    ).write_csv(inbox / "public_health_extra.csv")
    pl.DataFrame(
        EXTRA_STAFF, schema=["staff_id", "身份证号", "姓名", "facility_id", "year", "category", "specialty"], orient="row"
    ).write_csv(inbox / "staff_extra.csv")
    return inbox


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tracking")
    inbox = write_tracking_inbox(root / "inbox")
    published = root / "warehouse" / "health.duckdb"
    result = build(inbox, published)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return published


def tracking(path: Path, norm_id: str, unit: str, year: int) -> dict | None:
    """The target_tracking row of one norm, unit (region code or facility id) and year, as a dict."""
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute(
            "SELECT * FROM marts.target_tracking WHERE norm_id = ? AND coalesce(facility_id, region_code) = ? AND year = ?",
            [norm_id, unit, year],
        )
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) <= 1, rows
    return dict(zip(names, rows[0])) if rows else None


def scorecard(path: Path, plan_id: str, year: int, domain: str = "all") -> tuple | None:
    rows = query(
        path,
        "SELECT norms_judged, norms_met, norms_not_met, norms_not_evaluable, norms_not_applicable, units_met, "
        "units_not_met, units_not_evaluable, units_not_applicable FROM marts.plan_scorecard "
        "WHERE plan_id = ? AND year = ? AND domain = ?",
        [plan_id, year, domain],
    )
    assert len(rows) <= 1, rows
    return rows[0] if rows else None


# ------------------------------------------------------------------------------------------ milestones (宜昌)
@pytest.mark.parametrize(
    "year, target_year, threshold, value, status",
    [
        (2013, 2016, 30, 26, "not_met"),
        (2014, 2016, 30, 29, "not_met"),
        (2015, 2016, 30, 32, "met"),
        (2016, 2016, 30, 31, "met"),
        (2017, 2017, 35, 36, "met"),
        (2018, 2018, 40, 40, "met"),  # on the boundary: ≥ 40
        (2019, 2018, 40, 38, "not_met"),  # after the last milestone, the last applies
    ],
)
def test_the_milestone_due_that_year_or_next_applies(warehouse, year, target_year, threshold, value, status):
    rows = query(
        warehouse,
        "SELECT target_year, threshold, value, status, reason FROM marts.norm_results "
        "WHERE norm_id = 'yichang_2016.family_doctor_contract_pct' AND region_code = '420502' AND year = ?",
        [year],
    )
    assert rows == [(target_year, pytest.approx(threshold), pytest.approx(value), status, None)]


def test_one_row_per_unit_and_year_whatever_the_number_of_milestones(warehouse):
    # Three milestones, seven years of 西陵区 data: seven rows, not 21; no row for the prefecture (county norm).
    rows = query(
        warehouse,
        "SELECT region_code, count(*), count(DISTINCT year) FROM marts.norm_results "
        "WHERE norm_id = 'yichang_2016.family_doctor_contract_pct' AND region_code IN ('420500', '420502') "
        "GROUP BY region_code",
    )
    assert rows == [("420502", 7, 7)]


def test_milestone_trajectory_and_a_milestone_not_ahead(warehouse):
    # 2015: 26, 29, 32 → slope 3, 35 at 2016 ≥ 30; needed (30 − 32)/1 = −2; gap 32 − 30 = 2.
    row = tracking(warehouse, "yichang_2016.family_doctor_contract_pct", "420502", 2015)
    assert (row["target"], row["target_year"], row["trend_years"]) == (30, 2016, 3)
    assert row["projected_value"] == pytest.approx(35)
    assert row["annual_change_observed"] == pytest.approx(3)
    assert row["annual_change_needed"] == pytest.approx(-2)
    assert row["gap"] == pytest.approx(2)
    assert row["on_track"] is True
    # 2014: two points only (2013, 2014): no projection; needed (30 − 29)/(2016 − 2014) = 0.5.
    row = tracking(warehouse, "yichang_2016.family_doctor_contract_pct", "420502", 2014)
    assert (row["trend_years"], row["projected_value"], row["annual_change_observed"], row["on_track"]) == (2, None, None, None)
    assert row["annual_change_needed"] == pytest.approx(0.5)
    # 2016 (milestone due that very year) and 2019 (milestone passed): nothing projected, nothing needed; the
    # slope is still given. 2016: 26, 29, 32, 31 → slope 9 / 5 = 1.8; 2019: 32, 31, 36, 40, 38 → 21 / 10 = 2.1.
    for year, gap, slope, points in ((2016, 31 - 30, 1.8, 4), (2019, 38 - 40, 2.1, 5)):
        row = tracking(warehouse, "yichang_2016.family_doctor_contract_pct", "420502", year)
        assert row["gap"] == pytest.approx(gap)
        assert (row["projected_value"], row["annual_change_needed"], row["on_track"]) == (None, None, None)
        assert (row["annual_change_observed"], row["trend_years"]) == (pytest.approx(slope), points)


# ------------------------------------------------------------------------------------------ trajectory (高明)
@pytest.mark.parametrize(
    "year, actual, trend_years, projected, needed",
    [
        (2020, 0.6, 3, 1.1, (1 - 0.6) / 5),
        (2021, 0.7, 4, 1.1, (1 - 0.7) / 4),
        (2023, 0.9, 4, 1.1, (1 - 0.9) / 2),  # window 2019–2023: 2018 left out, 2022 has no value
    ],
)
def test_a_linear_series_projects_onto_its_line(warehouse, year, actual, trend_years, projected, needed):
    row = tracking(warehouse, "gaoming_2023.ambulances_per_30k", "440608", year)
    assert (row["target"], row["target_year"], row["comparator"], row["trend_years"]) == (1, 2025, ">=", trend_years)
    assert row["actual"] == pytest.approx(actual)
    assert row["gap"] == pytest.approx(actual - 1)
    assert row["status"] == "not_met"
    assert row["projected_value"] == pytest.approx(projected)
    assert row["annual_change_observed"] == pytest.approx(0.1)
    assert row["annual_change_needed"] == pytest.approx(needed)
    assert row["on_track"] is True


@pytest.mark.parametrize("year, points", [(2018, 1), (2019, 2)])
def test_fewer_than_three_years_give_no_projection(warehouse, year, points):
    row = tracking(warehouse, "gaoming_2023.ambulances_per_30k", "440608", year)
    assert row["trend_years"] == points
    assert (row["projected_value"], row["annual_change_observed"], row["on_track"]) == (None, None, None)
    assert row["annual_change_needed"] == pytest.approx((1 - row["actual"]) / (2025 - year))
    assert row["actual"] == pytest.approx({2018: 0.4, 2019: 0.5}[year])


def test_least_squares_over_the_latest_five_years(warehouse):
    # Negative-pressure share 2019–2023: 20, 50, 0, 25, 0 → slope −6.5, mean 19, at 2025: 19 − 26 = −7.
    # 2022's 25 % counts although 高明区 has no population (and no norm row) that year; 2018's 100 % does not.
    row = tracking(warehouse, "gaoming_2023.negative_pressure_ambulance_pct", "440608", 2023)
    assert row["actual"] == pytest.approx(0)
    assert (row["status"], row["trend_years"], row["on_track"]) == ("not_met", 5, False)
    assert row["gap"] == pytest.approx(-40)
    assert row["annual_change_observed"] == pytest.approx(-6.5)
    assert row["projected_value"] == pytest.approx(-7)
    assert row["annual_change_needed"] == pytest.approx(20)


def test_a_zero_population_is_not_evaluable_with_its_reason(warehouse):
    rows = query(
        warehouse,
        "SELECT norm_id, value, status, reason FROM marts.norm_results "
        "WHERE plan_id = 'gaoming_2023' AND region_code = '440608' AND year = 2024 ORDER BY norm_id",
    )
    assert rows == [
        ("gaoming_2023.aeds_per_10k", None, "not_evaluable", "denominator zero"),
        ("gaoming_2023.ambulances_per_30k", None, "not_evaluable", "denominator zero"),
        ("gaoming_2023.childcare_places_per_1k", None, "not_evaluable", "no data"),
        ("gaoming_2023.negative_pressure_ambulance_pct", pytest.approx(100 / 3), "not_met", None),
    ]
    # No actual, so no gap and no change needed; the trend still reads the yearly values of 2020, 2021, 2023.
    row = tracking(warehouse, "gaoming_2023.ambulances_per_30k", "440608", 2024)
    assert (row["actual"], row["gap"], row["annual_change_needed"]) == (None, None, None)
    assert (row["trend_years"], row["on_track"]) == (3, True)
    assert row["projected_value"] == pytest.approx(1.1)


def test_a_year_without_population_has_no_unit_in_scope(warehouse):
    years = query(
        warehouse, "SELECT DISTINCT year FROM marts.norm_results WHERE plan_id = 'gaoming_2023' ORDER BY year"
    )
    assert years == [(2018,), (2019,), (2020,), (2021,), (2023,), (2024,)]
    assert scorecard(warehouse, "gaoming_2023", 2022) is None


def test_a_norm_due_earlier_is_judged_against_its_only_target_year(warehouse):
    # childcare_places_per_1k is due 2023: for 2018–2023 that is the first due that year or later, for 2024 the last.
    rows = query(
        warehouse,
        "SELECT DISTINCT target_year FROM marts.norm_results WHERE norm_id = 'gaoming_2023.childcare_places_per_1k'",
    )
    assert rows == [(2023,)]


# ------------------------------------------------------------------------------------------ scorecard
@pytest.mark.parametrize(
    "plan_id, year, domain, expected",
    [
        # norms judged, met, not met, not evaluable, not applicable; units met, not met, not evaluable, not applicable
        ("gaoming_2023", 2023, "all", (4, 1, 2, 1, 0, 1, 2, 1, 0)),
        ("gaoming_2023", 2023, "emergency_care", (3, 1, 2, 0, 0, 1, 2, 0, 0)),
        ("gaoming_2023", 2023, "other", (1, 0, 0, 1, 0, 0, 0, 1, 0)),
        ("gaoming_2023", 2024, "all", (4, 0, 1, 3, 0, 0, 1, 3, 0)),
        ("xuchang_2020", 2023, "all", (10, 2, 5, 3, 0, 4, 7, 4, 0)),
        ("xuchang_2020", 2023, "public_health_outcomes", (2, 0, 2, 0, 0, 0, 2, 0, 0)),
        ("xuchang_2020", 2023, "primary_care", (3, 1, 1, 1, 0, 1, 2, 2, 0)),
        ("xuchang_2020", 2023, "resources", (1, 1, 0, 0, 0, 2, 0, 0, 0)),
        ("xuchang_2020", 2023, "tcm", (4, 0, 2, 2, 0, 1, 3, 2, 0)),
        ("xuchang_2020", 2022, "all", (8, 3, 1, 4, 0, 4, 2, 5, 0)),
    ],
)
def test_plan_scorecard(warehouse, plan_id, year, domain, expected):
    assert scorecard(warehouse, plan_id, year, domain) == expected


def test_a_plan_has_scorecard_rows_only_for_years_with_units_in_scope(warehouse):
    # 许昌's data is 2022–2023; the other places' years (2013–2024) must not bring in 许昌's facilities.
    rows = query(warehouse, "SELECT DISTINCT year FROM marts.norm_results WHERE plan_id = 'xuchang_2020' ORDER BY year")
    assert rows == [(2022,), (2023,)]
    rows = query(warehouse, "SELECT DISTINCT year FROM marts.plan_scorecard WHERE plan_id = 'xuchang_2020' ORDER BY year")
    assert rows == [(2022,), (2023,)]


# ------------------------------------------------------------------------------------------ scope (许昌, 郑州)
def test_units_outside_the_jurisdiction_get_no_rows(warehouse):
    units = query(
        warehouse,
        "SELECT DISTINCT coalesce(facility_id, region_code) FROM marts.norm_results WHERE plan_id = 'xuchang_2020' ORDER BY 1",
    )
    assert units == [("411000",), ("411002",), ("411003",), ("411003002001",), ("T1",), ("T2",), ("T3",), ("T4",)]
    # 郑州 410100 / 中原区 410102 and its township health centre Z1 are in no plan's jurisdiction.
    for table in ("norm_results", "target_tracking"):
        rows = query(
            warehouse,
            f"SELECT count(*) FROM marts.{table} WHERE region_code IN ('410100', '410102') OR facility_id = 'Z1'",
        )
        assert rows == [(0,)], table


def test_data_under_a_retired_code_is_judged_under_its_successor(warehouse):
    # T4 is filed under the retired 许昌县 411023; 2022's population too. Both count for 建安区 411003.
    rows = query(
        warehouse,
        "SELECT norm_id, region_code, year, status, reason FROM marts.norm_results WHERE facility_id = 'T4'",
    )
    assert rows == [("xuchang_2020.tcm_capable_township_health_centres", "411003", 2023, "not_met", None)]
    rows = query(
        warehouse,
        "SELECT norm_id, region_code, status, reason FROM marts.norm_results WHERE plan_id = 'xuchang_2020' "
        "AND year = 2022 AND scope_level = 'county' ORDER BY norm_id, region_code",
    )
    # H2, filed under 411023, is 建安区's 二级甲等 hospital; 建安区 has no subdistrict (尚集镇 is a 镇).
    assert rows == [
        ("xuchang_2020.community_health_coverage", "411002", "met", None),
        ("xuchang_2020.community_health_coverage", "411003", "not_evaluable", "denominator zero"),
        ("xuchang_2020.grade2a_general_hospital_per_county", "411002", "met", None),
        ("xuchang_2020.grade2a_general_hospital_per_county", "411003", "met", None),
        ("xuchang_2020.primary_care_centres_grade2_pct", "411002", "not_met", None),
        ("xuchang_2020.primary_care_centres_grade2_pct", "411003", "not_met", None),
    ]
    rows = query(
        warehouse,
        "SELECT DISTINCT region_code FROM marts.norm_results WHERE plan_id = 'xuchang_2020' AND year = 2022 ORDER BY 1",
    )
    assert rows == [("411000",), ("411002",), ("411003",), ("411003002001",)]
    for table in ("norm_results", "target_tracking"):
        assert query(warehouse, f"SELECT count(*) FROM marts.{table} WHERE region_code = '411023'") == [(0,)], table


# ------------------------------------------------------------------------------------------ rare events (钦州)
@pytest.mark.parametrize(
    "year, pooled, status",
    [
        (2019, 0 / 5000 * 100000, "met"),
        (2020, 1 / 10000 * 100000, "met"),  # 2018 is not in the data: two years pooled
        (2021, 1 / 15000 * 100000, "met"),
        (2022, 3 / 15000 * 100000, "not_met"),  # the year alone is 40
        (2023, 2 / 15000 * 100000, "met"),
    ],
)
def test_rare_events_are_judged_on_the_pooled_rate(warehouse, year, pooled, status):
    rows = query(
        warehouse,
        "SELECT region_code, value, status FROM marts.norm_results "
        "WHERE norm_id = 'qinzhou_14th.maternal_mortality' AND year = ?",
        [year],
    )
    assert rows == [("450700", pytest.approx(pooled, abs=1e-9), status)]


def test_the_yearly_rate_stays_unpooled_in_indicator_values(warehouse):
    rows = query(
        warehouse,
        "SELECT year, numerator, denominator, value FROM marts.indicator_values "
        "WHERE region_code = '450700' AND indicator_code = 'maternal_mortality_per_100k' ORDER BY year",
    )
    assert rows == [
        (2019, 0, 5000, 0), (2020, 1, 5000, 20), (2021, 0, 5000, 0), (2022, 2, 5000, 40), (2023, 0, 5000, 0),
    ]


def test_rare_event_trend_is_fitted_to_the_yearly_rates(warehouse):
    row = tracking(warehouse, "qinzhou_14th.maternal_mortality", "450700", 2023)
    assert row["actual"] == pytest.approx(40 / 3)
    assert row["gap"] == pytest.approx(40 / 3 - 14)
    assert row["status"] == "met"
    assert row["trend_years"] == 5
    assert row["annual_change_observed"] == pytest.approx(2)
    assert row["projected_value"] == pytest.approx(20)
    assert row["annual_change_needed"] == pytest.approx((14 - 40 / 3) / 2)
    assert row["on_track"] is False  # 20 > 14
    row = tracking(warehouse, "qinzhou_14th.maternal_mortality", "450700", 2021)
    assert (row["trend_years"], row["on_track"]) == (3, True)
    assert row["annual_change_observed"] == pytest.approx(0, abs=1e-9)
    assert row["projected_value"] == pytest.approx(20 / 3)
    assert row["annual_change_needed"] == pytest.approx((14 - 20 / 3) / 4)


# ------------------------------------------------------------------------------------------ progress classes
# ratio = slope of the trend / change per year needed from today's value to the target by its year (a target
# already due: within one year). expectations/tracking.yaml: ≥ 0.95 on_track, ≥ 0.60 acceleration_needed,
# ≥ 0 limited_progress, below 0 deterioration; met: achieved; fewer than 3 years: no_trend.
@pytest.mark.parametrize("county", sorted(PROGRESS_SERIES))
def test_progress_at_every_class_boundary(warehouse, county):
    _, ratio, progress = PROGRESS_SERIES[county]
    row = tracking(warehouse, "yichang_2016.family_doctor_contract_pct", county, 2015)
    assert (row["actual"], row["target"], row["target_year"], row["trend_years"]) == (pytest.approx(20), 30, 2016, 3)
    assert row["annual_change_needed"] == pytest.approx(10)
    assert row["annual_change_observed"] / row["annual_change_needed"] == pytest.approx(ratio, abs=1e-9)
    assert (row["status"], row["progress"]) == ("not_met", progress)


@pytest.mark.parametrize(
    "norm_id, unit, year, progress",
    [
        ("yichang_2016.family_doctor_contract_pct", "420502", 2015, "achieved"),   # 32 ≥ 30
        ("yichang_2016.family_doctor_contract_pct", "420502", 2014, "no_trend"),   # 2 years of data
        # 2019: 38 < 40, the 2018 milestone is past: 2 points needed within a year, slope 2.1 → ratio 1.05
        ("yichang_2016.family_doctor_contract_pct", "420502", 2019, "on_track"),
        ("gaoming_2023.ambulances_per_30k", "440608", 2023, "on_track"),           # 0.1 / 0.05 = 2
        ("gaoming_2023.negative_pressure_ambulance_pct", "440608", 2023, "deterioration"),  # −6.5 / 20
        ("gaoming_2023.ambulances_per_30k", "440608", 2024, None),                 # not evaluable: no class
        # pooled 20 > 14 in 2022, needed (14 − 20)/3 = −2 a year, yearly rates 0, 20, 0, 40 rise by 10: ratio −5
        ("qinzhou_14th.maternal_mortality", "450700", 2022, "deterioration"),
        ("qinzhou_14th.maternal_mortality", "450700", 2023, "achieved"),
    ],
)
def test_progress_classes_of_the_worked_series(warehouse, norm_id, unit, year, progress):
    assert tracking(warehouse, norm_id, unit, year)["progress"] == progress


# ------------------------------------------------------------------------------------------ direction targets
@pytest.mark.parametrize(
    "norm_id, year, slope, points, status, reason, progress",
    [
        # increase (提高): 许昌 40, 50, 52 (2020–2022) rises 6 a year; with 2023's 30 the line falls 2.8 a year
        ("xuchang_2020.tb_bacteriological_positive_increase", 2022, 6, 3, "met", None, "on_track"),
        ("xuchang_2020.tb_bacteriological_positive_increase", 2023, -2.8, 4, "not_met", None, "deterioration"),
        # decrease (进一步降低): 钦州 60, 58, 56, 66, 50 per 100,000
        ("qinzhou_14th.tb_incidence_decrease", 2020, None, 2, "not_evaluable", "too few years for a trend (2 of 3)", "no_trend"),
        ("qinzhou_14th.tb_incidence_decrease", 2021, -2, 3, "met", None, "on_track"),
        ("qinzhou_14th.tb_incidence_decrease", 2022, 1.6, 4, "not_met", None, "deterioration"),  # Σxy 8 / Σx² 5
        ("qinzhou_14th.tb_incidence_decrease", 2023, -1.2, 5, "met", None, "on_track"),          # Σxy −12 / 10
    ],
)
def test_direction_targets_are_judged_by_the_trend(warehouse, norm_id, year, slope, points, status, reason, progress):
    unit = "411000" if norm_id.startswith("xuchang") else "450700"
    row = tracking(warehouse, norm_id, unit, year)
    assert (row["comparator"], row["target"], row["gap"], row["shortfall"]) == (norm_id.rsplit("_", 1)[1], None, None, None)
    assert (row["status"], row["reason"], row["progress"], row["trend_years"]) == (status, reason, progress, points)
    assert row["annual_change_observed"] == (None if slope is None else pytest.approx(slope))


# ------------------------------------------------------------------------------------------ shortfall
@pytest.mark.parametrize(
    "norm_id, unit, year, shortfall",
    [
        # a rate: 1 ambulance per 30,000 of 300,000 residents is 10 ambulances; 2020 has 6, 2023 has 9
        ("gaoming_2023.ambulances_per_30k", "440608", 2020, 4),
        ("gaoming_2023.ambulances_per_30k", "440608", 2023, 1),
        # a share: 40 % of 9 ambulances is 3.6 negative-pressure ones; 2023 has 0 (4 short), 2024 has 3 (0.6 → 1)
        ("gaoming_2023.negative_pressure_ambulance_pct", "440608", 2023, 4),
        ("gaoming_2023.negative_pressure_ambulance_pct", "440608", 2024, 1),
        # a share per facility: Y1 has 3 health technicians and no public-health staff: 25 % is 0.75 → 1
        ("yichang_2016.public_health_staff_pct", "Y1", 2015, 1),
        # a count: at least 5 GPs per township health centre; Y1 has 2, Y2 has 4
        ("yichang_2016.thc_gps", "Y1", 2015, 3),
        ("yichang_2016.thc_gps", "Y2", 2015, 1),
        # met: none short
        ("gaoming_2023.negative_pressure_ambulance_pct", "440608", 2020, None),
        # reported, not counted (the pooled maternal mortality rate): no shortfall
        ("qinzhou_14th.maternal_mortality", "450700", 2022, None),
        ("xuchang_2020.life_expectancy", "411000", 2023, None),
    ],
)
def test_shortfall_in_the_numerators_unit(warehouse, norm_id, unit, year, shortfall):
    row = tracking(warehouse, norm_id, unit, year)
    assert row["shortfall"] == shortfall


def test_shortfalls_are_summed_up_the_region_tree(warehouse):
    # Y1 (西陵区) 3 GPs short, Y2 (伍家岗区) 1 short: each county its own, 宜昌市 4 from 2 centres.
    rows = query(
        warehouse,
        "SELECT region_code, level, numerator_measure, units_short, shortfall FROM marts.shortfall_totals "
        "WHERE norm_id = 'yichang_2016.thc_gps' AND year = 2015 ORDER BY level, region_code",
    )
    assert rows == [("420502", "county", "gps", 1, 3), ("420503", "county", "gps", 1, 1), ("420500", "prefecture", "gps", 2, 4)]
    # a norm judged on the jurisdiction itself (高明区) has nothing above it inside the plan: no total
    assert query(warehouse, "SELECT count(*) FROM marts.shortfall_totals WHERE plan_id = 'gaoming_2023'") == [(0,)]


def test_marts_norms_keeps_the_upper_end_of_ranges(warehouse):
    from test_catalog import RANGES

    rows = query(warehouse, "SELECT norm_id, threshold, range_high FROM marts.norms WHERE range_high IS NOT NULL ORDER BY 1")
    assert rows == [(n, low, high) for n, (_, low, high, _) in sorted(RANGES.items()) if high is not None]
