"""Dashboard speed on a large table: server time (AppTest) and time in a real browser (Chromium).

    python benchmarks/dashboard_speed.py            # 20,000 synthetic events, server time
    python benchmarks/dashboard_speed.py --events 5000 --runs 5
    python benchmarks/dashboard_speed.py --browser --events 1000 5000 20000
    python benchmarks/dashboard_speed.py --store --events 1000000 [--browser]

Writes a synthetic events table (actors, people and places of the seed
articles, mixed date precisions, multi-source events) like a build would,
points the page at it (TIMELINE_EVENTS_FILE) and times the page script with
Streamlit's AppTest: the first run (load, prepare, figures, table) and then
a change of the actor filter, a search and a switch to the actor tracks.
With --browser it starts `streamlit run` on the table and drives Debian's
Chromium with Playwright, timing from the user's action to the chart drawn
(the figure's subtitle, which counts the events, shows the new state and
Streamlit has finished the run): first chart in a cold server, first chart
in a new tab, an actor chosen in the sidebar, a switch to the actor tracks;
and the bytes the page receives over its websocket on first load.
With --store the events go to an event store instead (`pipeline.store`,
synthetic events tiled as `scale.py store` does) and the page queries it
(TIMELINE_STORE): filters run in DuckDB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(at) -> float:
    started = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return time.perf_counter() - started


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DRAWN = """(before) => {
  const el = document.querySelector('.js-plotly-plot');
  if (!el || !el.layout || !el._fullLayout || document.querySelector('[data-testid="stStatusWidget"] button')) return false;
  if (document.querySelector('[data-stale="true"] .js-plotly-plot')) return false;
  const text = JSON.stringify([el.layout.title && el.layout.title.subtitle && el.layout.title.subtitle.text,
                               (el.layout.yaxis || {}).ticktext || null]);
  return text !== before ? text : false;
}"""
STATE = """() => { const el = document.querySelector('.js-plotly-plot');
  return el && el.layout ? JSON.stringify([el.layout.title && el.layout.title.subtitle && el.layout.title.subtitle.text,
                                          (el.layout.yaxis || {}).ticktext || null]) : ''; }"""


def _source(folder: Path, n: int, store: bool) -> dict[str, str]:
    """Write `n` synthetic events to `folder` (tables, or an event store); the page's environment for them."""
    if not store:
        from synthetic import write_tables

        return {"TIMELINE_EVENTS_FILE": str(write_tables(folder, n))}
    from scale import tile_events

    from pipeline.store import write_store

    write_store(folder / "store", *tile_events(n))
    return {"TIMELINE_STORE": str(folder / "store")}


def _serve(source: dict[str, str], port: int):
    import subprocess
    import urllib.request

    env = dict(os.environ, PYTHONPATH=str(ROOT)) | source
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true"]
        + ["--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.25)
    return server


def _until_drawn(tab, before: str, timeout: float = 180) -> float:
    started = time.perf_counter()
    tab.wait_for_function(DRAWN, arg=before, timeout=timeout * 1000, polling=50)
    return time.perf_counter() - started


def browser_times(n: int, port: int, chromium: str, store: bool = False) -> dict[str, float]:
    """Seconds from action to chart drawn in Chromium, and bytes received on first load, for `n` events."""
    from playwright.sync_api import sync_playwright

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        server = _serve(_source(Path(tmp), n, store), port)
        try:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for name in ("first chart, cold server", "first chart, new tab"):
                tab = browser.new_page(viewport={"width": 1600, "height": 900})
                received = [0]
                tab.on(
                    "websocket",
                    lambda ws, r=received: ws.on("framereceived", lambda f: r.__setitem__(0, r[0] + len(f))),
                )
                started = time.perf_counter()
                tab.goto(f"http://127.0.0.1:{port}/")
                tab.get_by_text("Filters", exact=True).wait_for(timeout=180_000)
                out[name.replace("first chart", "page up (sidebar drawn)")] = time.perf_counter() - started
                _until_drawn(tab, "")
                out[name] = time.perf_counter() - started
                out["MB received on first load"] = received[0] / 1e6
                if name.endswith("new tab"):
                    break
                tab.close()
            before = tab.evaluate(STATE)
            box = tab.locator("[data-testid='stMultiSelect']").first
            box.click()
            tab.keyboard.type("Iran")
            started = time.perf_counter()
            tab.keyboard.press("Enter")
            tab.wait_for_function(DRAWN, arg=before, timeout=180_000, polling=50)
            out["filter change (actor)"] = time.perf_counter() - started
            tab.keyboard.press("Escape")
            if not store:  # past 1,500 events a store's page draws the same counts in both views
                before = tab.evaluate(STATE)
                started = time.perf_counter()
                tab.get_by_text("Actor tracks", exact=True).click()
                tab.wait_for_function(DRAWN, arg=before, timeout=180_000, polling=50)
                out["switch to actor tracks"] = time.perf_counter() - started
            browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return out


def main_browser(counts: list[int], port: int, store: bool = False) -> int:
    import shutil

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    results = {n: browser_times(n, port, chromium, store) for n in counts}
    steps = list(next(iter(results.values())))
    print("| in Chromium (seconds; MB) | " + " | ".join(f"{n:,} events" for n in counts) + " |")
    print("|---|" + "---:|" * len(counts))
    for step in steps:
        print(f"| {step} | " + " | ".join(f"{results[n][step]:.2f}" for n in counts) + " |")
    flag = " --store" if store else ""
    print(f"\nreproduce: python benchmarks/dashboard_speed.py --browser{flag} --events {' '.join(map(str, counts))}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, nargs="+", default=[20000])
    parser.add_argument("--runs", type=int, default=3, help="fresh sessions to time (median reported)")
    parser.add_argument("--browser", action="store_true", help="time in headless Chromium instead of AppTest")
    parser.add_argument("--port", type=int, default=8599)
    parser.add_argument("--store", action="store_true", help="the page queries an event store (TIMELINE_STORE)")
    args = parser.parse_args(argv)
    if args.browser:
        return main_browser(args.events, args.port, args.store)
    args.events = args.events[0]
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(_source(Path(tmp), args.events, args.store))
        first, cold, change, search, tracks = [], None, [], [], []
        for i in range(args.runs + 1):
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
            t = _timed(at)
            if i == 0:
                cold = t  # includes reading the table and preparing it (cached for later sessions)
                continue
            first.append(t)
            # On a store each session asks for new filters: the page's query cache is shared by sessions.
            at.multiselect(key="actors").set_value(
                [("Iran", "Turkey", "Qatar", "Syria")[i % 4] if args.store else "Iran"]
            )
            change.append(_timed(at))
            at.text_input(key="text").set_value(
                ("talks", "damascus", "aleppo", "doha")[i % 4] if args.store else "talks"
            )
            search.append(_timed(at))
            at.radio(key="view").set_value("Actor tracks")
            tracks.append(_timed(at))
    where = ", event store" if args.store else ""
    print(f"| dashboard, {args.events:,} events{where} | seconds (median of {args.runs}) |\n|---|---|")
    print(f"| first render, cold cache (read + prepare + draw) | {cold:.2f} |")
    print(f"| first render, new session | {statistics.median(first):.2f} |")
    print(f"| filter change (actor) | {statistics.median(change):.2f} |")
    print(f"| filter change (search) | {statistics.median(search):.2f} |")
    print(f"| switch to actor tracks | {statistics.median(tracks):.2f} |")
    flag = " --store" if args.store else ""
    print(f"\nreproduce: python benchmarks/dashboard_speed.py{flag} --events {args.events} --runs {args.runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
