"""A statistician adds measures and indicators with YAML alone, and the warehouse computes them (docs/norms.md,
"When no indicator fits").

The test copies expectations/ to a temporary folder and adds, by editing the text of indicators.yaml only, the
two entries of the worked example in docs/norms.md:

  (a) a staff measure, tcm_licensed_physicians (执业医师 of 执业类别 中医: licensed, not assistant, physicians whose
      practice category is TCM), and the indicator tcm_licensed_physicians_per_1k on it;
  (b) a registry count, facilities_gov_general_or_township (government-run 综合医院 and 乡镇卫生院), and the
      indicator gov_general_or_township_per_10k on it.

No file under sql/ or pipelines/ changes. The build reads the catalog through pipelines.catalog.load_catalog(),
whose default folder is pipelines.catalog.DEFAULT_EXPECTATIONS_DIR; the build runs in this process
(dagster.materialize), so the test points that default at the copy for the duration of the build.

The inbox, one year (2023), worked on paper:

  许昌市 411000 (prefecture) = 魏都区 411002 (50,000 residents) + 建安区 411003 (80,000 residents)
  建安区 has one township, 小召乡 411003001 (no population of its own: the county files its figure).

  facility                    type        grade   ownership   where        staff (人员类别 专业)
  H1 魏都区人民医院            综合医院    二级    政府办      411002       执业医师 中医 ×2, 执业助理医师 中医,
                                                                          执业医师 内科, 注册护士 护理
  H2 魏都康复医院              综合医院    未定级  社会办      411002       执业医师 中医
  H3 建安区人民医院            综合医院    一级    政府办      411003       执业医师 中医, 执业医师 全科医学
  T1 小召乡卫生院              乡镇卫生院  一级    政府办      411003001    执业医师 中医, 执业助理医师 中医
  K1 建安区便民诊所            诊所        —       社会办      411003       药师 药学

  (a) tcm_licensed_physicians: 执业医师 whose 专业 中医 gives 执业类别 tcm (data/reference/specialties.csv).
      Not counted: 执业助理医师 中医 (H1, T1; the category is assistant physician), 执业医师 内科 (H1),
      执业医师 全科医学 (H3), nurses and pharmacists.
        魏都区 411002: H1 2 + H2 1 = 3           3 / 50,000 × 1,000 = 0.06
        建安区 411003: H3 1 + T1 1 = 2           2 / 80,000 × 1,000 = 0.025
        许昌市 411000: (3 + 2) / (50,000 + 80,000) × 1,000 = 5 / 130,000 × 1,000 = 1 / 26 = 0.0384615…

  (b) facilities_gov_general_or_township: registry facilities of type general_hospital or township_health_centre,
      ownership government, counted in the region they sit in and its ancestors. Not counted: H2 (社会办),
      K1 (a clinic).
        魏都区 411002: H1 = 1                    1 / 50,000 × 10,000 = 0.2
        建安区 411003: H3 + T1 (in 小召乡) = 2   2 / 80,000 × 10,000 = 0.25
        许昌市 411000: (1 + 2) / (50,000 + 80,000) × 10,000 = 3 / 13 = 0.230769…

The prefecture is always the summed numerators over the summed denominators, never the mean of the county values
((0.06 + 0.025) / 2 = 0.0425 and (0.2 + 0.25) / 2 = 0.225 would be wrong).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml

import pipelines.catalog
from conftest import build_published, query
from pipelines.catalog import load_catalog

YEAR = 2023
X, W, J = "411000", "411002", "411003"  # 许昌市, 魏都区, 建安区

# ------------------------------------------------------------------ what the statistician adds (docs/norms.md)
# Measures go at the end of `measures:`, indicators at the end of `indicators:`; the text is written exactly
# as it appears in the worked example of docs/norms.md.
NEW_MEASURES = """\
  - {code: tcm_licensed_physicians, level: facility, source: staff, staff: {categories: [licensed_physician], any_of: [{practice_categories: [tcm]}]}, definition: "Licensed physicians (执业医师, not 执业助理医师) of 执业类别 中医."}
  - {code: facilities_gov_general_or_township, level: region, source: facilities, count: {facility_types: [general_hospital, township_health_centre], ownership: government}, definition: "Government-run 综合医院 plus government-run 乡镇卫生院."}
