"""Synthetic events/evidence/articles tables that conform to `pipeline.schema`.

For developing and timing the dashboard without the pipeline: `make_events(n)`
returns tables shaped like a real build (same columns and dtypes), made from
realistic actors, mixed date precisions, photo captions and events reported by
several articles. Every evidence offset points into its article's text, so the
provenance view can cut the paragraph out exactly as it would for real data.

    python benchmarks/synthetic.py 20000 /tmp/synthetic   # writes three parquet files
"""

from __future__ import annotations

import hashlib
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import schema

ACTORS = (
    "Russia",
    "Iran",
    "Turkey",
    "Syria",
    "HTS",
    "Qatar",
    "United States",
    "Israel",
    "Hezbollah",
    "Ukraine",
    "European Union",
    "Saudi Arabia",
    "SDF",
    "Jordan",
)
# Activity weights so tracks have an obvious order, like real coverage.
WEIGHTS = np.array([14, 10, 9, 12, 8, 4, 7, 6, 5, 3, 2, 2, 3, 1], dtype=float)
PEOPLE = (
    "Vladimir Putin (Russia)",
    "Mikhail Bogdanov (Russia)",
    "Sergei Lavrov (Russia)",
    "Abbas Araghchi (Iran)",
    "Hakan Fidan (Turkey)",
    "Bashar al-Assad (Syria)",
    "Abu Mohammed al-Jolani (HTS)",
    "Antony Blinken (United States)",
)
PLACES = ("Damascus", "Doha", "Moscow", "Tartus", "Khmeimim", "Aleppo", "Ankara", "Tehran")
# (event_type, quad_class, verb phrase)
TYPES = (
    ("CONSULT", "verbal cooperation", "held talks with"),
    ("AGREE", "verbal cooperation", "agreed with"),
    ("STATEMENT", "neutral", "issued a statement on"),
    ("AID", "material cooperation", "sent aid to"),
    ("ACCUSE", "verbal conflict", "accused"),
    ("THREATEN", "verbal conflict", "warned"),
    ("ASSAULT", "material conflict", "struck positions of"),
    ("RETREAT", "material conflict", "withdrew forces from"),
)
# precision -> (share of events, date_text pattern); day is most common, like news.
PRECISIONS = {
    "day": (0.62, "on {weekday}"),
    "week": (0.06, "last week"),
    "month": (0.14, "in {month}"),
    "season": (0.04, "this winter"),
    "year": (0.10, "in {year}"),
    "range": (0.04, "from {d0} to {d1}"),
}
SOURCES = ("AFP", "Reuters", "Al Jazeera", "TASS", "The Times of Israel", "Anadolu", "Al-Monitor")
START = date(2024, 1, 1)
DAYS = 420


def _span(kind: str, d: date) -> tuple[date, date, str, str, str]:
    """(start, end, precision, timex, date_text) for an event on/around day `d`."""
    if kind == "day":
        return d, d, "day", d.isoformat(), PRECISIONS["day"][1].format(weekday=d.strftime("%A"))
    if kind == "week":
        start = d - timedelta(days=d.weekday())
        iso = d.isocalendar()
        return start, start + timedelta(days=6), "week", f"{iso[0]}-W{iso[1]:02d}", "last week"
    if kind == "month":
        start = d.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1), "month", start.strftime("%Y-%m"), f"in {d:%B}"
    if kind == "season":
        start = date(d.year - 1 if d.month <= 2 else d.year, 12, 1)  # the winter around or after `d`
        return start, start + timedelta(days=89), "season", f"{start.year}-WI", "this winter"
    if kind == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31), "year", str(d.year), f"in {d.year}"
    end = d + timedelta(days=3)
    return d, end, "day", f"{d.isoformat()}/{end.isoformat()}", f"from {d:%d %B} to {end:%d %B}"


def _pick_actors(rng: np.random.Generator) -> list[str]:
    k = int(rng.choice([1, 2, 3], p=[0.45, 0.4, 0.15]))
    idx = rng.choice(len(ACTORS), size=k, replace=False, p=WEIGHTS / WEIGHTS.sum())
    return [ACTORS[i] for i in idx]


