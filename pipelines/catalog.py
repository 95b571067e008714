"""The norms catalog (规划标准目录): expectations/indicators.yaml and expectations/norms/<plan_id>.yaml, checked.

load_catalog() refuses the whole catalog if any entry is wrong, listing every error at once, each naming the
file, the norm (or indicator, or plan) and the field. Adding a plan is adding a YAML file: nothing here names
a plan. Quotes are checked against the plan's text (the seed file) when that file is in the seeds directory;
the comparison ignores whitespace (the texts break lines and pad with spaces), nothing else.

Only the standard library and PyYAML are imported, so the module loads on its own.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXPECTATIONS_DIR = REPO_ROOT / "expectations"


def _comparators() -> list[tuple[str, bool, bool]]:
    """(comparator, in_conditions, trend) from the comparators() list in sql/macros/comparators.sql, the file
    that says what each means: a name is allowed here only where the SQL knows it."""
    text = (REPO_ROOT / "sql" / "macros" / "comparators.sql").read_text(encoding="utf-8")
    listing = text.split("MACRO comparators() AS TABLE", 1)[1].split(";", 1)[0]
    return [(name, a == "true", b == "true")
            for name, a, b in re.findall(r"\('([^']+)',\s*(true|false),\s*(true|false)\)", listing)]


COMPARATORS = tuple(name for name, _, _ in _comparators())
CONDITION_COMPARATORS = tuple(name for name, in_conditions, _ in _comparators() if in_conditions)
# direction targets (持续提升, 逐步提高, 稳步下降 …): no number, judged by the trend
DIRECTIONS = tuple(name for name, _, trend in _comparators() if trend)
SCOPE_LEVELS = ("prefecture", "county", "township", "village", "facility")
INDICATOR_LEVELS = ("region", "facility")
DOMAINS = ("resources", "workforce", "public_health_outcomes", "primary_care", "emergency_care", "tcm", "other")
FACILITY_TYPES = (  # data/reference/facility_types.csv
    "general_hospital", "tcm_hospital", "specialty_hospital", "psychiatric_hospital", "maternal_child_health",
    "community_health_centre", "community_health_station", "township_health_centre", "village_clinic", "clinic",
    "cdc", "emergency_centre", "blood_centre", "other",
)
PLAN_FIELDS = {"plan_id", "name_zh", "name_en", "jurisdiction_code", "issued", "period", "source_document",
               "document_number", "note"}
NORM_FIELDS = {"norm_id", "indicator_code", "comparator", "threshold", "threshold_high", "tolerance", "unit",
               "target_year", "milestones", "baseline", "scope", "condition", "domain", "trackable",
               "untrackable_reason", "quote", "note", "range_high"}
FACILITY_FILTER_FIELDS = {"facility_types", "ownership", "grades", "min_grade_level", "when"}
MEASURE_FIELDS = {"code", "level", "source", "definition", "count", "flag", "zero_when_absent", "staff"}
STAFF_FILTER_FIELDS = {"categories", "category_flag", "any_of"}
STAFF_CLAUSE_FIELDS = ("practice_categories", "scopes", "departments", "department_groups", "gp_registered", "gp_certificate")
STAFF_CATEGORY_FLAGS = {"is_physician", "is_health_technician"}
MILESTONE_FIELDS = {"year", "threshold", "threshold_high", "quote", "note"}
NORM_ROW_KEYS = ("norm_id", "plan_id", "source_document", "indicator_code", "comparator", "threshold",
                 "threshold_high", "range_high", "tolerance", "unit", "target_year", "scope_level", "facility_type", "condition",
                 "domain", "trackable", "untrackable_reason", "quote", "note", "baseline_value", "baseline_year")


class CatalogError(ValueError):
    """The catalog has entries that cannot be used; the message lists every one."""


def default_seeds_dir() -> Path:
    """Where the plan texts are: $HEALTH_PLAN_TEXTS, else <repo>/../shared/seeds."""
    return Path(os.environ.get("HEALTH_PLAN_TEXTS") or REPO_ROOT.parent / "shared" / "seeds")


def _without_whitespace(text: str) -> str:
    return "".join(text.split())


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass
class Catalog:
    units: dict[str, dict]
    measures: dict[str, dict]
    indicators: dict[str, dict]
    plans: list[dict]
    norms: list[dict]

    def indicator_rows(self) -> list[dict]:
        return [
            {
                "indicator_code": code, "name_zh": i["name_zh"], "name_en": i["name_en"], "unit": i["unit"],
                "unit_multiplier": float(self.units[i["unit"]]["multiplier"]), "level": i["level"],
                "domain": i["domain"], "numerator": i["numerator"], "denominator": i.get("denominator"),
                "source": i.get("source"), "higher_is_better": i["higher_is_better"], "description": i["description"],
            }
            for code, i in sorted(self.indicators.items())
        ]

    def measure_rows(self) -> list[dict]:
        """One row per measure; a registry count or flag carries its facility filter (see indicators.yaml)."""
        rows = []
        for code, m in sorted(self.measures.items()):
            facility_filter = m.get("count") or m.get("flag") or {}
            staff = m.get("staff")
            rows.append({
                "measure": code, "level": m["level"], "source": m["source"], "definition": m["definition"],
                "role": "count" if "count" in m else "flag" if "flag" in m else "staff" if staff is not None else None,
                # A count with `when` is only known where facilities reported that measure: no report, no data.
                "zero_when_absent": ("count" in m and "when" not in m["count"]) or bool(m.get("zero_when_absent")),
                "facility_types": facility_filter.get("facility_types"), "ownership": facility_filter.get("ownership"),
                "grades": [str(g) for g in facility_filter["grades"]] if "grades" in facility_filter else None,
                "min_grade_level": facility_filter.get("min_grade_level"), "when_measure": facility_filter.get("when"),
                "staff_categories": (staff or {}).get("categories"), "staff_category_flag": (staff or {}).get("category_flag"),
                "staff_any_of": [{f: clause.get(f) for f in STAFF_CLAUSE_FIELDS} for clause in staff["any_of"]]
                if staff and staff.get("any_of") else None,
            })
        return rows

    def condition_rows(self) -> list[dict]:
        """One row per clause of each norm's condition (all clauses must hold)."""
        rows = []
        for norm in self.norms:
            condition = norm.get("condition")
            for i, clause in enumerate(condition if isinstance(condition, list) else [condition] if condition else []):
                kind = "region_in" if "region_in" in clause else "facility_type_not_in" if "facility_type_not_in" in clause else "measure"
                rows.append({
                    "norm_id": norm["norm_id"], "clause": i + 1, "kind": kind, "measure": clause.get("measure"),
                    "comparator": clause.get("comparator"), "value": clause.get("value"), "value_high": clause.get("value_high"),
                    "codes": clause.get("region_in") or clause.get("facility_type_not_in"),
                })
        return rows

    def norm_rows(self) -> list[dict]:
        """One row per norm and milestone (a norm without milestones is one row, at its target_year)."""
        rows = []
        for norm in self.norms:
            scope, baseline = norm.get("scope") or {}, norm.get("baseline") or {}
            condition = norm.get("condition")
            for milestone in norm.get("milestones") or [{"year": norm.get("target_year")}]:
                notes = [n for n in (norm.get("note"), milestone.get("note")) if n]
                rows.append({
                    "norm_id": norm["norm_id"], "plan_id": norm["plan_id"], "source_document": norm["source_document"],
                    "indicator_code": norm.get("indicator_code"), "comparator": norm["comparator"],
                    "threshold": milestone.get("threshold", norm.get("threshold")),
                    "threshold_high": milestone.get("threshold_high", norm.get("threshold_high")),
                    "range_high": norm.get("range_high"),
                    "tolerance": norm.get("tolerance"), "unit": norm["unit"], "target_year": milestone["year"],
                    "scope_level": scope.get("level"), "facility_type": scope.get("facility_type"),
                    "condition": json.dumps(condition, ensure_ascii=False) if condition else None,
                    "domain": norm["domain"], "trackable": norm.get("trackable", True),
                    "untrackable_reason": norm.get("untrackable_reason"),
                    "quote": milestone.get("quote") or norm["quote"], "note": " ".join(notes) or None,
                    "baseline_value": baseline.get("value"), "baseline_year": baseline.get("year"),
                })
        return rows


