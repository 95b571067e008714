"""The norms catalog: the real one loads with its quotes checked against the plan texts; every kind of bad
entry is refused naming file, norm and field; a new plan is only a new YAML file; hand-verified spot checks."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from pipelines.catalog import DIRECTIONS, NORM_ROW_KEYS, CatalogError, default_seeds_dir, load_catalog

REPO_ROOT = Path(__file__).resolve().parent.parent
EXPECTATIONS = REPO_ROOT / "expectations"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "catalog"
FIXTURE_SEEDS = FIXTURES / "seeds"
PLANS = {
    "xuchang_2020": ("411000", "2020-04-24", "000_191ca0b0deca086f.txt"),
    "gaoming_2023": ("440608", "2023-02-24", "001_4dcb66f00f1ef9c8.txt"),
    "yangzhou_2021": ("321000", "2021-01-01", "002_bd65c25b332dc39a.txt"),
    "yichang_2016": ("420500", "2016-06-13", "003_f9c20e85c2783d32.txt"),
    "qinzhou_14th": ("450700", "2023-01-06", "004_65d48ccab73c86ef.txt"),
}


def seeds_present() -> bool:
    return all((default_seeds_dir() / document).is_file() for _, _, document in PLANS.values())


needs_seeds = pytest.mark.skipif(not seeds_present(), reason=f"plan texts not found in {default_seeds_dir()}")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def rows(catalog):
    return {(r["norm_id"], r["target_year"]): r for r in catalog.norm_rows()}


# ------------------------------------------------------------------------------------------ the real catalog
@needs_seeds
def test_the_real_catalog_loads_with_its_quotes_checked(catalog):
    assert {p["plan_id"]: (p["jurisdiction_code"], p["issued"], p["source_document"]) for p in catalog.plans} == PLANS
    assert all(set(p) == {"plan_id", "name_zh", "name_en", "jurisdiction_code", "issued", "period_start",
                          "period_end", "source_document"} for p in catalog.plans)


@needs_seeds
def test_every_quote_is_a_byte_for_byte_substring_of_its_plan_text(catalog):
    """The loader compares without whitespace; the catalog's quotes are in fact exact."""
    texts = {doc: (default_seeds_dir() / doc).read_text(encoding="utf-8") for _, _, doc in PLANS.values()}
    missing = [(r["norm_id"], r["quote"]) for r in catalog.norm_rows() if r["quote"] not in texts[r["source_document"]]]
    assert missing == []


def test_rows_have_exactly_the_agreed_columns(catalog):
    assert all(tuple(r) == NORM_ROW_KEYS for r in catalog.norm_rows())
    assert all(set(r) == {"indicator_code", "name_zh", "name_en", "unit", "unit_multiplier", "level", "domain",
                          "numerator", "denominator", "source", "higher_is_better", "description"}
               for r in catalog.indicator_rows())


def test_every_norm_is_trackable_with_an_indicator_of_its_unit_or_says_why_not(catalog):
    for row in catalog.norm_rows():
        if row["trackable"]:
            assert catalog.indicators[row["indicator_code"]]["unit"] == row["unit"], row["norm_id"]
            assert (row["threshold"] is None) == (row["comparator"] in DIRECTIONS), row["norm_id"]
        else:
            assert row["untrackable_reason"], row["norm_id"]


def test_yangzhou_ambulances_one_per_30000_with_40_percent_negative_pressure(rows):
    county = rows[("yangzhou_2021.ambulances_per_30k", 2025)]
    assert (county["comparator"], county["threshold"], county["unit"], county["scope_level"]) == (">=", 1, "per_30k", "county")
    # 江都区 and the counties/county-level cities, whose stations the sentence is about
    assert json.loads(county["condition"]) == {"region_in": ["321012", "321023", "321081", "321084"]}
    city = rows[("yangzhou_2021.ambulances_per_30k_city", 2025)]
    assert (city["threshold"], city["unit"], city["scope_level"], city["condition"]) == (1, "per_30k", "prefecture", None)
    for norm_id in ("yangzhou_2021.negative_pressure_ambulance_pct", "yangzhou_2021.negative_pressure_ambulance_pct_city"):
        share = rows[(norm_id, 2025)]
        assert (share["comparator"], share["threshold"], share["unit"]) == (">=", 40, "percent")
        assert share["quote"] == "按照每3万人口配置1辆救护车,其中至少40%为负压救护车"


