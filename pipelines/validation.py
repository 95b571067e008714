"""Great Expectations on DataFrames: the quality suites of expectations/quality/.

GX runs on pandas frames (GX 1.24's SQL path does not work against DuckDB, and dagster-ge does not support
GX 1.x). The context is ephemeral: suites are data in expectations/, results go to DuckDB and Dagster.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import yaml

from pipelines.settings import EXPECTATIONS_DIR, SQL_DIR

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


@cache
def gx_context(docs_dir: str):
    """One ephemeral GX context per process and Data Docs folder; the Data Docs site is rebuilt after every
    validation, so an inspector can read every result in a browser."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.data_sources.add_pandas("frames")
    context.add_data_docs_site(
        site_name="warehouse",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": docs_dir},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return context


def failing_rows(con: duckdb.DuckDBPyConnection, select: str, name: str, expectations: list[tuple[str, dict]], docs_dir: Path):
    """Run one suite, given as (expectation type, kwargs) pairs, on the rows of a query that has a _rowid
    column, and add its result to the Data Docs in docs_dir. Returns the frame (indexed by _rowid) and, for
    each expectation in order, the _rowid of every row it finds wrong."""
    import great_expectations as gx

    frame = con.sql(select).df()
    if frame.empty or not expectations:
        return frame.set_index("_rowid"), [[] for _ in expectations]
    context = gx_context(str(docs_dir))
    asset = context.data_sources.get("frames").add_dataframe_asset(name)
    suite = context.suites.add(gx.ExpectationSuite(name=name))
    for position, (expectation, kwargs) in enumerate(expectations):
        # GX runs (and returns) expectations grouped by column, not in the order given: the position in meta
        # ties each result back to its expectation.
        kwargs = kwargs | {"meta": kwargs.get("meta", {}) | {"position": position}}
        suite.add_expectation(getattr(gx.expectations, expectation.title().replace("_", ""))(**kwargs))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=asset.add_batch_definition_whole_dataframe(name), suite=suite)
    )
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=name, validation_definitions=[definition], result_format={"result_format": "COMPLETE"},
        actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=["warehouse"])],
    ))
    try:
        [result] = checkpoint.run(batch_parameters={"dataframe": frame}).run_results.values()
    finally:
        # The definitions go; the results stay in the store and the Data Docs. A name can then be used again.
        context.checkpoints.delete(name)
        context.validation_definitions.delete(name)
        context.suites.delete(name)
        context.data_sources.get("frames").delete_asset(name)
    rowids = frame["_rowid"]
    failures = [[] for _ in expectations]
    for r in result.results:
        failures[r.expectation_config.meta["position"]] = [int(rowids[i]) for i in (r.result.get("unexpected_index_list") or [])]
    return frame.set_index("_rowid"), failures


def apply_quality_suite(con: duckdb.DuckDBPyConnection, source: str, checked: str, docs_dir: Path) -> dict[str, int]:
    """Run the source's suite on `checked` and add a problem (column, rule, message) to every row a rule finds
    wrong: uniqueness and reference rules on every row, then the row rules on the rows without a problem yet.
    Returns failing rows per rule."""
    suite = load_quality_suite(source)
    found = {rule.rule: _duplicates(con, checked, rule) for rule in suite.of_kind("unique")}
    found |= _unreferenced(con, source, checked, suite.of_kind("references"), docs_dir)
    _add_problems(con, checked, [problem for problems in found.values() for problem in problems])
    row_found = _row_rule_failures(con, source, checked, suite, docs_dir)
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
    rows = _records(con, f"""
        SELECT _rowid, first_seen, {fields} FROM (
            SELECT c.rowid AS _rowid, c.*, row_number() OVER w AS _nth,
                   first_value(c._file || ' row ' || c._row) OVER w AS first_seen
            FROM {checked} AS c
            WHERE {" AND ".join(f"{k} IS NOT NULL" for k in rule.unique)}
            WINDOW w AS (PARTITION BY {keys} ORDER BY c._file, c._row)
        ) WHERE _nth > 1""")
    return [_problem(rule, row.pop("_rowid"), row) for row in rows]


