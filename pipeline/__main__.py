"""Command line: `python -m pipeline build` and `python -m pipeline timex`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

# Arrow buffers from the C library's allocator unless the user chose one. A build makes and frees
# Arrow columns chunk after chunk while it keeps others to the end, and the bundled mimalloc keeps
# the pages freed between them: with malloc a 20,224-article clean build peaks 10% lower
# (631-640 -> 565-571 MB) in the same time (`benchmarks/scale.py builds`). Read by Arrow when it
# first allocates, so it is set before anything imports pyarrow; worker processes inherit it.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

DEFAULT_ARTICLES = Path("data/articles")
DEFAULT_OUT = Path("data/events.csv")
#: Problems printed on the terminal; all of them go to <out>_problems.txt.
SHOWN_PROBLEMS = 20


def _progress_bar(stream=sys.stderr):
    """A one-line progress bar on a terminal; silent when output is piped."""
    if not stream.isatty():
        return None
    started = time.perf_counter()

    def show(done: int, total: int) -> None:
        total = max(total, done, 1)
        filled = int(30 * done / total)
        rate = done / max(time.perf_counter() - started, 1e-9)
        stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} articles  {rate:,.0f}/s")
        stream.flush()
        if done >= total:
            stream.write("\n")
            stream.flush()

    return show


def cmd_build(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from pipeline import store
    from pipeline.build import build
    from pipeline.cache import ArticleCache, cache_dir, settings_key
    from pipeline.gazetteer import GazetteerError
    from pipeline.ingest import printable
    from pipeline.schema import ARTICLES
    from pipeline.write import problems_path, write_output_set

    if not args.articles.is_dir():
        print(f"error: articles folder not found: {args.articles}", file=sys.stderr)
        return 2
    if args.out.suffix.lower() not in (".csv", ".parquet"):
        print(f"error: --out must end in .csv or .parquet, got {args.out}", file=sys.stderr)
        return 2
    refused = _refuse_out(args.out, args.articles)
    if refused:
        print(f"error: {printable(refused)}", file=sys.stderr)
        return 2
    with ExitStack() as held:
        try:
            # One writer per output (its files, its cache, its store): a second build waits or refuses.
            for target in [args.out] + ([args.store] if args.store else []):
                held.enter_context(store.writer_lock(target, wait=args.wait))
        except store.StoreLocked as err:
            print(f"error: {printable(str(err))}", file=sys.stderr)
            return 3
        try:
            extra = tuple(str(p) for p in args.actors)
            if args.engine == "dask":
                from pipeline.distributed import build_on_dask

                result = build_on_dask(args.articles, scheduler=args.scheduler, actor_files=args.actors)
            else:
                cache = None if args.no_cache else ArticleCache(cache_dir(args.out), settings_key(extra))
                result = build(
                    args.articles, progress=_progress_bar(), workers=args.workers, actor_files=args.actors, cache=cache
                )
        except (GazetteerError, OSError) as err:  # a broken or missing actor file: say which, build nothing
            print(f"error: {err}", file=sys.stderr)
            return 2
        except RuntimeError as err:  # e.g. the Dask cluster lost its workers: nothing is written
            print(f"error: {err}", file=sys.stderr)
            return 1
        try:
            articles = result.articles[list(ARTICLES)]
            write_output_set(args.out, result.events, result.evidence, articles, result.problems, result.texts)
            if args.store:
                store.write_store(args.store, result.events, result.evidence, articles, texts=result.texts)
        except OSError as err:  # a full disk: nothing half-written is left, the previous set stays
            print(
                f"error: cannot write {args.out}: {err.strerror or err}; the previous output is unchanged",
                file=sys.stderr,
            )
            return 1
    problems_file = problems_path(args.out)
    for problem in result.problems[:SHOWN_PROBLEMS]:
        print(f"problem: {problem}", file=sys.stderr)
    if len(result.problems) > SHOWN_PROBLEMS:
        print(f"... and {len(result.problems) - SHOWN_PROBLEMS} more problems in {problems_file}", file=sys.stderr)
    print(f"{result.summary} -> {printable(str(args.out))}")
    return 0


def _refuse_out(out: Path, articles: Path) -> str | None:
    """Why `--out` must not be used (inside the articles folder, or not writable), checked before the build."""
    folder = articles.resolve()
    target = out.resolve()
    if target.parent == folder or folder in target.parents:
        return f"--out {out} is inside the articles folder {articles}; write the tables somewhere else"
    try:  # a real write, so a read-only disk or a file where a folder should be fails now, not after the build
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        return f"--out {out}: cannot write there ({err.strerror or err})"
    if target.is_dir():
        return f"--out {out} is a folder; give a file name ending in .csv or .parquet"
    return None


def cmd_timex(args: argparse.Namespace) -> int:
    import json
    from datetime import date

    from pipeline.dates import find_timexes

    if args.dct:
        try:
            date.fromisoformat(args.dct)
        except ValueError:
            print(f"error: --dct must be a date written YYYY-MM-DD, e.g. 2024-12-08, not {args.dct!r}", file=sys.stderr)
            return 2
    try:
        if str(args.file) == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8", newline="") as f:
                text = f.read()
    except UnicodeDecodeError as exc:
        print(f"error: {args.file}: not UTF-8 text (byte {exc.start}); save it as UTF-8", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    for t in find_timexes(text, args.dct):
        out = {k: t[k] for k in ("start", "end", "text", "type", "value")}
        if t["mod"]:
            out["mod"] = t["mod"]
        if args.rules:
            out["rule"] = t["rule"]
        print(json.dumps(out, ensure_ascii=False))
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline" if sys.argv[0].endswith("__main__.py") else "news-timeline",
        description="Turn a folder of news articles into a table of dated, actor-tagged events.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser(
        "build",
        help="build the events table from a folder of articles",
        description="Read *.txt/*.html articles and manifest.csv (file, title, source, url, published, "
        "published_note) from --articles and write the events table to --out, with two companion tables "
        "next to it (<out>_evidence and <out>_articles). Broken files are reported and skipped.",
    )
    b.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="folder of articles (default: %(default)s)")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output .csv or .parquet (default: %(default)s)")
    b.add_argument("--workers", type=int, default=1, help="worker processes (default: %(default)s)")
    b.add_argument(
        "--actors",
        action="append",
        default=[],
        metavar="YAML",
        help="extra actor file merged into the built-in gazetteer (repeatable)",
    )
    b.add_argument(
        "--no-cache",
        action="store_true",
        help="extract every article again (by default articles unchanged since the last build to --out "
        "are reused from <out-dir>/.cache/)",
    )
    b.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help="also write the tables as an event store (versioned Parquet, queried with DuckDB) in DIR",
    )
    b.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="when another build is writing the same output, wait this long for it (default: refuse at once)",
    )
    b.add_argument(
        "--engine",
        choices=["local", "dask"],
        default="local",
        help="local processes, or a Dask cluster (pip install .[dask]) (default: %(default)s)",
    )
    b.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler of a running cluster, e.g. tcp://10.0.0.5:8786 "
        "(default: start a local cluster)",
    )
    b.set_defaults(func=cmd_build)
    t = sub.add_parser(
        "timex",
        help="print the temporal expressions of one text file as JSON lines",
        description="Find dates and times in a UTF-8 text file and print one JSON object per expression: "
        "start and end (character offsets into the file's text), text, type (DATE, TIME, DURATION, SET), "
        "value (ISO-TimeML TIMEX3, e.g. 2024-12-08, 2024-W50, P3D) and mod (START, END, APPROX, ... when present).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  python -m pipeline timex --dct 2024-12-08 data/articles/000_1f2452ad623888d7.txt\n\n"
        "Relative expressions ('last Tuesday', 'in July') are resolved against --dct,\n"
        "the publication date; without it they keep unknown digits (XXXX-07).\n"
        "Rules live in pipeline/resources/timex/en/; --rules shows which one fired.",
    )
    t.add_argument("--dct", help="publication date YYYY-MM-DD that relative dates are resolved against")
    t.add_argument("--rules", action="store_true", help="also print the id of the rule that found each expression")
    t.add_argument("file", type=Path, help="text file to read ('-' reads standard input)")
    t.set_defaults(func=cmd_timex)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
