"""Benchmark (性能基准): the nightly run on national-scale inputs, stage by stage, against a DuckDB-only floor.

    python -m bench.run --scale 1.0        (or: make bench SCALE=1.0)

In one invocation, on the same generated inputs (bench/inputs/scale_<s>/, kept between invocations):
1. a full nightly run (`python -m pipelines.cli run`, a fresh process, an empty warehouse), its wall time and
   peak memory sampled from /proc every 50 ms; the stage and asset-body times come from the run's Dagster
   event log (a step, an asset body or a check, runs from its STEP_START to its STEP_SUCCESS event);
2. the floor: DuckDB alone reading the same files and computing the region indicators in one statement
   (bench/floor.sql), in a fresh process;
3. a rerun after one prefecture's files changed, on the warehouse the full run published: its wall time, each
   step's time, and which tables were kept because their inputs had not changed (pipelines/versions.py).
Results are printed as ratios to the floor and written to bench/results/<scale>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
STAGES = {  # Dagster asset group → benchmark stage
    "ingest": "ingest", "config": "ingest", "staging": "staging", "marts": "marts",
    "validation": "norm_validation", "publish": "publish", "report": "report", "checks": "checks",
}


def stage_of(group: str, step: str, quality_steps: set[str]) -> str:
    """The benchmark stage of a step: its asset group's, except that a source's GX quality suite is quality
    validation and an intermediate model is staging where it checks a source (<source>_checked), else marts."""
    if step in quality_steps:
        return "quality_validation"
    if group == "intermediate":
        return "staging" if step.endswith("_checked") else "marts"
    return STAGES[group]


CHANGED_GROUP = "411000"  # 许昌市: the prefecture whose files change before the rerun


def machine() -> dict:
    memory_kib = int(next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1])
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cores": os.cpu_count(), "memory_gib": round(memory_kib / 2**20, 1), "cpu": cpu,
            "python": platform.python_version(), "os": platform.platform()}


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def timed_process(command: list[str], env: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run a command; returns its wall seconds, its peak resident memory (GiB, whole process tree) and result."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kib(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    return wall, peak / 2**20, subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def run_pipeline(inbox: Path, work: Path) -> dict:
    env = os.environ | {
        "HEALTH_INBOX": str(inbox),
        "HEALTH_WAREHOUSE": str(work / "health.duckdb"),
        "HEALTH_PSEUDONYM_KEY": "benchmark",
        "DAGSTER_HOME": str(work / "dagster_home"),
    }
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    (work / "dagster_home" / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    wall, peak, result = timed_process([sys.executable, "-m", "pipelines.cli", "run"], env)
    if result.returncode != 0:
        raise SystemExit(f"The pipeline failed:\n{result.stdout}\n{result.stderr}")
    return {"wall_s": wall, "peak_rss_gib": peak, **step_times(work / "dagster_home")}


def step_times(dagster_home: Path) -> dict:
    """Per-asset body times and per-stage sums from the latest run's event log."""
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    import dagster as dg

    from pipelines.definitions import defs

    from pipelines.assets.validation import validated_assets

    # every step of the job: an asset's op (one per asset, or one per multi-asset), or a check's op
    groups = {a.op.name: next(iter(a.group_names_by_key.values())) for a in defs.assets}
    groups |= {c.op.name: "checks" for c in defs.asset_checks}
    quality_steps = {a.op.name for a in validated_assets}
    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        records = instance.get_records_for_run(run.run_id, limit=100_000).records
    started, bodies, kept = {}, {}, set()
    run_start = run_end = None
    for record in records:
        entry = record.event_log_entry
        event = entry.dagster_event
        if event is None:
            continue
        kind = event.event_type_value
        if kind == "PIPELINE_START" or kind == "RUN_START":
            run_start = entry.timestamp
        elif kind in ("PIPELINE_SUCCESS", "RUN_SUCCESS"):
            run_end = entry.timestamp
        elif kind == "STEP_START":
            started[event.step_key] = entry.timestamp
        elif kind == "STEP_SUCCESS":
            bodies[event.step_key] = entry.timestamp - started[event.step_key]
        elif kind == "ASSET_MATERIALIZATION":  # a table whose inputs were unchanged (pipelines/versions.py)
            kept_value = event.event_specific_data.materialization.metadata.get("kept")
            if kept_value is not None and kept_value.value:
                kept.add(event.asset_key.to_user_string())
    stages: dict[str, float] = defaultdict(float)
    for step, seconds in bodies.items():
        stages[stage_of(groups[step], step, quality_steps)] += seconds
    return {
        "run_s": run_end - run_start,
        "asset_body_s": sum(bodies.values()),
        "assets": dict(sorted(bodies.items(), key=lambda item: -item[1])),
        "stages": dict(stages),
        "validation_s": stages["quality_validation"] + stages["norm_validation"],
        "kept": sorted(kept),
    }


