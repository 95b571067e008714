"""A tiny, hand-computable inbox (许昌 fragment) and a helper that builds a warehouse from any inbox.

The figures are chosen so every indicator can be checked on paper; tests/test_marts.py shows the sums.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipelines.definitions import defs
from pipelines.resources import Warehouse
from pipelines.settings import SAMPLE_DIR

@pytest.fixture(scope="session", autouse=True)
def operator_state(tmp_path_factory) -> Path:
    """The tests never touch the operator's own pseudonym key or release acceptances in DAGSTER_HOME: they get
    their own, for the whole session (subprocesses inherit them)."""
    state = tmp_path_factory.mktemp("operator_state")
    os.environ["HEALTH_PSEUDONYM_KEY_FILE"] = str(state / "pseudonym.key")
    os.environ["HEALTH_RELEASE_ACCEPTANCES"] = str(state / "release_acceptances.yaml")
    return state


REGIONS = [
    # region_code, region_name, level, parent_code, valid_to, replaced_by
    ("410000", "河南省", "province", "", "", ""),
    ("411000", "许昌市", "prefecture", "410000", "", ""),
    ("411002", "魏都区", "county", "411000", "", ""),
    ("411003", "建安区", "county", "411000", "", ""),
    ("411023", "许昌县", "county", "411000", "2017-01-01", "411003"),
    ("411002001", "西大街道", "township", "411002", "", ""),
    ("411002002", "东大街道", "township", "411002", "", ""),
    ("411023001", "尚集镇", "township", "411023", "", ""),  # still filed under the retired county
    ("411003002", "小召乡", "township", "411003", "", ""),
    ("411003002001", "小召村", "village", "411003002", "", ""),
]

# 411002 has no county figure: its townships are summed (30,000 + 20,000). 411003 has its own figure.
POPULATION = [
    ("411002001", 2023, 30000, 5000, 240),
    ("411002002", 2023, 20000, 3000, 160),
    ("411003", 2023, 60000, 9000, 500),
    ("411023001", 2023, 25000, 4000, 200),
    ("411003002", 2023, 35000, 5000, 280),
    ("411023", 2022, 40000, 6000, 380),  # filed under the retired code: becomes 建安区 411003
]

FACILITIES = [
    # facility_id, name, type (Chinese, as filed), grade, ownership, region
    ("H1", "魏都区人民医院", "综合医院", "二级甲等", "政府办", "411002"),
    ("T1", "西大街道社区卫生服务中心", "社区卫生服务中心", "未定级", "政府办", "411002001"),
    ("T2", "东大街道社区卫生服务中心", "社区卫生服务中心", "", "政府办", "411002002"),
    ("H2", "建安区人民医院", "综合医院", "二级甲等", "政府办", "411023"),  # retired code
    ("T3", "小召乡卫生院", "乡镇卫生院", "一级甲等", "政府办", "411003002"),
    ("V1", "小召村卫生室", "村卫生室", "", "社会办", "411003002001"),
]

FACILITY_STATS = [
    # facility_id, year, beds, ambulances, negative_pressure_ambulances
    ("H1", 2023, 300, 2, 1),
    ("T1", 2023, 40, 1, 0),
    ("T2", 2023, 20, 0, 0),
    ("H2", 2023, 200, 3, 2),
    ("T3", 2023, 60, 0, 0),
    ("H2", 2022, 190, 3, 1),
]

STAFF = [
    # staff_id, id_number, name, facility_id, year, category, specialty
    ("S01", "", "张一", "H1", 2023, "执业医师", "全科医学"),
    ("S02", "", "张二", "H1", 2023, "执业医师", "内科"),
    ("S03", "", "张三", "H1", 2023, "执业医师", "外科"),
    ("S04", "", "张四", "H1", 2023, "执业助理医师", "内科"),
    ("S05", "", "张五", "H1", 2023, "注册护士", "护理"),
    ("S06", "", "张六", "H1", 2023, "注册护士", "护理"),
    ("S07", "", "张七", "H1", 2023, "注册护士", "护理"),
    ("S08", "", "张八", "H1", 2023, "注册护士", "护理"),
    ("", "410102199001011234", "李一", "T1", 2023, "执业医师", "全科医学"),
    ("", "41010219900102123X", "李二", "T1", 2023, "注册护士", "护理"),
    ("", "410102199001031235", "李三", "T1", 2023, "其他卫生技术人员", "公共卫生"),
    ("S20", "", "王一", "H2", 2023, "执业医师", "内科"),
    ("S21", "", "王二", "H2", 2023, "执业医师", "全科医学"),
    ("S22", "", "王三", "H2", 2023, "注册护士", "护理"),
    ("S23", "", "王四", "H2", 2023, "注册护士", "护理"),
    ("S24", "", "王五", "H2", 2023, "注册护士", "护理"),
    ("S30", "", "赵一", "T3", 2023, "执业助理医师", "中医"),
]


# Reported, not computed: 许昌市's life expectancy, below the plan's 78 years (xuchang_2020.life_expectancy).
PUBLIC_HEALTH = [
    # region_code, year, indicator_code, numerator, denominator, value
    ("411000", 2023, "life_expectancy", None, None, 77.2),
]


def regions_frame() -> pl.DataFrame:
    return pl.DataFrame(
        REGIONS, schema=["region_code", "region_name", "level", "parent_code", "valid_to", "replaced_by"], orient="row"
    )


def write_small_inbox(inbox: Path) -> Path:
    """The hand-computable inbox in the formats statisticians send: UTF-8 and GBK CSV, XLSX, Chinese headers."""
    inbox.mkdir(parents=True, exist_ok=True)
    regions_frame().write_csv(inbox / "regions.csv")
    population = pl.DataFrame(POPULATION, schema=["区划代码", "年份", "常住人口", "65岁及以上人口", "活产数"], orient="row")
    (inbox / "population_2023.csv").write_bytes(population.write_csv().encode("gbk"))
    facilities = pl.DataFrame(FACILITIES, schema=["机构代码", "机构名称", "机构类别", "医院等级", "举办主体", "区划代码"], orient="row")
    facilities.with_columns(pl.lit("note").alias("备注")).write_excel(inbox / "facilities.xlsx")
    stats = pl.DataFrame(FACILITY_STATS, schema=["机构代码", "年份", "床位数", "救护车数", "负压救护车数"], orient="row")
    (inbox / "facility_stats_2023.csv").write_bytes(stats.write_csv().encode("gbk"))
    staff = pl.DataFrame(
        STAFF, schema=["staff_id", "身份证号", "姓名", "facility_id", "year", "category", "specialty"], orient="row"
    )
    staff.write_csv(inbox / "staff_2023.csv")
    public_health = pl.DataFrame(
        PUBLIC_HEALTH, schema={"区划代码": pl.String, "年份": pl.Int64, "指标代码": pl.String, "分子": pl.Float64,
                               "分母": pl.Float64, "指标值": pl.Float64}, orient="row",
    )
    public_health.write_excel(inbox / "public_health_2023.xlsx")
    return inbox


def build(inbox: Path, published: Path, instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    """Materialise every asset of the code location, as the nightly job does, against this inbox."""
    return dg.materialize(
        [*defs.assets, *defs.asset_checks],
        resources={"warehouse": Warehouse(published_path=str(published), inbox=str(inbox))},
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def build_published(root: Path, write_inbox) -> Path:
    """Write an inbox with `write_inbox(root / "inbox")`, build it into root/warehouse and return the published
    warehouse; the build must succeed."""
    published = root / "warehouse" / "health.duckdb"
    result = build(write_inbox(root / "inbox"), published)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return published


def query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query on a warehouse, opened read-only as an analyst would."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def model_connection() -> "duckdb.DuckDBPyConnection":
    """An empty in-memory warehouse with every schema and the macros of sql/macros/: a model test gives a model
    its input rows (given), runs the one model file (run_sql) and reads what it built, without a whole build."""
    import duckdb

    from pipelines.lineage import SCHEMAS
    from pipelines.resources import load_macros

    con = duckdb.connect()
    for schema in SCHEMAS:
        con.execute(f"CREATE SCHEMA {schema}")
    load_macros(con)
    return con


def given(con, table: str, rows: pl.DataFrame | list[dict], schema: dict | None = None) -> None:
    """Write a model's input table from rows (a Polars frame, or dicts with an optional Polars schema)."""
    frame = rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(rows, schema=schema, orient="row" if rows and not isinstance(rows[0], dict) else None)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM frame")


def run_messages(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """Every message of a run's log as the UI shows it (events and what the code logged)."""
    return [(entry.dagster_event.message if entry.dagster_event else None) or entry.user_message or ""
            for entry in instance.all_logs(run_id)]


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory) -> Path:
    return build_published(tmp_path_factory.mktemp("small"), write_small_inbox)


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    """The warehouse (and its report) built from a copy of the shipped sample, <tmp>/inbox → <tmp>/warehouse.
    The staff files are generated on first use, as `make run` does."""
    if not any(SAMPLE_DIR.glob("staff_*.csv")):
        from pipelines.cli import ensure_sample

        ensure_sample()
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE_DIR, root / "inbox", ignore=shutil.ignore_patterns("*.md", ".*"))
    published = root / "warehouse" / "health.duckdb"
    result = build(root / "inbox", published)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert published.exists()
    return published
