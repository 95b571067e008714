"""Command line: `python -m pipelines.cli run` builds the warehouse; `sample` (re)writes the sample inputs;
`national --scale S --out DIR` writes national-scale inputs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.ingestion import inbox_files
from pipelines.report import plans_without_data
from pipelines.settings import SAMPLE_DIR, inbox_dir, warehouse_path


def ensure_sample(force: bool = False) -> None:
    """The large sample files are not committed: they are generated, deterministically, on first use."""
    from generators.sample import generate

    if force or not any(SAMPLE_DIR.glob("staff*")):
        counts = generate(SAMPLE_DIR)
        print("Sample written to", SAMPLE_DIR, "—", ", ".join(f"{s}: {n:,} rows" for s, n in counts.items()))


def run_failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """Why a run did not publish, in the words the checks and steps gave."""
    reasons = [
        f"check {e.asset_check_key.name} on {e.asset_key.to_user_string()} failed: {e.description or ''}".strip()
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            reasons.append(f"step {event.step_key} failed: {event.step_failure_data.error.message.strip()}")
    return reasons


def summary(path, inbox: Path | None = None) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        run_id, built_at = con.execute("SELECT any_value(run_id), any_value(built_at) FROM marts.build_info").fetchall()[0]
        files = con.execute("SELECT count(*), sum(rows) FROM marts.build_info").fetchall()[0]
        staged = con.execute(
            "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'staging' "
            "AND table_name IN ('regions','population','facilities','facility_stats','staff','public_health') ORDER BY 1"
        ).fetchall()
        problems = con.execute(
            "SELECT source, count(DISTINCT (file, sheet, row_number)) FILTER (WHERE row_set_aside),"
            " count(*) FILTER (WHERE outcome = 'cell'), count(*) FILTER (WHERE outcome = 'flag')"
            " FROM marts.quarantine GROUP BY 1 ORDER BY 1").fetchall()
        left_out = con.execute("SELECT count(*) FROM marts.left_out_rows").fetchall()[0][0]
        read = {f for (f,) in con.execute("SELECT file FROM marts.build_info").fetchall()}
        prefectures = con.execute(
            "SELECT v.region_code, r.region_name, v.year, v.indicator_code, round(v.value, 2) "
            "FROM marts.indicator_values v JOIN staging.regions r USING (region_code) "
            "JOIN marts.plans p ON p.jurisdiction_code = v.region_code "
            "WHERE v.year = (SELECT max(year) FROM marts.indicator_values) "
            "AND v.indicator_code IN ('beds_per_1k', 'physicians_per_1k', 'nurses_per_1k', 'gps_per_10k', 'ambulances_per_30k') "
            "ORDER BY 1, 4"
        ).fetchall()
        indicator_rows = con.execute("SELECT count(*) FROM marts.indicator_values").fetchall()[0][0]
        without_data = plans_without_data(con)
    lines = [
        f"数据仓库已发布 Warehouse published: {path}",
        f"  运行 run {run_id} at {built_at}: {files[0]} 个文件 files, {files[1]:,} 行 rows",
        "  已入库 staged: " + ", ".join(f"{t} {n:,}" for t, n in staged),
        "  隔离 set aside (整行 rows / 单元格 cells / 标记 flags): "
        + (", ".join(f"{s} {r:,}/{c:,}/{f:,}" for s, r, c, f in problems) or "无 none"),
        f"  非数据行 rows left out as not data (合计、表头、表尾…): {left_out:,}",
        f"  指标值 marts.indicator_values: {indicator_rows:,} 行 rows",
    ]
    unread = sorted(f for f in inbox_files(inbox) if f not in read) if inbox else []
    if unread:
        lines.append("  未读取的文件 files not read (文件名不对应任何数据源 the name matches no source; see receipts/): "
                     + ", ".join(unread))
    lines.append(f"  回执 receipts for the statisticians: {Path(path).parent / 'receipts'}")
    if prefectures:
        lines.append(f"  规划辖区 plan jurisdictions, {prefectures[0][2]}:")
        lines += [f"    {code} {name:<8} {ind:<20} {value}" for code, name, _, ind, value in prefectures]
    lines += [f"  规划 plan {p['plan_id']}: 辖区尚无数据 no data yet for its jurisdiction {p['jurisdiction_code']} {p['region_name'] or ''}".rstrip()
              for p in without_data]
    report = Path(path).parent / "report" / "index.html"
    if report.exists():
        lines.append(f"  报告 report: {report}")
    return "\n".join(lines)


def run() -> int:
    from pipelines.definitions import defs

    if inbox_dir() == SAMPLE_DIR:
        ensure_sample()
    # The console shows warnings only: the full event log is in the run history (Dagster UI).
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    result = defs.resolve_job_def("build_warehouse").execute_in_process(
        run_config=quiet, instance=dg.DagsterInstance.get(), raise_on_error=False
    )
    failures = run_failures(result)
    if not result.success or failures:
        print(f"运行 {result.run_id} 未发布，{warehouse_path()} 保持不变 (run {result.run_id} did not publish; the warehouse "
              f"at {warehouse_path()} is unchanged).", file=sys.stderr)
        for reason in failures:
            print(f"  - {reason}", file=sys.stderr)
        return 1
    print(summary(warehouse_path(), inbox_dir()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pipelines.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="build and publish the warehouse from the inbox")
    sample = commands.add_parser("sample", help="write the sample inputs to data/sample/")
    sample.add_argument("--force", action="store_true", help="rewrite every sample file")
    national = commands.add_parser("national", help="write national-scale inputs (for the benchmark)")
    national.add_argument("--scale", type=float, default=0.1, help="share of the country's counties, (0, 1]")
    national.add_argument("--out", type=Path, required=True, help="folder to write into (its CSV files are replaced)")
    args = parser.parse_args(argv)
    if args.command == "sample":
        ensure_sample(force=args.force)
        return 0
    if args.command == "national":
        from generators.national import generate_national

        counts = generate_national(args.out, args.scale)
        print(f"National inputs at scale {args.scale:g} written to {args.out} —", ", ".join(f"{s}: {n:,} rows" for s, n in counts.items()))
        return 0
    return run()


if __name__ == "__main__":
    sys.exit(main())
