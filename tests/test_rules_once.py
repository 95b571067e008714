"""Each rule once: the comparators, the rate formula, the facility filter and region-code resolution are the
macros of sql/macros/, and nothing else in sql/ or pipelines/ writes them again. The macros are checked on rows worked by hand."""

from __future__ import annotations

import ast
import re

import pytest

from conftest import model_connection
from pipelines.catalog import COMPARATORS, CONDITION_COMPARATORS, DIRECTIONS
from pipelines.settings import REPO_ROOT, SQL_DIR
from pipelines.norm_judgement import evaluate_norms

MACROS_DIR = SQL_DIR / "macros"
NAMES = "|".join(re.escape(c) for c in (">=", ">", "<=", "<", "between", "approximately", "increase", "decrease"))

# SQL that writes a rule again: a comparator's name as a literal, the rate arithmetic, the facility filter.
COPIES = {
    "comparator": re.compile(rf"'({NAMES})'"),
    "rate formula": re.compile(r"unit_multiplier\)?\s*[*/]|[*/]\s*[\w.(]*unit_multiplier|\bnumerator\)?\s*/", re.I),
    "region-code resolution": re.compile(r"\bAS\s+filed_region_code\b", re.I),
    "facility filter": re.compile(r"(ownership|min_grade_level|grades|facility_types)\s+IS\s+NULL\s+OR"
                                  r"|list_contains\(\s*[\w.]*grades|coalesce\(\s*[\w.]*facility_types", re.I),
}
# Python that names a comparator, where the name is not its meaning: the catalog's checks of which fields a
# comparator needs (threshold_high, tolerance …), and how the report prints a target.
PYTHON_ALLOWED = {
    ("pipelines/catalog.py", "_check_comparator_and_thresholds"),
    ("pipelines/catalog.py", "_check_condition"),
    ("pipelines/report.py", "COMPARATOR_TEXT"),
    ("pipelines/report.py", "target_text"),
}


def sql_copies(text: str) -> list[str]:
    """Rules written in SQL text, comments and COMMENT ON statements aside."""
    found = []
    for line in text.splitlines():
        if line.lstrip().upper().startswith("COMMENT ON"):
            continue
        code = line.split("--", 1)[0]
        found += [f"{rule}: {line.strip()}" for rule, pattern in COPIES.items() if pattern.search(code)]
    return found


def python_copies(source: str) -> list[tuple[str, str]]:
    """(top-level name, finding) for each string in Python source that is a comparator's name or SQL writing
    a rule again."""
    found = []
    for node in ast.parse(source).body:
        names = [node.name] if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else [
            t.id for t in getattr(node, "targets", [getattr(node, "target", None)]) if isinstance(t, ast.Name)]
        owner = names[0] if names else ""
        for constant in ast.walk(node):
            if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                if re.fullmatch(NAMES, constant.value):
                    found.append((owner, f"comparator {constant.value!r}"))
                found += [(owner, f) for f in sql_copies(constant.value)]
    return found


def test_no_second_copy_of_a_rule():
    found = []
    for path in sorted(SQL_DIR.rglob("*.sql")):
        if path.parent != MACROS_DIR:
            found += [f"{path.relative_to(REPO_ROOT)}: {f}" for f in sql_copies(path.read_text(encoding="utf-8"))]
    for path in sorted((REPO_ROOT / "pipelines").rglob("*.py")):
        name = str(path.relative_to(REPO_ROOT))
        found += [f"{name} ({owner}): {f}" for owner, f in python_copies(path.read_text(encoding="utf-8"))
                  if (name, owner) not in PYTHON_ALLOWED]
    assert not found, "write these with the macros of sql/macros/:\n" + "\n".join(found)


@pytest.mark.parametrize("copy", [
    "SELECT CASE comparator WHEN '>=' THEN value >= threshold END FROM t",
    "SELECT sum(p.numerator) / nullif(sum(p.denominator), 0) * any_value(i.unit_multiplier) FROM t",
    "WHERE denominator > 0 THEN numerator / denominator * unit_multiplier",
    "AND (m.min_grade_level IS NULL OR g.level::INTEGER >= m.min_grade_level)",
    "AND list_contains(coalesce(m.facility_types, [f.facility_type]), f.facility_type)",
])
def test_the_scan_finds_a_copy(copy):
    assert sql_copies(copy)
    assert sql_copies(f"-- {copy}") == [] and sql_copies(f"COMMENT ON TABLE t IS '{copy}';") == []


def test_the_scan_finds_a_copy_in_python():
    source = 'NORM_COMPARISONS = {">=": [("value", "threshold", True)]}\n' \
             'def f(c):\n    return c in ("increase", "decrease")\n' \
             'Q = "ORDER BY CASE WHEN r.comparator = \'between\' THEN 1 END"\n'
    assert {owner for owner, _ in python_copies(source)} == {"NORM_COMPARISONS", "f", "Q"}


