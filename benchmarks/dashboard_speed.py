"""Dashboard server time on a large table: first render and a filter change.

    python benchmarks/dashboard_speed.py            # 20,000 synthetic events
    python benchmarks/dashboard_speed.py --events 5000 --runs 5

Writes a synthetic events table (actors, people and places of the seed
articles, mixed date precisions, multi-source events) like a build would,
points the page at it (TIMELINE_EVENTS_FILE) and times the page script with
Streamlit's AppTest: the first run (load, prepare, figures, table) and then
a change of the actor filter, a search and a switch to the actor tracks.
Server time only; the browser's drawing is not included.
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3, help="fresh sessions to time (median reported)")
    args = parser.parse_args(argv)
    from streamlit.testing.v1 import AppTest
    from synthetic import write_tables

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TIMELINE_EVENTS_FILE"] = str(write_tables(Path(tmp), args.events))
        first, cold, change, search, tracks = [], None, [], [], []
        for i in range(args.runs + 1):
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
            t = _timed(at)
            if i == 0:
                cold = t  # includes reading the table and preparing it (cached for later sessions)
                continue
            first.append(t)
            at.multiselect(key="actors").set_value(["Iran"])
            change.append(_timed(at))
            at.text_input(key="text").set_value("talks")
            search.append(_timed(at))
            at.radio(key="view").set_value("Actor tracks")
            tracks.append(_timed(at))
    print(f"| dashboard, {args.events:,} events | seconds (median of {args.runs}) |\n|---|---|")
    print(f"| first render, cold cache (read + prepare + draw) | {cold:.2f} |")
    print(f"| first render, new session | {statistics.median(first):.2f} |")
    print(f"| filter change (actor) | {statistics.median(change):.2f} |")
    print(f"| filter change (search) | {statistics.median(search):.2f} |")
    print(f"| switch to actor tracks | {statistics.median(tracks):.2f} |")
    print(f"\nreproduce: python benchmarks/dashboard_speed.py --events {args.events} --runs {args.runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
