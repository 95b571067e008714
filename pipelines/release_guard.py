"""The release guard (发布守卫): a new build is compared with the published one before it replaces it.

The figures (sql/marts/release_profile.sql) are counted in every build and kept in the published warehouse; the
comparison (sql/marts/release_comparison.sql) applies the limits of expectations/release_guard.yaml. A drop
beyond a limit blocks publishing until an operator accepts that very build: its fingerprint (the input files'
hashes and the published run it was compared with) listed in the acceptances file, with who and why. The
acceptance is recorded in marts.build_info of the published warehouse. Nothing is accepted by default.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import yaml

from pipelines.resources import run_sql
from pipelines.settings import EXPECTATIONS_DIR

RULES_FILE = EXPECTATIONS_DIR / "release_guard.yaml"
PROFILE_SCHEMA = {"scope": pl.String, "scope_code": pl.String, "scope_name": pl.String, "metric": pl.String,
                  "detail": pl.String, "year": pl.Int32, "value": pl.Int64, "files": pl.List(pl.String)}


def load_rules(path: Path = RULES_FILE) -> pl.DataFrame:
    metrics = yaml.safe_load(path.read_text(encoding="utf-8"))["metrics"]
    return pl.DataFrame(
        [{"metric": name, "name_zh": m["name_zh"], "name_en": m["name_en"],
          "max_drop_share": float(m["max_drop_share"]), "min_previous": int(m["min_previous"])}
         for name, m in metrics.items()]
    )


def _has_profile(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = 'release_profile'"
    ).fetchall()[0][0])


def published_profile(published: Path) -> tuple[pl.DataFrame | None, str | None]:
    """The published build's profile and run id; (None, None) when nothing is published yet. A warehouse
    published before the guard existed has no profile table: it is counted from a temporary copy."""
    if not published.exists():
        return None, None
    with duckdb.connect(str(published), read_only=True) as con:
        run_id = con.execute("SELECT any_value(run_id) FROM marts.build_info").fetchall()[0][0]
        if _has_profile(con):
            return con.sql("SELECT * FROM marts.release_profile").pl(), run_id
    with tempfile.TemporaryDirectory(dir=published.parent) as folder:
        copy = Path(folder) / "published_copy.duckdb"
        shutil.copyfile(published, copy)
        with duckdb.connect(str(copy)) as con:
            run_sql(con, "marts/release_profile")
            return con.sql("SELECT * FROM marts.release_profile").pl(), run_id


def fingerprint(con: duckdb.DuckDBPyConnection, previous_run_id: str | None) -> str:
    """What an acceptance names: this build's input files (source, name, SHA-256) and the published run it was
    compared with. The same inbox against the same published warehouse gives the same fingerprint."""
    files = con.execute("SELECT source, file, sha256 FROM raw.input_files ORDER BY ALL").fetchall()
    text = "\n".join("/".join(map(str, f)) for f in files) + f"\ncompared with {previous_run_id}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Acceptance:
    build: str
    accepted_by: str
    reason: str

    def record(self) -> str:
        return f"{self.accepted_by}: {self.reason} (build {self.build})"


def find_acceptance(path: Path, build: str) -> Acceptance | None:
    """The acceptance of `build` in the acceptances file (a YAML list of {build, accepted_by, reason})."""
    if not path.exists():
        return None
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and str(entry.get("build", "")).strip() == build:
            if not str(entry.get("accepted_by", "")).strip():
                continue  # an acceptance must say who accepted
            return Acceptance(build, str(entry["accepted_by"]).strip(), str(entry.get("reason", "")).strip())
    return None


def breach_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every breach, Chinese first with English beside: what fell, from what to what, in which file."""
    rows = con.execute(
        "SELECT scope, scope_code, scope_name, metric, detail, year, previous_value, current_value, drop_share, "
        "max_drop_share, name_zh, name_en, list_distinct(list_concat(previous_files, current_files)) "
        "FROM marts.release_comparison WHERE breach ORDER BY scope, scope_code, metric, detail, year"
    ).fetchall()
    lines = []
    for scope, code, name, metric, detail, year, previous, current, drop, limit, name_zh, name_en, files in rows:
        where_zh, where_en = {
            "source": (f"数据源 {code}", f"source {code}"),
            "file": (f"文件 {code}", f"file {code}"),
        }.get(scope, (f"{name} {code}", f"{name} {code}"))
        what_zh = name_zh + (f"（{detail}）" if detail else "") + (f" {year}年" if year else "")
        what_en = name_en + (f" ({detail})" if detail else "") + (f" {year}" if year else "")
        files_text = ", ".join(sorted(files or [])) or "—"
        lines.append(
            f"{where_zh}：{what_zh}从 {previous:,} 降至 {current:,}（下降 {drop:.0%}，上限 {limit:.0%}），文件 {files_text}。 "
            f"{where_en}: {what_en} fell from {previous:,} to {current:,} (−{drop:.0%}, limit {limit:.0%}), "
            f"file {files_text}."
        )
    return lines


def how_to_accept(path: Path, build: str) -> str:
    return (
        f"如确认这些下降属实，请在 {path} 中加入以下条目（注明确认人和原因），然后重新运行：\n"
        f"If these drops are real, add this entry to {path} (who accepts, and why) and run again:\n"
        f"- build: {build}\n  accepted_by: <姓名 name>\n  reason: <原因 why the drop is real>"
    )