def make_events(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (events, evidence, articles) with `n` events, conformed to `pipeline.schema`."""
    rng = np.random.default_rng(seed)
    n_articles = max(5, n // 15)
    published = [START + timedelta(days=int(x)) for x in sorted(rng.integers(0, DAYS, n_articles))]
    paragraphs: list[list[str]] = [[] for _ in range(n_articles)]
    kinds = list(PRECISIONS)
    shares = np.array([v[0] for v in PRECISIONS.values()])
    events, evidence = [], []
    for i in range(n):
        first = int(rng.integers(0, n_articles))
        k = int(rng.choice([1, 2, 3, 4], p=[0.55, 0.25, 0.13, 0.07]))
        arts = sorted({first, *rng.integers(max(0, first - 8), min(n_articles, first + 8), k - 1).tolist()})
        pub = published[arts[0]]
        day = pub - timedelta(days=int(rng.integers(0, 6)))
        start, end, precision, timex, date_text = _span(str(rng.choice(kinds, p=shares / shares.sum())), day)
        actors = _pick_actors(rng)
        people = [p for p in PEOPLE if p.split("(")[1][:-1] in actors and rng.random() < 0.25]
        etype, quad, verb = TYPES[int(rng.integers(0, len(TYPES)))]
        place = PLACES[int(rng.integers(0, len(PLACES)))]
        caption = bool(rng.random() < 0.05)
        certainty = str(rng.choice(["asserted", "attributed", "hedged", "future"], p=[0.6, 0.25, 0.1, 0.05]))
        other = " and ".join(actors[1:]) or "Syria"
        sentence = f"{actors[0]} {verb} {other} in {place} {date_text}."
        if caption:
            sentence = f"Photo: officials of {actors[0]} in {place} {date_text}."
        basis = "relative to publication" if date_text.startswith(("on ", "last")) else "explicit"
        note = (
            f"'{date_text}', relative to publication {pub.isoformat()}"
            if basis != "explicit"
            else f"'{date_text}' as written"
        )
        event_id = hashlib.sha1(f"{seed}-{i}".encode()).hexdigest()[:12]
        for a in arts:
            para = f"Report {i} from {place}. {sentence} Officials gave no further details."
            paragraphs[a].append(para)
            evidence.append(
                {
                    "event_id": event_id,
                    "article": a,
                    "para": len(paragraphs[a]) - 1,
                    "offset": len(f"Report {i} from {place}. "),
                    "evidence": sentence,
                    "published": published[a].isoformat(),
                    "date": start.isoformat(),
                    "date_end": end.isoformat(),
                    "precision": precision,
                    "timex": timex,
                    "date_text": date_text,
                    "date_basis": basis,
                    "date_note": note,
                    "event_type": etype,
                    "actors": ";".join(actors),
                    "people": ";".join(people),
                    "locations": place,
                    "certainty": certainty,
                    "caption": caption,
                    "trigger": verb.split()[0],
                    "rule": "synthetic",
                }
            )
        events.append(
            {
                "event_id": event_id,
                "date": start.isoformat(),
                "date_end": end.isoformat(),
                "precision": precision,
                "timex": timex,
                "date_text": date_text,
                "date_basis": basis,
                "date_note": note,
                "title": sentence[:80],
                "evidence": sentence,
                "event_type": etype,
                "quad_class": quad,
                "actors": ";".join(actors),
                "people": ";".join(people),
                "locations": place,
                "certainty": certainty,
                "caption": caption,
                "sources": len(arts),
                "arts": arts,
            }
        )
    return _assemble(events, evidence, paragraphs, published, rng)


def _assemble(events, evidence, paragraphs, published, rng):
    """Join paragraphs into article texts and turn paragraph positions into char offsets."""
    names = [f"{i:05d}_synthetic.txt" for i in range(len(paragraphs))]
    para_start: list[list[int]] = []
    texts = []
    for i, paras in enumerate(paragraphs):
        title = f"Synthetic report {i}"
        pos, starts = len(title) + 2, []
        for p in paras:
            starts.append(pos)
            pos += len(p) + 2
        para_start.append(starts)
        texts.append("\n\n".join([title, *paras]))
    ev = pd.DataFrame(evidence)
    ev["char_start"] = [para_start[a][p] + o for a, p, o in zip(ev["article"], ev["para"], ev["offset"])]
    ev["char_end"] = ev["char_start"] + ev["evidence"].str.len()
    ev["article"] = [names[a] for a in ev["article"]]
    first = ev.drop_duplicates("event_id").set_index("event_id")
    events = pd.DataFrame(events)
    events["articles"] = [";".join(names[a] for a in arts) for arts in events.pop("arts")]
    for col in ("article", "published", "char_start", "char_end"):
        events[col] = events["event_id"].map(first[col])
    articles = pd.DataFrame(
        {
            "article": names,
            "title": [f"Synthetic report {i}" for i in range(len(names))],
            "source": [SOURCES[int(x)] for x in rng.integers(0, len(SOURCES), len(names))],
            "url": [f"https://example.org/news/{i}" for i in range(len(names))],
            "published": [d.isoformat() for d in published],
            "published_basis": "manifest",
            "published_note": "",
            "format": "txt",
            "named_days": None,  # the days only their event sentences name: salience counts those
            "text": texts,
        }
    )
    from pipeline.salience import score_salience

    events = score_salience(events.assign(salience=None), ev, articles)  # as the build scores them
    return (
        schema.conform(events, schema.EVENTS),
        schema.conform(ev, schema.EVIDENCE),
        schema.conform(articles, schema.ARTICLES),
    )


def write_tables(folder: Path, n: int, seed: int = 0) -> Path:
    """Write the three tables as a build would (events.parquet + _evidence, _articles); return the events file."""
    from pipeline.write import sibling, write_table

    events_file = folder / "events.parquet"
    events, evidence, articles = make_events(n, seed)
    write_table(events, events_file)
    write_table(evidence, sibling(events_file, "evidence"))
    write_table(articles, sibling(events_file, "articles"))
    return events_file


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/tmp/timeline_synthetic")
    print(write_tables(out, count))