"""
NEW_INDICATORS = """\
  - code: tcm_licensed_physicians_per_1k
    name_zh: 每千常住人口中医类别执业医师数
    name_en: Licensed TCM physicians per 1,000 residents
    unit: per_1k
    level: region
    domain: tcm
    numerator: tcm_licensed_physicians
    denominator: resident_population
    higher_is_better: true
    description: Licensed physicians of 执业类别 中医, all facilities of the region / resident population × 1,000.
  - code: gov_general_or_township_per_10k
    name_zh: 每万常住人口政府办综合医院和乡镇卫生院数
    name_en: Government-run general hospitals and township health centres per 10,000 residents
    unit: per_10k
    level: region
    domain: resources
    numerator: facilities_gov_general_or_township
    denominator: resident_population
    higher_is_better: true
    description: Government-run 综合医院 plus 乡镇卫生院 registered in the region / resident population × 10,000.
"""

# ------------------------------------------------------------------ the inbox
REGIONS = [
    ("410000", "河南省", "province", ""),
    (X, "许昌市", "prefecture", "410000"),
    (W, "魏都区", "county", X),
    (J, "建安区", "county", X),
    ("411003001", "小召乡", "township", J),
]
POPULATION = [(W, YEAR, 50_000), (J, YEAR, 80_000)]
FACILITIES = [
    ("H1", "魏都区人民医院", "综合医院", "二级", "政府办", W),
    ("H2", "魏都康复医院", "综合医院", "未定级", "社会办", W),
    ("H3", "建安区人民医院", "综合医院", "一级", "政府办", J),
    ("T1", "小召乡卫生院", "乡镇卫生院", "一级", "政府办", "411003001"),
    ("K1", "建安区便民诊所", "诊所", "", "社会办", J),
]
STAFF = [
    # facility, 人员类别, 专业
    ("H1", "执业医师", "中医"),
    ("H1", "执业医师", "中医"),
    ("H1", "执业助理医师", "中医"),
    ("H1", "执业医师", "内科"),
    ("H1", "注册护士", "护理"),
    ("H2", "执业医师", "中医"),
    ("H3", "执业医师", "中医"),
    ("H3", "执业医师", "全科医学"),
    ("T1", "执业医师", "中医"),
    ("T1", "执业助理医师", "中医"),
    ("K1", "药师", "药学"),
]

# indicator → {region: (numerator, denominator, value)}, as worked out above
EXPECTED = {
    "tcm_licensed_physicians_per_1k": {
        W: (3, 50_000, 3 / 50_000 * 1000),  # 0.06
        J: (2, 80_000, 2 / 80_000 * 1000),  # 0.025
        X: (3 + 2, 50_000 + 80_000, 5 / 130_000 * 1000),  # 0.0384615…
    },
    "gov_general_or_township_per_10k": {
        W: (1, 50_000, 1 / 50_000 * 10_000),  # 0.2
        J: (2, 80_000, 2 / 80_000 * 10_000),  # 0.25
        X: (1 + 2, 50_000 + 80_000, 3 / 130_000 * 10_000),  # 0.230769…
    },
}


def write_inbox(inbox: Path) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(REGIONS, schema=["region_code", "region_name", "level", "parent_code"], orient="row").write_csv(
        inbox / "regions.csv")
    pl.DataFrame(POPULATION, schema=["区划代码", "年份", "常住人口"], orient="row").write_csv(inbox / "population.csv")
    pl.DataFrame(FACILITIES, schema=["机构代码", "机构名称", "机构类别", "医院等级", "举办主体", "区划代码"], orient="row").write_csv(
        inbox / "facilities.csv")
    pl.DataFrame(
        [(f"P{i:03d}", facility, YEAR, category, specialty) for i, (facility, category, specialty) in enumerate(STAFF)],
        schema=["人员编码", "机构代码", "年份", "人员类别", "专业"], orient="row",
    ).write_csv(inbox / "staff.csv")
    return inbox


def add_by_yaml(expectations: Path) -> None:
    """What the statistician does in a text editor: the new measures at the end of `measures:` (just before the
    `indicators:` key), the new indicators at the end of the file (the end of `indicators:`)."""
    path = expectations / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    head, tail = text.split("\nindicators:\n", 1)
    path.write_text(head.rstrip("\n") + "\n" + NEW_MEASURES + "\nindicators:\n" + tail.rstrip("\n") + "\n" + NEW_INDICATORS,
                    encoding="utf-8")


@pytest.fixture(scope="module")
def expectations_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("expectations") / "expectations"
    shutil.copytree(pipelines.catalog.DEFAULT_EXPECTATIONS_DIR, root)
    add_by_yaml(root)
    return root


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, expectations_copy) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipelines.catalog, "DEFAULT_EXPECTATIONS_DIR", expectations_copy)
        return build_published(tmp_path_factory.mktemp("yaml_only"), write_inbox)


def test_the_new_entries_are_only_in_the_copy(expectations_copy):
    """The shipped catalog does not have them (so the build below computes them from the YAML added here), and
    the copy with them passes the catalog check."""
    shipped, edited = load_catalog(), load_catalog(expectations_copy)
    new_measures = {"tcm_licensed_physicians", "facilities_gov_general_or_township"}
    assert not new_measures & set(shipped.measures) and not set(EXPECTED) & set(shipped.indicators)
    assert new_measures <= set(edited.measures) and set(EXPECTED) <= set(edited.indicators)
    # the edit added entries and changed nothing else
    original = yaml.safe_load((pipelines.catalog.DEFAULT_EXPECTATIONS_DIR / "indicators.yaml").read_text(encoding="utf-8"))
    changed = yaml.safe_load((expectations_copy / "indicators.yaml").read_text(encoding="utf-8"))
    assert changed["units"] == original["units"]
    assert changed["measures"][: len(original["measures"])] == original["measures"]
    assert changed["indicators"][: len(original["indicators"])] == original["indicators"]


def test_the_guide_shows_this_yaml():
    """docs/norms.md's worked example is the YAML added here, line for line."""
    guide = (pipelines.catalog.REPO_ROOT / "docs" / "norms.md").read_text(encoding="utf-8")
    assert NEW_MEASURES in guide
    assert NEW_INDICATORS in guide