# ---------------------------------------------------------------------------------------------- indicators.yaml
def _check_indicators(spec: dict) -> list[str]:
    """Units, measures and indicators: known codes, nothing twice."""
    errors = []
    units = {u.get("code"): u for u in spec.get("units", [])}
    measures = {m.get("code"): m for m in spec.get("measures", [])}
    for unit in spec.get("units", []):
        if not _is_number(unit.get("multiplier")):
            errors.append(f"indicators.yaml, unit {unit.get('code')}, field multiplier: must be a number")
    seen = set()
    for i in spec.get("indicators", []):
        code = i.get("code")

        def error(field: str, message: str) -> None:
            errors.append(f"indicators.yaml, indicator {code}, field {field}: {message}")

        if code in seen:
            error("code", "duplicate indicator code")
        seen.add(code)
        for field in ("name_zh", "name_en", "numerator", "description"):
            if not i.get(field):
                error(field, "missing")
        if i.get("unit") not in units:
            error("unit", f"unknown unit {i.get('unit')!r} (not in units)")
        if i.get("level") not in INDICATOR_LEVELS:
            error("level", f"unknown level {i.get('level')!r}; use one of {list(INDICATOR_LEVELS)}")
        if i.get("domain") not in DOMAINS:
            error("domain", f"unknown domain {i.get('domain')!r}; use one of {list(DOMAINS)}")
        if not isinstance(i.get("higher_is_better"), bool):
            error("higher_is_better", "must be true or false")
        if i.get("source") not in (None, "public_health"):
            error("source", f"unknown source {i.get('source')!r}; leave it out, or public_health for reported figures")
        if i.get("source") != "public_health":  # computed: both measures must be defined
            for field in ("numerator", "denominator"):
                if i.get(field) is not None and i[field] not in measures:
                    error(field, f"unknown measure {i[field]!r} (not in measures)")
    for code, m in measures.items():
        errors += [f"indicators.yaml, measure {code}: {e}" for e in _measure_errors(m, measures)]
    return errors