def test_a_milestone_norm_is_one_row_per_milestone(catalog):
    contract = [r for r in catalog.norm_rows() if r["norm_id"] == "yichang_2016.family_doctor_contract_pct"]
    assert [(r["target_year"], r["threshold"]) for r in contract] == [(2016, 30), (2017, 35), (2018, 40)]
    assert contract[0]["quote"] == "到2016年底,基层医疗卫生机构建设达标率≥90%,家庭医生签约服务覆盖率≥30%"
    assert len([r for r in catalog.norm_rows() if r["norm_id"] == "yichang_2016.primary_care_construction_pct"]) == 3


@pytest.mark.parametrize(
    "norm_id, year, value, literal",
    [
        ("yichang_2016.nurses_per_bed", 2018, 0.4, "04名/床"),
        ("yichang_2016.thc_physicians_per_bed", 2018, 0.22, "022名/床"),
        ("yichang_2016.thc_staff_per_1k_served", 2018, 1.4, "14名/千服务人口"),
        ("yichang_2016.village_clinic_staff_per_1k_served", 2018, 1.0, "10~12人"),
        ("yichang_2016.performance_pay_ceiling", 2016, 2.5, "25倍"),
    ],
)
def test_lost_decimal_points_keep_the_literal_quote_and_record_the_interpreted_value(rows, norm_id, year, value, literal):
    row = rows[(norm_id, year)]
    assert row["threshold"] == value
    assert literal in row["quote"]
    assert literal in row["note"] and str(value) in row["note"]  # the note says what was printed and how it is read


def test_structural_and_staffing_norms_spot_checks(rows):
    psychiatric = rows[("yangzhou_2021.psychiatric_hospital", 2025)]
    assert json.loads(psychiatric["condition"]) == {"measure": "resident_population", "comparator": ">", "value": 500000}
    assert (rows[("yangzhou_2021.township_centre", 2025)]["indicator_code"],
            rows[("yangzhou_2021.township_centre", 2025)]["scope_level"]) == ("gov_primary_care_centres", "township")
    share = rows[("qinzhou_14th.public_health_staff_pct", 2025)]
    assert (share["threshold"], share["scope_level"], share["facility_type"]) == (25, "facility", "township_health_centre")
    floor = rows[("yichang_2016.chc_floor_area_50k_70k", 2018)]
    assert (floor["threshold"], floor["unit"]) == (4000, "m2")
    assert json.loads(floor["condition"]) == [
        {"measure": "served_population", "comparator": ">=", "value": 50000},
        {"measure": "served_population", "comparator": "<", "value": 70000},
    ]
    assert rows[("yichang_2016.bandwidth_urban_grade3_hospitals", 2016)]["threshold"] == 1000
    assert rows[("xuchang_2020.grade2a_general_hospital_per_county", 2020)]["scope_level"] == "county"
    mmr = rows[("qinzhou_14th.maternal_mortality", 2025)]
    assert (mmr["comparator"], mmr["threshold"], mmr["unit"], mmr["baseline_value"], mmr["baseline_year"]) == (
        "<=", 14.0, "per_100k", 2.36, 2020)
    life = rows[("qinzhou_14th.life_expectancy", 2025)]
    assert (life["comparator"], life["threshold"], life["tolerance"]) == ("approximately", 79, 0.5)
    assert rows[("xuchang_2020.life_expectancy", 2021)]["threshold"] == 78


def test_untrackable_norms_are_listed_with_their_reason(rows):
    meeting = rows[("gaoming_2023.party_committee_reform_sessions", 2023)]
    assert meeting["trackable"] is False and "Meetings" in meeting["untrackable_reason"]


# ------------------------------------------------------------------------------------------ a new plan
def catalog_dir(tmp_path: Path, *norm_files: Path, names: list[str] | None = None) -> Path:
    """A catalog in tmp_path: the real indicators.yaml and the given norms files."""
    root = tmp_path / "expectations"
    (root / "norms").mkdir(parents=True)
    shutil.copy(EXPECTATIONS / "indicators.yaml", root / "indicators.yaml")
    for norm_file, name in zip(norm_files, names or [f.name for f in norm_files]):
        shutil.copy(norm_file, root / "norms" / name)
    return root


