"""The nightly report (规划进展报告): written beside the warehouse by every build, one page per plan, self-contained.

The browser test opens the report built from the shipped sample from disk in Debian's headless Chromium, follows
the link to every plan page, sees its scorecard and charts, and checks that no request left the file system.
Screenshots go to tests/artifacts/. Without Chromium the browser test is skipped and says why.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pipelines.catalog import load_catalog
from pipelines.cli import summary
from pipelines.report import CHART_CACHE, ChartCache, _page, build_report

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PLANS = sorted(p["plan_id"] for p in load_catalog().plans)
NO_DATA_IN_THE_SMALL_INBOX = [p for p in PLANS if p != "xuchang_2020"]  # conftest's inbox is a fragment of 许昌


def report_of(warehouse: Path) -> Path:
    return warehouse.parent / "report"


# ------------------------------------------------------------------------------------------ files
def test_every_build_writes_an_index_and_a_page_per_plan_beside_the_warehouse(small_warehouse):
    report = report_of(small_warehouse)
    assert sorted(p.name for p in report.iterdir()) == sorted(["index.html", *(f"{p}.html" for p in PLANS)])
    index = (report / "index.html").read_text(encoding="utf-8")
    for plan_id in PLANS:
        assert f'href="{plan_id}.html"' in index
    assert not [p for p in small_warehouse.parent.iterdir() if p.name.startswith(".report")]  # nothing half-built left


def test_nothing_on_a_page_reaches_outside_the_file_system(small_warehouse):
    for page in report_of(small_warehouse).glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), page.name
        assert "<script" not in text and "@import" not in text and "url(" not in text, page.name


def test_a_plan_without_data_says_so_on_its_page_in_the_index_and_in_the_run_summary(small_warehouse):
    report = report_of(small_warehouse)
    index = (report / "index.html").read_text(encoding="utf-8")
    assert index.count("暂无数据 no data yet") == len(NO_DATA_IN_THE_SMALL_INBOX)
    for plan_id in NO_DATA_IN_THE_SMALL_INBOX:
        assert 'id="no-data"' in (report / f"{plan_id}.html").read_text(encoding="utf-8"), plan_id
    xuchang = (report / "xuchang_2020.html").read_text(encoding="utf-8")
    assert 'id="no-data"' not in xuchang and 'class="scorecard"' in xuchang
    lines = summary(small_warehouse).splitlines()
    assert [line.split(":")[0].strip() for line in lines if "no data yet" in line] == [f"规划 plan {p}" for p in NO_DATA_IN_THE_SMALL_INBOX]
    assert f"  报告 report: {report / 'index.html'}" in lines


def test_the_scorecard_shows_actual_shortfall_and_colour(small_warehouse):
    # 许昌 2023: 魏都区 411002 has T1 and T2, neither graded 2+: 0 % of ≥ … — the cell shows 0 and is coloured not met;
    # 建安区's 二级甲等 hospital H2 meets grade2a_general_hospital_per_county: 1, green (achieved).
    page = (report_of(small_warehouse) / "xuchang_2020.html").read_text(encoding="utf-8")
    assert re.search(r'<td class="cell" style="background:#1a9850;color:#fff" title="建安区 2023; 已达标 achieved; 实际 actual 1;', page)
    assert "计分卡 Scorecard, 2023" in page
    # primary_care_centres_grade2_pct: 魏都区 has T1, T2 and 建安区 T3, T4, none graded 2+: each county 1 short
    # of the plan's share, 许昌市 2 in all (marts.shortfall_totals)
    assert re.search(r'title="魏都区 2023; [^"]*缺口 shortfall 1 facilities_primary_care_centre_grade2plus"[^>]*>0<small>缺 1</small>', page)
    assert "缺 2<br><small>2 单位 units · facilities_primary_care_centre_grade2plus</small>" in page


def test_a_failed_build_leaves_the_old_report_whole(small_warehouse, tmp_path):
    report = tmp_path / "report"
    shutil.copytree(report_of(small_warehouse), report)
    before = {p.name: p.read_bytes() for p in report.iterdir()}
    with pytest.raises(Exception):
        build_report(tmp_path / "no_such_warehouse.duckdb", report, "failing-run")
    assert {p.name: p.read_bytes() for p in report.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_a_chart_drawn_before_is_taken_from_the_cache_and_charts_no_page_shows_are_removed(small_warehouse, tmp_path):
    report, cache = tmp_path / "report", tmp_path / CHART_CACHE
    build_report(small_warehouse, report, "first")
    first = {p.name: p.read_text(encoding="utf-8") for p in report.iterdir()}
    drawn = sorted(cache.iterdir())
    assert drawn and all(any(svg.read_text(encoding="utf-8") in page for page in first.values()) for svg in drawn)
    # the same report again, from the cache: the same pages
    build_report(small_warehouse, report, "second")
    assert {p.name: p.read_text(encoding="utf-8") for p in report.iterdir()} == first
    # the cache is what the pages show, and a chart no page shows any more is removed
    drawn[0].write_text('<svg id="from-the-cache"></svg>', encoding="utf-8")
    unused = cache / f"{'0' * 64}.svg"
    unused.write_text("<svg></svg>", encoding="utf-8")
    build_report(small_warehouse, report, "third")
    assert any('id="from-the-cache"' in p.read_text(encoding="utf-8") for p in report.iterdir())
    assert not unused.exists() and sorted(cache.iterdir()) == drawn


def test_a_chart_is_drawn_again_for_other_fonts(tmp_path):
    def specification(figures: dict) -> dict:
        return {"data": {"values": figures["points"]}, "mark": "point",
                "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}

    figures = {"points": [{"x": 1, "y": 2}]}
    ChartCache(tmp_path, ()).svg(figures, specification)
    ChartCache(tmp_path, ()).svg(figures, specification)
    assert len(list(tmp_path.iterdir())) == 1
    ChartCache(tmp_path, ("/usr/share/fonts/another.ttf",)).svg(figures, specification)
    assert len(list(tmp_path.iterdir())) == 2
    ChartCache(tmp_path, ()).svg({"points": [{"x": 1, "y": 3}]}, specification)
    assert len(list(tmp_path.iterdir())) == 3


def test_a_missing_chinese_font_is_said_at_the_top_of_the_page():
    assert 'id="font-missing"' in _page("t", "<p>x</p>", font_ok=False)
    assert "fonts-wqy-zenhei" in _page("t", "<p>x</p>", font_ok=False)
    assert "font-missing" not in _page("t", "<p>x</p>", font_ok=True)


# ------------------------------------------------------------------------------------------ in a browser
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine: install Debian's chromium (apt-get install chromium)")
def test_the_report_opens_from_disk_and_every_plan_page_has_a_scorecard_and_a_chart(sample_warehouse):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    index = report_of(sample_warehouse) / "index.html"
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        page.on("request", lambda request: requests.append(request.url))
        # anything but a local file is refused, so a stray reference would also fail to load
        page.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
        page.goto(index.as_uri())
        page.get_by_text("卫生健康规划进展报告").first.wait_for()
        page.screenshot(path=ARTIFACTS / "report_index.png", full_page=True)
        for plan_id in PLANS:
            page.goto(index.as_uri())
            page.locator(f'a[href="{plan_id}.html"]').click()
            page.wait_for_url(f"**/{plan_id}.html")
            assert page.locator("table.scorecard").count() >= 1, plan_id
            assert page.locator("table.scorecard td.cell, table.scorecard .chip").count() >= 1, plan_id
            charts = page.locator("figure.chart svg")
            assert charts.count() >= 1, plan_id
            assert charts.first.bounding_box()["height"] > 200, plan_id
            assert charts.first.locator("path").count() > 5, plan_id  # lines and axes, not an empty frame
            assert page.locator("#font-missing").count() == 0, "the Chinese font is missing on this machine"
            page.screenshot(path=ARTIFACTS / f"report_{plan_id}.png")
            charts.first.screenshot(path=ARTIFACTS / f"report_{plan_id}_chart.png")
        browser.close()
    assert requests and all(url.startswith("file://") for url in requests), [u for u in requests if not u.startswith("file://")]