def _staff_filter_errors(staff) -> list[str]:
    """Who a staff measure counts: known fields, known category flag, clauses of known fields."""
    if not isinstance(staff, dict):
        return [f"field staff: must be a mapping of {sorted(STAFF_FILTER_FIELDS)}"]
    errors = [f"field staff: unknown filter {f!r}" for f in sorted(set(staff) - STAFF_FILTER_FIELDS)]
    if staff.get("category_flag") not in (None, *STAFF_CATEGORY_FLAGS):
        errors.append(f"field staff: category_flag must be one of {sorted(STAFF_CATEGORY_FLAGS)}")
    for clause in staff.get("any_of") or []:
        errors += [f"field staff: unknown clause field {f!r}" for f in sorted(set(clause) - set(STAFF_CLAUSE_FIELDS))]
    return errors


def _measure_errors(measure: dict, measures: dict) -> list[str]:
    """A measure's fields, the facility filter of a registry count or flag, the person filter of a staff count."""
    errors = [f"unknown field {f!r}" for f in sorted(set(measure) - MEASURE_FIELDS)]
    if "staff" in measure:
        errors += _staff_filter_errors(measure["staff"])
    for role in ("count", "flag"):
        facility_filter = measure.get(role)
        if facility_filter is None:
            continue
        if not isinstance(facility_filter, dict) or not facility_filter:
            errors.append(f"field {role}: must be a mapping of {sorted(FACILITY_FILTER_FIELDS)}")
            continue
        errors += [f"field {role}: unknown filter {f!r}" for f in sorted(set(facility_filter) - FACILITY_FILTER_FIELDS)]
        errors += [f"field {role}: unknown facility type {t!r}"
                   for t in facility_filter.get("facility_types", []) if t not in FACILITY_TYPES]
        if facility_filter.get("when") is not None and facility_filter["when"] not in measures:
            errors.append(f"field {role}: when names an unknown measure {facility_filter['when']!r}")
    return errors


