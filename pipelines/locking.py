"""One build at a time (构建锁): an advisory file lock (fcntl.flock) beside the builds.

Every run of build_warehouse takes the lock when its resources are set up, whoever started it (make run, the
nightly schedule, the inbox sensor, the UI), and keeps it until the run ends. The kernel releases it when the
holding process dies, even by kill -9, so a dead run never blocks the next one. The holder writes who it is
(run, process, host, what started it, since when) into the lock file, so a second build can say who it waits for.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable


class BuildLockBusy(RuntimeError):
    """Another build held the lock for longer than this run was allowed to wait."""


def describe(holder: dict | None) -> str:
    """Who holds the lock, Chinese first, English beside."""
    if not holder:
        return "构建锁被另一个进程持有（未留下信息） The build lock is held by another process (it left no details)"
    who = f"run {holder.get('run_id')} (pid {holder.get('pid')} on {holder.get('host')}, {holder.get('origin')})"
    return (
        f"构建锁被运行 {holder.get('run_id')} 持有（进程 {holder.get('pid')}，主机 {holder.get('host')}，"
        f"来源 {holder.get('origin')}），自 {holder.get('since')} 起。 "
        f"The build lock is held by {who} since {holder.get('since')}."
    )


class BuildLock:
    """The lock of one published warehouse (its builds folder)."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def holder(self) -> dict | None:
        try:
            text = self.path.read_text(encoding="utf-8")
            return json.loads(text) if text.strip() else None
        except (OSError, ValueError):
            return None

    def acquire(self, run_id: str, origin: str, wait_s: float, log: Callable[[str], None] = print) -> None:
        """Take the lock, waiting up to wait_s seconds for a running build to finish (saying who it is)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait_s
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    log(f"{describe(self.holder())} 本次运行 {run_id} 等待其结束（最多 {wait_s:.0f} 秒）。 "
                        f"Run {run_id} waits for it to finish (up to {wait_s:.0f} s).")
                    told = True
                if time.monotonic() > deadline:
                    holder = self.holder()
                    os.close(fd)
                    raise BuildLockBusy(
                        f"{describe(holder)} 等待 {wait_s:.0f} 秒后放弃，本次运行未构建、未发布。 "
                        f"Gave up after waiting {wait_s:.0f} s: this run built and published nothing."
                    )
                time.sleep(0.5)
        holder = {
            "run_id": run_id, "pid": os.getpid(), "host": socket.gethostname(), "origin": origin,
            "since": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        self._fd = fd
        if told:
            log(f"运行 {run_id} 已获得构建锁。 Run {run_id} has the build lock now.")

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None
