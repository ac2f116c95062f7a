"""The real app in a real browser: start Streamlit, filter by an actor in headless Chromium.

Marked `browser`; skipped with its reason where Chromium is not installed.
The screenshot is kept in tests/artifacts/ for a person to look at.
"""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Chromium: apt-get install chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        tab = browser.new_page(viewport={"width": 1600, "height": 900})
        tab.goto(app_url)
        tab.wait_for_selector(".js-plotly-plot", timeout=90_000)
        yield tab
        browser.close()


def _chart_event_ids(page) -> set[str]:
    ids = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(
        el => el.data.flatMap(t => t.customdata || []))""")
    return set(ids)


def test_filtering_by_an_actor_shows_only_its_events(page, seed_tables):
    before = _chart_event_ids(page)
    assert before
    page.locator("[data-testid='stMultiSelect']").first.click()
    page.keyboard.type("Iran")
    # Click the exact option: Enter would also take a fuzzy match such as "European Council
    # on Foreign Relations" (i-r-a-n in order) when the seed build names one.
    page.get_by_role("option", name="Iran", exact=True).click()
    page.keyboard.press("Escape")
    iran = set(seed_tables.events.loc[seed_tables.events["actors"].str.contains("Iran"), "event_id"])
    deadline = time.time() + 30
    while time.time() < deadline and not (_chart_event_ids(page) and _chart_event_ids(page) <= iran):
        time.sleep(0.5)
    shown = _chart_event_ids(page)
    assert shown and shown <= iran and shown < before
    assert "actor=Iran" in page.url
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard_iran.png"), full_page=True)
