"""End to end in a real browser: the Dagster webserver on the project's workspace, driven by headless Chromium.

Screenshots are saved to tests/artifacts/. Chromium comes from Debian (`apt-get install chromium`, done by
.ci/run); where no Chromium can be found the test is skipped and says why.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import write_small_inbox

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium on this machine: install Debian's chromium (apt-get install chromium) to run the browser test"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    root = tmp_path_factory.mktemp("ui")
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    env = os.environ | {
        "DAGSTER_HOME": str(home),
        "HEALTH_INBOX": str(write_small_inbox(root / "inbox")),
        "HEALTH_WAREHOUSE": str(root / "warehouse" / "health.duckdb"),
    }
    built = subprocess.run([sys.executable, "-m", "pipelines.cli", "run"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    run_id = built.stdout.split("run ", 1)[1].split()[0]
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/server_info", timeout=2)
            break
        except OSError:
            time.sleep(1)
    else:
        server.kill()
        pytest.fail("the Dagster webserver did not start within 180 s")
    yield url, run_id
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def page(webserver):  # noqa: ARG001 (the server must be up before the browser)
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def test_the_asset_graph_shows_every_stage(page, webserver):
    url, _ = webserver
    page.goto(f"{url}/asset-groups")
    for group in ("ingest", "config", "intermediate", "validation", "staging", "marts", "publish", "report"):
        page.get_by_text(group, exact=True).first.wait_for()
    page.screenshot(path=ARTIFACTS / "asset_graph.png", full_page=True)


def lineage(page, url: str, asset: str, shown: tuple[str | re.Pattern, ...], screenshot: str) -> None:
    """An asset's nearest neighbours in the lineage graph: the tables its SQL reads and the tables that read it."""
    page.goto(f"{url}/assets/{asset}?view=lineage&lineageScope=neighbors&lineageDepth=1")
    for table in shown:
        page.get_by_text(table, exact=True).first.wait_for()
    page.screenshot(path=ARTIFACTS / screenshot, full_page=True)


def test_the_lineage_graph_shows_the_tables_each_model_reads(page, webserver):
    """Each table its own node, wired by what its SQL reads (sql/marts/indicator_values.sql: marts.indicators,
    marts.measures, marts.norms, staging.region_ancestors, staging.region_coverage, staging.region_measures)."""
    url, _ = webserver
    lineage(page, url, "marts/indicator_values",
            ("indicators", "measures", "norms", "region_ancestors", "region_coverage", "region_measures",
             "norm_candidates", "dqr_statistics", "target_tracking"), "lineage_indicator_values.png")
    # the graph shortens a long label in its middle ("facility…_measures"), so that node is matched by its ends
    facility_staff_measures = re.compile(r"^facility_staff_measures$|^facility…_measures$")
    lineage(page, url, "staging/staff", ("staff_validated", facility_staff_measures, "release_profile"),
            "lineage_staging_staff.png")


def test_an_assets_checks_are_shown_with_their_results(page, webserver):
    url, _ = webserver
    page.goto(f"{url}/assets/staging/facility_stats?view=checks")
    page.get_by_text("rows_accounted", exact=True).first.wait_for()
    page.get_by_text("quarantine_share", exact=True).first.wait_for()
    page.get_by_text("quality_rules", exact=True).first.wait_for()
    # one check's page by its address (checkDetail), as a link to it would open it: no click a popover could catch
    page.goto(f"{url}/assets/staging/facility_stats?view=checks&checkDetail=rows_accounted")
    page.get_by_text("Succeeded").first.wait_for()
    page.get_by_text("This is a blocking asset check.").first.wait_for()
    page.screenshot(path=ARTIFACTS / "asset_checks.png", full_page=True)
    # the row-level rules: a warning with what failed, by rule (the small inbox has nothing to quarantine here)
    page.goto(f"{url}/assets/staging/facility_stats?view=checks&checkDetail=quality_rules")
    page.get_by_text("This is a non-blocking asset check.").first.wait_for()
    page.get_by_text("rows have a problem").first.wait_for()
    page.screenshot(path=ARTIFACTS / "quality_rules_check.png", full_page=True)


def test_no_newsletter_dialog_covers_the_pages(webserver):
    """dagster.yaml turns off the webserver's "Join the Dagster community" dialog (nux), which otherwise fades
    in over whatever page is open, a screenshot included. The UI asks the server whether to show it."""
    url, _ = webserver
    query = json.dumps({"query": "{ shouldShowNux }"}).encode()
    request = urllib.request.Request(f"{url}/graphql", data=query, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.load(response) == {"data": {"shouldShowNux": False}}


def test_the_finished_run_is_shown_as_a_success(page, webserver):
    url, run_id = webserver
    page.goto(f"{url}/runs")
    page.get_by_text("build_warehouse").first.wait_for()
    page.get_by_text("Success").first.wait_for()
    page.goto(f"{url}/runs/{run_id}")
    page.get_by_text("warehouse_file").first.wait_for()
    page.get_by_text("RUN_SUCCESS").first.wait_for()
    page.screenshot(path=ARTIFACTS / "finished_run.png", full_page=True)
