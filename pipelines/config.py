"""The settings of expectations/*.yaml as typed tables of the config schema (配置表), the one way they reach SQL.

One function per table, each returning a Polars frame with its types written out. The config asset writes them
all at the start of every run; SQL models read them by name (config.tracking, config.dqr_outliers …), so
the lineage graph shows which model depends on which setting.
"""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl
import yaml

from pipelines.catalog import load_catalog
from pipelines.release_guard import load_rules
from pipelines.settings import EXPECTATIONS_DIR

TRACKING_FILE = EXPECTATIONS_DIR / "tracking.yaml"
DQR_FILE = EXPECTATIONS_DIR / "quality" / "data_quality_review.yaml"

CONDITION_SCHEMA = {
    "norm_id": pl.String, "clause": pl.Int32, "kind": pl.String, "measure": pl.String, "comparator": pl.String,
    "value": pl.Float64, "value_high": pl.Float64, "codes": pl.List(pl.String),
}


def _yaml(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def catalog_tables() -> dict[str, pl.DataFrame]:
    """The indicators, measures, plans, norms and norm conditions of expectations/indicators.yaml and
    expectations/norms/ (the loader refuses the whole catalog if one entry is wrong)."""
    catalog = load_catalog()
    return {
        "indicators": pl.DataFrame(catalog.indicator_rows(), infer_schema_length=None),
        "measures": pl.DataFrame(catalog.measure_rows(), infer_schema_length=None),
        "plans": pl.DataFrame(catalog.plans, infer_schema_length=None),
        "norms": pl.DataFrame(catalog.norm_rows(), infer_schema_length=None),
        "norm_conditions": pl.DataFrame(catalog.condition_rows(), schema=CONDITION_SCHEMA, strict=False),
    }


def tracking() -> pl.DataFrame:
    """expectations/tracking.yaml: trend window, pooled rare-event rates, progress thresholds (one row)."""
    spec = _yaml(TRACKING_FILE)
    return pl.DataFrame([{
        "pool_years": spec["rare_events"]["pool_years"],
        "rare_event_indicators": spec["rare_events"]["indicators"],
        "trend_min_years": spec["trajectory"]["min_years"],
        "trend_max_years": spec["trajectory"]["max_years"],
        **{f"progress_{cls}": float(spec["progress"][cls]) for cls in ("on_track", "acceleration_needed", "limited_progress")},
    }], schema={"pool_years": pl.Int32, "rare_event_indicators": pl.List(pl.String), "trend_min_years": pl.Int32,
                "trend_max_years": pl.Int32, "progress_on_track": pl.Float64,
                "progress_acceleration_needed": pl.Float64, "progress_limited_progress": pl.Float64})


def dqr_tables() -> dict[str, pl.DataFrame]:
    """expectations/quality/data_quality_review.yaml, one table per check of the WHO Data Quality Review.
    dqr_consistency has the defaults (indicator_code empty) and a complete row per indicator overriding them."""
    spec = _yaml(DQR_FILE)
    completeness = spec["completeness"]
    consistency = {k: v for k, v in spec["consistency_over_time"].items() if k != "by_indicator"}
    consistency_rows = [{"indicator_code": None, **consistency}] + [
        {"indicator_code": code, **(consistency | overrides)}
        for code, overrides in spec["consistency_over_time"].get("by_indicator", {}).items()
    ]
    outliers = spec["outliers"]
    return {
        "dqr_completeness": pl.DataFrame(
            [{"level": completeness["level"], "threshold": float(completeness["threshold"]),
              "indicators": completeness["indicators"]}],
            schema={"level": pl.String, "threshold": pl.Float64, "indicators": pl.List(pl.String)}),
        "dqr_consistency": pl.DataFrame(
            consistency_rows,
            schema={"indicator_code": pl.String, "max_relative_change": pl.Float64, "previous_years": pl.Int32,
                    "min_previous_years": pl.Int32}),
        "dqr_outliers": pl.DataFrame(
            [{"moderate": outliers["moderate"], "extreme": outliers["extreme"], "min_peers": outliers["min_peers"]}],
            schema={"moderate": pl.Float64, "extreme": pl.Float64, "min_peers": pl.Int32}),
        "dqr_related_figures": pl.DataFrame(
            [{"check_id": f["check"], "numerator": f["numerator"], "denominator": f["denominator"],
              "multiplier": f["multiplier"], "low": f["min"], "high": f["max"]} for f in spec["related_figures"]],
            schema={"check_id": pl.String, "numerator": pl.String, "denominator": pl.String,
                    "multiplier": pl.Float64, "low": pl.Float64, "high": pl.Float64}),
    }


def build(run_id: str) -> pl.DataFrame:
    """The run that builds the warehouse and when it started (for marts.build_info)."""
    return pl.DataFrame([{"run_id": run_id, "built_at": datetime.now(timezone.utc)}],
                        schema={"run_id": pl.String, "built_at": pl.Datetime("us", "UTC")})


# Every table of the config schema and what it holds, for the asset's specs and descriptions.
CONFIG_TABLES = {
    "indicators": "指标 The indicators of expectations/indicators.yaml",
    "measures": "度量 The measures of expectations/indicators.yaml, with their staff and facility filters",
    "plans": "规划 The plans of expectations/norms/",
    "norms": "规划标准 The norms of expectations/norms/, one row per norm and milestone",
    "norm_conditions": "适用条件 The clauses of the norm conditions",
    "tracking": "追踪设置 expectations/tracking.yaml: trend window, pooled rare events, progress thresholds",
    "dqr_completeness": "完整性设置 WHO DQR completeness: level, threshold, required indicators",
    "dqr_consistency": "时间一致性设置 WHO DQR consistency over time: defaults and per-indicator settings",
    "dqr_outliers": "离群值设置 WHO DQR outliers: modified z-score limits and peers needed",
    "dqr_related_figures": "相关指标设置 WHO DQR related figures: ratio, multiplier and plausible range",
    "release_guard_rules": "发布守卫规则 expectations/release_guard.yaml: the largest drop allowed per figure",
    "build": "本次构建 The run building the warehouse and when it started",
}


def config_frames(run_id: str) -> dict[str, pl.DataFrame]:
    """Every config table, read from expectations/ now."""
    frames = catalog_tables() | {"tracking": tracking()} | dqr_tables()
    frames |= {"release_guard_rules": load_rules(), "build": build(run_id)}
    assert frames.keys() == CONFIG_TABLES.keys(), frames.keys() ^ CONFIG_TABLES.keys()
    return frames