# ---------------------------------------------------------------------------------------------- norms/<plan>.yaml
def _check_plan(plan: dict, where: str, stem: str) -> list[str]:
    errors = []
    pid = plan.get("plan_id")

    def error(field: str, message: str) -> None:
        errors.append(f"{where}, plan {pid}, field {field}: {message}")

    for field in sorted(set(plan) - PLAN_FIELDS):
        error(field, f"unknown field; plan fields are {sorted(PLAN_FIELDS)}")
    for field in ("plan_id", "name_zh", "name_en", "source_document"):
        if not plan.get(field):
            error(field, "missing")
    if pid and pid != stem:
        error("plan_id", f"must equal the file name ({stem}.yaml holds plan {stem})")
    if not str(plan.get("jurisdiction_code", "")).isdigit():
        error("jurisdiction_code", "must be a region code (digits, GB/T 2260)")
    try:
        date.fromisoformat(str(plan.get("issued")))
    except ValueError:
        error("issued", f"{plan.get('issued')!r} is not a date (YYYY-MM-DD)")
    period = plan.get("period")
    if not (isinstance(period, list) and len(period) == 2 and all(isinstance(y, int) for y in period)
            and period[0] <= period[1]):
        error("period", "must be [first year, last year]")
    return errors


def _check_fields(norm: dict, error) -> None:
    for field in sorted(set(norm) - NORM_FIELDS):
        error(field, f"unknown field; norm fields are {sorted(NORM_FIELDS)}")
    for i, milestone in enumerate(norm.get("milestones") or []):
        for field in sorted(set(milestone) - MILESTONE_FIELDS):
            error(f"milestones[{i}].{field}", f"unknown field; milestone fields are {sorted(MILESTONE_FIELDS)}")
    if norm.get("domain") not in DOMAINS:
        error("domain", f"unknown domain {norm.get('domain')!r}; use one of {list(DOMAINS)}")
    if not isinstance(norm.get("trackable", True), bool):
        error("trackable", "must be true or false")
    if norm.get("trackable", True) is False and not norm.get("untrackable_reason"):
        error("untrackable_reason", "an untrackable norm needs the reason")
    baseline = norm.get("baseline")
    if baseline is not None and not (isinstance(baseline, dict) and _is_number(baseline.get("value"))
                                     and isinstance(baseline.get("year"), int)):
        error("baseline", "must be {value: number, year: year}")


def _check_indicator_and_unit(norm: dict, indicators: dict, units: dict, error) -> None:
    """Unknown indicator; unit that does not fit the indicator (or is no unit at all)."""
    code = norm.get("indicator_code")
    if code is None and norm.get("trackable", True):
        error("indicator_code", "a trackable norm needs an indicator (or trackable: false with the reason)")
    elif code is not None and code not in indicators:
        error("indicator_code", f"unknown indicator {code!r} (not in indicators.yaml)")
    unit = norm.get("unit")
    if unit not in units:
        error("unit", f"unknown unit {unit!r} (not in the units of indicators.yaml)")
    elif code in indicators and unit != indicators[code]["unit"]:
        error("unit", f"{unit!r} does not fit indicator {code} (its unit is {indicators[code]['unit']!r})")


def _check_comparator_and_thresholds(norm: dict, error) -> None:
    """Unknown comparator; between needs threshold_high, approximately needs a tolerance; thresholds are numbers."""
    comparator = norm.get("comparator")
    if comparator not in COMPARATORS:
        error("comparator", f"unknown comparator {comparator!r}; use one of {list(COMPARATORS)}")
    milestones = norm.get("milestones")
    if milestones is not None and not (isinstance(milestones, list) and milestones):
        error("milestones", "must be a list of {year, threshold}")
        milestones = []
    points = [("", norm)] if not milestones else [(f"milestones[{i}].", m) for i, m in enumerate(milestones)]
    if comparator in DIRECTIONS:
        for prefix, point in points:
            if point.get("threshold") is not None:
                error(f"{prefix}threshold", f"a direction target ({comparator}) has no threshold: it is judged by the trend")
        points = []
    range_high = norm.get("range_high")
    if range_high is not None:
        if comparator not in (">=", ">"):
            error("range_high", "only a range read at its lower end (>= or >) keeps its upper end; use between where both ends matter")
        elif not _is_number(range_high) or any(_is_number(p.get("threshold")) and range_high <= p["threshold"] for _, p in points):
            error("range_high", f"{range_high!r} must be a number above the threshold")
    for prefix, point in points:
        threshold = point.get("threshold")
        if threshold is None and norm.get("trackable", True):
            error(f"{prefix}threshold", "missing threshold")
        elif threshold is not None and not _is_number(threshold):
            error(f"{prefix}threshold", f"{threshold!r} is not a number")
        if comparator == "between":
            high = point.get("threshold_high", norm.get("threshold_high"))
            if high is None:
                error("threshold_high", "a 'between' norm needs threshold_high")
            elif not _is_number(high) or (_is_number(threshold) and high <= threshold):
                error("threshold_high", f"{high!r} must be a number above the threshold")
    if comparator == "approximately" and not (_is_number(norm.get("tolerance")) and norm["tolerance"] >= 0):
        error("tolerance", "an 'approximately' norm needs a tolerance (a number ≥ 0)")


