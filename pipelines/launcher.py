"""The run launcher of the instance (dagster.yaml): Dagster's default launcher, plus a health check of the run
worker so that run monitoring can fail a run whose process died (进程已死的运行).

Dagster's run monitoring (run_monitoring in dagster.yaml) fails a STARTED run only when the launcher can say
its worker is gone, and the DefaultRunLauncher cannot (supports_check_run_worker_health is False): a run killed by
kill -9, an OOM kill or a reboot would stay STARTED for ever, count against max_concurrent_runs: 1 and queue every
later run behind it. This launcher answers from the process itself: the run worker's pid (the run's
health/worker_pid tag, or the pid of its RUN_START event) on this host, alive, not a zombie, and started before
the run. That covers runs the daemon launched and runs started in-process by `make run`.
"""

from __future__ import annotations

import os
import socket

from dagster._core.events import DagsterEventType
from dagster._core.launcher import CheckRunHealthResult, DefaultRunLauncher, WorkerStatus
from dagster._core.storage.dagster_run import DagsterRun

PID_TAG = "health/worker_pid"
HOST_TAG = "health/worker_host"


def _process_state(pid: int) -> tuple[str, float] | None:
    """(state letter, start time as a Unix timestamp) from /proc, or None where /proc cannot tell."""
    try:
        stat = open(f"/proc/{pid}/stat", encoding="ascii").read()
        with open("/proc/stat", encoding="ascii") as handle:
            boot = next(float(line.split()[1]) for line in handle if line.startswith("btime"))
    except (OSError, StopIteration, ValueError):
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return fields[0], boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def worker_alive(pid: int, run_started_at: float | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    state = _process_state(pid)
    if state is None:
        return True
    letter, started = state
    if letter in ("Z", "X"):
        return False  # killed, not yet reaped by its parent
    # a pid reused by a process started after the run began is not the run worker
    return run_started_at is None or started <= run_started_at + 5


class MonitoredRunLauncher(DefaultRunLauncher):
    """DefaultRunLauncher whose run workers run monitoring can check (pid liveness on this host)."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        host = run.tags.get(HOST_TAG)
        if host and host != socket.gethostname():
            return CheckRunHealthResult(WorkerStatus.RUNNING, f"run worker on {host}: not checked from here")
        records = self._instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.RUN_START, limit=1
        ).records
        start = records[0].event_log_entry if records else None
        pid = int(run.tags[PID_TAG]) if run.tags.get(PID_TAG) else (start.dagster_event.pid if start and start.dagster_event else None)
        if pid is None:
            return CheckRunHealthResult(WorkerStatus.RUNNING, "no run worker pid recorded yet")
        if worker_alive(pid, start.timestamp if start else None):
            return CheckRunHealthResult(WorkerStatus.RUNNING, f"run worker pid {pid} is alive")
        return CheckRunHealthResult(
            WorkerStatus.FAILED,
            f"运行进程 {pid} 已不存在（被终止、内存不足或重启），运行标记为失败，队列继续。 "
            f"The run worker (pid {pid}) is gone (killed, out of memory or a reboot): the run is marked failed "
            "and the queue moves on.",
        )
