"""A rerun reads again only the files whose content changed; the rows of the others are reused, the tables
whose inputs did not change are kept (pipelines/versions.py), and the warehouse is the same as a build from
scratch, table for table."""

import shutil

import duckdb
import polars as pl
import pytest

from conftest import FACILITY_STATS, POPULATION, build, write_small_inbox


def materialisation(result, asset: str):
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == asset]
    return event.materialization.metadata


def table(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def beds_per_1k_2023(warehouse, region_code: str) -> float:
    [(value,)] = table(warehouse, "SELECT value FROM marts.indicator_values WHERE region_code = '" + region_code
                                  + "' AND year = 2023 AND indicator_code = 'beds_per_1k'")
    return value


def built_from_scratch(inbox, root):
    """The same inbox, copied, built into an empty warehouse under root."""
    fresh = root / "fresh" / "health.duckdb"
    shutil.copytree(inbox, root / "inbox2")
    assert build(root / "inbox2", fresh).success
    return fresh


# What describes the run rather than the data: the run itself, and the comparison with the warehouse published
# before it (a build from scratch has none). Their versions differ too, as they should.
# config.changed_keys says what this run's partial rebuilds changed (a build from scratch compares with nothing).
RUN_TABLES = ("config.build", "marts.build_info", "intermediate.published_profile", "marts.release_comparison",
              "config.changed_keys")
# Row ids of their input table (intermediate.norm_candidates, dqr_statistics), whose physical order differs
# from build to build; the rows they point to are compared in marts.norm_results and marts.data_quality_flags.
ROW_ID_TABLES = ("intermediate.norms_not_met", "intermediate.dqr_failed")


def differences(a, b) -> dict[str, tuple[int, int]]:
    """Tables of warehouse a and b that differ, with the rows only in a and only in b. Doubles are compared to
    nine decimals: a sum of doubles depends on the order the threads add them in, in any two builds."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    tables = {db: {f"{s}.{t}" for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ?", [db]).fetchall()}
        for db in ("a", "b")}
    found = {table: (-1, -1) for table in tables["a"] ^ tables["b"]}
    for table in sorted(tables["a"] & tables["b"]):
        if table in RUN_TABLES + ROW_ID_TABLES:
            continue
        columns = ", ".join(
            f'round("{c}", 9)' if t == "DOUBLE" else f'"{c}"' for c, t in con.execute(
                f"SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'a' AND "
                f"schema_name || '.' || table_name = ? ORDER BY column_index", [table]).fetchall())
        where = f"WHERE table_name NOT IN {RUN_TABLES}" if table == "config.table_versions" else ""
        only = [con.execute(f"SELECT count(*) FROM (SELECT {columns} FROM {x}.{table} {where} EXCEPT ALL "
                            f"SELECT {columns} FROM {y}.{table} {where})").fetchall()[0][0] for x, y in ("ab", "ba")]
        if any(only):
            found[table] = tuple(only)
    return found


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
    # Tables built from neither population nor what depends on it are kept; those downstream are rebuilt.
    # The staff counts summed up the tree (region_staff_measures) are kept beside the rebuilt report figures.
    for kept in ("intermediate/staff_validated", "staging/staff", "staging/facility_measures", "marts/facility_indicators",
                 "staging/facility_staff_measures", "staging/region_staff_measures"):
        assert materialisation(rerun, kept)["kept"].value is True, kept
    # (registry_counts counts each facility in every year with population, so the facility sums are rebuilt too)
    for rebuilt in ("intermediate/population_validated", "staging/population", "staging/region_filed_measures",
                    "staging/registry_counts", "staging/region_report_measures", "staging/region_measures",
                    "marts/indicator_values", "marts/norm_results", "marts/build_info"):
        assert materialisation(rerun, rebuilt)["kept"].value is False, rebuilt
    # population says nothing of which facilities changed: the facility counts are built in full
    assert materialisation(rerun, "staging/registry_counts")["rebuilt"].value == "full"
    # 魏都区's townships now sum to 31,000 + 20,000 residents; its beds are still 360.
    assert beds_per_1k_2023(published, "411002") == pytest.approx(360 / 51)

    # The same inbox built from scratch gives the same indicator values.
    fresh = built_from_scratch(inbox, tmp_path)
    query = "SELECT region_code, year, indicator_code, numerator, denominator FROM marts.indicator_values ORDER BY ALL"
    assert table(published, query) == table(fresh, query)
    assert differences(published, fresh) == {}
    # and the comparison can fail: the warehouse before the change differs where population reaches
    before = tmp_path / "before" / "health.duckdb"
    assert build(write_small_inbox(tmp_path / "inbox3"), before).success
    changed_tables = differences(before, fresh)
    assert {"raw.population", "staging.population", "marts.indicator_values"} <= changed_tables.keys()
    assert "staging.staff" not in changed_tables


def test_a_changed_facility_report_rebuilds_the_rows_of_its_facilities_and_their_regions_only(tmp_path):
    inbox = write_small_inbox(tmp_path / "inbox")
    published = tmp_path / "warehouse" / "health.duckdb"
    assert build(inbox, published).success
    assert materialisation(build(inbox, published), "staging/facility_report_measures")["rebuilt"].value == "kept"

    # A resubmitted facility report: 建安区人民医院 H2 has 210 beds in 2023 (was 200), and 小召乡卫生院 T3's 2023
    # row is withdrawn.
    stats = [(f, y, 210 if (f, y) == ("H2", 2023) else beds, *rest) for f, y, beds, *rest in FACILITY_STATS
             if (f, y) != ("T3", 2023)]
    frame = pl.DataFrame(stats, schema=["机构代码", "年份", "床位数", "救护车数", "负压救护车数"], orient="row")
    (inbox / "facility_stats_2023.csv").write_bytes(frame.write_csv().encode("gbk"))
    rerun = build(inbox, published)
    assert rerun.success
    # staging.facility_stats, compared with the published table, names H2 and T3; the facility tables are rebuilt
    # for those two, the region sums for the regions they are summed into: H2 (filed under the retired 411023)
    # in 建安区 411003, T3 in 小召乡 411003002, and both in 许昌市 411000 and 河南省 410000.
    rebuilt = {asset: materialisation(rerun, asset)["rebuilt"].value for asset in (
        "staging/facility_stats", "staging/facility_report_measures", "staging/registry_counts",
        "marts/facility_indicators", "staging/region_report_measures", "marts/indicator_values")}
    assert rebuilt == {"staging/facility_stats": "full",
                       "staging/facility_report_measures": "partial (2 facility_id)",
                       "staging/registry_counts": "partial (2 facility_id)",
                       "marts/facility_indicators": "partial (2 facility_id)",
                       "staging/region_report_measures": "partial (4 region_code)",
                       "marts/indicator_values": "partial (4 region_code)"}
    assert table(published, "SELECT table_name, keys FROM config.changed_keys WHERE table_name IN "
                            "('staging.facility_stats', 'staging.region_measures') ORDER BY 1") == [
        ("staging.facility_stats", ["H2", "T3"]), ("staging.region_measures", ["410000", "411000", "411003", "411003002"])]
    # 建安区 2023: 210 beds (H2 210, T3 none) for its own 60,000 residents
    assert beds_per_1k_2023(published, "411003") == pytest.approx(210 / 60)

    # the same inbox built from scratch: every table the same
    fresh = built_from_scratch(inbox, tmp_path)
    assert differences(published, fresh) == {}
    # and the comparison sees the change: the build before it differs in the rebuilt tables
    before = tmp_path / "before" / "health.duckdb"
    assert build(write_small_inbox(tmp_path / "inbox3"), before).success
    assert {"staging.facility_report_measures", "staging.region_report_measures", "marts.indicator_values",
            "marts.facility_indicators"} <= differences(before, fresh).keys()


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


def test_an_operator_can_force_every_table_to_be_rebuilt(monkeypatch):
    from pipelines.versions import inputs_version, is_current, record

    con = duckdb.connect()
    con.execute("CREATE SCHEMA config")
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE TABLE staging.t AS SELECT 1 AS x")
    version = inputs_version(con, ["raw.x"])
    record(con, "staging.t", version)
    assert is_current(con, "staging.t", version)
    assert not is_current(con, "staging.t", inputs_version(con, ["raw.y"]))  # other inputs, another version
    monkeypatch.setenv("HEALTH_REBUILD_ALL", "1")
    assert not is_current(con, "staging.t", version)


def test_a_partial_rebuild_needs_every_changed_input_to_say_which_of_its_keys_changed():
    from conftest import model_connection
    from pipelines.lineage import load_models
    from pipelines.partial_rebuild import keys_to_rebuild, record_changed_keys

    models = {m.name: m for m in load_models()}
    sums, reports = models["staging.region_report_measures"], models["staging.facility_report_measures"]
    con = model_connection()
    con.execute("CREATE TABLE staging.facilities AS SELECT 'H2' AS facility_id, '411003' AS region_code")
    con.execute("CREATE TABLE staging.region_ancestors AS SELECT * FROM (VALUES ('411003', '411003'), "
                "('411003', '411000'), ('411003', '410000')) AS t(region_code, ancestor_code)")
    before = {"(code)": "c1", "(own)": "", "marts.measures": "m1", "staging.facilities": "f1",
              "staging.facility_report_measures": "v1", "staging.region_ancestors": "a1", "staging.registry_counts": "r1"}
    now = before | {"staging.facility_report_measures": "v2"}
    # nothing says which facilities' reports changed from v1 to v2: built in full
    assert keys_to_rebuild(con, sums, before, now) is None
    record_changed_keys(con, reports, "v1", "v2", ["H2"])
    # H2's figures are summed into its county, prefecture and province
    assert keys_to_rebuild(con, sums, before, now) == ["410000", "411000", "411003"]
    # what changed from another version says nothing of this one
    assert keys_to_rebuild(con, sums, before | {"staging.facility_report_measures": "v0"}, now) is None
    # other code, another facility list (a facility may have moved), an input that does not say its keys: in full
    assert keys_to_rebuild(con, sums, before, now | {"(code)": "c2"}) is None
    assert keys_to_rebuild(con, sums, before | {"staging.facilities": "f0"}, now) is None
    assert keys_to_rebuild(con, sums, before | {"staging.registry_counts": "r0"}, now) is None
    # a table built in full without comparing forgets what changed before
    record_changed_keys(con, reports, None, "v2", None)
    assert keys_to_rebuild(con, sums, before, now) is None
