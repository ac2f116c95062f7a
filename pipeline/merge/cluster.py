"""Stage 8's clustering (the rules are in `pipeline.merge`): blocks, links, one event per cluster.

Union-find over candidate positions; `merge_events` gives the events and
evidence tables, `_merge` the same by position for `incremental` to reuse.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from pipeline.events import records
from pipeline.lexicon import load_event_words, tokens
from pipeline.schema import BASIS_RANK, CERTAINTY_RANK, EVENTS, EVIDENCE, PRECISION_RANK, conform, empty, split_person

#: Two reports are one event when their participants overlap this much (Jaccard) ...
MIN_ENTITY_OVERLAP = 0.25
#: Two acts (anything but STATEMENT) of one quad class on one day with overlapping
#: participants and no conflicting places are one event, if they are the same kind of
#: act or name the same person or place. Others need this content-word similarity
#: too (0-100): one day's statements by the same people are rarely one statement.
MIN_TEXT_SIMILARITY = 60


#: One article's restatement of an act it already reported (same date, same lead actor),
#: typed differently ("called Bush a liar" as ASSAULT and as STATEMENT): this similar (0-100).
MIN_RESTATEMENT_SIMILARITY = 80


def merge_events(
    candidates: pd.DataFrame, originals: dict[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cluster candidates into events; returns (events, evidence).

    `originals` maps a reprinted article to the one it copies (`pipeline.reprints`): `sources` counts originals.
    """
    events, order, ids = merge_positions(candidates, originals)
    return events, evidence_table(candidates, order, ids)