def _check_years(norm: dict, plan: dict, error) -> None:
    """A target year or milestone year is required and may not fall before the plan's issue year."""
    try:
        issued_year = date.fromisoformat(str(plan.get("issued"))).year
    except ValueError:
        return  # reported with the plan
    milestones = norm.get("milestones") if isinstance(norm.get("milestones"), list) else None
    if milestones and "target_year" in norm:
        error("target_year", "give either target_year or milestones, not both")
    years = ([(f"milestones[{i}].year", m.get("year")) for i, m in enumerate(milestones)] if milestones
             else [("target_year", norm.get("target_year"))])
    for field, year in years:
        if not isinstance(year, int) or isinstance(year, bool):
            error(field, f"missing or not a year: {year!r}")
        elif year < issued_year:
            error(field, f"{year} is before the plan was issued ({plan.get('issued')})")
    if milestones and len({y for _, y in years}) < len(years):
        error("milestones", "two milestones in the same year")


def _check_scope(norm: dict, error) -> None:
    scope = norm.get("scope")
    if not isinstance(scope, dict):
        error("scope", "missing scope: {level: prefecture|county|township|village|facility, facility_type: …}")
        return
    if scope.get("level") not in SCOPE_LEVELS:
        error("scope.level", f"unknown level {scope.get('level')!r}; use one of {list(SCOPE_LEVELS)}")
    if scope.get("facility_type") is not None and scope["facility_type"] not in FACILITY_TYPES:
        error("scope.facility_type", f"unknown facility type {scope['facility_type']!r}; use one of {list(FACILITY_TYPES)}")
    for field in sorted(set(scope) - {"level", "facility_type"}):
        error(f"scope.{field}", "unknown field; scope has level and facility_type")


def _check_condition(norm: dict, measures: dict, error) -> None:
    """A condition is one clause or a list of clauses that must all hold. A clause is
    {measure, comparator, value[, value_high]}, {region_in: [codes]} or {facility_type_not_in: [types]}."""
    condition = norm.get("condition")
    if condition is None:
        return
    clauses = condition if isinstance(condition, list) else [condition]
    for i, clause in enumerate(clauses):
        field = f"condition[{i}]" if isinstance(condition, list) else "condition"
        if not isinstance(clause, dict):
            error(field, "must be a mapping")
        elif "region_in" in clause:
            codes = clause["region_in"]
            if set(clause) != {"region_in"} or not (isinstance(codes, list) and codes
                                                    and all(isinstance(c, str) and c.isdigit() for c in codes)):
                error(field, "region_in must be a list of region codes written as text, e.g. ['321012']")
        elif "facility_type_not_in" in clause:
            types = clause["facility_type_not_in"]
            if set(clause) != {"facility_type_not_in"} or not isinstance(types, list):
                error(field, "facility_type_not_in must be a list of facility types")
            else:
                for t in sorted(set(types) - set(FACILITY_TYPES)):
                    error(field, f"unknown facility type {t!r}")
        else:
            if clause.get("measure") not in measures:
                error(field, f"unknown measure {clause.get('measure')!r} (not in the measures of indicators.yaml)")
            if clause.get("comparator") not in CONDITION_COMPARATORS:
                error(field, f"unknown comparator {clause.get('comparator')!r}; use one of {list(CONDITION_COMPARATORS)}")
            if not _is_number(clause.get("value")):
                error(field, "value must be a number")
            if (clause.get("comparator") == "between") != ("value_high" in clause):
                error(field, "value_high goes with comparator between, and only with it")
            for extra in sorted(set(clause) - {"measure", "comparator", "value", "value_high"}):
                error(field, f"unknown key {extra!r}")


def _check_quotes(norm: dict, seed_text: str | None, source_document: str, error) -> None:
    """Every norm needs a quote; it (and each milestone's) must be in the plan text when the text is at hand."""
    quotes = [("quote", norm.get("quote"))] + [
        (f"milestones[{i}].quote", m.get("quote")) for i, m in enumerate(norm.get("milestones") or [])
        if isinstance(m, dict) and "quote" in m
    ]
    for field, quote in quotes:
        if not quote or not isinstance(quote, str):
            error(field, "every norm needs the exact quote from the plan")
        elif seed_text is not None and _without_whitespace(quote) not in seed_text:
            error(field, f"not found in {source_document}: {quote!r}")