def test_a_new_plan_is_only_a_new_yaml_file(tmp_path):
    catalog = load_catalog(catalog_dir(tmp_path, FIXTURES / "new_plan" / "test_plan.yaml"), FIXTURE_SEEDS)
    assert [p["plan_id"] for p in catalog.plans] == ["test_plan"]
    rows = catalog.norm_rows()
    assert [(r["norm_id"], r["target_year"], r["threshold"]) for r in rows] == [
        ("test_plan.ambulances_per_30k", 2025, 1),
        ("test_plan.family_doctor_contract_pct", 2023, 40),
        ("test_plan.family_doctor_contract_pct", 2024, 45),
        ("test_plan.family_doctor_contract_pct", 2025, 50),
        ("test_plan.psychiatric_hospital", 2025, 1),
        ("test_plan.aeds_per_10k", 2025, 1),
        ("test_plan.life_expectancy", 2025, 79),
        ("test_plan.yearly_meeting", 2023, 1),
    ]
    assert {r["source_document"] for r in rows} == {"test_plan.txt"}
    assert rows[-1]["trackable"] is False and rows[-2]["baseline_value"] == 77.5


def test_a_new_plan_sits_beside_the_real_ones(tmp_path):
    root = catalog_dir(tmp_path, *sorted((EXPECTATIONS / "norms").glob("*.yaml")), FIXTURES / "new_plan" / "test_plan.yaml")
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    for _, _, document in PLANS.values():
        if (default_seeds_dir() / document).is_file():
            shutil.copy(default_seeds_dir() / document, seeds / document)
    catalog = load_catalog(root, seeds)
    assert len(catalog.plans) == 6
    assert sum(r["plan_id"] == "test_plan" for r in catalog.norm_rows()) == 8


# ------------------------------------------------------------------------------------------ refusals
@pytest.mark.parametrize(
    "fixture, norm_id, field, words",
    [
        ("unknown_indicator", "test_plan.ambulances_per_30k", "indicator_code", "unknown indicator 'ambulances_per_3k'"),
        ("unknown_comparator", "test_plan.ambulances_per_30k", "comparator", "unknown comparator '=>'"),
        ("unit_mismatch", "test_plan.ambulances_per_30k", "unit", "'per_10k' does not fit indicator ambulances_per_30k"),
        ("between_without_threshold_high", "test_plan.ambulances_per_30k", "threshold_high", "needs threshold_high"),
        ("approximately_without_tolerance", "test_plan.ambulances_per_30k", "tolerance", "needs a tolerance"),
        ("quote_not_in_text", "test_plan.ambulances_per_30k", "quote", "not found in test_plan.txt"),
        ("target_year_before_issue", "test_plan.ambulances_per_30k", "target_year", "2022 is before the plan was issued"),
        ("milestone_before_issue", "test_plan.family_doctor_contract_pct", "milestones[0].year", "2021 is before the plan was issued"),
        ("unknown_facility_type", "test_plan.ambulances_per_30k", "scope.facility_type", "unknown facility type 'hospital'"),
        ("unknown_scope_level", "test_plan.ambulances_per_30k", "scope.level", "unknown level 'city'"),
        ("duplicate_norm_id", "test_plan.ambulances_per_30k", "norm_id", "duplicate (also in norms/test_plan.yaml)"),
        ("unknown_condition_measure", "test_plan.ambulances_per_30k", "condition", "unknown measure 'residents'"),
        ("direction_with_threshold", "test_plan.life_expectancy", "threshold", "a direction target (increase) has no threshold"),
        ("range_high_on_an_upper_bound", "test_plan.aeds_per_10k", "range_high", "only a range read at its lower end"),
        ("range_high_below_threshold", "test_plan.aeds_per_10k", "range_high", "1 must be a number above the threshold"),
    ],
)
def test_bad_entries_are_refused_naming_file_norm_and_field(tmp_path, fixture, norm_id, field, words):
    root = catalog_dir(tmp_path, FIXTURES / "bad" / f"{fixture}.yaml", names=["test_plan.yaml"])
    with pytest.raises(CatalogError) as refused:
        load_catalog(root, FIXTURE_SEEDS)
    message = str(refused.value)
    assert f"norms/test_plan.yaml, norm {norm_id}, field {field}: " in message
    assert words in message
    assert message.count("\n- ") == 1, message  # that error and no other


