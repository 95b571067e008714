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
    for source in ("population", "facilities", "facility_stats", "staff", "public_health"):
        assert {p.stem.removeprefix(f"{source}_") for p in out.glob(f"{source}_[0-9]*.csv")} == groups, source


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
