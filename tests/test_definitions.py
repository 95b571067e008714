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

EXPECTED_GROUPS = {
    "ingest": {"reference_code_lists", *(f"raw_{s}" for s in SOURCES)},
    "catalog": {"indicator_catalog"},
    "staging": {f"stg_{s}" for s in SOURCES},
    "marts": {"measures", "quarantine", "receipts", "indicator_values", "facility_indicators", "dimensions", "build_info", "target_tracking", "plan_scorecard", "coverage_gaps"},
    "validation": {"norm_results", "data_quality_flags"},
    "publish": {"release_guard", "warehouse_file"},
    "report": {"report"},
}


def asset_graph():
    return defs.resolve_asset_graph()


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
        assert node.description and len(node.description) > 60, key
        assert node.kinds, key
        assert node.owners == ["team:data-engineering"], key


def test_lineage_runs_from_files_to_the_published_warehouse():
    graph = asset_graph()
    upstream = graph.get(dg.AssetKey("warehouse_file")).parent_keys
    assert {k.to_user_string() for k in upstream} >= {"indicator_values", "quarantine", "build_info", "indicator_catalog"}
    ancestors = {k.to_user_string() for k in graph.upstream_key_iterator(dg.AssetKey("indicator_values"))}
    assert {"measures", "stg_staff", "stg_population", "stg_regions", "raw_staff", "indicator_catalog"} <= ancestors
    for source in SOURCES:
        parents = {k.to_user_string() for k in graph.get(dg.AssetKey(f"stg_{source}")).parent_keys}
        assert f"raw_{source}" in parents


def test_the_report_is_built_from_the_published_warehouse():
    graph = asset_graph()
    assert {k.to_user_string() for k in graph.get(dg.AssetKey("report")).parent_keys} == {"warehouse_file"}


def test_blocking_checks_guard_the_inputs_and_norm_checks_only_warn():
    graph = asset_graph()
    blocking = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys if graph.get_check_spec(c).blocking}
    expected = {(f"raw_{s}", "files_usable") for s in SOURCES}
    expected |= {(f"stg_{s}", check) for s in SOURCES for check in ("rows_accounted", "quarantine_share")}
    expected |= {("release_guard", "no_unaccepted_drop")}
    assert blocking == expected
    plans = {p["plan_id"] for p in load_catalog().plans}
    warn = {c.name for c in graph.asset_check_keys if c.asset_key == dg.AssetKey("norm_results")}
    assert warn == {f"norms_{p}" for p in plans}
    # row-level rules quarantine rows and warn; they never stop a run
    for source in SOURCES:
        checks = {c.name for c in graph.asset_check_keys if c.asset_key == dg.AssetKey(f"stg_{source}")}
        assert checks - {"rows_accounted", "quarantine_share"} == {"quality_rules"}, source


def test_the_nightly_job_builds_everything_in_one_process():
    job = defs.resolve_job_def("build_warehouse")
    assert job.executor_def.name == "in_process"
    assert len(job.asset_layer.executable_asset_keys) == sum(len(v) for v in EXPECTED_GROUPS.values())


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
    from pipelines.validation import load_quality_suite

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
