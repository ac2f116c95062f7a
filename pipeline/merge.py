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

import pandas as pd
from rapidfuzz import fuzz

from pipeline.events import PRECISION_RANK
from pipeline.lexicon import tokens
from pipeline.schema import EVENTS, EVIDENCE, conform, empty

#: Two reports are one event when their participants overlap this much (Jaccard) ...
MIN_ENTITY_OVERLAP = 0.25
#: Two acts (anything but STATEMENT) of one quad class on one day with overlapping
#: participants and no conflicting places are one event. Two statements need this
#: content-word similarity too (0-100): one day's statements by the same people
#: are rarely one statement.
MIN_TEXT_SIMILARITY = 70
BASIS_RANK = {"explicit": 0, "relative to publication": 1, "relative to text": 2, "inferred": 3, "caption": 4}
CERTAINTY_RANK = {"asserted": 0, "attributed": 1, "hedged": 2, "future": 3, "negated": 4}
_STOP = frozenset(
    "a an the of in on at to for from by with and or but that this these those it its is are was were be been has "
    "have had as which who whom whose their his her they he she we our us said says say told also not no".split()
)


def merge_events(candidates: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cluster candidates into events; returns (events, evidence)."""
    if candidates.empty:
        return empty(EVENTS), empty(EVIDENCE)
    cands = candidates.reset_index(drop=True)
    entities = [_entities(r) for r in cands.itertuples()]
    places = [set(_names(p)) for p in cands["locations"]]
    words = [_content(t) for t in cands["evidence"]]
    parent = list(range(len(cands)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, block in cands.groupby(["date", "date_end", "quad_class"], sort=False):
        idx = list(block.index)
        types = block["event_type"].tolist()
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                i, j = idx[a], idx[b]
                acts = "STATEMENT" not in (types[a], types[b])
                if places[i] and places[j] and not places[i] & places[j]:
                    continue  # the same kind of act in two different places
                if _same_event(entities[i], entities[j], acts, words[i], words[j]):
                    parent[find(i)] = find(j)

    cands["_cluster"] = [find(i) for i in range(len(cands))]
    cands["_rank"] = list(zip(
        cands["caption"].astype(bool),
        cands["precision"].map(PRECISION_RANK).fillna(9),
        cands["date_basis"].map(BASIS_RANK).fillna(9),
        cands["certainty"].map(CERTAINTY_RANK).fillna(9),
        # The report whose event cue sits next to its date says it most directly.
        cands["cue_distance"].fillna(999) // 40,
        cands["evidence"].str.len(),
        cands["published"].fillna("9999"),
        cands["article"],
        cands["char_start"],
    ))
    events, evidence = [], []
    for _, group in cands.groupby("_cluster", sort=False):
        group = group.sort_values("_rank")
        rep = group.iloc[0]
        event_id = _event_id(rep)
        events.append(_event_row(rep, group, event_id))
        evidence.append(group.assign(event_id=event_id))
    events_df = pd.DataFrame(events).sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)
    evidence_df = pd.concat(evidence, ignore_index=True).sort_values(["event_id", "_rank"]).reset_index(drop=True)
    return conform(events_df, EVENTS), conform(evidence_df, EVIDENCE)


def _entities(row) -> set[str]:
    return {re.sub(r" \(.*\)$", "", n) for col in (row.actors, row.people, row.locations) for n in _names(col)}


def _content(text: str) -> str:
    return " ".join(w for w, _, _ in tokens(text) if w not in _STOP and len(w) > 2)


def _same_event(e1: set[str], e2: set[str], acts: bool, w1: str, w2: str) -> bool:
    if not e1 or not e2 or len(e1 & e2) / len(e1 | e2) < MIN_ENTITY_OVERLAP:
        return False
    return acts or fuzz.token_set_ratio(w1, w2) >= MIN_TEXT_SIMILARITY


def _names(cell) -> list[str]:
    return cell.split(";") if isinstance(cell, str) and cell else []


def _event_id(rep) -> str:
    """Stable across rebuilds: the same representative report gives the same id."""
    key = "|".join([str(rep["date"]), str(rep["event_type"]), str(rep["article"]), " ".join(str(rep["evidence"]).split())])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _union(values) -> str:
    seen: dict[str, int] = {}
    for v in values:
        for name in _names(v):
            seen[name] = seen.get(name, 0) + 1
    return ";".join(sorted(seen, key=lambda n: -seen[n]))  # stable sort keeps first-seen order on ties


def _event_row(rep, group: pd.DataFrame, event_id: str) -> dict:
    articles = sorted(set(group["article"]))
    row = {c: rep[c] for c in EVENTS if c in rep.index}
    row.update(
        event_id=event_id,
        actors=_union(group["actors"]),
        people=_union(group["people"]),
        locations=_union(group["locations"]),
        certainty=min(group["certainty"], key=lambda c: CERTAINTY_RANK.get(c, 9)),
        caption=bool(group["caption"].all()),
        sources=len(articles),
        articles=";".join(articles),
    )
    return row