def test_all_errors_are_reported_together(tmp_path):
    root = catalog_dir(tmp_path, FIXTURES / "bad" / "many_errors.yaml", names=["test_plan.yaml"])
    with pytest.raises(CatalogError) as refused:
        load_catalog(root, FIXTURE_SEEDS)
    message = str(refused.value)
    for expected in ("norm test_plan.one, field indicator_code", "norm test_plan.two, field comparator",
                     "norm test_plan.two, field unit", "norm test_plan.three, field target_year",
                     "norm test_plan.three, field scope.level"):
        assert f"norms/test_plan.yaml, {expected}: " in message
    assert "has 5 error(s)" in message


def test_a_norm_id_used_in_two_files_is_refused(tmp_path):
    files = sorted((FIXTURES / "duplicate_across_files").glob("*.yaml"))
    with pytest.raises(CatalogError) as refused:
        load_catalog(catalog_dir(tmp_path, *files), FIXTURE_SEEDS)
    message = str(refused.value)
    assert ("norms/test_plan.yaml, norm test_plan.ambulances_per_30k, field norm_id: duplicate "
            "(also in norms/other_plan.yaml)") in message
    assert "norms/other_plan.yaml, norm test_plan.ambulances_per_30k, field norm_id: must start with the plan id" in message


def test_quotes_are_checked_only_when_the_plan_text_is_there(tmp_path):
    root = catalog_dir(tmp_path, FIXTURES / "bad" / "quote_not_in_text.yaml", names=["test_plan.yaml"])
    assert load_catalog(root, tmp_path / "no_texts_here").norm_rows()[0]["quote"] == "按照每2万人口配置1辆救护车"


def test_the_plan_texts_directory_comes_from_the_environment(tmp_path, monkeypatch):
    root = catalog_dir(tmp_path, FIXTURES / "bad" / "quote_not_in_text.yaml", names=["test_plan.yaml"])
    monkeypatch.setenv("HEALTH_PLAN_TEXTS", str(FIXTURE_SEEDS))
    with pytest.raises(CatalogError, match="field quote: not found in test_plan.txt"):
        load_catalog(root)


def test_quotes_are_compared_without_whitespace(tmp_path):
    spread = tmp_path / "test_plan.yaml"
    document = yaml.safe_load((FIXTURES / "new_plan" / "test_plan.yaml").read_text(encoding="utf-8"))
    document["norms"] = document["norms"][:1]
    document["norms"][0]["quote"] = "按照每3万人口 配置1辆救护车"
    spread.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert load_catalog(catalog_dir(tmp_path, spread), FIXTURE_SEEDS).norm_rows()[0]["threshold"] == 1