def test_the_inbox_is_read_whole(warehouse):
    assert query(warehouse, "SELECT count(*) FROM marts.quarantine") == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM staging.staff") == [(len(STAFF),)]


def test_the_warehouse_knows_the_new_entries(warehouse):
    assert query(warehouse, "SELECT indicator_code, numerator, denominator, unit FROM marts.indicators "
                            "WHERE indicator_code IN (?, ?) ORDER BY 1", sorted(EXPECTED)) == [
        ("gov_general_or_township_per_10k", "facilities_gov_general_or_township", "resident_population", "per_10k"),
        ("tcm_licensed_physicians_per_1k", "tcm_licensed_physicians", "resident_population", "per_1k"),
    ]


@pytest.mark.parametrize("indicator", sorted(EXPECTED))
def test_value_worked_on_paper(warehouse, indicator):
    rows = query(warehouse, "SELECT region_code, numerator, denominator, value FROM marts.indicator_values "
                            "WHERE indicator_code = ? AND year = ? AND region_code IN (?, ?, ?) ORDER BY 1",
                 [indicator, YEAR, X, W, J])
    got = {code: (numerator, denominator, value) for code, numerator, denominator, value in rows}
    assert sorted(got) == sorted(EXPECTED[indicator])
    for code, (numerator, denominator, value) in EXPECTED[indicator].items():
        assert got[code][0] == pytest.approx(numerator, rel=1e-12), (code, got[code])
        assert got[code][1] == pytest.approx(denominator, rel=1e-12), (code, got[code])
        assert got[code][2] == pytest.approx(value, rel=1e-12), (code, got[code])
