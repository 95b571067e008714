"""Faults, one test each, on real DuckDB files and real processes: what is published, what the user is told, and
that nothing is lost (docs/operations.md, "Faults and what the warehouse does").

- 100 processes create the pseudonym key at once: one key, never empty, mode 0600, outside the warehouse folder;
  a key kept beside the warehouse by earlier versions is moved, not replaced.
- Two builds at once: the second waits for the build lock and says which run holds it since when.
- A truncated and a corrupted published warehouse: moved aside (kept), rebuilt from the inbox, published.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from conftest import build, run_messages, write_small_inbox
from pipelines.keys import PseudonymKeyError, ensure_key
from pipelines.locking import BuildLock
from pipelines.resources import Warehouse


def sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_runs(path: Path) -> list[tuple[str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT DISTINCT run_id FROM marts.build_info").fetchall()


# ================================================================== the pseudonym key


CREATE_AT = """
import sys, time
from pathlib import Path
from pipelines.keys import ensure_key
start = float(sys.argv[2])
while time.time() < start:  # every process reaches the creation at the same moment
    pass
sys.stdout.write(ensure_key(Path(sys.argv[1])).decode())
"""


def test_100_concurrent_first_key_creations_give_one_complete_private_key(tmp_path):
    key_file = tmp_path / "state" / "pseudonym.key"
    start = time.time() + 5
    processes = [
        subprocess.Popen([sys.executable, "-c", CREATE_AT, str(key_file), str(start)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(100)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0] * 100, [err for _, err in outputs if err][:3]
    keys = {out for out, _ in outputs}
    assert len(keys) == 1
    [key] = keys
    assert len(key) == 64 and int(key, 16)  # 32 random bytes in hex, never empty
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in key_file.parent.iterdir()] == ["pseudonym.key"]  # no temporary file left behind
    assert ensure_key(key_file) == key.encode()


def test_an_empty_key_file_is_refused_never_used(tmp_path):
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text("")
    with pytest.raises(PseudonymKeyError, match="假名化密钥文件为空.*is empty"):
        ensure_key(key_file)


def test_the_key_lives_outside_the_warehouse_folder_and_a_legacy_key_is_moved_not_replaced(tmp_path):
    published = tmp_path / "warehouse" / "health.duckdb"
    published.parent.mkdir()
    legacy = published.parent / ".pseudonym.key"
    legacy.write_text("a1" * 32)
    key_file = tmp_path / "dagster_home" / "pseudonym.key"
    warehouse = Warehouse(published_path=str(published), pseudonym_key_path=str(key_file))
    assert warehouse.pseudonym_key() == b"a1" * 32  # the same key: pseudonyms stay the same
    assert not legacy.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert warehouse.pseudonym_key() == b"a1" * 32

    # Two different keys: the pipeline never picks one; a person must.
    legacy.write_text("b2" * 32)
    with pytest.raises(PseudonymKeyError, match="两个不同的假名化密钥.*Two different pseudonym keys"):
        warehouse.pseudonym_key()
    assert legacy.read_text() == "b2" * 32 and key_file.read_text().strip() == "a1" * 32  # both kept


def test_a_build_leaves_no_key_in_the_folder_analysts_are_given(small_warehouse):
    folder = small_warehouse.parent
    assert not list(folder.rglob("*.key"))
    key_file = Path(os.environ["HEALTH_PSEUDONYM_KEY_FILE"])
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600


# ================================================================== one build at a time


def test_a_build_waits_for_the_lock_and_says_who_holds_it_since_when(tmp_path):
    inbox = write_small_inbox(tmp_path / "inbox")
    published = tmp_path / "warehouse" / "health.duckdb"
    lock = BuildLock(published.parent / "builds" / ".build.lock")
    lock.acquire("holder-run-0001", "schedule nightly_build", wait_s=0)
    holder = lock.holder()
    assert holder["run_id"] == "holder-run-0001" and holder["pid"] == os.getpid()

    outcome, instance = {}, dg.DagsterInstance.ephemeral()
    runner = threading.Thread(target=lambda: outcome.update(result=build(inbox, published, instance)))
    runner.start()
    time.sleep(8)
    assert runner.is_alive(), "the second build did not wait for the lock"
    assert not published.exists()
    lock.release()
    runner.join(timeout=300)
    result = outcome["result"]
    assert result.success
    told = [m for m in run_messages(instance, result.run_id) if "构建锁被运行 holder-run-0001 持有" in m]
    # Chinese first, English beside: who (run, process, what started it), since when
    assert told and f"since {holder['since']}" in told[0] and "schedule nightly_build" in told[0]
    assert published_runs(published) == [(result.run_id,)]


def test_two_make_runs_at_once_are_serialised(tmp_path):
    inbox = write_small_inbox(tmp_path / "inbox")
    published = tmp_path / "warehouse" / "health.duckdb"
    (tmp_path / "home").mkdir()
    env = os.environ | {"HEALTH_INBOX": str(inbox), "HEALTH_WAREHOUSE": str(published), "DAGSTER_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "pipelines.cli", "run"]
    instance = dg.DagsterInstance.from_config(str(tmp_path / "home"))  # its run storage, created once
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    waited = [err for _, err in outputs if "构建锁被运行" in err]
    assert len(waited) == 1, outputs  # exactly one waited, and said for whom
    instance_runs = instance.get_run_records()
    assert len(instance_runs) == 2
    first, second = sorted(instance_runs, key=lambda r: r.end_time)
    assert first.dagster_run.run_id in waited[0]
    assert published_runs(published) == [(second.dagster_run.run_id,)]


# ================================================================== a damaged published warehouse


def truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def corrupt(path: Path) -> None:
    """Bytes overwritten inside the file (a bad copy, a failing disk): every 64th KiB gets 64 bytes of junk."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        for offset in range(300_000, size - 64, 65_536):
            handle.seek(offset)
            handle.write(b"\xde\xad\xbe\xef" * 16)


