"""docs/analysts.md, "A long-lived process": DuckDB shares one database instance per file within a process, so
a connection kept open makes every new connect() see the old build; closing every connection (or the
LatestWarehouse class of the docs, run here as written there) picks up the new build."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl

from conftest import POPULATION, build, write_small_inbox

DOC = Path(__file__).resolve().parent.parent / "docs" / "analysts.md"


def run_id(con) -> str:
    return con.execute("SELECT any_value(run_id) FROM marts.build_info").fetchall()[0][0]


def resubmit_population(inbox: Path, residents: int) -> None:
    """A new population file (西大街道's residents changed), so the next build differs and passes the guard."""
    rows = [(c, y, residents if c == "411002001" else n, o, b) for c, y, n, o, b in POPULATION]
    frame = pl.DataFrame(rows, schema=["区划代码", "年份", "常住人口", "65岁及以上人口", "活产数"], orient="row")
    (inbox / "population_2023.csv").write_bytes(frame.write_csv().encode("gbk"))


def documented_class():
    section = DOC.read_text(encoding="utf-8").split("### A long-lived process", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    code = code.split("\nwarehouse = LatestWarehouse()")[0]  # the class, not the example call on the default path
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    return namespace["LatestWarehouse"]


def test_a_kept_connection_hides_the_new_build_until_every_connection_is_closed(tmp_path):
    inbox = write_small_inbox(tmp_path / "inbox")
    published = tmp_path / "warehouse" / "health.duckdb"
    first = build(inbox, published)
    assert first.success

    notebook = duckdb.connect(str(published), read_only=True)  # a notebook's connection, kept open
    assert run_id(notebook) == first.run_id
    resubmit_population(inbox, 31000)
    second = build(inbox, published)
    assert second.success

    fresh = duckdb.connect(str(published), read_only=True)
    assert run_id(fresh) == first.run_id  # the trap: a *new* connection still reads the old build
    fresh.close()
    notebook.close()  # every connection closed …
    again = duckdb.connect(str(published), read_only=True)
    assert run_id(again) == second.run_id  # … and the next one reads the new build
    again.close()

    LatestWarehouse = documented_class()
    warehouse = LatestWarehouse(str(published))
    assert warehouse.sql("SELECT any_value(run_id) FROM marts.build_info").fetchall()[0][0] == second.run_id
    resubmit_population(inbox, 32000)
    third = build(inbox, published)
    assert third.success
    assert warehouse.sql("SELECT any_value(run_id) FROM marts.build_info").fetchall()[0][0] == third.run_id
    warehouse.close()