def test_the_catalog_allows_what_the_macros_define(con):
    rows = con.execute("SELECT comparator, in_conditions, trend FROM comparators()").fetchall()
    assert COMPARATORS == tuple(c for c, _, _ in rows)
    assert CONDITION_COMPARATORS == tuple(c for c, in_conditions, _ in rows if in_conditions)
    assert DIRECTIONS == tuple(c for c, _, trend in rows if trend) == ("increase", "decrease")
    # every listed name has a meaning (a value decides it), and only those
    for comparator in COMPARATORS:
        assert con.execute("SELECT meets(1, ?, 0, 2, 5)", [comparator]).fetchone()[0] is not None, comparator
    assert con.execute("SELECT meets(1, '=', 1, NULL, NULL)").fetchone()[0] is None


@pytest.fixture
def con():
    con = model_connection()
    yield con
    con.close()


def one(con, sql: str, *params):
    return con.execute(f"SELECT {sql}", list(params)).fetchone()[0]


# (value, comparator, threshold, threshold_high, tolerance) → met, worked by hand
MEETS = [
    (5, ">=", 5, None, None, True), (4.99, ">=", 5, None, None, False),
    (5, ">", 5, None, None, False), (5.01, ">", 5, None, None, True),
    (5, "<=", 5, None, None, True), (5.01, "<=", 5, None, None, False),
    (5, "<", 5, None, None, False), (4.99, "<", 5, None, None, True),
    (4, "between", 4, 5, None, True), (5, "between", 4, 5, None, True),
    (3.99, "between", 4, 5, None, False), (5.01, "between", 4, 5, None, False),
    (79.5, "approximately", 79, None, 0.5, True), (78.5, "approximately", 79, None, 0.5, True),
    (79.6, "approximately", 79, None, 0.5, False), (78.4, "approximately", 79, None, 0.5, False),
    (0.1, "increase", None, None, None, True), (0, "increase", None, None, None, False),
    (-0.1, "increase", None, None, None, False), (-0.1, "decrease", None, None, None, True),
    (0, "decrease", None, None, None, False), (0.1, "decrease", None, None, None, False),
    # a missing value or bound decides nothing
    *[(None, c, 5, 6, 0.5, None) for c in (">=", ">", "<=", "<", "between", "approximately", "increase", "decrease")],
    (4.5, "between", 4, None, None, None), (79, "approximately", 79, None, None, None),
]


@pytest.mark.parametrize("value, comparator, threshold, high, tolerance, met", MEETS)
def test_meets(con, value, comparator, threshold, high, tolerance, met):
    assert one(con, "meets(?::DOUBLE, ?, ?::DOUBLE, ?::DOUBLE, ?::DOUBLE)", value, comparator, threshold, high, tolerance) is met


def test_a_direction_target_is_judged_on_the_slope(con):
    assert one(con, "judged_on('increase', 40.0::DOUBLE, -0.2::DOUBLE)") == -0.2
    assert one(con, "judged_on('>=', 40.0::DOUBLE, -0.2::DOUBLE)") == 40.0


# (value, comparator, threshold, threshold_high) → (aim, gap)
AIMS = [
    (3, "between", 4, 5, 4, -1), (6, "between", 4, 5, 5, 1), (4.5, "between", 4, 5, 4, 0),
    (7, ">=", 10, None, 10, -3), (12, "<=", 10, None, 10, 2), (80, "approximately", 79, None, 79, 1),
]


@pytest.mark.parametrize("value, comparator, threshold, high, aim, gap", AIMS)
def test_aim_and_gap(con, value, comparator, threshold, high, aim, gap):
    args = (value, comparator, threshold, high)
    assert one(con, "aim(?::DOUBLE, ?, ?::DOUBLE, ?::DOUBLE)", *args) == aim
    assert one(con, "gap(?::DOUBLE, ?, ?::DOUBLE, ?::DOUBLE)", *args) == gap


# (value, comparator, threshold, threshold_high, change to reach the aim) → whole things to add (− remove)
SHORTFALLS = [
    (1, ">=", 3, None, 2, 2),            # at least 3, has 1: 2 more
    (1, ">", 3, None, 2, 3),             # more than 3 is 4: 3 more
    (3, ">", 3, None, 0, 1),             # on the boundary of a strict bound: 1 more
    (2, "<=", 0, None, -2, -2),          # at most 0, has 2: 2 fewer
    (3, "<", 3, None, 0, -1),            # fewer than 3 is 2: 1 fewer
    (5, "<", 3, None, -2, -3),
    (25000, "between", 30000, 100000, 5000, 5000),
    (120000, "between", 30000, 100000, -20000, -20000),
    (0.5, ">=", 1, None, 2.3, 3),        # a part of a whole thing is a whole thing
    (0.5, ">", 1, None, 2.0000000001, 3),  # floating-point noise is not a whole thing
    (79, "approximately", 80, None, 1, None), (1, "increase", None, None, 1, None),
]