def _unreferenced(con, source: str, checked: str, rules: list[QualityRule], docs_dir: Path) -> dict[str, list[tuple]]:
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
    frame, failing = failing_rows(con, select, f"{source}_references", expectations, docs_dir)
    found = {}
    for rule, rowids in zip(rules, failing):
        values = sorted({str(frame.loc[rowid, "value"]) for rowid in rowids})
        fields = ", ".join(sorted(rule.placeholders))
        rows = _records(con, f"SELECT rowid AS _rowid, {fields} FROM {checked} "
                             f"WHERE {rule.references['column']}::VARCHAR IN (SELECT unnest(?::VARCHAR[]))", [values]) if values else []
        found[rule.rule] = [_problem(rule, row.pop("_rowid"), row) for row in rows]
    return found


def _row_rule_failures(con, source: str, checked: str, suite: QualitySuite, docs_dir: Path) -> dict[str, list[tuple]]:
    """Row rules: one GX suite on the rows of `checked` that have no problem yet."""
    rules = suite.of_kind("row")
    if not rules:
        return {}
    derived = {name: expr for rule in rules for name, expr in rule.derived.items()}
    select = ", ".join(["rowid AS _rowid", *sorted(suite.columns), *(f"({e}) AS {n}" for n, e in derived.items())])
    expectations = [(rule.expectation, rule.kwargs | {"meta": {"rule": rule.rule}}) for rule in rules]
    frame, failing = failing_rows(con, f"SELECT {select} FROM {checked} WHERE NOT list_contains(list_transform(_problems, lambda p: p.outcome), 'row')", f"{source}_quality", expectations, docs_dir)
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
    con.executemany("INSERT INTO quality_problems VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(rowid, seq, *rest) for seq, (rowid, *rest) in enumerate(problems)])
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


def norm_expectation(norm_id: str) -> tuple[str, dict]:
    """The expectation of one norm on its rows: every row meets it. What meeting means is the macro meets
    (sql/macros/comparators.sql), computed per row in norm_candidates.met; GX checks it and reports it in the
    Data Docs. A row whose met is empty (a figure the rule needs is missing) is not counted as failing."""
    return ("expect_column_values_to_be_in_set",
            {"column": "met", "value_set": [True], "row_condition": f'norm_id=="{norm_id}"',
             "condition_parser": "pandas", "meta": {"norm_id": norm_id}})


def evaluate_norms(con: duckdb.DuckDBPyConnection, plan_ids: list[str], docs_dir: Path) -> None:
    """Judge every evaluable row of norm_candidates with one GX suite per plan, one expectation per norm;
    the rows found wrong go to the temp table norms_not_met (_rowid of norm_candidates)."""
    con.execute("CREATE OR REPLACE TEMP TABLE norms_not_met (_rowid BIGINT)")
    for plan_id in plan_ids:
        evaluable = f"FROM norm_candidates WHERE not_evaluable_reason IS NULL AND plan_id = '{plan_id}'"
        norms = [norm_id for (norm_id,) in con.execute(f"SELECT DISTINCT norm_id {evaluable} ORDER BY 1").fetchall()]
        _, failing = failing_rows(
            con,
            f"SELECT rowid AS _rowid, norm_id, met {evaluable}",
            f"norms_{plan_id}",
            [norm_expectation(norm_id) for norm_id in norms],
            docs_dir,
        )
        rowids = sorted({r for rows in failing for r in rows})
        if rowids:
            con.executemany("INSERT INTO norms_not_met VALUES (?)", [(r,) for r in rowids])


DQR_FILE = QUALITY_DIR / "data_quality_review.yaml"


def dqr_settings_rows(spec: dict) -> list[tuple[str, str, str, str]]:
    """The review's settings as rows (check, indicator_code or '*', setting, value) for the SQL."""
    rows = []
    completeness = spec["completeness"]
    rows += [("completeness", "*", key, str(completeness[key])) for key in ("level", "threshold")]
    rows += [("completeness", "*", "indicator", code) for code in completeness["indicators"]]
    for check in ("consistency_over_time", "outliers"):
        settings = spec[check]
        rows += [(check, "*", key, str(value)) for key, value in settings.items() if key != "by_indicator"]
        for indicator, overrides in settings.get("by_indicator", {}).items():
            rows += [(check, indicator, key, str(value)) for key, value in overrides.items()]
    for figure in spec["related_figures"]:
        rows += [("related_figures", figure["check"], key, str(value)) for key, value in figure.items() if key != "check"]
    return rows


DQR_CHECKS = ("completeness", "consistency_over_time", "outliers", "related_figures")


def evaluate_data_quality_review(con: duckdb.DuckDBPyConnection, docs_dir: Path) -> None:
    """Compute the WHO DQR statistics (sql/marts/dqr_statistics.sql) and let GX compare each with its
    limits; the rows outside go to the temp table dqr_failed (_rowid of dqr_statistics)."""
    spec = yaml.safe_load(DQR_FILE.read_text(encoding="utf-8"))
    con.execute("CREATE OR REPLACE TEMP TABLE dqr_settings (check_name VARCHAR, indicator_code VARCHAR, setting VARCHAR, value VARCHAR)")
    con.executemany("INSERT INTO dqr_settings VALUES (?, ?, ?, ?)", dqr_settings_rows(spec))
    con.execute((SQL_DIR / "marts" / "dqr_statistics.sql").read_text(encoding="utf-8"))
    expectations = [
        ("expect_column_pair_values_a_to_be_greater_than_b",
         {"column_A": a, "column_B": b, "or_equal": True, "ignore_row_if": "either_value_is_missing",
          "row_condition": f'check_name=="{check}"', "condition_parser": "pandas", "meta": {"check": check}})
        for check in DQR_CHECKS
        for a, b in (("statistic", "limit_low"), ("limit_high", "statistic"))
    ]
    _, failing = failing_rows(
        con,
        "SELECT rowid AS _rowid, check_name, statistic, limit_low, limit_high FROM dqr_statistics "
        "WHERE insufficient IS NULL AND statistic IS NOT NULL",
        "data_quality_review",
        expectations,
        docs_dir,
    )
    con.execute("CREATE OR REPLACE TEMP TABLE dqr_failed (_rowid BIGINT)")
    rowids = sorted({r for rows in failing for r in rows})
    if rowids:
        con.executemany("INSERT INTO dqr_failed VALUES (?)", [(r,) for r in rowids])


TRACKING_FILE = EXPECTATIONS_DIR / "tracking.yaml"


def set_tracking_variables(con: duckdb.DuckDBPyConnection) -> None:
    """The settings of expectations/tracking.yaml as DuckDB variables for the tracking SQL."""
    spec = yaml.safe_load(TRACKING_FILE.read_text(encoding="utf-8"))
    con.execute("SET VARIABLE pool_years = ?::INTEGER", [spec["rare_events"]["pool_years"]])
    con.execute("SET VARIABLE rare_event_indicators = ?::VARCHAR[]", [spec["rare_events"]["indicators"]])
    con.execute("SET VARIABLE trend_min_years = ?::INTEGER", [spec["trajectory"]["min_years"]])
    con.execute("SET VARIABLE trend_max_years = ?::INTEGER", [spec["trajectory"]["max_years"]])
    for cls in ("on_track", "acceleration_needed", "limited_progress"):
        con.execute(f"SET VARIABLE progress_{cls} = ?::DOUBLE", [spec["progress"][cls]])
