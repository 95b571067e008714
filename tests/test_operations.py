"""The nightly schedule and the inbox sensor, evaluated as the daemon evaluates them."""

import os
from pathlib import Path

import dagster as dg
import pytest

from conftest import run_messages, write_small_inbox
from pipelines.definitions import defs
from pipelines.schedules import nightly_build
from pipelines.sensors import inbox_sensor


def test_nightly_schedule_runs_the_whole_build_at_two_in_beijing():
    assert nightly_build.cron_schedule == "0 2 * * *"
    assert nightly_build.execution_timezone == "Asia/Shanghai"
    assert nightly_build.job_name == "build_warehouse"
    assert nightly_build.default_status == dg.DefaultScheduleStatus.RUNNING
    requests = nightly_build.evaluate_tick(dg.build_schedule_context()).run_requests
    assert len(requests) == 1
    assert defs.resolve_schedule_def("nightly_build") is not None


@pytest.fixture
def inbox(tmp_path, monkeypatch):
    inbox = write_small_inbox(tmp_path / "inbox")
    monkeypatch.setenv("HEALTH_INBOX", str(inbox))
    return inbox


def tick(cursor):
    context = dg.build_sensor_context(cursor=cursor)
    result = inbox_sensor.evaluate_tick(context)
    return result.run_requests, result.cursor


def test_a_new_file_triggers_one_run_and_the_same_file_none(inbox):
    requests, cursor = tick(None)
    assert len(requests) == 1  # first look at the inbox: everything is new
    requests, cursor = tick(cursor)
    assert requests == []

    (inbox / "staff_2024.csv").write_bytes((inbox / "staff_2023.csv").read_bytes().replace(b"2023", b"2024"))
    requests, cursor = tick(cursor)
    assert len(requests) == 1
    assert requests[0].tags["inbox/changed_files"] == "staff_2024.csv"
    requests, cursor = tick(cursor)
    assert requests == []


def test_a_touched_file_with_the_same_content_does_not_trigger(inbox):
    _, cursor = tick(None)
    path = inbox / "regions.csv"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    requests, cursor = tick(cursor)
    assert requests == []


def test_a_changed_file_triggers_again(inbox):
    _, cursor = tick(None)
    path = inbox / "regions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("西大街道", "西大街街道"), encoding="utf-8")
    requests, _ = tick(cursor)
    assert [r.tags["inbox/changed_files"] for r in requests] == ["regions.csv"]


def test_files_that_belong_to_no_source_are_ignored(inbox):
    _, cursor = tick(None)
    (inbox / "notes.txt").write_text("not data")
    (inbox / "readme.csv").write_text("a,b\n1,2\n")
    requests, _ = tick(cursor)
    assert requests == []


def test_a_file_still_being_copied_is_retried_and_bad_data_is_not(tmp_path, monkeypatch):
    import pipelines.ingestion as ingestion
    from conftest import build

    inbox = write_small_inbox(tmp_path / "inbox")
    real_read = ingestion.read_settled
    attempts = []

    def flaky_read(path):
        attempts.append(path.name)
        if path.name == "regions.csv" and attempts.count("regions.csv") == 1:
            raise ingestion.FileStillChanging("regions.csv changed while it was read")
        return real_read(path)

    monkeypatch.setattr(ingestion, "read_settled", flaky_read)
    result = build(inbox, tmp_path / "warehouse" / "health.duckdb")
    assert result.success
    assert attempts.count("regions.csv") == 2
    retried = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert [e.step_key for e in retried] == ["raw__regions"]

    # Bad data fails a check instead of raising: no retry.
    (inbox / "facilities.xlsx").write_bytes(b"not a spreadsheet")
    result = build(inbox, tmp_path / "warehouse" / "health.duckdb")
    assert not [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]


KILL_STAGES = ["raw__staff", "staging__facilities", "marts__indicator_values", "release_guard"]  # ingest, staging, marts, guard


def test_runs_killed_at_every_stage_are_failed_by_the_daemon_and_a_sensor_run_publishes(tmp_path):
    """kill -9 (an OOM kill, a reboot) at each stage leaves the last good warehouse; the daemon's run monitoring
    then marks the dead runs failed by itself, the queued sensor run goes through and publishes, and the build
    file of the last killed run is kept for inspection while the others are removed."""
    import shutil
    import signal
    import subprocess
    import sys
    import time

    import duckdb

    repo = Path(__file__).resolve().parent.parent
    inbox = write_small_inbox(tmp_path / "inbox")
    published = tmp_path / "warehouse" / "health.duckdb"
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(repo / "dagster.yaml", home / "dagster.yaml")  # the instance settings the project ships
    env = os.environ | {"HEALTH_INBOX": str(inbox), "HEALTH_WAREHOUSE": str(published), "DAGSTER_HOME": str(home)}
    command = [sys.executable, "-m", "pipelines.cli", "run"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    assert "Warehouse published" in first.stdout
    instance = dg.DagsterInstance.from_config(str(home))

    def published_run():
        with duckdb.connect(str(published), read_only=True) as con:
            return con.execute("SELECT DISTINCT run_id FROM marts.build_info").fetchall()

    good = published_run()
    killed = []
    for stage in KILL_STAGES:
        known = {r.run_id for r in instance.get_runs()}
        run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline, started = time.time() + 300, False
        while not started and time.time() < deadline and run.poll() is None:
            new = [r for r in instance.get_runs() if r.run_id not in known]
            started = bool(new) and any(
                r.event_log_entry.dagster_event.step_key == stage
                for r in instance.get_records_for_run(new[0].run_id, of_type=dg.DagsterEventType.STEP_START).records
            )
            time.sleep(0.05)
        assert run.poll() is None, f"the run finished before it could be killed at {stage}"
        run.send_signal(signal.SIGKILL)
        run.wait()
        killed.append(new[0].run_id)
        assert instance.get_run_by_id(new[0].run_id).status == dg.DagsterRunStatus.STARTED  # what Dagster believes
        assert published_run() == good  # the last good warehouse stays, whole
        assert not (published.parent / "health.duckdb.wal").exists()

    daemon = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", "workspace.yaml"],
        cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline, published_by_sensor = time.time() + 420, None
        while time.time() < deadline and published_by_sensor is None:
            time.sleep(2)
            done = [r for r in instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.SUCCESS]))
                    if r.tags.get("dagster/sensor_name") == "inbox_sensor"]
            published_by_sensor = done[0] if done else None
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=60)
    assert published_by_sensor is not None, "no queued run went through after the killed runs"
    assert published_run() == [(published_by_sensor.run_id,)]
    for run_id in killed:  # failed by run monitoring, saying why
        assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
        messages = run_messages(instance, run_id)
        assert any("is gone (killed, out of memory or a reboot)" in m for m in messages), run_id
    builds = sorted(p.stem for p in (published.parent / "builds").glob("*.duckdb"))
    assert builds == [killed[-1]]  # the latest killed build kept for inspection, the others removed
