"""A rerun reads again only the files whose content changed; the rows of the others are reused, and the
warehouse is the same as a build from scratch."""

import shutil

import duckdb
import polars as pl
import pytest

from conftest import POPULATION, build, write_small_inbox


def materialisation(result, asset: str):
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == asset]
    return event.materialization.metadata


def table(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_rerun_reads_only_the_changed_file(tmp_path):
    inbox = write_small_inbox(tmp_path / "inbox")
    published = tmp_path / "warehouse" / "health.duckdb"
    assert build(inbox, published).success

    # A resubmitted population file: 西大街道 now has 31,000 residents.
    changed = [(code, year, 31000 if code == "411002001" else n, older, births) for code, year, n, older, births in POPULATION]
    frame = pl.DataFrame(changed, schema=["区划代码", "年份", "常住人口", "65岁及以上人口", "活产数"], orient="row")
    (inbox / "population_2023.csv").write_bytes(frame.write_csv().encode("gbk"))
    rerun = build(inbox, published)
    assert rerun.success
    assert materialisation(rerun, "raw/population")["files_reused"].value == 0
    assert materialisation(rerun, "raw/staff")["files_reused"].value == 1
    # 魏都区's townships now sum to 31,000 + 20,000 residents; its beds are still 360.
    [(beds_per_1k,)] = table(published, "SELECT value FROM marts.indicator_values WHERE region_code = '411002' "
                                        "AND year = 2023 AND indicator_code = 'beds_per_1k'")
    assert beds_per_1k == pytest.approx(360 / 51)

    # The same inbox built from scratch gives the same indicator values.
    fresh = tmp_path / "fresh" / "health.duckdb"
    shutil.copytree(inbox, tmp_path / "inbox2")
    assert build(tmp_path / "inbox2", fresh).success
    query = "SELECT region_code, year, indicator_code, numerator, denominator FROM marts.indicator_values ORDER BY ALL"
    assert table(published, query) == table(fresh, query)


def test_a_removed_file_takes_its_rows_with_it(tmp_path, monkeypatch):
    inbox = write_small_inbox(tmp_path / "inbox")
    published = tmp_path / "warehouse" / "health.duckdb"
    assert build(inbox, published).success
    (inbox / "public_health_2023.xlsx").unlink()
    # A source falling to 0 rows is held back by the release guard until someone accepts that build.
    blocked = build(inbox, published)
    assert not blocked.success
    [guard] = [e for e in blocked.get_asset_check_evaluations() if e.asset_check_key.name == "no_unaccepted_drop"]
    assert "数据源 public_health：数据源行数从 1 降至 0" in guard.description
    assert "source public_health: rows of the source fell from 1 to 0" in guard.description
    assert table(published, "SELECT count(*) FROM raw.public_health") == [(1,)]
    fingerprint = guard.metadata["build_fingerprint"].value
    acceptances = tmp_path / "acceptances.yaml"
    acceptances.write_text(f"- build: {fingerprint}\n  accepted_by: 王五\n  reason: 公共卫生统计改由省里发布\n", encoding="utf-8")
    monkeypatch.setenv("HEALTH_RELEASE_ACCEPTANCES", str(acceptances))
    assert build(inbox, published).success
    assert table(published, "SELECT DISTINCT release_acceptance FROM marts.build_info") == [
        (f"王五: 公共卫生统计改由省里发布 (build {fingerprint})",)]
    assert table(published, "SELECT count(*) FROM raw.public_health") == [(0,)]
    assert table(published, "SELECT count(*) FROM marts.build_info WHERE source = 'public_health'") == [(0,)]
