"""Stage 8: one row per real-world event, merged across articles, every source kept.

Reads the candidate events of `pipeline.events` and writes the `events` and
`evidence` tables of `pipeline.schema`.

Candidates are blocked by date and quad class (a report of a capture and a
report of talks on the same day are never one event), then linked when they
name the same participants and say similar things. Linked candidates form one
event; its representative evidence is the most precise, most explicit report.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

import pandas as pd
from rapidfuzz import fuzz

from pipeline.events import PRECISION_RANK, records
from pipeline.lexicon import load_event_words, tokens
from pipeline.schema import EVENTS, EVIDENCE, conform, empty

#: Two reports are one event when their participants overlap this much (Jaccard) ...
MIN_ENTITY_OVERLAP = 0.25
#: Two acts (anything but STATEMENT) of one quad class on one day with overlapping
#: participants and no conflicting places are one event, if they are the same kind of
#: act or name the same person or place. Others need this content-word similarity
#: too (0-100): one day's statements by the same people are rarely one statement.
MIN_TEXT_SIMILARITY = 60
BASIS_RANK = {"explicit": 0, "relative to publication": 1, "relative to text": 2, "inferred": 3, "caption": 4}
CERTAINTY_RANK = {"asserted": 0, "attributed": 1, "hedged": 2, "future": 3, "negated": 4}
_AFFILIATION = re.compile(r" \(.*\)$")



def merge_events(
    candidates: pd.DataFrame, originals: dict[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cluster candidates into events; returns (events, evidence).

    `originals` maps a reprinted article to the one it copies (`pipeline.reprints`): `sources` counts originals.
    """
    if candidates.empty:
        return empty(EVENTS), empty(EVIDENCE)
    rows = records(candidates)
    entities = [_entities(r) for r in rows]
    places = [set(_names(r["locations"])) for r in rows]
    # People and places pin an act down; states alone do not (Russia and Syria are in half the news).
    specific = [places[i] | {_person(p) for p in _names(r["people"])} for i, r in enumerate(rows)]
    words: dict[int, str] = {}  # content words, only for the pairs that need them

    def content(i: int) -> str:
        if i not in words:
            words[i] = _content(rows[i]["evidence"])
        return words[i]

    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # The same sentence on the same date (a wire story reprinted) is one event at once;
    # only distinct sentences are compared pairwise.
    first_copy: dict[tuple, int] = {}
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        key = (r["date"], r["date_end"], r["event_type"], " ".join(r["evidence"].lower().split()))
        if key in first_copy:
            parent[i] = first_copy[key]
            continue
        first_copy[key] = i
        blocks[(r["date"], r["date_end"], r["quad_class"])].append(i)
    for idx in blocks.values():
        for a, i in enumerate(idx):
            for j in idx[a + 1 :]:
                if find(i) == find(j):
                    continue
                if places[i] and places[j] and not places[i] & places[j]:
                    continue  # the same kind of act in two different places
                ti, tj = rows[i]["event_type"], rows[j]["event_type"]
                # Acts merge when they are the same kind of act, or name the same person or place.
                acts = "STATEMENT" not in (ti, tj) and (ti == tj or bool(specific[i] & specific[j]))
                if _same_event(entities[i], entities[j], acts, lambda: fuzz.token_sort_ratio(content(i), content(j))):
                    parent[find(i)] = find(j)

    clusters: dict[int, list[dict]] = defaultdict(list)
    for i, r in enumerate(rows):
        clusters[find(i)].append(r)
    events, evidence = [], []
    for group in clusters.values():
        group.sort(key=_rank)
        event_id = _event_id(group[0])
        events.append(_event_row(group, event_id, originals or {}))
        evidence.extend({**r, "event_id": event_id} for r in group)
    events_df = pd.DataFrame(events).sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)
    evidence_df = pd.DataFrame(evidence)
    return conform(events_df, EVENTS), conform(evidence_df, EVIDENCE)


def _rank(r: dict) -> tuple:
    """Best report first: not a caption, precise, explicit, certain, direct, short, early."""
    return (
        bool(r["caption"]),
        PRECISION_RANK.get(r["precision"], 9),
        BASIS_RANK.get(r["date_basis"], 9),
        CERTAINTY_RANK.get(r["certainty"], 9),
        # The report whose event cue sits next to its date says it most directly.
        (r["cue_distance"] if r.get("cue_distance") is not None else 999) // 40,
        len(r["evidence"]),
        r["published"] or "9999",
        r["article"],
        r["char_start"],
    )


def _entities(r: dict) -> set[str]:
    return {_person(n) for col in ("actors", "people", "locations") for n in _names(r[col])}


def _person(name: str) -> str:
    """'Mikhail Bogdanov (Russia)' -> 'Mikhail Bogdanov' (other names pass unchanged)."""
    return _AFFILIATION.sub("", name)


def _content(text: str) -> str:
    stop = load_event_words().stopwords
    return " ".join(w for w, _, _ in tokens(text) if w not in stop and len(w) > 2)


def _same_event(e1: set[str], e2: set[str], acts: bool, similarity) -> bool:
    if not e1 or not e2 or len(e1 & e2) / len(e1 | e2) < MIN_ENTITY_OVERLAP:
        return False
    return acts or similarity() >= MIN_TEXT_SIMILARITY


def _names(cell) -> list[str]:
    return cell.split(";") if isinstance(cell, str) and cell else []


def _event_id(rep) -> str:
    """Stable across rebuilds: the same representative report gives the same id."""
    key = "|".join(
        [str(rep["date"]), str(rep["event_type"]), str(rep["article"]), " ".join(str(rep["evidence"]).split())]
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _union(values) -> str:
    seen: dict[str, int] = {}
    for v in values:
        for name in _names(v):
            seen[name] = seen.get(name, 0) + 1
    return ";".join(sorted(seen, key=lambda n: -seen[n]))  # stable sort keeps first-seen order on ties


def _event_row(group: list[dict], event_id: str, originals: dict[str, str]) -> dict:
    rep = group[0]
    articles = sorted({r["article"] for r in group})
    row = {c: rep.get(c) for c in EVENTS}
    row.update(
        event_id=event_id,
        actors=_union(r["actors"] for r in group),
        people=_union(r["people"] for r in group),
        locations=_union(r["locations"] for r in group),
        certainty=min((r["certainty"] for r in group), key=lambda c: CERTAINTY_RANK.get(c, 9)),
        caption=all(bool(r["caption"]) for r in group),
        sources=len({originals.get(a, a) for a in articles}),
        articles=";".join(articles),
    )
    return row
