"""Whole-pipeline throughput: articles per second and peak memory, next to `search_dates` alone.

    python benchmarks/throughput.py ../shared/benchmarks/tbaq --copies 1 4

Makes a folder of N copies of the TimeML corpus's texts (as .txt plus a
manifest.csv with each document's creation date), builds the full events
table from it with 1 and 2 worker processes, and runs dateparser's
`search_dates` over the same texts with `languages=["en"]`, as a user who knows
the language runs it (one copy: it is slow). Each measurement
runs in a fresh process so its peak memory (max RSS, workers included) is its
own. Peak memory should stay flat as N grows: the build streams articles.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def read_timeml(paths: list[Path]) -> list[tuple[str, str, str]]:
    """(name, DCT, plain text) for every .tml file under the given paths (timex_eval's reader)."""
    from timex_eval import read_corpus

    return [(Path(d["name"]).stem, d["dct"], d["text"]) for p in paths for d in read_corpus(str(p)) if d["dct"]]


def make_corpus(docs, copies: int, folder: Path) -> int:
    """Write `copies` copies of the docs; each copy gets a distinct last line so none is a duplicate."""
    rows = ["file,published"]
    for k in range(copies):
        for name, dct, text in docs:
            fname = f"{k:03d}_{name}.txt"
            (folder / fname).write_text(f"{text}\n\nCopy {k}.\n", encoding="utf-8")
            rows.append(f"{fname},{dct}")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 1


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + children) / 1024, 1)  # Linux reports KiB


def run_build(folder: Path, workers: int) -> dict:
    from pipeline.build import build

    build(folder, workers=workers, keep_text=False, chunk_size=100)  # warm caches: rules, gazetteer, imports
    started = time.perf_counter()
    result = build(folder, workers=workers, keep_text=False)
    seconds = time.perf_counter() - started
    return {
        "articles": result.stats["articles"],
        "events": result.stats["events"],
        "seconds": seconds,
        "per_second": result.stats["articles"] / seconds,
        "peak_mb": _peak_mb(),
    }


def run_search_dates(folder: Path, limit: int) -> dict:
    from dateparser.search import search_dates

    manifest = dict(line.split(",") for line in (folder / "manifest.csv").read_text().splitlines()[1:])
    files = sorted(manifest)[:limit]
    import datetime as dt

    # languages=["en"]: the user knows the language; without it dateparser detects the
    # language of every article first (about 20 times slower).
    search_dates("warm up on Monday", languages=["en"])
    started = time.perf_counter()
    for name in files:
        base = dt.datetime.fromisoformat(manifest[name])
        search_dates((folder / name).read_text(encoding="utf-8"), languages=["en"], settings={"RELATIVE_BASE": base})
    seconds = time.perf_counter() - started
    return {"articles": len(files), "seconds": seconds, "per_second": len(files) / seconds, "peak_mb": _peak_mb()}


def _measure(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="TimeML files or folders (e.g. ../shared/benchmarks/tbaq)")
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 4], help="corpus sizes, in copies (default: 1 4)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-search-dates", action="store_true", help="skip the dateparser baseline")
    parser.add_argument("--_build", nargs=2, metavar=("DIR", "WORKERS"), help=argparse.SUPPRESS)
    parser.add_argument("--_search_dates", nargs=2, metavar=("DIR", "LIMIT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._build:
        print(json.dumps(run_build(Path(args._build[0]), int(args._build[1]))))
        return 0
    if args._search_dates:
        print(json.dumps(run_search_dates(Path(args._search_dates[0]), int(args._search_dates[1]))))
        return 0
    if not args.paths:
        parser.error("give the TimeML corpus, e.g. ../shared/benchmarks/tbaq")
    docs = read_timeml(args.paths)
    size_kb = sum(len(t) for _, _, t in docs) / len(docs) / 1024
    print(f"corpus: {len(docs)} documents, {size_kb:.1f} KB of text each on average")
    print("| system | articles | workers | articles/s | peak memory (MB) |\n|---|---|---|---|---|")
    first = None
    for copies in args.copies:
        with tempfile.TemporaryDirectory() as tmp:
            make_corpus(docs, copies, Path(tmp))
            for w in args.workers:
                r = _measure("--_build", tmp, str(w))
                first = first or r
                print(
                    f"| pipeline (full build) | {r['articles']} | {w} | {r['per_second']:,.0f} | {r['peak_mb']} |",
                    flush=True,
                )
            if copies == args.copies[0] and not args.no_search_dates:
                r = _measure("--_search_dates", tmp, str(len(docs)))
                print(
                    f"| dateparser search_dates only | {r['articles']} | 1 | {r['per_second']:,.1f} | {r['peak_mb']} |",
                    flush=True,
                )
    print(
        f"\nreproduce: python benchmarks/throughput.py {' '.join(map(str, args.paths))} "
        f"--copies {' '.join(map(str, args.copies))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
