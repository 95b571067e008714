"""A rate above the unit its figures are filed for is published only where numerator and denominator cover the
same parts (staging.region_coverage); elsewhere the value is empty and marts.indicator_values.reason says which
part lacks which figure.

Hand case (the small inbox of conftest.py without 西大街道's population row):
  魏都区 411002 files no population of its own: its denominator is 东大街道's 20,000 alone, while its beds are
  H1 300 + T1 40 + T2 20 = 360. 360 / 20,000 × 1,000 = 18.0 would be published, three times the truth.
  许昌市 411000: 620 beds over 20,000 + 60,000 = 80,000 residents would give 7.75 (truth with the row: 5.64).
  建安区 411003 files its own 60,000: 260 / 60 = 4.33, unaffected.

The 扬州 case (issue 17), replayed on a copy of the sample: 广陵区 321002's 2024 population rows (the county and
its 10 townships, 11 rows) come in as 不详 and are quarantined (11 of 2,262 rows: under the 5% that blocks).
  扬州市 321000, 2024: beds 18,695; residents 4,692,128 with 广陵区's 984,249, so 3.98 per 1,000.
  Without them the denominator is 3,707,879 while the numerator keeps 广陵区's 3,827 beds: 5.04, a plausible
  and wrong figure. It must not be published.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from conftest import POPULATION, build, write_small_inbox
from pipelines.reading import decode_csv
from pipelines.settings import SAMPLE_DIR


def row(path: Path, region: str, year: int, indicator: str):
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "SELECT numerator, denominator, value, reason FROM marts.indicator_values "
            "WHERE region_code = ? AND year = ? AND indicator_code = ?", [region, year, indicator],
        ).fetchall()
    return rows[0] if rows else None


def test_a_township_without_population_withholds_its_county_and_prefecture_rates(tmp_path):
    inbox = write_small_inbox(tmp_path / "inbox")
    kept = [r for r in POPULATION if r[0] != "411002001"]
    frame = pl.DataFrame(kept, schema=["区划代码", "年份", "常住人口", "65岁及以上人口", "活产数"], orient="row")
    (inbox / "population_2023.csv").write_bytes(frame.write_csv().encode("gbk"))
    published = tmp_path / "warehouse" / "health.duckdb"
    assert build(inbox, published).success

    for region in ("411002", "411000"):
        numerator, denominator, value, reason = row(published, region, 2023, "beds_per_1k")
        assert value is None, (region, numerator, denominator)
        assert reason.startswith("分子分母覆盖的单位不一致") and "Numerator and denominator cover different units" in reason
        assert "西大街道 411002001 有 beds 无 resident_population" in reason
        assert "西大街道 411002001 has beds but no resident_population" in reason
    assert row(published, "411003", 2023, "beds_per_1k")[:3] == pytest.approx((260, 60000, 260 / 60))
    assert row(published, "411002001", 2023, "beds_per_1k") == (40, None, None, "无分母数据 No denominator figure")
    # A count needs no denominator: still published.
    with duckdb.connect(str(published), read_only=True) as con:
        counts = con.execute(
            "SELECT count(*) FROM marts.indicator_values WHERE region_code = '411000' AND year = 2023 "
            "AND unit = 'count' AND value IS NULL"
        ).fetchall()[0][0]
    assert counts == 0


@pytest.fixture(scope="module")
def yangzhou_inbox(tmp_path_factory) -> Path:
    if not any(SAMPLE_DIR.glob("staff_*.csv")):
        from pipelines.cli import ensure_sample

        ensure_sample()
    inbox = tmp_path_factory.mktemp("yangzhou") / "inbox"
    shutil.copytree(SAMPLE_DIR, inbox, ignore=shutil.ignore_patterns("*.md", ".*"))
    path = inbox / "population_2019_2024.csv"
    text, encoding, _ = decode_csv(path.read_bytes())
    assert encoding == "gbk"
    lines, changed = text.splitlines(), 0
    for i, line in enumerate(lines):
        cells = line.split(",")
        if cells[0].startswith("321002") and cells[1] == "2024":
            cells[2] = "不详"
            lines[i], changed = ",".join(cells), changed + 1
    assert changed == 11
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    return inbox


def test_yangzhou_2024_beds_per_1000_is_not_published_as_a_wrong_number(yangzhou_inbox, tmp_path):
    published = tmp_path / "warehouse" / "health.duckdb"
    result = build(yangzhou_inbox, published)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    with duckdb.connect(str(published), read_only=True) as con:
        quarantined = con.execute(
            "SELECT count(*) FROM marts.quarantine WHERE source = 'population' AND \"column\" = 'resident_population'"
        ).fetchall()[0][0]
        counties = dict(con.execute(
            "SELECT region_code, denominator FROM marts.indicator_values WHERE indicator_code = 'beds_per_1k' "
            "AND year = 2024 AND level = 'county' AND region_code LIKE '3210%'"
        ).fetchall())
        norm_reasons = con.execute(
            "SELECT DISTINCT reason FROM marts.norm_results WHERE region_code = '321000' AND year = 2024 "
            "AND indicator_code IN (SELECT indicator_code FROM marts.indicators WHERE denominator = 'resident_population') "
            "AND status = 'not_evaluable'"
        ).fetchall()
    assert quarantined == 11  # below the share that blocks: the run published

    numerator, denominator, value, reason = row(published, "321000", 2024, "beds_per_1k")
    assert (numerator, denominator) == (18695, 3707879)  # by hand: 4,692,128 − 984,249
    assert round(numerator / denominator * 1000, 2) == 5.04  # the wrong figure the issue saw …
    assert value is None  # … is not published
    assert "广陵区 321002 有 beds 无 resident_population" in reason and "广陵区 321002 has beds but no resident_population" in reason
    assert counties["321002"] is None and counties["321003"] == 419502
    # Other years and the other prefectures keep their values; the county's own rate is empty for lack of residents.
    numerator, denominator, value, reason = row(published, "321000", 2023, "beds_per_1k")
    assert value == pytest.approx(numerator / denominator * 1000) and reason is None
    assert row(published, "321002", 2024, "beds_per_1k")[3] == "无分母数据 No denominator figure"
    for prefecture in ("411000", "420500", "450700"):
        assert row(published, prefecture, 2024, "beds_per_1k")[2] is not None
    # The prefecture's norms on per-resident rates cannot be judged, and say why.
    assert all(r.startswith("分子分母覆盖的单位不一致") for (r,) in norm_reasons)
    assert result.get_asset_check_evaluations() and any(
        e.asset_check_key.name == "coherent_rollups" and not e.passed for e in result.get_asset_check_evaluations()
    )
