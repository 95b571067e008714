"""The DuckDB warehouse resource: every run builds into its own file and publishes it atomically.

Analysts hold read-only connections on the published file at any hour. A run never writes to that
file: it copies it to data/warehouse/builds/<run_id>.duckdb, builds there, and the publish asset
replaces the published file with one os.replace (a rename, atomic on POSIX). An open reader keeps
reading the old file's inode until it reconnects; a failed run leaves the published file untouched.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb

from pipelines.settings import SQL_DIR, inbox_dir, warehouse_path


def run_sql(con: duckdb.DuckDBPyConnection, model: str) -> None:
    """Run one model file from sql/ (e.g. "staging/regions")."""
    con.execute((SQL_DIR / f"{model}.sql").read_text(encoding="utf-8"))


def load_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The shared rules of sql/macros/ (comparators, rate, facility filter) as TEMP macros of this connection.
    TEMP, so they are never written into the published file an analyst opens."""
    for path in sorted((SQL_DIR / "macros").glob("*.sql")):
        run_sql(con, f"macros/{path.stem}")


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse (数据仓库) and the inbox it is built from."""

    published_path: str = ""
    inbox: str = ""

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

    def build_path(self, run_id: str) -> Path:
        return self.builds_dir / f"{run_id}.duckdb"

    def pseudonym_key(self) -> bytes:
        """The key of the ID-number hash: HEALTH_PSEUDONYM_KEY, or a key file kept beside the warehouse.

        The same key must be used every year, or a person's records no longer link across years.
        """
        if key := os.environ.get("HEALTH_PSEUDONYM_KEY"):
            return key.encode()
        key_file = self.published.parent / ".pseudonym.key"
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        return key_file.read_text().strip().encode()

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
            for schema in ("raw", "ref", "staging", "marts"):
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            load_macros(con)
            yield con
        finally:
            con.close()

    def publish(self, run_id: str) -> Path:
        """Replace the published warehouse with this run's build in one atomic step."""
        build = self.build_path(run_id)
        with duckdb.connect(str(build)) as con:
            con.execute("CHECKPOINT")
        os.replace(build, self.published)
        self._remove_stale_builds()
        return self.published

    def _remove_stale_builds(self, max_age_s: float = 86_400) -> None:
        """Builds of failed runs are kept a day for inspection; younger ones may belong to a run under way."""
        now = time.time()
        for leftover in self.builds_dir.glob("*.duckdb*"):
            if now - leftover.stat().st_mtime > max_age_s:
                leftover.unlink(missing_ok=True)
