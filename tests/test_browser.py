"""The real app in a real browser: filter, click a point, briefing mode at 1280x720, in headless Chromium.

Marked `browser`; skipped with its reason where Chromium is not installed.
The screenshot is kept in tests/artifacts/ for a person to look at.
"""

import re
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
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(app_url, browser):
    tab = browser.new_page(viewport={"width": 1600, "height": 900})
    tab.goto(app_url)
    tab.wait_for_selector(".js-plotly-plot", timeout=90_000)
    yield tab
    tab.close()


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
    chosen = page.locator("[data-testid='stMultiSelect']").first.inner_text()
    assert "Iran" in chosen and "(" not in chosen  # Enter adds one value, an actor, not every match
    iran = set(seed_tables.events.loc[seed_tables.events["actors"].str.contains("Iran"), "event_id"])
    deadline = time.time() + 30
    while time.time() < deadline and not (_chart_event_ids(page) and _chart_event_ids(page) <= iran):
        time.sleep(0.5)
    shown = _chart_event_ids(page)
    assert shown and shown <= iran and shown < before
    assert "actor=Iran" in page.url
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard_iran.png"), full_page=True)


def _open(browser, app_url, width, height, query=""):
    tab = browser.new_page(viewport={"width": width, "height": height})
    tab.goto(f"{app_url}/{query}")
    tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=90_000)
    tab.wait_for_timeout(1500)
    return tab


def test_clicking_a_point_opens_its_detail_beside_the_chart(browser, app_url, seed_tables):
    ARTIFACTS.mkdir(exist_ok=True)
    tab = _open(browser, app_url, 1600, 900)
    try:
        points = tab.locator(".js-plotly-plot .cartesianlayer .subplot.xy .scatterlayer .trace .points path")
        plot = tab.locator(".js-plotly-plot .cartesianlayer .subplot.xy .gridlayer").first.bounding_box()
        boxes = [points.nth(i).bounding_box() for i in range(points.count())]
        inside = [b for b in boxes if b and plot["x"] + 20 < b["x"] < plot["x"] + plot["width"] - 20]
        box = min(inside, key=lambda b: abs(b["x"] - plot["x"] - plot["width"] / 2))  # away from edge notes
        for _ in range(3):  # the first run of a cold server may still be redrawing the chart
            tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            try:
                tab.wait_for_selector("mark", timeout=15_000)
                break
            except Exception:
                tab.screenshot(path=str(ARTIFACTS / "click_retry.png"))
        assert "event=" in tab.url
        event_id = tab.url.split("event=")[1].split("&")[0]
        assert event_id in set(seed_tables.events["event_id"])
        chart, mark = tab.locator(".js-plotly-plot").first.bounding_box(), tab.locator("mark").first.bounding_box()
        assert mark["x"] > chart["x"] + chart["width"] - 5 and mark["y"] < 900  # beside the chart, in view
    finally:
        tab.close()


def test_briefing_mode_fits_1280x720_with_no_control_in_the_frame(browser, app_url):
    tab = _open(browser, app_url, 1280, 720, "?brief=1&actor=Russia")
    try:
        chart = tab.locator(".js-plotly-plot").first.bounding_box()
        assert chart["y"] >= 0 and chart["y"] + chart["height"] <= 720 and chart["x"] + chart["width"] <= 1280
        layout = tab.evaluate("() => document.querySelector('.js-plotly-plot').layout")
        assert re.sub("<[^>]+>", "", layout["title"]["text"]).startswith("Russia, ")
        footnote = tab.locator(".js-plotly-plot .annotation-text", has_text="Sources:").first.bounding_box()
        assert footnote and footnote["y"] + footnote["height"] <= 720
        title = tab.locator(".js-plotly-plot .gtitle").first.bounding_box()
        assert title and title["y"] >= 0
        for selector in (
            "[data-testid='stSidebar']",
            "[data-testid='stRadio']",
            "[data-testid='stToggle']",
            "[data-testid='stTextInput']",
            "[data-testid='stButton']",
            "[data-testid='stHeader']",
        ):
            for box in [tab.locator(selector).nth(i).bounding_box() for i in range(tab.locator(selector).count())]:
                assert box is None or box["y"] >= 720 or box["width"] == 0, selector
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "briefing_1280x720.png"))
    finally:
        tab.close()


def test_the_png_export_and_the_camera_carry_title_and_footnote(browser, app_url):
    tab = _open(browser, app_url, 1600, 900)
    try:
        layout = tab.evaluate("() => document.querySelector('.js-plotly-plot').layout")
        assert layout["title"]["text"] and any(a["text"].startswith("Sources:") for a in layout["annotations"])
        button = tab.get_by_role("button", name="Chart (PNG)")
        if button.is_disabled():
            pytest.skip("PNG export needs kaleido and Chromium")
        with tab.expect_download(timeout=120_000) as download:
            button.click()
        data = Path(download.value.path()).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == 3200
    finally:
        tab.close()
