"""The DuckDB warehouse resource: every run builds into its own file and publishes it atomically.

Analysts hold read-only connections on the published file at any hour. A run never writes to that
file: it copies it to data/warehouse/builds/<run_id>.duckdb, builds there, and the publish asset
replaces the published file with one os.replace (a rename, atomic on POSIX). An open reader keeps
reading the old file's inode until it reconnects; a failed run leaves the published file untouched.

When its resources are set up, a run (1) takes the build lock, so builds from the CLI, the schedule and the
sensor never overlap; (2) removes the build files of earlier runs that died or failed, keeping the most
recent for inspection; (3) makes sure the pseudonym key exists; (4) checks the published warehouse before
reusing it: a damaged file is moved aside (kept, never deleted) and the run rebuilds from the inbox alone.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb
import yaml
from pydantic import PrivateAttr

from pipelines.keys import LEGACY_NAME, ensure_key
from pipelines.lineage import SCHEMAS
from pipelines.locking import BuildLock
from pipelines.settings import (
    EXPECTATIONS_DIR, SQL_DIR, inbox_dir, pseudonym_key_file, release_acceptances_path, warehouse_path,
)

OPERATIONS_FILE = EXPECTATIONS_DIR / "operations.yaml"


@cache
def operations_settings() -> dict:
    """Operating limits (expectations/operations.yaml): build lock wait, failed builds kept."""
    return yaml.safe_load(OPERATIONS_FILE.read_text(encoding="utf-8"))


def run_sql(con: duckdb.DuckDBPyConnection, model: str) -> None:
    """Run one model file from sql/ (e.g. "staging/regions")."""
    con.execute((SQL_DIR / f"{model}.sql").read_text(encoding="utf-8"))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_every_table(path: Path) -> None:
    """Open a DuckDB file read-only and read every row of every table (every column, so every data block and
    its checksum). Raises duckdb.Error when the file is truncated, corrupted or not a DuckDB file."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "SELECT database_name, schema_name, table_name FROM duckdb_tables() WHERE NOT internal"
        ).fetchall()
        for database, schema, table in tables:
            con.execute(f'SELECT count(hash(t)) FROM "{database}"."{schema}"."{table}" AS t').fetchall()


def run_origin(run: dg.DagsterRun | None) -> str:
    """What started a run, for the lock's holder: the schedule, the sensor, or a person (CLI or UI)."""
    tags = run.tags if run else {}
    if name := tags.get("dagster/schedule_name"):
        return f"schedule {name}"
    if name := tags.get("dagster/sensor_name"):
        return f"sensor {name}"
    return "manual (make run, CLI or UI)"


