"""The norms catalog (规划标准目录): expectations/indicators.yaml and expectations/norms/<plan>.yaml, checked.

load_catalog() refuses the whole catalog if one entry is wrong, with every error naming the file, the norm
and the field. Adding a plan is adding a YAML file: nothing here names a plan.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from pipelines.settings import EXPECTATIONS_DIR, REPO_ROOT

COMPARATORS = {">=", ">", "<=", "<", "between", "approximately"}
SCOPE_LEVELS = {"prefecture", "county", "township", "village", "facility"}
FACILITY_TYPES_FILE = REPO_ROOT / "data" / "reference" / "facility_types.csv"


class CatalogError(ValueError):
    """The catalog has entries that cannot be used; the message lists every one."""


def default_seeds_dir() -> Path:
    return Path(os.environ.get("HEALTH_PLAN_TEXTS", REPO_ROOT.parent / "shared" / "seeds"))


def _normalised(text: str) -> str:
    """Quotes are compared without whitespace: the plan texts break lines and pad with spaces."""
    return "".join(text.split())


@dataclass
class Catalog:
    units: dict[str, dict]
    indicators: dict[str, dict]
    plans: list[dict]
    norms: list[dict]

    def indicator_rows(self) -> list[dict]:
        return [
            {
                "indicator_code": code, "name_zh": i["name_zh"], "name_en": i["name_en"], "unit": i["unit"],
                "unit_multiplier": float(self.units[i["unit"]]["multiplier"]), "level": i["level"], "domain": i["domain"],
                "numerator": i["numerator"], "denominator": i.get("denominator"), "source": i.get("source"),
                "higher_is_better": i["higher_is_better"], "description": i["description"],
            }
            for code, i in sorted(self.indicators.items())
        ]

    def norm_rows(self) -> list[dict]:
        """One row per norm and milestone."""
        rows = []
        for norm in self.norms:
            milestones = norm.get("milestones") or [{"year": norm.get("target_year"), "threshold": norm.get("threshold")}]
            scope = norm.get("scope", {})
            for milestone in milestones:
                rows.append({
                    "norm_id": norm["norm_id"], "plan_id": norm["plan_id"], "source_document": norm["source_document"],
                    "indicator_code": norm.get("indicator_code"), "comparator": norm["comparator"],
                    "threshold": milestone["threshold"], "threshold_high": norm.get("threshold_high"),
                    "tolerance": norm.get("tolerance"), "unit": norm.get("unit"), "target_year": milestone["year"],
                    "scope_level": scope.get("level"), "facility_type": scope.get("facility_type"),
                    "condition": json.dumps(norm["condition"], ensure_ascii=False) if norm.get("condition") else None,
                    "domain": norm.get("domain"), "trackable": norm.get("trackable", True),
                    "untrackable_reason": norm.get("untrackable_reason"), "quote": norm["quote"], "note": norm.get("note"),
                    "baseline_value": (norm.get("baseline") or {}).get("value"),
                    "baseline_year": (norm.get("baseline") or {}).get("year"),
                })
        return rows


def _facility_types() -> set[str]:
    return {line.split(",")[0] for line in FACILITY_TYPES_FILE.read_text(encoding="utf-8").splitlines()[1:]}


def _check_norm(norm: dict, plan: dict, indicators: dict, seed_text: str | None, where: str) -> list[str]:
    errors = []

    def error(field: str, message: str) -> None:
        errors.append(f"{where}, norm {norm.get('norm_id', '?')}, field {field}: {message}")

    trackable = norm.get("trackable", True)
    indicator = indicators.get(norm.get("indicator_code"))
    if trackable and indicator is None:
        error("indicator_code", f"unknown indicator {norm.get('indicator_code')!r} (not in indicators.yaml)")
    if norm.get("comparator") not in COMPARATORS:
        error("comparator", f"unknown comparator {norm.get('comparator')!r}; use one of {sorted(COMPARATORS)}")
    if norm.get("comparator") == "between" and norm.get("threshold_high") is None:
        error("threshold_high", "a 'between' norm needs threshold_high")
    if norm.get("comparator") == "approximately" and norm.get("tolerance") is None:
        error("tolerance", "an 'approximately' norm needs a tolerance")
    if indicator is not None and norm.get("unit") != indicator["unit"]:
        error("unit", f"{norm.get('unit')!r} does not fit indicator {indicator['code']} (unit {indicator['unit']!r})")
    if "milestones" not in norm and norm.get("threshold") is None:
        error("threshold", "missing threshold")
    issued_year = date.fromisoformat(str(plan["issued"])).year
    years = [m.get("year") for m in norm.get("milestones", [])] or [norm.get("target_year")]
    for year in years:
        if year is not None and int(year) < issued_year:
            error("target_year", f"{year} is before the plan was issued ({plan['issued']})")
    scope = norm.get("scope") or {}
    if trackable and scope.get("level") not in SCOPE_LEVELS:
        error("scope.level", f"unknown level {scope.get('level')!r}; use one of {sorted(SCOPE_LEVELS)}")
    if scope.get("facility_type") and scope["facility_type"] not in _facility_types():
        error("scope.facility_type", f"unknown facility type {scope['facility_type']!r} (data/reference/facility_types.csv)")
    if not trackable and not norm.get("untrackable_reason"):
        error("untrackable_reason", "an untrackable norm needs the reason")
    if not norm.get("quote"):
        error("quote", "every norm needs the exact quote from the plan")
    elif seed_text is not None and _normalised(norm["quote"]) not in seed_text:
        error("quote", f"not found in {plan['source_document']}: {norm['quote']!r}")
    return errors


def load_catalog(expectations_dir: Path | None = None, seeds_dir: Path | None = None) -> Catalog:
    expectations_dir = expectations_dir or EXPECTATIONS_DIR
    seeds_dir = seeds_dir or default_seeds_dir()
    spec = yaml.safe_load((expectations_dir / "indicators.yaml").read_text(encoding="utf-8"))
    units = {u["code"]: u for u in spec["units"]}
    indicators = {i["code"]: i for i in spec["indicators"]}
    errors = [
        f"indicators.yaml, indicator {code}, field unit: unknown unit {i['unit']!r}"
        for code, i in indicators.items() if i["unit"] not in units
    ]
    plans, norms, seen = [], [], {}
    for path in sorted((expectations_dir / "norms").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        plan = document["plan"]
        seed = seeds_dir / plan["source_document"]
        seed_text = _normalised(seed.read_text(encoding="utf-8")) if seed.exists() else None
        start, end = plan["period"]
        plans.append({
            "plan_id": plan["plan_id"], "name_zh": plan["name_zh"], "name_en": plan["name_en"],
            "jurisdiction_code": str(plan["jurisdiction_code"]), "issued": str(plan["issued"]),
            "period_start": start, "period_end": end, "source_document": plan["source_document"],
        })
        for norm in document.get("norms", []):
            where = f"norms/{path.name}"
            if norm.get("norm_id") in seen:
                errors.append(f"{where}, norm {norm['norm_id']}, field norm_id: duplicate (also in {seen[norm['norm_id']]})")
            seen[norm.get("norm_id")] = where
            errors += _check_norm(norm, plan, indicators, seed_text, where)
            norms.append(norm | {"plan_id": plan["plan_id"], "source_document": plan["source_document"]})
    if errors:
        raise CatalogError("The norms catalog has errors:\n" + "\n".join(f"- {e}" for e in errors))
    return Catalog(units=units, indicators=indicators, plans=plans, norms=norms)