@pytest.mark.parametrize(
    "change, words",
    [
        ({"count": {"facility_types": ["village_clinc"]}}, "field count: unknown facility type 'village_clinc'"),
        ({"count": {"facility_type": ["village_clinic"]}}, "field count: unknown filter 'facility_type'"),
        ({"count": {"facility_types": ["village_clinic"], "when": "has_tcm_halls"}},
         "field count: when names an unknown measure 'has_tcm_halls'"),
        ({"defintion": "typo"}, "unknown field 'defintion'"),
    ],
)
def test_a_measure_with_a_bad_filter_is_refused(tmp_path, change, words):
    root = catalog_dir(tmp_path, FIXTURES / "new_plan" / "test_plan.yaml")
    spec = yaml.safe_load((root / "indicators.yaml").read_text(encoding="utf-8"))
    [measure] = [m for m in spec["measures"] if m["code"] == "facilities_village_clinic"]
    measure.update(change)
    (root / "indicators.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError) as refused:
        load_catalog(root, FIXTURE_SEEDS)
    assert f"indicators.yaml, measure facilities_village_clinic: {words}" in str(refused.value)


def test_registry_counts_and_flags_carry_their_filters(catalog):
    measures = {m["measure"]: m for m in catalog.measure_rows()}
    assert measures["facilities_general_hospital_grade2a_plus"] | {"definition": None} == {
        "measure": "facilities_general_hospital_grade2a_plus", "level": "region", "source": "facilities",
        "definition": None, "role": "count", "zero_when_absent": True, "facility_types": ["general_hospital"],
        "ownership": None, "grades": ["2A", "3A", "3B", "3"], "min_grade_level": None, "when_measure": None,
        "staff_categories": None, "staff_category_flag": None, "staff_any_of": None,
    }
    # a staff measure carries who it counts: the national GP definition, each clause a way to qualify
    gps = measures["gps"]
    assert (gps["role"], gps["staff_category_flag"], gps["staff_categories"]) == ("staff", "is_physician", None)
    assert [{k: v for k, v in clause.items() if v is not None} for clause in gps["staff_any_of"]] == [
        {"scopes": ["general_practice"]}, {"gp_registered": True}, {"gp_certificate": True}]
    # counted only where facilities reported the measure: no report is no data, not 0
    assert measures["facilities_primary_care_centre_with_tcm_hall"]["zero_when_absent"] is False
    assert (measures["government_run"]["role"], measures["government_run"]["ownership"]) == ("flag", "government")
    assert measures["villages"]["zero_when_absent"] and not measures["is_subdistrict"]["zero_when_absent"]


# ------------------------------------------------------------------------------------------ ranges and directions
# Every range the five plans print for a norm's number, read from the plan texts (docs/norms.md, reading rules):
# read at the lower end (>=), the upper end is kept as range_high; a band where both ends matter is between.
RANGES = {
    "gaoming_2023.aeds_per_10k": (">=", 1, 2, None),                         # 每万人配置1—2台AED
    "qinzhou_14th.composite_staff_per_centre": (">=", 1, 2, None),           # 培养1-2名…复合型人员
    "qinzhou_14th.hospital_preparations": (">=", 1, 2, None),                # 1-2款院内制剂
    "xuchang_2020.provincial_medical_centres": (">=", 1, 2, None),           # 争创1至2个省级医学中心
    "xuchang_2020.provincial_key_specialties": (">=", 2, 3, None),           # 建立2—3个省级重点专科
    "xuchang_2020.emergency_drills_per_year": (">=", 1, 2, None),            # 每年开展1-2次卫生应急演练
    "yangzhou_2021.community_health_stations": (">=", 1, 1.5, None),         # 每2-3个社区设置1所: 1 to 1.5 per 3
    "yichang_2016.chc_gps_per_10k_served": (">=", 2, 3, None),               # 每万名居民配备2~3名全科医师
    "yichang_2016.village_clinic_staff_per_1k_served": (">=", 1.0, 1.2, None),  # 10~12人 read as 1.0~1.2
    "yangzhou_2021.ambulance_crew": ("between", 4, None, 5),                 # 4-5人: both ends matter
    "yichang_2016.community_health_centre_served_population": ("between", 30000, None, 100000),  # 3~10万居民
    # 压缩至2—3个工作日: a range to come down to, read at its upper end; the lower end asks nothing
    "xuchang_2020.subsidy_payment_days": ("<=", 3, None, None),
}


@pytest.mark.parametrize("norm_id", sorted(RANGES))
def test_the_ranges_of_the_five_plans_keep_both_ends(rows, norm_id):
    [row] = [r for (n, _), r in rows.items() if n == norm_id]
    assert (row["comparator"], row["threshold"], row["range_high"], row["threshold_high"]) == RANGES[norm_id]


def test_no_other_norm_has_a_range_high(catalog):
    assert {r["norm_id"] for r in catalog.norm_rows() if r["range_high"] is not None} == {
        n for n, (_, _, high, _) in RANGES.items() if high is not None}


@pytest.mark.parametrize(
    "norm_id, comparator, indicator, quote",
    [
        ("xuchang_2020.tb_bacteriological_positive_increase", "increase", "tb_bacteriological_positive_pct", "提高病原学阳性患者检出率"),
        ("qinzhou_14th.tb_incidence_decrease", "decrease", "tb_incidence_per_100k", "结核病发病率进一步降低"),
    ],
)
def test_direction_targets_of_the_plans_are_entered_without_a_number(rows, norm_id, comparator, indicator, quote):
    row = rows[(norm_id, 2025)]
    assert (row["comparator"], row["indicator_code"], row["threshold"], row["trackable"], row["quote"]) == (
        comparator, indicator, None, True, quote)
