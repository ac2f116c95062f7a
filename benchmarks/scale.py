"""Scaling: clean, incremental (+1% articles) and Dask builds; event store queries on large tables.

    python benchmarks/scale.py builds ../shared/benchmarks/tbaq --articles 1000 10000
    python benchmarks/scale.py builds ../shared/benchmarks/tbaq --articles 100000 --no-dask
    python benchmarks/scale.py store --events 100000 1000000

`builds` makes a folder of copies of the TimeML texts (`throughput.make_corpus`,
each copy with a distinct last line, dated a day back: `age`), then runs `python -m pipeline build`
in a fresh process for: a clean build (empty cache; it fills the cache), the
same build with --no-cache (sizes up to 10,000), an incremental build after
adding 1% new articles, and `--engine dask` on a two-worker LocalCluster.
Time is the whole command (start-up, reading, writing included), wall clock
and CPU (user + system, every process of the command: on a shared machine
the steadier figure); peak memory
is the largest resident size of the command's process tree (Dask workers
included), sampled every 0.1 s.

`store` writes synthetic events (`synthetic.make_events`; past 100,000 its
tables repeated, four years later each time) to an event store
and times the queries a filter change costs the page (count, up to 1,500
rows most corroborated first, counts per bin), median of 5 runs, each one
filtering the events again (`EventStore.forget_filters`: a filter not asked before).
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd: list[str]) -> dict:
    """Wall time, CPU time and peak RSS (MB) of a command and all its descendants."""
    cpu = _cpu()
    started = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {out}")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": _cpu() - cpu, "peak_mb": peak / 2**20, "summary": out.strip()}


def age(folder: Path, days: int = 1) -> None:
    """Date every file back, as the folder an analyst adds to holds articles saved on earlier days.

    Without it every file would be younger than the cache's two-second guard against edits made
    in the same clock tick as a build (`cache.RACY_NS`) when the first build starts, and the next
    build would read and hash all of them again: a cost an analyst's folder does not have.
    """
    for path in folder.iterdir():
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - days * 86_400 * 10**9))


def add_new_articles(docs, folder: Path, count: int, copy: int) -> None:
    """`count` new articles (a copy number no build has seen) appended to the folder and manifest."""
    with open(folder / "manifest.csv", "a", encoding="utf-8") as manifest:
        for i in range(count):
            name, dct, text = docs[i % len(docs)]
            fname = f"new{copy}_{i:05d}_{name}.txt"
            (folder / fname).write_text(f"{text}\n\nCopy {copy}, new {i}.\n", encoding="utf-8")
            manifest.write(f"{fname},{dct}\n")


def bench_builds(args) -> None:
    from throughput import make_corpus, read_timeml

    docs = read_timeml(args.paths)
    py = [sys.executable, "-m", "pipeline", "build"]
    print(
        "| build | articles | seconds | CPU seconds | articles/s | peak memory (MB) |\n|---|---:|---:|---:|---:|---:|"
    )
    for n in args.articles:
        with tempfile.TemporaryDirectory() as tmp:
            arts, out = Path(tmp) / "articles", Path(tmp) / "out" / "events.parquet"
            arts.mkdir()
            total = make_corpus(docs, math.ceil(n / len(docs)), arts)
            age(arts)
            base = [*py, "--articles", str(arts), "--out", str(out)]
            rows = []
            if n <= 10_000:
                rows.append(("clean, --no-cache", total, run([*base, "--no-cache"])))
            rows.append(("clean, filling the cache", total, run(base)))
            add_new_articles(docs, arts, max(1, total // 100), copy=900)
            grown = total + max(1, total // 100)
            rows.append(("incremental, +1% new articles", grown, run(base)))
            if not args.no_dask:
                dask_out = Path(tmp) / "dask" / "events.parquet"
                dask_cmd = [*py, "--articles", str(arts), "--out", str(dask_out), "--engine", "dask", "--no-cache"]
                rows.append(("Dask, LocalCluster of 2 workers", grown, run(dask_cmd)))
            for label, count, r in rows:
                print(
                    f"| {label} | {count:,} | {r['seconds']:.1f} | {r['cpu']:.1f} | {count / r['seconds']:,.0f} "
                    f"| {r['peak_mb']:,.0f} |",
                    flush=True,
                )
                if args.verbose:
                    print(f"    {r['summary']}", flush=True)
    print(
        f"\nreproduce: python benchmarks/scale.py builds {' '.join(map(str, args.paths))} "
        f"--articles {' '.join(map(str, args.articles))}{' --no-dask' if args.no_dask else ''}"
    )


def tile_events(n: int, base: int = 100_000):
    """`n` synthetic events: `make_events(base)` repeated, each copy 4k years later (leap days stay valid).

    `make_events` builds rows one by one; a million of them take many minutes.
    """
    import pandas as pd
    from synthetic import make_events

    events, evidence, articles = make_events(min(n, base))
    if n <= base:
        return events, evidence, articles
    copies = -(-n // base)
    ev_parts, evi_parts = [], []
    for k in range(copies):

        def shift(col, k=k):
            return (col.str.slice(0, 4).astype("Int64") + 4 * k).astype("string") + col.str.slice(4)

        suffix = f"-{k}" if k else ""
        ev_parts.append(
            events.assign(
                event_id=events["event_id"] + suffix, date=shift(events["date"]), date_end=shift(events["date_end"])
            )
        )
        evi_parts.append(evidence.assign(event_id=evidence["event_id"] + suffix))
    events = pd.concat(ev_parts, ignore_index=True).iloc[:n]
    return events, pd.concat(evi_parts, ignore_index=True), articles


def bench_store(args) -> None:
    from datetime import date

    from pipeline.query import EventStore, Query
    from pipeline.store import write_store

    changes = {
        "no filter": Query(),
        "actor (any of)": Query(actors=("Iran",)),
        "actors (all of) + dates": Query(
            actors=("Russia", "Turkey"), actor_mode="all of", date_from=date(2024, 12, 1), date_to=date(2025, 1, 31)
        ),
        "types + min sources": Query(event_types=("ASSAULT", "CONSULT"), min_sources=2),
        "text search": Query(text="damascus"),
    }
    print("| events | filter change | count + 1,500 rows + counts per week (s) | matching |\n|---:|---|---:|---:|")
    for n in args.events:
        events, evidence, articles = tile_events(n)
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            write_store(tmp, events, evidence, articles)
            written = time.perf_counter() - started
            del events, evidence, articles
            with EventStore(tmp) as db:
                for label, q in changes.items():
                    times = []
                    for _ in range(5):
                        db.forget_filters()  # each run filters the events again, as a new filter does
                        t = time.perf_counter()
                        matching = db.count(q)
                        db.events(q, limit=1500, order="sources")
                        db.counts(q, unit="week", by="actor")
                        times.append(time.perf_counter() - t)
                    print(f"| {n:,} | {label} | {statistics.median(times):.3f} | {matching:,} |", flush=True)
            print(f"| {n:,} | (writing the store) | {written:.1f} | |", flush=True)
    print(f"\nreproduce: python benchmarks/scale.py store --events {' '.join(map(str, args.events))}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    b = sub.add_parser("builds", help="clean, incremental and Dask builds")
    b.add_argument("paths", nargs="+", type=Path, help="TimeML files or folders (e.g. ../shared/benchmarks/tbaq)")
    b.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    b.add_argument("--no-dask", action="store_true", help="skip the Dask engine")
    b.add_argument("--verbose", action="store_true", help="print each build's summary line")
    s = sub.add_parser("store", help="event store query latency")
    s.add_argument("--events", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args(argv)
    (bench_builds if args.what == "builds" else bench_store)(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
