"""Timeline17 Date F1 of the events' `salience`, per fixed half of the topics (news-tls measure).

For each journalists' timeline of a Timeline17-style folder (see
`../shared/benchmarks/tls-dev/README.md`): the articles published in its window
are built once (`--work` keeps the builds, so re-scoring is quick), the events
are scored with `pipeline.salience.score_salience`, and their dates ranked by
summed salience are compared with the gold dates by the shared scorer
(`../shared/benchmarks/tools/tls_score.py`), next to the same ranking by summed
`sources` (the figure before salience), by articles published that day
(pubcount) and by articles naming the day (mentioncount, from the articles'
`named_days`; any day in the window, with an event or not).

The topics are split into two fixed halves (alphabetical, alternating), so a
change made while looking at one half is checked on the other:

    python benchmarks/tls_eval.py ../shared/benchmarks/tls-dev --work /tmp/tls
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd

from pipeline.resolve import read_named_days
from pipeline.salience import score_salience
from pipeline.write import read_table, sibling

ROOT = Path(__file__).resolve().parents[1]


def _scorer(corpus: Path):
    """The shared scorer module (tools/ sits next to the corpus folder)."""
    path = corpus.resolve().parent / "tools" / "tls_score.py"
    spec = importlib.util.spec_from_file_location("tls_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def halves(topics: list[Path]) -> dict[str, list[Path]]:
    """Two fixed halves of the topics: alphabetical order, alternating."""
    ordered = sorted(topics, key=lambda p: p.name)
    return {"A": ordered[0::2], "B": ordered[1::2]}


def built(tls, topic: Path, gold: Path, work: Path, workers: int) -> Path:
    """The events table of the articles inside the gold timeline's window (built once)."""
    w = work / topic.name / gold.stem
    out = w / "events.csv"
    if not out.exists():
        subprocess.run(
            [
                sys.executable,
                tls.__file__,
                "window",
                "--topic",
                str(topic),
                "--gold",
                str(gold),
                "--dest",
                str(w / "articles"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [sys.executable, "-m", "pipeline", "build", "--articles", str(w / "articles"), "--out", str(out)]
            + ["--workers", str(workers)],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return out


def score_timeline(tls, events_path: Path, gold_path: Path) -> dict[str, dict]:
    """Date P/R/F1 of four rankings of one timeline's window."""
    gold = tls.read_gold(gold_path)
    start, end = tls.window_of(gold)
    events = read_table(events_path)
    evidence, articles = read_table(sibling(events_path, "evidence")), read_table(sibling(events_path, "articles"))
    events["sources"] = pd.to_numeric(events["sources"], errors="coerce").astype("Int64")
    scored = score_salience(events.drop(columns=["salience"], errors="ignore"), evidence, articles)
    manifest = pd.read_csv(events_path.parent / "articles" / "manifest.csv", dtype=str, keep_default_na=False)
    rankings = {
        "salience": tls.project_ranking(scored, start, end)[0],
        "sources": tls.project_ranking(scored.drop(columns="salience"), start, end)[0],
        "pubcount": tls.count_ranking(manifest["published"], start, end),
        "mentioncount": tls.count_ranking(read_named_days(articles)["date"], start, end),
    }
    return {name: tls.date_prf(tls.top_k(r, len(gold)), set(gold)) for name, r in rankings.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="a folder of topics, each with articles/ and timelines/")
    ap.add_argument("--work", type=Path, required=True, help="where the per-timeline builds are kept")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    tls = _scorer(args.corpus)
    topics = [p for p in args.corpus.iterdir() if (p / "timelines").is_dir()]
    results: dict[str, list[tuple[str, dict]]] = {}
    for half, members in halves(topics).items():
        for topic in members:
            for gold in sorted((topic / "timelines").glob("*.txt")):
                r = score_timeline(tls, built(tls, topic, gold, args.work, args.workers), gold)
                results.setdefault(half, []).append((f"{topic.name}/{gold.stem}", r))
                print(
                    f"{half} {topic.name}/{gold.stem:<45} " + " ".join(f"{k} {v['f_score']:.3f}" for k, v in r.items())
                )
    print()
    names = ("salience", "sources", "pubcount", "mentioncount")
    print(f"{'set':<28} {'timelines':>9} " + " ".join(f"{n:>12}" for n in names))
    groups = {f"half {h} ({', '.join(sorted({n.split('/')[0] for n, _ in rs}))})": rs for h, rs in results.items()}
    groups["all"] = [x for rs in results.values() for x in rs]
    for name, rs in groups.items():
        avg = {s: tls.average([{"dates": r} for _, r in rs], s)["f_score"] for s in names}
        print(f"{name:<28} {len(rs):>9} " + " ".join(f"{avg[n]:>12.3f}" for n in names))
    print(
        f"\nDate F1 (F1 of mean P and mean R); command: python benchmarks/tls_eval.py {args.corpus} --work {args.work}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