def load_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The shared rules of sql/macros/ (comparators, rate, facility filter) as TEMP macros of this connection.
    TEMP, so they are never written into the published file an analyst opens."""
    for path in sorted((SQL_DIR / "macros").glob("*.sql")):
        run_sql(con, f"macros/{path.stem}")


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse (数据仓库) and the inbox it is built from."""

    published_path: str = ""
    inbox: str = ""
    pseudonym_key_path: str = ""
    acceptances_path: str = ""

    _lock: BuildLock | None = PrivateAttr(default=None)
    _set_aside: Path | None = PrivateAttr(default=None)
    _digest_writer: threading.Thread | None = PrivateAttr(default=None)

    @property
    def published(self) -> Path:
        return Path(self.published_path) if self.published_path else warehouse_path()

    @property
    def inbox_dir(self) -> Path:
        return Path(self.inbox) if self.inbox else inbox_dir()

    @property
    def builds_dir(self) -> Path:
        return self.published.parent / "builds"

    @property
    def docs_dir(self) -> Path:
        """Great Expectations Data Docs (数据质量报告) of the latest runs: open index.html in a browser."""
        return self.published.parent / "docs"

    @property
    def receipts_dir(self) -> Path:
        """Receipts (回执) for the statisticians: one CSV per inbox file, rewritten by every run."""
        return self.published.parent / "receipts"

    @property
    def report_dir(self) -> Path:
        """The nightly report (规划进展报告): index.html and one page per plan, beside the warehouse file."""
        return self.published.parent / "report"

    @property
    def digest_path(self) -> Path:
        """SHA-256 of the published file as it was published (sha256sum format): `sha256sum -c` checks a copy."""
        return self.published.with_name(self.published.name + ".sha256")

    @property
    def damaged_dir(self) -> Path:
        return self.published.parent / "damaged"

    @property
    def key_file(self) -> Path:
        return Path(self.pseudonym_key_path) if self.pseudonym_key_path else pseudonym_key_file()

    @property
    def acceptances(self) -> Path:
        return Path(self.acceptances_path) if self.acceptances_path else release_acceptances_path()

    @property
    def set_aside(self) -> Path | None:
        """Where this run moved a damaged published warehouse, if it found one."""
        return self._set_aside

    def build_path(self, run_id: str) -> Path:
        return self.builds_dir / f"{run_id}.duckdb"

    # ------------------------------------------------------------------ run start and end

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run = context.dagster_run
        if run is None:
            return
        log = context.log.warning if context.log else print
        settings = operations_settings()
        if context.instance is not None:  # for run monitoring (pipelines/launcher.py): which process is this run
            from pipelines.launcher import HOST_TAG, PID_TAG

            context.instance.add_run_tags(run.run_id, {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()})
        self._lock = BuildLock(self.builds_dir / ".build.lock")
        self._lock.acquire(run.run_id, run_origin(run), float(settings["build_lock"]["wait_seconds"]), log)
        try:
            for message in self.remove_dead_builds(run.run_id):
                (context.log.info if context.log else print)(message)
            self.pseudonym_key()
            self._set_aside = self.set_aside_if_damaged(run.run_id)
            if self._set_aside:
                log(self.damage_message(self._set_aside))
        except BaseException:
            self._lock.release()
            raise

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._digest_writer is not None:  # the published file's digest is written before the lock is released
            self._digest_writer.join()
        if self._lock is not None:
            self._lock.release()

    def remove_dead_builds(self, run_id: str) -> list[str]:
        """Under the build lock, every other build file belongs to a run that is over (failed, killed): remove
        them all but the most recent, kept for inspection within the limits of expectations/operations.yaml."""
        limits = operations_settings()["failed_builds"]
        builds = sorted(
            (p for p in self.builds_dir.glob("*.duckdb") if p.stem != run_id),
            key=lambda p: p.stat().st_mtime, reverse=True,
        )
        kept, used, messages = [], 0, []
        for build in builds:
            size = build.stat().st_size
            if len(kept) < int(limits["keep"]) and used + size <= int(limits["max_bytes"]):
                kept.append(build)
                used += size
                continue
            for path in (build, build.with_name(build.name + ".wal")):
                path.unlink(missing_ok=True)
            messages.append(f"已删除未发布运行的构建文件 {build.name}。 Removed the build file of an unpublished run: {build.name}.")
        for wal in self.builds_dir.glob("*.duckdb.wal"):  # a WAL whose build is gone
            if not wal.with_suffix("").exists() and wal.with_suffix("").stem != run_id:
                wal.unlink(missing_ok=True)
        if kept:
            messages.append(f"保留最近一次未发布运行的构建文件以供检查：{', '.join(p.name for p in kept)}。 "
                            f"Kept for inspection: {', '.join(p.name for p in kept)}.")
        return messages

    def published_problem(self, build: Path | None = None) -> str | None:
        """Why the published warehouse cannot be reused, or None if it is sound (or there is none yet).

        Fast path: the file still has the SHA-256 recorded when it was published (and, given a run's `build`,
        is copied there: _published_digest). Otherwise (no record, or the file changed since) every table is
        read through: DuckDB checks each block's checksum as it reads."""
        if not self.published.exists():
            return None
        try:
            recorded = self.digest_path.read_text(encoding="utf-8").split()[0]
        except (OSError, IndexError):
            recorded = None
        if recorded and recorded == self._published_digest(recorded, build):
            return None
        try:
            read_every_table(self.published)
        except duckdb.Error as exc:
            return f"{type(exc).__name__}: {exc}".strip()
        return None

    def _published_digest(self, recorded: str | None, build: Path | None) -> str:
        """The SHA-256 of the published file, computed on a second thread, which also copies a sound file to the
        run's build, while this thread imports Great Expectations. The import (2–6 s) would otherwise be paid by
        the run's first quality suite; hashing and copying the file (2–5 s at national scale) are reads and
        writes that release the GIL and import nothing, so the two overlap without the import-lock deadlocks two
        threads importing the same packages can meet."""
        found: dict = {}

        def digest_and_copy() -> None:
            try:
                found["digest"] = file_sha256(self.published)
                if build is not None and found["digest"] == recorded and not build.exists():
                    build.parent.mkdir(parents=True, exist_ok=True)
                    copying = build.with_name(build.name + ".copying")  # a copy cut short is never taken for a build
                    shutil.copyfile(self.published, copying)
                    os.replace(copying, build)
            except BaseException as exc:  # raised again on this thread
                found["error"] = exc

        worker = threading.Thread(target=digest_and_copy, name="published-digest")
        worker.start()
        if build is not None:
            from pipelines.gx import import_great_expectations

            import_great_expectations()
        worker.join()
        if "error" in found:
            raise found["error"]
        return found["digest"]

    def set_aside_if_damaged(self, run_id: str) -> Path | None:
        """Move a damaged published warehouse (and its WAL, digest) into damaged/, kept; return its new path."""
        problem = self.published_problem(self.build_path(run_id))
        if problem is None:
            return None
        self.damaged_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = self.damaged_dir / f"{self.published.stem}.{stamp}.{run_id[:8]}.damaged{self.published.suffix}"
        os.replace(self.published, target)
        for extra, suffix in ((".wal", ".wal"), (".sha256", ".sha256")):
            companion = self.published.with_name(self.published.name + extra)
            if companion.exists():
                os.replace(companion, target.with_name(target.name + suffix))
        target.with_name(target.name + ".reason.txt").write_text(problem + "\n", encoding="utf-8")
        # A build copied from the damaged file must not be reused either.
        for path in (self.build_path(run_id), self.build_path(run_id).with_name(f"{run_id}.duckdb.wal")):
            path.unlink(missing_ok=True)
        return target

    def damage_message(self, target: Path) -> str:
        reason = target.with_name(target.name + ".reason.txt").read_text(encoding="utf-8").strip()
        return (
            f"已发布的数据仓库文件已损坏，已移至 {target}（保留未删除）；本次运行不复用其中任何内容，从收件箱完整重建后发布。"
            f" The published warehouse was damaged and has been moved to {target} (kept, not deleted); this run "
            f"reuses nothing from it, rebuilds everything from the inbox and publishes. 原因 Cause: {reason}"
        )

    # ------------------------------------------------------------------ building and publishing

    def pseudonym_key(self) -> bytes:
        """The key of the ID-number hash: HEALTH_PSEUDONYM_KEY, or the key file (pipelines/keys.py): by default
        pseudonym.key in DAGSTER_HOME, created once; a key kept beside the warehouse by earlier versions is
        moved there. The same key must be used every year, or a person's records no longer link across years.
        """
        if key := os.environ.get("HEALTH_PSEUDONYM_KEY"):
            return key.encode()
        return ensure_key(self.key_file, legacy=self.published.parent / LEGACY_NAME)

    @contextmanager
    def connect(self, run_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to this run's build file, started from a copy of the published warehouse."""
        build = self.build_path(run_id)
        if not build.exists():
            build.parent.mkdir(parents=True, exist_ok=True)
            if self.published.exists():
                shutil.copyfile(self.published, build)
        con = duckdb.connect(str(build))
        try:
            for schema in SCHEMAS:
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            load_macros(con)
            yield con
        finally:
            con.close()

    def publish(self, run_id: str) -> Path:
        """Replace the published warehouse with this run's build in one atomic step, and record its SHA-256.

        The digest is computed on a second thread while the run goes on (the report), and written before the
        run releases the build lock (teardown_after_execution). The old digest is removed first: until the new
        one is written there is none, and a file without a digest is checked table by table, never taken for
        sound on a stale digest."""
        build = self.build_path(run_id)
        with duckdb.connect(str(build)) as con:
            con.execute("CHECKPOINT")
        self.digest_path.unlink(missing_ok=True)
        os.replace(build, self.published)
        self._digest_writer = threading.Thread(target=self._record_digest, name="published-digest")
        self._digest_writer.start()
        self._remove_stale_builds()
        return self.published

    def _record_digest(self) -> None:
        digest = file_sha256(self.published)
        record = self.digest_path.with_name(self.digest_path.name + ".tmp")
        record.write_text(f"{digest}  {self.published.name}\n", encoding="utf-8")
        os.replace(record, self.digest_path)

    def _remove_stale_builds(self, max_age_s: float = 86_400) -> None:
        """Builds of failed runs older than a day are removed after a publish (the next run start removes the
        others but the most recent, see remove_dead_builds)."""
        now = time.time()
        for leftover in self.builds_dir.glob("*.duckdb*"):
            if now - leftover.stat().st_mtime > max_age_s:
                leftover.unlink(missing_ok=True)