def _check_norm(norm: dict, plan: dict, spec: dict, seed_text: str | None, where: str) -> list[str]:
    errors = []
    norm_id = norm.get("norm_id")

    def error(field: str, message: str) -> None:
        errors.append(f"{where}, norm {norm_id}, field {field}: {message}")

    if not norm_id or not str(norm_id).startswith(f"{plan.get('plan_id')}."):
        error("norm_id", f"must start with the plan id: {plan.get('plan_id')}.<name>")
    _check_fields(norm, error)
    _check_indicator_and_unit(norm, spec["indicators"], spec["units"], error)
    _check_comparator_and_thresholds(norm, error)
    _check_years(norm, plan, error)
    _check_scope(norm, error)
    _check_condition(norm, spec["measures"], error)
    _check_quotes(norm, seed_text, plan.get("source_document"), error)
    return errors


def _read_yaml(path: Path, where: str, errors: list[str]) -> dict | None:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        errors.append(f"{where}: not valid YAML: {exc}")
        return None
    if not isinstance(document, dict):
        errors.append(f"{where}: must be a mapping")
        return None
    return document


def load_catalog(expectations_dir: Path | None = None, seeds_dir: Path | None = None) -> Catalog:
    """Read and check the whole catalog; raise CatalogError listing every error, or return the Catalog."""
    expectations_dir = Path(expectations_dir or DEFAULT_EXPECTATIONS_DIR)
    seeds_dir = Path(seeds_dir or default_seeds_dir())
    errors: list[str] = []
    document = _read_yaml(expectations_dir / "indicators.yaml", "indicators.yaml", errors) or {}
    errors += _check_indicators(document)
    spec = {
        "units": {u.get("code"): u for u in document.get("units", [])},
        "measures": {m.get("code"): m for m in document.get("measures", [])},
        "indicators": {i.get("code"): i for i in document.get("indicators", [])},
    }
    plans, norms, norm_files, plan_files = [], [], {}, {}
    for path in sorted((expectations_dir / "norms").glob("*.yaml")):
        where = f"norms/{path.name}"
        document = _read_yaml(path, where, errors)
        if document is None:
            continue
        plan = document.get("plan") if isinstance(document.get("plan"), dict) else {}
        errors += _check_plan(plan, where, path.stem)
        if plan.get("plan_id") in plan_files:
            errors.append(f"{where}, plan {plan['plan_id']}, field plan_id: duplicate (also in {plan_files[plan['plan_id']]})")
        plan_files[plan.get("plan_id")] = where
        seed = seeds_dir / str(plan.get("source_document"))
        seed_text = _without_whitespace(seed.read_text(encoding="utf-8")) if seed.is_file() else None
        period = plan.get("period") if isinstance(plan.get("period"), list) else [None, None]
        plans.append({
            "plan_id": plan.get("plan_id"), "name_zh": plan.get("name_zh"), "name_en": plan.get("name_en"),
            "jurisdiction_code": str(plan.get("jurisdiction_code")), "issued": str(plan.get("issued")),
            "period_start": period[0], "period_end": period[-1], "source_document": plan.get("source_document"),
        })
        for norm in document.get("norms") or []:
            if not isinstance(norm, dict):
                errors.append(f"{where}, norm ?, field -: each norm must be a mapping")
                continue
            norm_id = norm.get("norm_id")
            if norm_id in norm_files:
                errors.append(f"{where}, norm {norm_id}, field norm_id: duplicate (also in {norm_files[norm_id]})")
            norm_files.setdefault(norm_id, where)
            errors += _check_norm(norm, plan, spec, seed_text, where)
            norms.append(norm | {"plan_id": plan.get("plan_id"), "source_document": plan.get("source_document")})
    if errors:
        raise CatalogError(f"The norms catalog in {expectations_dir} has {len(errors)} error(s):\n"
                           + "\n".join(f"- {e}" for e in errors))
    return Catalog(units=spec["units"], measures=spec["measures"], indicators=spec["indicators"], plans=plans,
                   norms=norms)
