"""Quality suites (质量规则) of expectations/quality/<source>.yaml, run on a source's checked rows.

A uniqueness rule is one DuckDB window; a reference rule and the row rules are Great Expectations suites
(pipelines.gx). Every problem found is appended to its row with its outcome: the row set aside, the cell set
aside (nulled), or the figure flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import yaml

from pipelines.gx import DataDocs
from pipelines.settings import EXPECTATIONS_DIR

QUALITY_DIR = EXPECTATIONS_DIR / "quality"


@dataclass(frozen=True)
class QualityRule:
    """One rule of a quality suite. A row rule is a GX expectation on each row (expectation, kwargs); a
    uniqueness rule (unique: key columns) keeps the first row of each key in file order; a reference rule
    (references: {column, table, key[, where]}) needs every value of the column to be a key of the table.
    column and message are templates over the row's values ({first_seen} for duplicates)."""
    rule: str
    description: str
    column: str
    message: dict  # {zh, en}: what the statistician reads, Chinese first
    fix: dict = field(default_factory=lambda: {"zh": "请核实后重新报送", "en": "check it and send the file again"})
    outcome: str = "row"  # row: the row is set aside; cell: the cell (column) alone; flag: kept and flagged
    expectation: str | None = None
    kwargs: dict = field(default_factory=dict)
    derived: dict = field(default_factory=dict)
    unique: tuple[str, ...] | None = None
    references: dict | None = None

    @property
    def kind(self) -> str:
        return "unique" if self.unique else "references" if self.references else "row"

    @property
    def placeholders(self) -> set[str]:
        import string

        texts = (self.column, self.message["zh"], self.message["en"])
        return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class QualitySuite:
    suite: str
    max_quarantined_share: float
    min_rows_for_share: int
    rules: tuple[QualityRule, ...]
    path: Path | None

    def share_blocks(self, quarantined: int, received: int) -> bool:
        """Whether so large a share of the rows was quarantined that the run must stop."""
        return received >= self.min_rows_for_share and quarantined > self.max_quarantined_share * received

    def of_kind(self, kind: str) -> list[QualityRule]:
        return [r for r in self.rules if r.kind == kind]

    @property
    def columns(self) -> set[str]:
        """The row columns the row rules read (messages included), besides derived ones."""
        rules = self.of_kind("row")
        used = set().union(*(r.placeholders for r in rules))
        for rule in rules:
            used |= {v for k, v in rule.kwargs.items() if k.startswith("column")}
        return used - {d for r in rules for d in r.derived}


def load_quality_suite(source: str) -> QualitySuite:
    """The source's suite from expectations/quality/<source>.yaml over defaults.yaml (no rules if no file)."""
    spec = yaml.safe_load((QUALITY_DIR / "defaults.yaml").read_text(encoding="utf-8"))
    path = QUALITY_DIR / f"{source}.yaml"
    if path.exists():
        spec |= yaml.safe_load(path.read_text(encoding="utf-8"))
    for rule in spec.get("rules", ()):
        # YAML splits an unquoted `{name: f(a, b)}` at the comma: refuse it rather than run half an expression
        broken = [name for name, expr in rule.get("derived", {}).items() if not isinstance(expr, str) or not expr.strip()]
        if broken:
            raise ValueError(f"{path.name}, rule {rule.get('rule')}: derived column(s) {broken} have no SQL expression; "
                             "quote an expression that contains a comma")
    return QualitySuite(
        suite=source,
        max_quarantined_share=float(spec["max_quarantined_share"]),
        min_rows_for_share=int(spec["min_rows_for_share"]),
        rules=tuple(QualityRule(**(rule | {"unique": tuple(rule["unique"])} if "unique" in rule else rule))
                    for rule in spec.get("rules", ())),
        path=path if path.exists() else None,
    )


def apply_quality_suite(con: duckdb.DuckDBPyConnection, source: str, checked: str, docs_dir: Path) -> dict[str, int]:
    """Run the source's suite on `checked` and add a problem (column, rule, message) to every row a rule finds
    wrong: uniqueness and reference rules on every row, then the row rules on the rows without a problem yet.
    Returns failing rows per rule."""
    suite = load_quality_suite(source)
    found = {rule.rule: _duplicates(con, checked, rule) for rule in suite.of_kind("unique")}
    with DataDocs(docs_dir) as docs:
        found |= _unreferenced(con, source, checked, suite.of_kind("references"), docs)
        _add_problems(con, checked, [problem for problems in found.values() for problem in problems])
        row_found = _row_rule_failures(con, source, checked, suite, docs)
        _add_problems(con, checked, [problem for problems in row_found.values() for problem in problems])
    return {rule: len(problems) for rule, problems in (found | row_found).items()}


def _problem(rule: QualityRule, rowid: int, record: dict) -> tuple:
    record = _printable(record)
    return (rowid, rule.column.format(**record), rule.rule, rule.outcome, rule.message["zh"].format(**record),
            rule.message["en"].format(**record), rule.fix["zh"], rule.fix["en"])


