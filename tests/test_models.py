"""Model unit tests (模型单元测试), in the manner of dbt's: each sits beside its model as
sql/<schema>/<table>.yml and gives the model its input rows and the rows it must build, worked by hand. They
run on an empty in-memory warehouse with the macros loaded: one SQL file, no whole build.

    model: staging.region_filed                # the model under test (sql/staging/region_filed.sql)
    unit_tests:
      - name: reported_rates_keep_their_parts
        description: why these rows, and the arithmetic
        config: [tracking]                     # config tables written from expectations/ as the config asset does
        skip: why the model seems wrong        # optional: the test is skipped with this reason
        given:
          staging.population:
            columns: {region_code: VARCHAR, year: INTEGER, resident_population: BIGINT}
            rows:                               # a column left out of a row is NULL
              - {region_code: '411002', year: 2023, resident_population: 50000}
        expect:
          columns: [region_code, year, measure, value]   # the columns compared (all, if left out)
          rows:
            - {region_code: '411002', year: 2023, measure: resident_population, value: 50000}

Rows are compared as a multiset (order aside); numbers to 12 significant digits, everything else exactly.
"""

from __future__ import annotations

import math

import pytest
import yaml

from conftest import given, model_connection
from pipelines import config
from pipelines.lineage import MODEL_SCHEMAS
from pipelines.resources import run_sql
from pipelines.settings import SQL_DIR

CONFIG_FRAMES = {"tracking": config.tracking, **{name: (lambda n=name: config.dqr_tables()[n]) for name in
                 ("dqr_completeness", "dqr_consistency", "dqr_outliers", "dqr_related_figures")}}


def unit_tests():
    for path in sorted(p for schema in MODEL_SCHEMAS for p in (SQL_DIR / schema).glob("*.yml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.with_suffix(".sql").exists(), f"{path}: no model beside it"
        for test in spec.get("unit_tests", []):
            yield pytest.param(spec["model"], test, id=f"{spec['model']}:{test['name']}")


def _given(con, table: str, spec: dict) -> None:
    columns = spec["columns"]
    con.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in columns.items())})")
    for row in spec.get("rows") or []:
        unknown = set(row) - set(columns)
        assert not unknown, f"{table}: columns not declared: {unknown}"
        names = list(row)
        con.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                    [row[n] for n in names])


def _same(value, wanted) -> bool:
    if isinstance(wanted, float) or isinstance(value, float):
        return value is not None and wanted is not None and math.isclose(value, wanted, rel_tol=1e-12, abs_tol=1e-12)
    return value == wanted


def _matches(actual: list[dict], expected: list[dict]) -> tuple[list, list]:
    """The rows of each side the other lacks (a multiset comparison)."""
    left = list(actual)
    missing = []
    for row in expected:
        found = next((i for i, a in enumerate(left) if all(_same(a[k], v) for k, v in row.items())), None)
        if found is None:
            missing.append(row)
        else:
            left.pop(found)
    return missing, left


@pytest.mark.parametrize("model, test", list(unit_tests()))
def test_model(model, test):
    if test.get("skip"):
        pytest.skip(f"{test['name']}: {test['skip']}")
    con = model_connection()
    for name in test.get("config", []):
        given(con, f"config.{name}", CONFIG_FRAMES[name]())
    for table, spec in test["given"].items():
        _given(con, table, spec)
    run_sql(con, model.replace(".", "/"))
    expect = test["expect"]
    cursor = con.execute(f"SELECT * FROM {model}")
    names = [d[0] for d in cursor.description]
    columns = expect.get("columns", names)
    actual = [{c: row[names.index(c)] for c in columns} for row in cursor.fetchall()]
    expected = [{c: row.get(c) for c in columns} for row in expect["rows"]]
    missing, extra = _matches(actual, expected)
    assert not missing and not extra, f"{test['name']}: rows expected but not built: {missing}; built but not expected: {extra}"


def test_the_model_tests_can_fail():
    """A wrong expected row is reported, not passed over."""
    missing, extra = _matches([{"a": 1, "b": 0.1 + 0.2}], [{"a": 1, "b": 0.3}, {"a": 2, "b": 1.0}])
    assert missing == [{"a": 2, "b": 1.0}] and extra == []
    missing, extra = _matches([{"a": 1, "b": 0.31}], [{"a": 1, "b": 0.3}])
    assert missing and extra


# Models without a unit test file of their own, and why: a SELECT of one table as it is, the catalog's casts
# from config, or the one macro call every source shares (staged_rows, rejected_problems, tested through
# staging.staff and staging.staff_rejected). The WHO review's two models are tested in test_quality_review.py.
WITHOUT_OWN_TEST = {
    "intermediate.regions_checked": "SELECT * FROM raw.regions",
    "intermediate.facility_stats_checked": "SELECT * FROM raw.facility_stats",
    **{f"staging.{s}": "staged_rows, as staging.staff" for s in ("regions", "population", "facilities", "facility_stats", "public_health")},
    **{f"staging.{s}_rejected": "rejected_problems, as staging.staff_rejected"
       for s in ("regions", "population", "facilities", "facility_stats", "public_health")},
    **{f"marts.{t}": "typed copy of config.{t}" for t in ("indicators", "measures", "plans", "norms", "norm_conditions")},
    "marts.left_out_rows": "SELECT * FROM raw.left_out_rows, ordered",
    "staging.facility_measures": "the union of facility_report_measures and facility_staff_measures",
    "staging.region_measures": "the union of region_report_measures, region_staff_measures, region_filed_measures "
                               "and region_attributes",
    "intermediate.dqr_statistics": "tests/test_quality_review.py",
    "marts.data_quality_flags": "tests/test_quality_review.py",
}


def test_every_model_with_logic_has_a_unit_test():
    from pipelines.lineage import load_models

    tested = {spec[0] for spec in (p.values for p in unit_tests())}
    untested = {m.name for m in load_models()} - tested - set(WITHOUT_OWN_TEST)
    assert not untested, f"write sql/<schema>/<table>.yml for: {sorted(untested)}"
    assert not tested & set(WITHOUT_OWN_TEST), "a model listed as without a test has one now: take it off the list"
