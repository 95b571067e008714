"""The norms catalog: the real one loads, every kind of bad entry is refused by file, norm and field,
and a new plan is only a new YAML file."""

import shutil
import textwrap
from pathlib import Path

import pytest

from pipelines.catalog import CatalogError, load_catalog
from pipelines.settings import EXPECTATIONS_DIR, REPO_ROOT

SEEDS = REPO_ROOT.parent / "shared" / "seeds"


def test_the_real_catalog_loads_with_its_quotes_checked():
    catalog = load_catalog()
    plans = {p["plan_id"] for p in catalog.plans}
    assert plans == {"xuchang_2020", "gaoming_2023", "yangzhou_2021", "yichang_2016", "qinzhou_14th"}
    rows = {(r["norm_id"], r["target_year"]): r for r in catalog.norm_rows()}
    ambulances = rows[("yangzhou_2021.ambulances_per_30k", 2025)]
    assert (ambulances["comparator"], ambulances["threshold"], ambulances["unit"]) == (">=", 1, "per_30k")
    assert rows[("yangzhou_2021.negative_pressure_ambulance_pct", 2025)]["threshold"] == 40
    contract = [r for r in catalog.norm_rows() if r["norm_id"] == "yichang_2016.family_doctor_contract_pct"]
    assert [(r["target_year"], r["threshold"]) for r in contract] == [(2016, 30), (2017, 35), (2018, 40)]
    # The misprinted "04名/床" is recorded as 0.4, with the literal quote and a note.
    nurses = rows[("yichang_2016.nurses_per_bed", 2018)]
    assert (nurses["threshold"], nurses["quote"]) == (0.4, "不少于04名/床") and "0.4" in nurses["note"]


def make_catalog(tmp_path: Path, norm: str, issued: str = "2020-04-24") -> Path:
    root = tmp_path / "expectations"
    (root / "norms").mkdir(parents=True)
    shutil.copy(EXPECTATIONS_DIR / "indicators.yaml", root / "indicators.yaml")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "plan.txt").write_text("到2025年,每千人口床位数达到6张。", encoding="utf-8")
    (root / "norms" / "test_plan.yaml").write_text(textwrap.dedent(f"""\
        plan:
          plan_id: test_plan
          name_zh: 测试规划
          name_en: Test plan
          jurisdiction_code: "411000"
          issued: {issued}
          period: [2020, 2025]
          source_document: plan.txt
        norms:
        """) + textwrap.indent(textwrap.dedent(norm), "  "), encoding="utf-8")
    return root


GOOD = """\
- norm_id: test_plan.beds
  indicator_code: beds_per_1k
  comparator: ">="
  threshold: 6
  unit: per_1k
  target_year: 2025
  scope: {level: county}
  domain: resources
  quote: 每千人口床位数达到6张
"""


def test_a_new_plan_is_only_a_new_yaml_file(tmp_path):
    catalog = load_catalog(make_catalog(tmp_path, GOOD), tmp_path / "seeds")
    assert [(r["norm_id"], r["threshold"], r["source_document"]) for r in catalog.norm_rows()] == [
        ("test_plan.beds", 6, "plan.txt")
    ]


@pytest.mark.parametrize(
    "change, field, words",
    [
        (("indicator_code: beds_per_1k", "indicator_code: beds_per_head"), "indicator_code", "unknown indicator 'beds_per_head'"),
        (('comparator: ">="', 'comparator: "=>"'), "comparator", "unknown comparator '=>'"),
        (("unit: per_1k", "unit: per_10k"), "unit", "does not fit indicator beds_per_1k"),
        (("quote: 每千人口床位数达到6张", "quote: 每千人口床位数达到7张"), "quote", "not found in plan.txt"),
        (("target_year: 2025", "target_year: 2019"), "target_year", "2019 is before the plan was issued"),
        (("scope: {level: county}", "scope: {level: county, facility_type: hospital}"), "scope.facility_type", "unknown facility type 'hospital'"),
        (('comparator: ">="', "comparator: between"), "threshold_high", "needs threshold_high"),
    ],
)
def test_bad_entries_are_refused_naming_file_norm_and_field(tmp_path, change, field, words):
    root = make_catalog(tmp_path, GOOD.replace(*change))
    with pytest.raises(CatalogError) as refused:
        load_catalog(root, tmp_path / "seeds")
    assert f"norms/test_plan.yaml, norm test_plan.beds, field {field}: " in str(refused.value)
    assert words in str(refused.value)


def test_duplicate_norm_ids_are_refused(tmp_path):
    root = make_catalog(tmp_path, GOOD + GOOD)
    with pytest.raises(CatalogError, match="field norm_id: duplicate"):
        load_catalog(root, tmp_path / "seeds")
