"""The national-scale generator at a small scale: deterministic, real county codes, made-up codes in the right
format, the national mix, and inputs the pipeline takes without a problem."""

import hashlib
from pathlib import Path

import polars as pl
import pytest

from conftest import build
from generators.national import PER_COUNTY, generate_national, select_counties
from pipelines.settings import REFERENCE_DIR

SCALE = 0.004  # every 250th county: 12 counties


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("national")
    return out, generate_national(out, SCALE)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_the_same_scale_writes_the_same_bytes(inputs, tmp_path):
    out, _ = inputs
    generate_national(tmp_path, SCALE)
    assert digests(tmp_path) == digests(out)


def test_counties_are_real_and_made_up_codes_have_the_right_format(inputs):
    out, _ = inputs
    regions = pl.read_csv(out / "regions.csv", infer_schema=False)
    national = pl.read_csv(REFERENCE_DIR / "regions_national.csv", infer_schema=False)
    counties = regions.filter(pl.col("level") == "county")
    assert counties.height == 12 == select_counties(SCALE).height
    assert set(counties["region_code"]) <= set(national.filter(pl.col("level") == "county")["region_code"])
    lengths = dict(regions.group_by("level").agg(pl.col("region_code").str.len_chars().unique()).iter_rows())
    assert lengths["township"] == [9] and lengths["village"] == [12]
    townships = regions.filter(pl.col("level") == "township")
    assert (townships["region_code"].str.slice(0, 6) == townships["parent_code"]).all()


def test_volumes_follow_the_scale_and_the_national_mix(inputs):
    out, rows = inputs
    per_county = {source: n / 12 for source, n in rows.items()}
    # 2023: 1,070,785 facilities and 15.2 million staff in 2,846 counties: ~376 and ~5,340 per county.
    assert 250 < per_county["facilities"] < 500
    assert 3_500 < per_county["staff"] < 7_500
    assert rows["population"] % 10 == 0 and rows["public_health"] == 12 * 10 * 7
    facilities = pl.concat([pl.read_csv(p, infer_schema=False) for p in out.glob("facilities_*.csv")])
    share = facilities["机构类别"].value_counts(normalize=True)
    village_share = share.filter(pl.col("机构类别") == "村卫生室")["proportion"].item()
    assert 0.45 < village_share < 0.65  # 581,964 of 1,070,785 nationally
    assert set(PER_COUNTY) <= set(facilities["机构类别"])


def test_one_file_per_prefecture_and_source(inputs):
    out, _ = inputs
    groups = set(select_counties(SCALE)["parent_code"])
    for source in ("population", "facilities", "facility_stats", "public_health"):
        assert {p.stem.removeprefix(f"{source}_") for p in out.glob(f"{source}_[0-9]*.csv")} == groups, source
    # staff: every other prefecture as the workforce form (卫健统2表_<group>_<year>.csv), the others tidy
    tidy = [p.stem.removeprefix("staff_") for p in out.glob("staff_[0-9]*.csv")]
    form = [p.stem.split("_")[1] for p in out.glob("卫健统2表_*.csv")]
    assert sorted(tidy + form) == sorted(groups) and sorted(form) == sorted(groups)[1::2]


def test_a_workforce_form_file_is_shaped_as_the_form_exports_it(inputs):
    out, _ = inputs
    path = sorted(out.glob("卫健统2表_*.csv"))[0]
    title, header, first = path.read_text(encoding="utf-8").splitlines()[:3]
    assert title == "卫生人力基本信息调查表（卫健统2表） 2023年" and path.name.endswith("_2023.csv")
    assert header.split(",") == ["机构编码", "姓名", "身份证件号码", "从事专业类别代码", "医师执业类别代码",
                                 "医师执业范围代码", "科室实际名称"]
    assert first.split(",")[3] in {"11", "12", "21", "31", "41", "69", "80", "90"}


def test_the_pipeline_builds_the_national_inputs(inputs, tmp_path):
    out, rows = inputs
    published = tmp_path / "health.duckdb"
    result = build(out, published)
    assert result.success
    import duckdb

    with duckdb.connect(str(published), read_only=True) as con:
        staged = dict(con.execute(
            "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'staging' AND table_name IN "
            "('facilities', 'facility_stats', 'population', 'public_health')").fetchall())
        quarantined = dict(con.execute("SELECT source, count(*) FROM marts.quarantine GROUP BY 1").fetchall())
    for source in staged:
        assert staged[source] == rows[source] and source not in quarantined, source
    with duckdb.connect(str(published), read_only=True) as con:
        staff_read = con.execute("SELECT count(*) FROM raw.staff").fetchall()[0][0]
        staff_problems = con.execute("SELECT count(*) FROM raw.staff WHERE len(_problems) > 0").fetchall()[0][0]
    assert staff_read == rows["staff"] and staff_problems == 0  # both layouts read whole, every cell typed
