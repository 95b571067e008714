"""The release guard on a copy of the shipped sample: a build whose figures fall beyond the limits of
expectations/release_guard.yaml is not published, says what fell from what to what in which file (Chinese first,
English beside), and is released only by an acceptance that names it, recorded in marts.build_info.

Faults (issue 17):
- 佛山's registry exported header-only: 佛山市 440600 falls from all its facilities to 0 (and its staff, quarantined
  as "unknown facility", with them). Published before the guard: "0 村卫生室" for 高明区.
- 广陵区's 2024 population rows quarantined: 扬州市's regions with a resident population in 2024 fall from 72 to 61 (6 counties and
  66 townships, less 广陵区 and its 10).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import polars as pl
import pytest

from conftest import build, query
from pipelines.settings import SAMPLE_DIR


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def published_sample(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the sample inbox and the warehouse published from it (the build the guard compares with)."""
    if not any(SAMPLE_DIR.glob("staff_*.csv")):
        from pipelines.cli import ensure_sample

        ensure_sample()
    root = tmp_path_factory.mktemp("guard")
    inbox = root / "inbox"
    shutil.copytree(SAMPLE_DIR, inbox, ignore=shutil.ignore_patterns("*.md", ".*"))
    published = root / "warehouse" / "health.duckdb"
    result = build(inbox, published)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return inbox, published


def guard_evaluation(result):
    [evaluation] = [e for e in result.get_asset_check_evaluations() if e.asset_check_key.name == "no_unaccepted_drop"]
    return evaluation


@pytest.fixture
def copy_of(published_sample, tmp_path):
    """A copy of the inbox and of the published warehouse for one test, so each starts from the same build."""
    inbox, published = published_sample
    shutil.copytree(inbox, tmp_path / "inbox")
    target = tmp_path / "warehouse" / "health.duckdb"
    target.parent.mkdir()
    shutil.copyfile(published, target)
    shutil.copyfile(published.with_name("health.duckdb.sha256"), target.with_name("health.duckdb.sha256"))
    return tmp_path / "inbox", target


def test_a_header_only_registry_is_blocked_until_accepted(copy_of, tmp_path, monkeypatch):
    inbox, published = copy_of
    good = sha256(published)
    [foshan_before] = query(published, "SELECT value FROM marts.release_profile WHERE scope = 'prefecture' "
                                       "AND scope_code = '440600' AND metric = 'facilities'")
    registry = inbox / "facilities_foshan.xlsx"
    header = pl.read_excel(registry, infer_schema_length=0).head(0)
    header.write_excel(registry)

    result = build(inbox, published)
    assert not result.success
    guard = guard_evaluation(result)
    assert not guard.passed
    text = guard.description
    expected_zh = f"佛山市 440600：机构数从 {foshan_before[0]:,} 降至 0（下降 100%，上限 20%），文件 facilities_foshan.xlsx。"
    expected_en = f"佛山市 440600: registry facilities fell from {foshan_before[0]:,} to 0 (−100%, limit 20%), file facilities_foshan.xlsx."
    assert expected_zh + " " + expected_en in text  # Chinese first, English beside
    assert "文件 facilities_foshan.xlsx：文件行数从" in text  # the file itself, too
    assert "人员数" in text and "staff records" in text  # its staff went with it
    assert "如确认这些下降属实" in text and str(tmp_path) not in text.split("\n")[0]
    # Nothing published, nothing lost: the published warehouse is the same file, byte for byte.
    assert sha256(published) == good
    assert [e for e in result.all_events if e.is_step_success and e.step_key == "warehouse_file"] == []

    # An acceptance must name this build and say who: an entry for another build or without a name does nothing.
    fingerprint = guard.metadata["build_fingerprint"].value
    acceptances = tmp_path / "release_acceptances.yaml"
    monkeypatch.setenv("HEALTH_RELEASE_ACCEPTANCES", str(acceptances))
    acceptances.write_text(f"- build: 0000000000000000\n  accepted_by: 李四\n- build: {fingerprint}\n  reason: 无人署名\n",
                           encoding="utf-8")
    assert not build(inbox, published).success
    assert sha256(published) == good

    acceptances.write_text(f"- build: {fingerprint}\n  accepted_by: 李四\n  reason: 佛山市机构名录改由区里报送\n", encoding="utf-8")
    accepted = build(inbox, published)
    assert accepted.success
    assert query(published, "SELECT DISTINCT release_fingerprint, release_acceptance FROM marts.build_info") == [
        (fingerprint, f"李四: 佛山市机构名录改由区里报送 (build {fingerprint})")]
    [(breaches,)] = query(published, "SELECT count(*) FROM marts.release_comparison WHERE breach")
    assert breaches >= 2
    assert query(published, "SELECT count(*) FROM staging.facilities WHERE region_code LIKE '4406%'") == [(0,)]


def test_a_prefecture_losing_population_coverage_is_blocked(copy_of):
    inbox, published = copy_of
    good = sha256(published)
    path = inbox / "population_2019_2024.csv"
    lines = path.read_bytes().decode("gb18030").splitlines()
    for i, line in enumerate(lines):
        cells = line.split(",")
        if cells[0].startswith("321002") and cells[1] == "2024":
            cells[2] = "不详"
            lines[i] = ",".join(cells)
    path.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))

    result = build(inbox, published)
    assert not result.success
    text = guard_evaluation(result).description
    assert ("扬州市 321000：有常住人口数据的区划数 2024年从 72 降至 61（下降 15%，上限 10%），文件 population_2019_2024.csv。 "
            "扬州市 321000: regions with a resident population 2024 fell from 72 to 61 (−15%, limit 10%), "
            "file population_2019_2024.csv.") in text
    assert "佛山" not in text and "宜昌" not in text  # the other prefectures did not move
    assert sha256(published) == good


def test_an_unchanged_inbox_passes_the_guard(copy_of):
    inbox, published = copy_of
    result = build(inbox, published)
    assert result.success
    guard = guard_evaluation(result)
    assert guard.passed and "均未超限下降" in guard.description and "none of" in guard.description
    assert query(published, "SELECT count(*) FROM marts.release_comparison WHERE breach") == [(0,)]