def merge_positions(
    candidates: pd.DataFrame, originals: dict[str, str] | None = None
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """`merge_events` with the evidence table as positions: its row k is candidate `order[k]`, of event `ids[k]`.

    For a build that makes the table later, with `take_evidence`, once nothing else holds the candidates.
    """
    if candidates.empty:
        return empty(EVENTS), np.array([], dtype=np.int64), []
    merged = _merge(candidates, originals or {})
    return conform(merged.events, EVENTS), merged.order, merged.ids


@dataclass
class Merged:
    """A merge's result by candidate position: what `merge_events` makes its tables from."""

    events: pd.DataFrame  # the events rows in table order, with `_first`: position of the cluster's first candidate
    order: np.ndarray  # evidence rows: the position of each's candidate, in table order
    ids: list[str]  # ... its event id
    firsts: np.ndarray  # ... and its cluster's first candidate
    copies: dict[tuple, int]  # first-copy key (`_copy_key`) -> position of its first copy


def evidence_table(candidates: pd.DataFrame, order, ids: list[str] | np.ndarray) -> pd.DataFrame:
    """The evidence table: candidates at positions `order`, each with its event id (`candidates` kept)."""
    return take_evidence(candidates.copy(deep=False), order, ids)  # a shallow copy's columns are dropped, not theirs


def take_evidence(candidates: pd.DataFrame, order, ids: list[str] | np.ndarray) -> pd.DataFrame:
    """`evidence_table`, emptying `candidates` a column at a time as it goes: for their last use.

    The evidence table is every candidate again, in another order. Made whole while the
    candidates were still held, it doubled the largest table of a big build's merge; taken a
    column at a time, each column dropped from `candidates` once taken, the two together
    never hold more than one column twice.
    """
    at = np.asarray(order, dtype=np.int64)
    columns = {}
    for name in list(candidates.columns):
        columns[name] = candidates[name].array.take(at)
        del candidates[name]
    rows = pd.DataFrame(columns, index=pd.RangeIndex(len(at)))
    return conform(rows.assign(event_id=pd.Series(ids, dtype="string")), EVIDENCE)


#: Candidates of different (date, end date) are never compared or joined (blocks and restatements
#: both hold one date), so the merge of one such unit depends on its candidates alone.
UNIT = ["date", "date_end"]

#: Candidates turned into Python rows at a time: whole units are merged a batch at a time (see `_merge`).
MERGE_BATCH = 20_000


def _merge(candidates: pd.DataFrame, originals: dict[str, str]) -> Merged:
    """`_merge_rows` over batches of whole units (see `UNIT`), put together as one merge of all gives them.

    The rows a merge compares are Python dicts, several times the size of the Arrow columns they
    come from: made for every candidate at once, they were the largest part of a big build's
    memory; a batch at a time, that part stays the same however large the corpus.
    """
    batches = _unit_batches(candidates, MERGE_BATCH)
    if len(batches) <= 1:
        return _merge_rows(records(candidates), originals)
    events, order, ids, firsts, copies = [], [], [], [], {}
    for pos in batches:
        part = _merge_rows(records(candidates.iloc[pos]), originals)
        events.append(part.events.assign(_first=pos[part.events["_first"].to_numpy(dtype=np.int64)]))
        order.append(pos[part.order])
        ids += part.ids
        firsts.append(pos[part.firsts])
        copies.update({key: int(pos[i]) for key, i in part.copies.items()})
    # As one merge orders them: clusters by their first candidate, events by date, id and first candidate.
    all_firsts = np.concatenate(firsts)
    sort = np.argsort(all_firsts, kind="stable")
    table = pd.concat(events, ignore_index=True).sort_values(["date", "event_id", "_first"], kind="stable")
    return Merged(
        table.reset_index(drop=True),
        np.concatenate(order)[sort],
        [ids[k] for k in sort],
        all_firsts[sort],
        copies,
    )


def unit_codes(candidates: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Each candidate's unit (see `UNIT`) as a code, units numbered in order of first appearance; their 'date|date_end'."""
    key = candidates[UNIT].astype("string").fillna("\0")
    return pd.factorize(key["date"] + "|" + key["date_end"])


def _unit_batches(candidates: pd.DataFrame, batch: int) -> list[np.ndarray]:
    """Candidate positions in batches of whole units, each batch's in table order, none past `batch` unless one unit is."""
    if len(candidates) <= batch:
        return [np.arange(len(candidates))]
    codes, _ = unit_codes(candidates)
    # Units in order of first appearance, cut where a batch would pass `batch` candidates.
    group = np.empty(codes.max() + 1, dtype=np.int64)
    current = filled = 0
    for unit, size in enumerate(np.bincount(codes).tolist()):
        if filled and filled + size > batch:
            current, filled = current + 1, 0
        group[unit] = current
        filled += size
    of_row = group[codes]
    order = np.argsort(of_row, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(of_row[order])) + 1)


def _merge_rows(rows: list[dict], originals: dict[str, str]) -> Merged:
    feats = _Features(rows)
    links = _Links(len(rows))
    blocks, copies = _blocks(rows, links)
    for idx in blocks.values():
        for a, i in enumerate(idx):
            for j in idx[a + 1 :]:
                if links.find(i) != links.find(j) and _same_act(i, j, rows, feats):
                    links.join(i, j)
    _join_restatements(rows, feats, links)
    return replace(_tables(rows, links, originals), copies=copies)


class _Links:
    """Union-find over candidate indexes: which reports are one event."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


class _Features:
    """What the comparisons need per candidate, computed once (content words only when asked).

    Reprints repeat the same sentences and names: each distinct value is worked out once.
    """

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows
        seen: dict[tuple, tuple] = {}
        for r in rows:
            names = (r["actors"], r["people"], r["locations"])
            if names not in seen:
                places = set(_names(r["locations"]))
                # People and places pin an act down; states alone do not (Russia and Syria are in half the news).
                specific = places | {_person(p) for p in _names(r["people"])}
                # The acting party: the first actor or person the sentence names.
                seen[names] = (_entities(r), places, specific, _lead(r))
        per_row = [seen[(r["actors"], r["people"], r["locations"])] for r in rows]
        self.entities = [f[0] for f in per_row]
        self.places = [f[1] for f in per_row]
        self.specific = [f[2] for f in per_row]
        self.lead = [f[3] for f in per_row]
        self._words: dict[str, str] = {}  # evidence -> its content words

    def content(self, i: int) -> str:
        text = self.rows[i]["evidence"]
        if text not in self._words:
            self._words[text] = _content(text)
        return self._words[text]

    def similarity(self, i: int, j: int) -> float:
        return fuzz.token_sort_ratio(self.content(i), self.content(j))


def _blocks(rows: list[dict], links: _Links) -> tuple[dict[tuple, list[int]], dict[tuple, int]]:
    """Candidates by (date, quad class); a reprint of a sentence on the same date joins its first copy at once.

    Returns the blocks (of first copies) and each first copy by its key.
    """
    first_copy: dict[tuple, int] = {}
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        key = _copy_key(r)
        if key in first_copy:
            links.join(i, first_copy[key])
            continue
        first_copy[key] = i
        blocks[(r["date"], r["date_end"], r["quad_class"])].append(i)
    return blocks, first_copy


def _copy_key(r: dict) -> tuple:
    """Reports with the same key are copies of one sentence: each joins the first of them."""
    return (r["date"], r["date_end"], r["event_type"], " ".join(r["evidence"].lower().split()))


def _same_act(i: int, j: int, rows: list[dict], f: _Features) -> bool:
    """Two reports of one date and quad class: the same act by the same party on the same object?"""
    if f.places[i] and f.places[j] and not f.places[i] & f.places[j]:
        return False  # the same kind of act in two different places
    if not _same_party(i, j, f):
        return False  # Clinton's condemnation and the Security Council's are two acts
    ti, tj = rows[i]["event_type"], rows[j]["event_type"]
    # Acts merge when they are the same kind of act, or name the same person or place.
    acts = "STATEMENT" not in (ti, tj) and (ti == tj or bool(f.specific[i] & f.specific[j]))
    return _same_event(f.entities[i], f.entities[j], acts, lambda: f.similarity(i, j))


def _same_party(i: int, j: int, f: _Features) -> bool:
    """The acting party of one report is a participant of the other."""
    li, lj = f.lead[i], f.lead[j]
    if li is None or lj is None:
        return True
    return li in f.entities[j] or lj in f.entities[i]


def _join_restatements(rows: list[dict], f: _Features, links: _Links) -> None:
    """One article restating one act under two types: same article, date and lead, nearly the same words."""
    for idx in _restatement_groups(rows, f):
        for a, i in enumerate(idx):
            for j in idx[a + 1 :]:
                if links.find(i) != links.find(j) and _restates(i, j, f):
                    links.join(i, j)


def _restatement_groups(rows: list[dict], f: _Features) -> list[list[int]]:
    """The candidates that may restate one another, in order: one article, date and lead each."""
    by_article: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if f.lead[i] is not None:
            by_article[(r["article"], r["date"], r["date_end"], f.lead[i])].append(i)
    return list(by_article.values())


def _restates(i: int, j: int, f: _Features) -> bool:
    return f.similarity(i, j) >= MIN_RESTATEMENT_SIMILARITY


def _tables(rows: list[dict], links: _Links, originals: dict[str, str]) -> Merged:
    """The events (one row per cluster, its best report first) and every report's place in the evidence table."""
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        clusters[links.find(i)].append(i)
    events: list[dict] = []
    order: list[int] = []
    ids: list[str] = []
    firsts: list[int] = []
    for members in clusters.values():
        first = members[0]
        members.sort(key=lambda i: _rank(rows[i]))
        group = [rows[i] for i in members]
        event_id = _event_id(group[0])
        events.append({**_event_row(group, event_id, originals), "_first": first})
        order += members
        ids += [event_id] * len(members)
        firsts += [first] * len(members)
    events_df = pd.DataFrame(events).sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)
    return Merged(events_df, np.asarray(order, dtype=np.int64), ids, np.asarray(firsts, dtype=np.int64), {})


