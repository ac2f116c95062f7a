"""The real app in a real browser: filter, click a point, briefing mode at 1280x720, in headless Chromium.

Marked `browser`; skipped with its reason where Chromium is not installed.
The screenshot is kept in tests/artifacts/ for a person to look at.
"""

import json
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


def _label_rects(tab) -> list[dict]:
    return tab.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .annotation')]
        .filter(a => (a.getAttribute('data-index') !== null))
        .map(a => { const r = a.querySelector('.annotation-text-g').getBoundingClientRect();
                    return {x: r.x, y: r.y, w: r.width, h: r.height, text: a.textContent}; })
        .filter(r => r.w > 0 && !r.text.startsWith('Sources:') && !r.text.includes('event'))""")


def _overlaps(rects) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            across = a["x"] < b["x"] + b["w"] - 2 and b["x"] < a["x"] + a["w"] - 2
            if across and a["y"] < b["y"] + b["h"] - 2 and b["y"] < a["y"] + a["h"] - 2:
                out.append((a["text"][:30], b["text"][:30]))
    return out


@pytest.mark.parametrize("width", [1000, 1280])
def test_a_narrow_window_folds_the_sidebar_and_labels_never_overlap(browser, app_url, width):
    tab = _open(browser, app_url, width, 720)
    try:
        tab.wait_for_timeout(1500)  # the browser reports the width; the chart is laid out again for it
        sidebar = tab.locator("[data-testid='stSidebar']").bounding_box()
        chart = tab.locator(".js-plotly-plot").first.bounding_box()
        if width < 1100:
            assert sidebar is None or sidebar["width"] == 0 or sidebar["x"] + sidebar["width"] <= 0
            assert chart["width"] > 0.85 * width
        assert chart["x"] + chart["width"] <= width
        rects = _label_rects(tab)
        assert len(rects) >= 4 and not _overlaps(rects)
        buttons = tab.locator("[data-testid='stDownloadButton'] button")
        for i in range(buttons.count()):
            box = buttons.nth(i).bounding_box()
            assert box is None or box["x"] + box["width"] <= width, "a download button is cut"
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"timeline_{width}x720.png"))
    finally:
        tab.close()


def _day(text: str) -> float:
    from ui import days

    return days.from_iso(text)


def test_zooming_relabels_the_events_in_the_new_range(browser, app_url):
    tab = _open(browser, app_url, 1600, 900)
    try:
        before = tab.evaluate("() => document.querySelector('.js-plotly-plot').layout.xaxis.range")
        plot = tab.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
        # Drag (pan) the axis by a third of its width, as a reader would.
        tab.mouse.move(plot["x"] + plot["width"] * 0.2, plot["y"] + 40)
        tab.mouse.down()
        tab.mouse.move(plot["x"] + plot["width"] * 0.55, plot["y"] + 40, steps=6)
        tab.mouse.up()
        names = """() => document.querySelector('.js-plotly-plot').layout.annotations
            .filter(a => (a.name || '').startsWith('label:')).map(a => a.x)"""
        labelled_before = tab.evaluate(names)
        tab.wait_for_function(
            f"() => JSON.stringify(({names})()) !== {json.dumps(json.dumps(labelled_before))}", timeout=30_000
        )
        tab.wait_for_timeout(1000)
        shown = tab.evaluate("() => document.querySelector('.js-plotly-plot').layout.xaxis.range")
        lo, hi = (_day(x) for x in shown)
        assert lo < _day(before[0])  # the panned range stays
        xs = tab.evaluate(names)
        assert all(lo - 1 <= _day(x) <= hi + 1 for x in xs), (shown, xs)  # labels only where the reader looks
        assert not _overlaps(_label_rects(tab))
    finally:
        tab.close()
