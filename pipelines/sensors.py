"""Sensors: a file dropped into the inbox during the day starts a run (收件箱监测)."""

import hashlib
import json
from pathlib import Path

import dagster as dg

from pipelines.contract import load_sources
from pipelines.ingestion import discover_files
from pipelines.jobs import build_warehouse
from pipelines.resources import file_sha256
from pipelines.settings import inbox_dir


def inbox_state(inbox: Path, previous: dict[str, list]) -> dict[str, list]:
    """name → [size, mtime_ns, sha256] for every source file. A file whose size and mtime are unchanged
    keeps its hash from the cursor; any other is hashed again, so only a content change counts."""
    state = {}
    for name in load_sources():
        for path in discover_files(inbox, name):
            stat = path.stat()
            known = previous.get(path.name)
            if known and known[:2] == [stat.st_size, stat.st_mtime_ns]:
                state[path.name] = known
            else:
                state[path.name] = [stat.st_size, stat.st_mtime_ns, file_sha256(path)]
    return state


def content_changes(before: dict[str, list], after: dict[str, list]) -> list[str]:
    """Files added or whose content changed (removals alone do not start a run)."""
    return sorted(name for name, entry in after.items() if name not in before or before[name][2] != entry[2])


@dg.sensor(
    job=build_warehouse,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts a build when a source file is added to the inbox or its content changes (by SHA-256, "
    "not by timestamp). The cursor remembers every file's hash, so the same file never triggers twice.",
)
def inbox_sensor(context: dg.SensorEvaluationContext):
    before = json.loads(context.cursor) if context.cursor else {}
    after = inbox_state(inbox_dir(), before)
    changed = content_changes(before, after)
    context.update_cursor(json.dumps(after, sort_keys=True))
    if not changed:
        return dg.SkipReason("No new or changed file in the inbox.")
    run_key = hashlib.sha256(json.dumps({n: after[n][2] for n in sorted(after)}).encode()).hexdigest()
    return dg.RunRequest(run_key=run_key, tags={"inbox/changed_files": ", ".join(changed)[:1000]})