def _lead(r: dict) -> str | None:
    """The first participant the sentence names (actors and people are listed in text order)."""
    people = [_person(p) for p in _names(r["people"])]
    actors = _names(r["actors"])
    if not people and not actors:
        return None
    if not actors:
        return people[0]
    # A person stands for their side: the first actor is written with (or before) them.
    return actors[0]


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
    return split_person(name)[0]


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
    """Stable across rebuilds: a hash of the representative report's date, event type, article and sentence."""
    key = "|".join(
        [str(rep["date"]), str(rep["event_type"]), str(rep["article"]), " ".join(str(rep["evidence"]).split())]
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _union(values) -> str:
    times = Counter(values)  # copies repeat the same names: each distinct value is split once (in first-seen order)
    seen: dict[str, int] = {}
    for v, k in times.items():
        for name in _names(v):
            seen[name] = seen.get(name, 0) + k
    return ";".join(sorted(seen, key=lambda n: -seen[n]))  # stable sort keeps first-seen order on ties


def _event_row(group: list[dict], event_id: str, originals: dict[str, str]) -> dict:
    return _cluster_row(group[0], {c: [r[c] for r in group] for c in _MEMBER_COLUMNS}, event_id, originals)


#: What an event row reads of every member of its cluster (`_cluster_row`); the rest comes from its representative.
_MEMBER_COLUMNS = ("actors", "people", "locations", "certainty", "caption", "article")


def _cluster_row(rep: dict, members: dict[str, list], event_id: str, originals: dict[str, str]) -> dict:
    """An event's row: its representative's, with its cluster's (`members`: lists, best report first) names and sources."""
    articles = sorted(set(members["article"]))
    row = {c: rep.get(c) for c in EVENTS}
    row.update(
        event_id=event_id,
        actors=_union(members["actors"]),
        people=_union(members["people"]),
        locations=_union(members["locations"]),
        # Distinct values in first-seen order: copies repeat them.
        certainty=min(dict.fromkeys(members["certainty"]), key=lambda c: CERTAINTY_RANK.get(c, 9)),
        caption=all(map(bool, members["caption"])),
        sources=len(set(map(originals.get, articles, articles))),
        articles=";".join(articles),
    )
    return row
