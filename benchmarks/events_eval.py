"""Score the whole build against an exhaustive per-article event gold (precision, recall, F1).

    python benchmarks/events_eval.py                                   # events-dev, whole set and halves
    python benchmarks/events_eval.py --half A --show 20                # what half A misses, and why
    python benchmarks/events_eval.py --floor benchmarks/events_floor.json   # exit 1 below the floor

The gold (default `../shared/benchmarks/events-dev/gold.json`) names its
articles; their texts come from the TimeML corpus (`../shared/benchmarks/tbaq`),
converted by the benchmark's own `tools/make_corpus.py` into a temporary folder
(nothing is copied into the project). The events table is built there with
`pipeline.build.build`, written as the CLI writes it, and scored by the
benchmark's `tools/event_prf.py` (imported: the same definitions).

Halves: the gold's document keys sorted as strings; the 1st, 3rd, 5th, ... are
half A, the others half B (18 and 18 documents on events-dev). The rule never
changes, so a change can be written from one half and checked on the other.
(A hash of the key is no good here: the gold's documents were themselves chosen
in sha1 order, so sha1 halves come out 30 to 6.)

Error classes of the gold events that are not found (first that applies):
- no sentence: no evidence row hits the gold sentence at all, split by why:
  "no cue" (the sentence has a resolved date and a named actor in the article's
  mentions but no event came from it), "actor unknown" (no actor or person was
  recognized in the sentence), "no date" (no resolved date in the sentence);
- wrong date: a row hits the sentence but its date does not match the gold date;
- wrong actor: the date matches but a gold actor is missing;
- wrongly merged: the matching row exists but its event is represented by
  another article's sentence that is not this gold (counted among found: the
  scorer accepts evidence rows);
- not merged: two or more system events hit the same gold event (duplicates).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

SHARED = ROOT.parent / "shared" / "benchmarks"
GOLD = SHARED / "events-dev" / "gold.json"
TBAQ = SHARED / "tbaq"
TOOLS = SHARED / "tools"


def halves(docs) -> dict[str, str]:
    """The fixed half of every document: alternate A, B over the keys in sorted order."""
    return {d: "AB"[i % 2] for i, d in enumerate(sorted(docs))}


def _event_prf():
    spec = importlib.util.spec_from_file_location("event_prf", TOOLS / "event_prf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_articles(gold: dict, tbaq: Path, folder: Path) -> None:
    """The gold's articles as the project reads them, converted by the benchmark's make_corpus.py."""
    tml = {p.stem: p for p in tbaq.rglob("*.tml")}
    missing = [d for d in gold["docs"] if d not in tml]
    if missing:
        raise SystemExit(f"not in {tbaq}: {missing}")
    files = [str(tml[d]) for d in gold["docs"]]
    subprocess.run(
        [sys.executable, str(TOOLS / "make_corpus.py"), str(folder), "1", *files], check=True, capture_output=True
    )


def build_tables(articles: Path, out: Path):
    """Build and write events.csv / events_evidence.csv as `python -m pipeline build` does."""
    from pipeline.build import build
    from pipeline.write import sibling, write_table

    result = build(articles)
    write_table(result.events, out)
    write_table(result.evidence, sibling(out, "evidence"))
    return result


def subset(gold: dict, which: str) -> dict:
    if which == "whole":
        return gold
    half = halves(gold["docs"])
    return {**gold, "docs": {d: g for d, g in gold["docs"].items() if half[d] == which}}


def error_classes(prf, prefix: str, gold: dict, report: dict, sentences, mentions, timexes) -> Counter:
    """Counts per error class of the gold events the build misses (see the module docs)."""
    rows = prf.load(prefix + "_evidence.csv")
    events = {e["event_id"]: e for e in prf.load(prefix + ".csv")}
    by_doc: dict[str, list] = {}
    for r in rows:
        by_doc.setdefault(prf.stem(r["article"]), []).append(r)
    missed = set(report["missed"])
    counts: Counter = Counter()
    for doc, g in gold["docs"].items():
        for e in g["events"]:
            hits = [r for r in by_doc.get(doc, []) if prf.sent_hit(r, e)]
            if e["id"] in missed:
                counts[_why_no_sentence(prf, doc, e, sentences, mentions, timexes)] += 1
            elif hits and not any(prf.date_ok(r["date"], e["date"]) for r in hits):
                counts["wrong date"] += 1
            elif hits and not any(
                prf.date_ok(r["date"], e["date"])
                and all(prf.has_actor(prf.actor_set(r), a, gold.get("actor_aliases", {})) for a in e.get("actors", []))
                for r in hits
            ):
                counts["wrong actor"] += 1
            if len({r["event_id"] for r in hits}) > 1:
                counts["not merged"] += 1
            for r in hits:
                rep = events.get(r["event_id"])
                if rep and prf.stem(rep["article"]) != doc and not prf.sent_hit(rep, e):
                    counts["wrongly merged"] += 1
                    break
    return counts


def _why_no_sentence(prf, doc, e, sentences, mentions, timexes) -> str:
    snip = prf.norm(e["evidence"])
    sent = next(
        (
            s
            for s in sentences.get(doc, [])
            if snip in prf.norm(s["text"]) or (len(s["text"]) > 20 and prf.norm(s["text"]) in snip)
        ),
        None,
    )
    if sent is None:
        return "no cue"  # the snippet spans a sentence boundary: nothing to blame but the split
    key = (doc, sent["sentence_id"])
    if key not in timexes:
        return "no date"
    if key not in mentions:
        return "actor unknown"
    return "no cue"


def sentence_index(articles: Path, prf):
    """Per document: its sentences, the sentences with a resolved date, those with an actor or person."""
    import pandas as pd

    from pipeline import actors, clean, ingest, resolve, sentences, timex

    frames = [chunk for chunk, _ in ingest.iter_articles(articles, chunk_size=1000) if len(chunk)]
    arts = pd.concat(frames, ignore_index=True)
    blocks = clean.mark_blocks(arts)
    sents = sentences.split_sentences(arts, blocks)
    tagged = resolve.resolve_dates(timex.tag_timexes(sents), arts)
    names = actors.match_actors(sents, articles=arts)
    by_doc: dict[str, list] = {}
    for r in sents[["article", "sentence_id", "text"]].to_dict("records"):
        by_doc.setdefault(prf.stem(r["article"]), []).append(r)
    dated = tagged[tagged["type"].isin(["DATE", "TIME"]) & tagged["date"].notna()]
    named = names[names["kind"].isin(["actor", "person"])]
    timexes = {(prf.stem(a), s) for a, s in zip(dated["article"], dated["sentence_id"])}
    mentions = {(prf.stem(a), s) for a, s in zip(named["article"], named["sentence_id"])}
    return by_doc, mentions, timexes


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", default=str(GOLD))
    ap.add_argument("--tbaq", default=str(TBAQ))
    ap.add_argument("--half", choices=["A", "B"], help="--show lists this half only")
    ap.add_argument("--show", type=int, default=0, help="list up to N missed and N wrong events")
    ap.add_argument("--floor", help="JSON of minimum P/R/F1 per part; exit 1 below it")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--keep", help="build in this folder and keep it (articles/, out/events*.csv)")
    args = ap.parse_args(argv)

    prf = _event_prf()
    gold = json.loads(Path(args.gold).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or scratch
        articles, out = Path(tmp) / "articles", Path(tmp) / "out" / "events.csv"
        make_articles(gold, Path(args.tbaq), articles)
        build_tables(articles, out)
        prefix = str(out.with_suffix(""))
        sents, mentions, timexes = sentence_index(articles, prf)
        figures, reports = {}, {}
        for part in ("whole", "A", "B"):
            g = subset(gold, part)
            rep = prf.score(prefix, g)
            reports[part] = rep
            errors = error_classes(prf, prefix, g, rep, sents, mentions, timexes)
            figures[part] = {
                "docs": len(g["docs"]),
                "gold": rep["gold_events"],
                "found": rep["found"],
                "system": rep["system_events"],
                "correct": rep["correct"],
                "P": rep["precision"],
                "R": rep["recall"],
                "F1": rep["f1"],
                "errors": dict(sorted(errors.items())),
            }
    print(f"{'part':6} {'docs':>4} {'gold':>5} {'found':>5} {'sys':>5} {'ok':>5} {'P':>5} {'R':>5} {'F1':>5}  errors")
    for part, f in figures.items():
        errs = ", ".join(f"{k} {v}" for k, v in f["errors"].items())
        print(
            f"{part:6} {f['docs']:>4} {f['gold']:>5} {f['found']:>5} {f['system']:>5} {f['correct']:>5} "
            f"{f['P']:>5} {f['R']:>5} {f['F1']:>5}  {errs}"
        )
    if args.show:
        part = args.half or "whole"
        rep = reports[part]
        g = subset(gold, part)
        events = {e["id"]: (d, e) for d, doc in g["docs"].items() for e in doc["events"]}
        print(f"\nmissed ({part}):")
        for eid in rep["missed"][: args.show]:
            d, e = events[eid]
            print(f"  {eid} {d} {e['date']} {e.get('actors')} | {e['evidence']}")
        print(f"\nsentence found, date or actor wrong ({part}):")
        for item in rep["sentence_but_wrong_date_or_actor"][: args.show]:
            print(f"  {item['id']} gold {item['gold']} got {item['got']}")
        print(f"\nwrong events ({part}):")
        for date, title in rep["wrong_events"][: args.show]:
            print(f"  {date} {title}")
    print("\nreproduce: python benchmarks/events_eval.py" + (f" --gold {args.gold}" if args.gold != str(GOLD) else ""))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    if args.floor:
        floor = json.loads(Path(args.floor).read_text(encoding="utf-8"))
        low = [
            f"{part} {k} {figures[part][k]} < {v}"
            for part, mins in floor.items()
            for k, v in mins.items()
            if figures[part][k] < v
        ]
        if low:
            print("below the floor: " + "; ".join(low))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
