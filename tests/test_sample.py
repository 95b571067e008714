"""The shipped sample: generated deterministically, in the formats statisticians send, and clean to ingest."""

import hashlib
from pathlib import Path

import polars as pl
import pytest

from pipelines.contract import load_sources
from pipelines.ingestion import ingest_source
from pipelines.reading import decode_csv
from generators.sample import generate
from pipelines.settings import SAMPLE_DIR


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate(out)
    return out


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_committed_sample_is_exactly_what_the_generator_writes(generated):
    committed = sorted(p.name for p in SAMPLE_DIR.iterdir() if not p.name.startswith("staff_") and p.suffix != ".md")
    assert committed == sorted(p.name for p in generated.iterdir() if not p.name.startswith("staff_"))
    for name in committed:
        assert sha(SAMPLE_DIR / name) == sha(generated / name), name


def test_formats_as_statisticians_send_them(generated):
    population = (generated / "population_2019_2024.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        population.decode("utf-8")
    assert decode_csv(population)[1] == "gbk"
    assert "常住人口" in decode_csv(population)[0].splitlines()[0]
    assert len(list(generated.glob("facilities_*.xlsx"))) == 5
    assert pl.read_excel(generated / "facilities_yangzhou.xlsx").columns[:3] == ["机构代码", "机构名称", "机构类别"]
    # and in the real shapes: a registry with a title above a two-row header, the annual report as a
    # workbook of sheets with no year column, the workforce form's codes under a title
    registry = pl.read_excel(generated / "facilities_xuchang.xlsx", has_header=False)
    assert registry.row(0)[0] == "许昌市医疗卫生机构名录（2024年）" and registry.row(2)[5] == "医院等级" and registry.row(3)[5] == "级"
    assert "合计" in registry.to_series(0).to_list()
    import fastexcel
    assert fastexcel.read_excel((generated / "facility_stats_2024.xlsx").read_bytes()).sheet_names == [
        "许昌市", "佛山市", "扬州市", "宜昌市", "钦州市", "填表说明"]
    assert (generated / "staff_2019.csv").read_text(encoding="utf-8").splitlines()[1].startswith("机构编码,姓名,身份证件号码,从事专业类别代码")


def test_the_retired_county_code_is_used_as_in_real_files(generated):
    regions = pl.read_csv(generated / "regions_2024.csv", infer_schema=False)
    assert regions.filter(pl.col("region_code") == "411023")["replaced_by"].to_list() == ["411003"]
    facilities = ingest_source(generated, load_sources()["facilities"], b"test").frame
    assert facilities.filter(pl.col("region_code") == "411023").height >= 1


def test_every_source_ingests_without_problems_at_realistic_scale(generated):
    sources = load_sources()
    sizes = {}
    for name in ("regions", "population", "facilities", "facility_stats", "public_health"):
        ingested = ingest_source(generated, sources[name], b"test")
        assert ingested.structural_errors == [], name
        assert ingested.frame.filter(pl.col("_problems").list.len() > 0).height == 0, name
        sizes[name] = ingested.frame.height
    assert sizes["facilities"] > 3000
    staff_2024 = ingest_source(generated, sources["staff"], b"test").frame.filter(pl.col("year") == 2024)
    assert staff_2024.height > 10_000