@pytest.mark.parametrize("value, comparator, threshold, high, change, expected", SHORTFALLS)
def test_shortfall(con, value, comparator, threshold, high, change, expected):
    assert one(con, "shortfall(?::DOUBLE, ?, ?::DOUBLE, ?::DOUBLE, ?::DOUBLE)",
               value, comparator, threshold, high, change) == expected


def test_sign_one_sided_and_texts(con):
    assert [one(con, "better_sign(?)", c) for c in ("<", "<=", ">=", "between")] == [-1, -1, 1, 1]
    assert [one(con, "is_one_sided(?)", c) for c in (">=", ">", "<=", "<", "between", "approximately")] == [True] * 4 + [False] * 2
    assert one(con, "comparison_text('between', 50000.0, 70000.0)") == "between 50000 and 70000"
    assert one(con, "comparison_text('>', 500000.0, NULL)") == "> 500000"
    assert one(con, "target_text('between', 30000.0, 100000.0)") == "30000 to 100000"
    assert one(con, "target_text('>=', 1.0, NULL)") == ">= 1"


def test_rate(con):
    assert one(con, "rate(3.0, 2000.0, 1000.0)") == 1.5        # 3 beds for 2,000 residents: 1.5 per 1,000
    assert one(con, "rate(1.0, 0.0, 1000.0)") is None         # no residents: no rate
    assert one(con, "rate(1.0, NULL, 1000.0)") is None
    assert one(con, "numerator_for(1.5, 2000.0, 1000.0)") == 3.0
    assert one(con, "numerator_for(4.0, NULL, 1.0)") == 4.0    # a count is its own numerator


# facility (type, ownership, grade, grade level) against filter (types, ownership, grades, min level) → passes
FILTERS = [
    (("general_hospital", "government", "3A", "3"), (None, None, None, None), True),
    (("general_hospital", "government", "3A", "3"), (["general_hospital", "tcm_hospital"], None, None, None), True),
    (("clinic", "government", "3A", "3"), (["general_hospital"], None, None, None), False),
    (("general_hospital", "private", "3A", "3"), (None, "government", None, None), False),
    (("general_hospital", None, "3A", "3"), (None, "government", None, None), None),
    (("general_hospital", "government", "2A", "2"), (None, None, ["3A", "3B"], None), False),
    (("general_hospital", "government", "3B", "3"), (None, None, ["3A", "3B"], None), True),
    (("psychiatric_hospital", "government", "2A", "2"), (["psychiatric_hospital"], None, None, 2), True),
    (("psychiatric_hospital", "government", "1A", "1"), (["psychiatric_hospital"], None, None, 2), False),
    (("psychiatric_hospital", "government", None, None), (["psychiatric_hospital"], None, None, 2), None),
]


@pytest.mark.parametrize("facility, wanted, passes", FILTERS)
def test_facility_filter(con, facility, wanted, passes):
    assert one(con, "passes_facility_filter(?, ?, ?, ?, ?::VARCHAR[], ?, ?::VARCHAR[], ?::INTEGER)",
               *facility, *wanted) is passes


def test_gx_judges_each_norm_on_met(con, tmp_path):
    """The GX norm suite (one expectation per norm) fails exactly the rows the macro finds not met."""
    con.execute("CREATE TABLE given_candidates AS SELECT * FROM (VALUES "
                "('p.a', 'p', 5.0, '>', 5.0, NULL, NULL, NULL, NULL), "       # on a strict bound: not met
                "('p.a', 'p', 6.0, '>', 5.0, NULL, NULL, NULL, NULL), "
                "('p.b', 'p', 4.0, 'between', 4.0, 5.0, NULL, NULL, NULL), "
                "('p.b', 'p', 5.5, 'between', 4.0, 5.0, NULL, NULL, NULL), "   # above the range: not met
                "('p.c', 'p', 9.0, 'increase', NULL, NULL, NULL, 0.0, NULL), "  # flat trend: not met
                "('p.c', 'p', 9.0, 'increase', NULL, NULL, NULL, 0.3, NULL), "
                "('p.d', 'p', NULL, '>=', 1.0, NULL, NULL, NULL, 'no data')"   # not evaluable: not judged
                ") AS t(norm_id, plan_id, value, comparator, threshold, threshold_high, tolerance, trend_slope, "
                "not_evaluable_reason)")
    con.execute("CREATE TABLE intermediate.norm_candidates AS SELECT *, meets(judged_on(comparator, value, "
                "trend_slope), comparator, threshold, threshold_high, tolerance) AS met FROM given_candidates")
    evaluate_norms(con, ["p"], tmp_path / "docs")
    not_met = con.execute("SELECT c.norm_id, c.value, c.trend_slope FROM intermediate.norm_candidates AS c "
                          "WHERE c.rowid IN (SELECT _rowid FROM intermediate.norms_not_met) ORDER BY ALL").fetchall()
    assert not_met == [("p.a", 5.0, None), ("p.b", 5.5, None), ("p.c", 9.0, 0.0)]
    assert any((tmp_path / "docs" / "validations" / "norms_p").rglob("*.html"))
