"""A map of the code location: which assets exist, in which stage, what they depend on, what guards them."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipelines.catalog import load_catalog
from pipelines.definitions import defs

REPO = Path(__file__).resolve().parent.parent
SOURCES = ["regions", "population", "facilities", "facility_stats", "staff", "public_health"]

CODE_LISTS = sorted(p.stem for p in (REPO / "data" / "reference").glob("*.csv") if not p.stem.startswith("regions_"))
CONFIG = ["indicators", "measures", "plans", "norms", "norm_conditions", "tracking", "dqr_completeness",
          "dqr_consistency", "dqr_outliers", "dqr_related_figures", "release_guard_rules", "build"]

# The stage of every asset, by key. The SQL models' groups are their layers (the folder of their file).
EXPECTED_GROUPS = {
    "ingest": {*(f"ref/{name}" for name in CODE_LISTS), *(f"raw/{s}" for s in SOURCES)},
    "config": {f"config/{table}" for table in CONFIG},
    "intermediate": {*(f"intermediate/{s}_checked" for s in SOURCES), "intermediate/norm_candidates",
                     "intermediate/dqr_statistics"},
    "validation": {*(f"intermediate/{s}_validated" for s in SOURCES), "intermediate/norms_not_met",
                   "intermediate/dqr_failed"},
    "staging": {*(f"staging/{s}" for s in SOURCES), *(f"staging/{s}_rejected" for s in SOURCES),
                *(f"staging/{t}" for t in ("region_codes", "region_ancestors", "facility_staff_measures",
                                           "facility_report_measures", "facility_measures", "registry_counts",
                                           "region_attributes", "region_filed", "region_staff_measures",
                                           "region_report_measures", "region_filed_measures", "region_measures",
                                           "region_coverage"))},
    "marts": {*(f"marts/{t}" for t in (
        "indicators", "measures", "plans", "norms", "norm_conditions", "quarantine", "left_out_rows", "build_info",
        "dim_region", "dim_facility", "indicator_values", "facility_indicators", "norm_results", "target_tracking",
        "shortfall_totals", "plan_scorecard", "coverage_gaps", "data_quality_flags", "release_profile",
        "release_comparison")), "receipts"},
    "publish": {"intermediate/published_profile", "release_guard", "warehouse_file"},
    "report": {"report"},
}


def asset_graph():
    return defs.resolve_asset_graph()


def keys(names) -> set[str]:
    return {k.to_user_string() for k in names}


def test_every_asset_sits_in_its_stage():
    graph = asset_graph()
    groups = {}
    for key in graph.get_all_asset_keys():
        groups.setdefault(graph.get(key).group_name, set()).add(key.to_user_string())
    assert groups == EXPECTED_GROUPS


def test_every_asset_explains_itself_in_the_ui():
    graph = asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description and len(node.description) > 50, key
        assert node.kinds, key
        assert node.owners == ["team:data-engineering"], key


def test_lineage_runs_from_files_to_the_published_warehouse():
    graph = asset_graph()
    upstream = keys(graph.get(dg.AssetKey("warehouse_file")).parent_keys)
    assert upstream >= {"marts/indicator_values", "marts/quarantine", "marts/build_info", "marts/indicators", "receipts",
                        "release_guard"}
    ancestors = keys(graph.upstream_key_iterator(dg.AssetKey(["marts", "indicator_values"])))
    assert {"staging/region_measures", "staging/staff", "staging/population", "staging/regions", "raw/staff",
            "config/indicators", "intermediate/staff_validated"} <= ancestors
    for source in SOURCES:
        assert keys(graph.get(dg.AssetKey(["intermediate", f"{source}_checked"])).parent_keys) >= {f"raw/{source}"}
        assert keys(graph.get(dg.AssetKey(["staging", source])).parent_keys) == {f"intermediate/{source}_validated"}


def test_the_report_is_built_from_the_published_warehouse():
    graph = asset_graph()
    assert keys(graph.get(dg.AssetKey("report")).parent_keys) == {"warehouse_file"}


def test_blocking_checks_guard_the_inputs_and_norm_checks_only_warn():
    graph = asset_graph()
    blocking = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys if graph.get_check_spec(c).blocking}
    expected = {(f"raw/{s}", "files_usable") for s in SOURCES}
    expected |= {(f"staging/{s}", check) for s in SOURCES for check in ("rows_accounted", "quarantine_share")}
    expected |= {("release_guard", "no_unaccepted_drop")}
    assert blocking == expected
    plans = {p["plan_id"] for p in load_catalog().plans}
    warn = {c.name for c in graph.asset_check_keys if c.asset_key == dg.AssetKey(["marts", "norm_results"])}
    assert warn == {f"norms_{p}" for p in plans}
    # row-level rules quarantine rows and warn; they never stop a run
    for source in SOURCES:
        checks = {c.name for c in graph.asset_check_keys if c.asset_key == dg.AssetKey(["staging", source])}
        assert checks - {"rows_accounted", "quarantine_share"} == {"quality_rules"}, source


def test_the_nightly_job_builds_everything_in_one_process():
    job = defs.resolve_job_def("build_warehouse")
    assert job.executor_def.name == "in_process"
    assert len(job.asset_layer.executable_asset_keys) == sum(len(v) for v in EXPECTED_GROUPS.values())
    assert set(job.asset_layer.asset_graph.asset_check_keys) == set(asset_graph().asset_check_keys)


def test_workspace_yaml_loads_the_code_location():
    env = os.environ | {"DAGSTER_HOME": str(REPO / ".dagster_home")}
    (REPO / ".dagster_home").mkdir(exist_ok=True)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_source_suite_declares_its_key_and_what_it_references():
    """expectations/quality/<source>.yaml: uniqueness and referential integrity are rules of the suite (data),
    next to the row rules; sql/staging only resolves codes and keys."""
    from pipelines.quality import load_quality_suite

    expected = {
        "regions": ([("region_code",)], {"parent_code": "raw.regions", "replaced_by": "raw.regions"}),
        "population": ([("region_code", "year")], {"filed_region_code": "staging.region_codes"}),
        "facilities": ([("facility_id",)], {"filed_region_code": "staging.region_codes"}),
        "facility_stats": ([("facility_id", "year")], {"facility_id": "staging.facilities"}),
        "staff": ([("person_key", "year")], {"facility_id": "staging.facilities"}),
        "public_health": ([("region_code", "year", "indicator_code")],
                          {"filed_region_code": "staging.region_codes", "indicator_code": "marts.indicators"}),
    }
    for source, (keys, references) in expected.items():
        suite = load_quality_suite(source)
        assert [r.unique for r in suite.of_kind("unique")] == keys, source
        assert {r.references["column"]: r.references["table"] for r in suite.of_kind("references")} == references, source