def run_floor(inbox: Path, work: Path) -> float:
    """DuckDB alone, in a fresh process: read every input file and compute the region indicators."""
    script = (
        "import duckdb, sys, time\n"
        "sql = open(sys.argv[1], encoding='utf-8').read().replace('{inbox}', sys.argv[2])\n"
        "con = duckdb.connect(sys.argv[3])\n"
        "started = time.perf_counter()\n"
        "con.execute(sql)\n"
        "print(time.perf_counter() - started)\n"
    )
    floor_db = work / "floor.duckdb"
    floor_db.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-c", script, str(BENCH_DIR / "floor.sql"), str(inbox), str(floor_db)],
                            cwd=REPO, capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def change_one_prefecture(inbox: Path) -> list[str]:
    """Edit one prefecture's facility reports (every bed count + 1), as a resubmission would."""
    import polars as pl

    # 许昌市 where the scale keeps it, else the first prefecture there is: a rerun with nothing changed measures nothing
    candidates = sorted(inbox.glob(f"facility_stats_{CHANGED_GROUP}.csv")) or sorted(inbox.glob("facility_stats_*.csv"))[:1]
    if not candidates:
        raise SystemExit(f"no facility_stats file in {inbox} to change before the rerun")
    [path] = candidates
    frame = pl.read_csv(path, infer_schema=False)
    frame.with_columns((pl.col("床位数").cast(pl.Int64) + 1).cast(pl.String)).write_csv(path)
    return [path.name]


def ratio(seconds: float, floor: float) -> str:
    return f"{seconds:8.1f} s  {seconds / floor:6.2f}× floor"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--no-rerun", action="store_true", help="skip the rerun after one prefecture's change")
    args = parser.parse_args(argv)
    from generators.national import generate_national

    inbox = BENCH_DIR / "inputs" / f"scale_{args.scale:g}"
    work = BENCH_DIR / "work" / f"scale_{args.scale:g}"
    started = time.perf_counter()
    rows = generate_national(inbox, args.scale)
    generate_s = time.perf_counter() - started
    print(f"inputs: {inbox} ({generate_s:.0f} s): " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    # the whole run starts from nothing: no warehouse, no builds, no charts drawn by an earlier benchmark
    for leftover in (work / "health.duckdb", work / "builds", work / ".chart-cache"):
        subprocess.run(["rm", "-rf", str(leftover)], check=True)
    full = run_pipeline(inbox, work)
    floor_s = run_floor(inbox, work)
    result = {
        "scale": args.scale, "machine": machine(), "rows": rows, "generate_s": generate_s,
        "wall_s": full["wall_s"], "floor_s": floor_s, "peak_rss_gib": full["peak_rss_gib"],
        "run_s": full["run_s"], "asset_body_s": full["asset_body_s"], "validation_s": full["validation_s"],
        "orchestration_overhead_s": full["wall_s"] - full["asset_body_s"],
        "stages": full["stages"], "assets": full["assets"],
    }
    if not args.no_rerun:
        result["changed_files"] = change_one_prefecture(inbox)
        rerun = run_pipeline(inbox, work)
        result["incremental_wall_s"] = rerun["wall_s"]
        result["incremental_stages"] = rerun["stages"]
        result["incremental_assets"] = rerun["assets"]
        result["incremental_kept"] = rerun["kept"]
    report(result)
    out = BENCH_DIR / "results" / f"scale_{args.scale:g}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written: {out.relative_to(REPO)}")
    return 0


def report(r: dict) -> None:
    floor = r["floor_s"]
    print(f"\nscale {r['scale']:g} on {r['machine']['cores']} cores, {r['machine']['memory_gib']} GiB")
    print(f"  floor (DuckDB alone)     {floor:8.1f} s")
    print(f"  whole run                {ratio(r['wall_s'], floor)}   peak memory {r['peak_rss_gib']:.2f} GiB")
    for stage, seconds in r["stages"].items():
        print(f"    {stage:<22} {ratio(seconds, floor)}")
    print(f"  validation               {r['validation_s']:8.1f} s  {r['validation_s'] / r['wall_s']:6.1%} of the run")
    print(f"  orchestration overhead   {r['orchestration_overhead_s']:8.1f} s  "
          f"{r['orchestration_overhead_s'] / r['wall_s']:6.1%} of the run")
    if "incremental_wall_s" in r:
        print(f"  rerun, one prefecture    {r['incremental_wall_s']:8.1f} s  {r['incremental_wall_s'] / r['wall_s']:6.1%} of the run"
              f"  ({len(r['incremental_kept'])} tables kept)")


if __name__ == "__main__":
    sys.exit(main())