def _records(con, sql: str, params=None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _duplicates(con, checked: str, rule: QualityRule) -> list[tuple]:
    """Every row whose key (all of it filled in) was already given by an earlier row, in file order.
    DuckDB finds them with one window: GX's compound-uniqueness expectation costs 3.5 s per 1.6 M staff rows
    (bench scale 0.1), which would double the validation time at national scale."""
    keys = ", ".join(rule.unique)
    fields = ", ".join([*sorted(rule.placeholders - {"first_seen"} - set(rule.derived)),
                        *(f"({expr}) AS {name}" for name, expr in rule.derived.items())])
    filled = " AND ".join(f"{k} IS NOT NULL" for k in rule.unique)
    # The window runs only on the rows whose key is given more than once (a grouping finds those keys first):
    # over every row it took 8 s for the 15.9 M national staff rows.
    rows = _records(con, f"""
        WITH repeated AS (SELECT {keys} FROM {checked} WHERE {filled} GROUP BY ALL HAVING count(*) > 1)
        SELECT _rowid, first_seen, {fields} FROM (
            SELECT c.rowid AS _rowid, c.*, row_number() OVER w AS _nth,
                   first_value(c._file || ' row ' || c._row) OVER w AS first_seen
            FROM {checked} AS c
            JOIN repeated USING ({keys})
            WINDOW w AS (PARTITION BY {keys} ORDER BY c._file, c._row)
        ) WHERE _nth > 1""")
    return [_problem(rule, row.pop("_rowid"), row) for row in rows]


def _unreferenced(con, source: str, checked: str, rules: list[QualityRule], docs: DataDocs) -> dict[str, list[tuple]]:
    """Reference rules, judged by GX on each distinct value: the value left-joined to the referenced keys must
    find one (expect_column_values_to_not_be_null on the match). Rows carrying a value that finds none fail."""
    if not rules:
        return {}
    parts = [
        f"""SELECT '{rule.rule}' AS rule, v.value, r.key AS matched
            FROM (SELECT DISTINCT {rule.references['column']}::VARCHAR AS value FROM {checked}
                  WHERE {rule.references['column']} IS NOT NULL) AS v
            LEFT JOIN (SELECT DISTINCT {rule.references['key']}::VARCHAR AS key FROM {rule.references['table']}
                       WHERE {rule.references.get('where', 'true')}) AS r ON r.key = v.value"""
        for rule in rules
    ]
    expectations = [
        ("expect_column_values_to_not_be_null",
         {"column": "matched", "row_condition": f'rule=="{rule.rule}"', "condition_parser": "pandas", "meta": {"rule": rule.rule}})
        for rule in rules
    ]
    select = "SELECT row_number() OVER () AS _rowid, * FROM (" + " UNION ALL ".join(parts) + ")"
    frame, failing = docs.failing_rows(con, select, f"{source}_references", expectations)
    found = {}
    for rule, rowids in zip(rules, failing):
        values = sorted({str(frame.loc[rowid, "value"]) for rowid in rowids})
        fields = ", ".join(sorted(rule.placeholders))
        rows = _records(con, f"SELECT rowid AS _rowid, {fields} FROM {checked} "
                             f"WHERE {rule.references['column']}::VARCHAR IN (SELECT unnest(?::VARCHAR[]))", [values]) if values else []
        found[rule.rule] = [_problem(rule, row.pop("_rowid"), row) for row in rows]
    return found


def _row_rule_failures(con, source: str, checked: str, suite: QualitySuite, docs: DataDocs) -> dict[str, list[tuple]]:
    """Row rules: one GX suite on the rows of `checked` that have no problem yet."""
    rules = suite.of_kind("row")
    if not rules:
        return {}
    derived = {name: expr for rule in rules for name, expr in rule.derived.items()}
    select = ", ".join(["rowid AS _rowid", *sorted(suite.columns), *(f"({e}) AS {n}" for n, e in derived.items())])
    expectations = [(rule.expectation, rule.kwargs | {"meta": {"rule": rule.rule}}) for rule in rules]
    frame, failing = docs.failing_rows(con, f"SELECT {select} FROM {checked} WHERE NOT list_contains(list_transform(_problems, lambda p: p.outcome), 'row')", f"{source}_quality", expectations)
    return {
        rule.rule: [_problem(rule, rowid, frame.loc[rowid].to_dict()) for rowid in rowids]
        for rule, rowids in zip(rules, failing)
    }


def _add_problems(con, checked: str, problems: list[tuple]) -> None:
    """Append (rowid, column, rule, outcome, zh, en, fix_zh, fix_en) problems to the rows of `checked`, in
    rule order, and set aside (null) the cells of the problems whose outcome is `cell`."""
    if not problems:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE quality_problems (_rowid BIGINT, seq INTEGER, col VARCHAR, rule VARCHAR,"
                " outcome VARCHAR, zh VARCHAR, en VARCHAR, fix_zh VARCHAR, fix_en VARCHAR)")
    found = pl.DataFrame([(rowid, seq, *rest) for seq, (rowid, *rest) in enumerate(problems)], orient="row",
                         schema=["_rowid", "seq", "col", "rule", "outcome", "zh", "en", "fix_zh", "fix_en"])
    con.execute("INSERT INTO quality_problems SELECT * FROM found")  # one statement, not one per problem
    # Cells first: updating the list of problems may move rows (and their rowid), updating a value does not.
    cells = con.execute("SELECT DISTINCT col FROM quality_problems WHERE outcome = 'cell'").fetchall()
    for (column,) in cells:
        con.execute(f"UPDATE {checked} SET {column} = NULL WHERE rowid IN "
                    f"(SELECT _rowid FROM quality_problems WHERE outcome = 'cell' AND col = ?)", [column])
    con.execute(
        f"""UPDATE {checked} AS c SET _problems = list_concat(c._problems, q.found)
            FROM (SELECT _rowid, list({{'column': col, 'header': NULL, 'value': NULL, 'rule': rule, 'outcome': outcome,
                                        'zh': zh, 'en': en, 'fix_zh': fix_zh, 'fix_en': fix_en}} ORDER BY seq) AS found
                  FROM quality_problems GROUP BY _rowid) AS q
            WHERE c.rowid = q._rowid"""
    )


def _printable(record: dict) -> dict:
    """Whole numbers print without a trailing .0 in messages."""
    return {k: int(v) if isinstance(v, float) and v == v and v.is_integer() else v for k, v in record.items()}