@pytest.mark.parametrize("damage", [truncate, corrupt], ids=["truncated", "corrupted"])
def test_a_damaged_published_warehouse_is_set_aside_and_rebuilt(small_warehouse, tmp_path, damage):
    published = tmp_path / "warehouse" / "health.duckdb"
    published.parent.mkdir(parents=True)
    shutil.copyfile(small_warehouse, published)
    shutil.copyfile(small_warehouse.with_name("health.duckdb.sha256"), published.with_name("health.duckdb.sha256"))
    damage(published)
    damaged_bytes = sha256(published)
    with pytest.raises(duckdb.Error):
        from pipelines.resources import read_every_table

        read_every_table(published)

    inbox = write_small_inbox(tmp_path / "inbox")
    started, instance = time.monotonic(), dg.DagsterInstance.ephemeral()
    result = build(inbox, published, instance)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert time.monotonic() - started < 100  # nothing retried for minutes
    assert not [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]

    # Published: a sound warehouse built by this run, from the inbox alone (no file's rows reused).
    assert published_runs(published) == [(result.run_id,)]
    reused = {
        e.asset_key.to_user_string(): e.materialization.metadata["files_reused"].value
        for e in result.get_asset_materialization_events() if "files_reused" in e.materialization.metadata
    }
    assert reused and set(reused.values()) == {0}
    # Nothing lost: the damaged file is kept, byte for byte, under damaged/, with the cause beside it.
    [kept] = list((published.parent / "damaged").glob("*.damaged.duckdb"))
    assert sha256(kept) == damaged_bytes
    assert kept.with_name(kept.name + ".reason.txt").read_text(encoding="utf-8").strip()
    # Told: in Chinese, then English, naming where the file went.
    told = [m for m in run_messages(instance, result.run_id) if str(kept) in m]
    assert told and told[0].index("已发布的数据仓库文件已损坏") < told[0].index("The published warehouse was damaged")
