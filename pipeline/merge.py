"""Stage 8: one row per real-world event, merged across articles, every source kept.

Reads the candidate events of `pipeline.events` and writes the `events` and
`evidence` tables of `pipeline.schema`.

Candidates are blocked by date and quad class (a report of a capture and a
report of talks on the same day are never one event), then linked when the
acting party of one takes part in the other, they name the same participants
and they say similar things; a shared date alone never links two reports. One
article's restatement of an act under another type (same date, same acting
party, nearly the same words) joins it too. Linked candidates form one event;
its representative evidence is the most precise, most explicit report.
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
    if candidates.empty:
        return empty(EVENTS), empty(EVIDENCE)
    merged = _merge(candidates, originals or {})
    return conform(merged.events, EVENTS), evidence_table(candidates, merged.order, merged.ids)


@dataclass
class Merged:
    """A merge's result by candidate position: what `merge_events` makes its tables from."""

    events: pd.DataFrame  # the events rows in table order, with `_first`: position of the cluster's first candidate
    order: np.ndarray  # evidence rows: the position of each's candidate, in table order
    ids: list[str]  # ... its event id
    firsts: np.ndarray  # ... and its cluster's first candidate
    copies: dict[tuple, int]  # first-copy key (`_copy_key`) -> position of its first copy


def evidence_table(candidates: pd.DataFrame, order, ids: list[str] | np.ndarray) -> pd.DataFrame:
    """The evidence table: candidates at positions `order`, each with its event id."""
    rows = candidates.iloc[np.asarray(order, dtype=np.int64)].reset_index(drop=True)
    return conform(rows.assign(event_id=pd.Series(ids, dtype="string")), EVIDENCE)


def _merge(candidates: pd.DataFrame, originals: dict[str, str]) -> Merged:
    rows = records(candidates)
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
    by_article: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if f.lead[i] is not None:
            by_article[(r["article"], r["date"], r["date_end"], f.lead[i])].append(i)
    for idx in by_article.values():
        for a, i in enumerate(idx):
            for j in idx[a + 1 :]:
                if links.find(i) != links.find(j) and f.similarity(i, j) >= MIN_RESTATEMENT_SIMILARITY:
                    links.join(i, j)


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


#: Candidates of different (date, end date) are never compared or joined (blocks and restatements
#: both hold one date), so the merge of one such unit depends on its candidates alone.
UNIT = ["date", "date_end"]


@dataclass
class MergeState:
    """What a merge found, by unit of candidates, for the next build to reuse (`merge_reusing`).

    A unit is named by a hash of its candidates in order and of their articles' originals, so a
    unit whose candidates did not change has the same name. `events`: events columns, `_unit`
    and `_first` (rank in its unit of the cluster's first candidate); `evidence`: one row per
    candidate in evidence order, `_unit`, `_k` (rank in its unit), `event_id`, `_first`, `_date`
    (the unit's date and end date), `_hash` (the candidate's row hash, with its article's
    original) and `_copy` (for the first copy of a sentence, a hash of `_copy_key`; else 0).
    """

    events: pd.DataFrame
    evidence: pd.DataFrame


def merge_reusing(
    candidates: pd.DataFrame, originals: dict[str, str] | None, previous: MergeState | None
) -> tuple[pd.DataFrame, pd.DataFrame, MergeState, int]:
    """`merge_events`, merging only the candidates that changed since `previous`.

    Returns the same (events, evidence) as `merge_events`, this merge's state and the number of
    candidates compared or merged again (the others' clusters come from `previous`). Per unit:
    the same candidates as last time reuse its clusters; candidates appended after unchanged
    ones (`_grow`) are compared alone; any other change merges the unit again.
    """
    originals = originals or {}
    if previous is not None and not set(_STATE_COLUMNS) <= set(previous.evidence.columns):
        previous = None  # an older state: without its first copies, its units could not be grown
    units = _units(candidates, originals)
    same, grown = _plan(units, previous)
    copies = np.zeros(len(candidates), dtype=np.int64)  # the next state's `_copy`
    fresh = ~np.isin(units.codes, [units.code_of[u] for u in same])
    parts_ev: list[pd.DataFrame] = []
    parts_evidence: list[tuple] = []  # (positions, event ids, first positions) of evidence rows
    touched: list[int] = []  # first positions of old clusters that gained members
    remerged = 0
    if grown:
        rows: list[dict] = []
        for unit, done in _grow(candidates, units, grown, originals).items():
            old, pos = grown[unit], units.members[unit]
            if done is None:
                del grown[unit]  # a hash collision: merge it again
                continue
            fresh[pos] = False
            remerged += len(pos) - len(old.firsts)
            copies[pos[len(old.firsts) :]] = done.copies
            touched += pos[done.touched].tolist()
            for members, event_id, row in done.clusters:
                at = pos[members]
                parts_evidence.append((at, [event_id] * len(at), np.full(len(at), pos[min(members)])))
                rows.append({**row, "_first": int(pos[min(members)])})
        if rows:
            parts_ev.append(conform(pd.DataFrame(rows), EVENTS).assign(_first=[r["_first"] for r in rows]))
    if previous is not None and len(candidates):
        # Last build's unit name -> this build's unit.
        code_of = {**{u: units.code_of[u] for u in same}, **{old.unit: units.code_of[u] for u, old in grown.items()}}
        kept_ev = previous.evidence[previous.evidence["_unit"].isin(set(code_of))]
        unit_of = kept_ev["_unit"].astype(object).map(code_of).to_numpy(dtype=np.int64)
        pos = units.position(unit_of, kept_ev["_k"].to_numpy())
        first = units.position(unit_of, kept_ev["_first"].to_numpy())
        copies[pos] = kept_ev["_copy"].to_numpy()
        keep = ~np.isin(first, touched)
        parts_evidence.append((pos[keep], kept_ev["event_id"].to_numpy(dtype=object)[keep], first[keep]))
        kept = previous.events[previous.events["_unit"].isin(set(code_of))]
        unit_of = kept["_unit"].astype(object).map(code_of).to_numpy(dtype=np.int64)
        first = units.position(unit_of, kept["_first"].to_numpy())
        keep = ~np.isin(first, touched)
        parts_ev.append(conform(kept[keep], EVENTS).assign(_first=first[keep]))
    positions = np.flatnonzero(fresh)
    if len(positions):
        merged = _merge(candidates.iloc[positions].reset_index(drop=True), originals)
        parts_evidence.append((positions[merged.order], merged.ids, positions[merged.firsts]))
        parts_ev.append(conform(merged.events, EVENTS).assign(_first=positions[merged.events["_first"].to_numpy()]))
        for key, i in merged.copies.items():
            copies[positions[i]] = _copy_hash(key)
        remerged += len(positions)
    if not len(candidates):
        state = MergeState(_state_events(empty(EVENTS), [], []), _state_evidence(units, np.array([], np.int64), [], []))
        return empty(EVENTS), empty(EVIDENCE), state, 0
    order = np.concatenate([p[0] for p in parts_evidence])
    ids = np.concatenate([np.asarray(p[1], dtype=object) for p in parts_evidence])
    firsts = np.concatenate([p[2] for p in parts_evidence])
    # Clusters in the order of their first candidate, as one merge over every candidate gives.
    sort = np.argsort(firsts, kind="stable")
    order, firsts, ids = order[sort], firsts[sort], ids[sort]
    events = pd.concat(parts_ev, ignore_index=True).sort_values(["date", "event_id", "_first"], kind="stable")
    at = events["_first"].to_numpy()
    state = MergeState(
        _state_events(events, units.names[units.codes[at]], units.ranks[at]),
        _state_evidence(units, order, ids, units.ranks[firsts], copies[order]),
    )
    return conform(events.reset_index(drop=True), EVENTS), evidence_table(candidates, order, ids), state, remerged


@dataclass
class _Units:
    """The units of a merge's candidates (see `MergeState`)."""

    names: np.ndarray  # per unit: its name
    dates: np.ndarray  # ... its date and end date ('date|date_end')
    codes: np.ndarray  # per candidate: its unit's index
    ranks: np.ndarray  # ... its rank in its unit
    hashes: np.ndarray  # ... a hash of its row, with its article's original (int64)
    order: np.ndarray  # positions by unit, then rank
    starts: np.ndarray  # per unit: where its candidates start in `order`
    members: dict[str, np.ndarray]  # unit name -> positions of its candidates, in order
    code_of: dict[str, int]  # unit name -> index

    def position(self, codes: np.ndarray, ranks: np.ndarray) -> np.ndarray:
        """The positions of the candidates of these ranks in these units."""
        return self.order[self.starts[codes] + ranks]


def _units(candidates: pd.DataFrame, originals: dict[str, str]) -> _Units:
    """Each candidate's unit (see `MergeState`), its rank in the unit and its row hash."""
    none = np.array([], dtype=np.int64)
    if not len(candidates):
        return _Units(np.array([], dtype=object), np.array([], dtype=object), none, none, none, none, none, {}, {})
    key = candidates[UNIT].astype("string").fillna("\0")
    codes, dates = pd.factorize(key["date"] + "|" + key["date_end"])
    articles = candidates["article"].astype("string")
    source = articles.map(originals).fillna(articles).astype("string") if originals else articles
    hashes = pd.util.hash_pandas_object(candidates.assign(_original=source.to_numpy()), index=False).to_numpy()
    order = np.argsort(codes, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(codes[order])) + 1]
    names = np.empty(len(dates), dtype=object)
    members = {}
    for at in np.split(order, starts[1:]):
        names[codes[at[0]]] = name = hashlib.sha1(hashes[at].tobytes()).hexdigest()
        members[name] = at
    ranks = np.empty(len(codes), dtype=np.int64)
    ranks[order] = np.arange(len(codes)) - np.repeat(starts, np.diff(np.r_[starts, len(codes)]))
    code_of = {name: code for code, name in enumerate(names)}
    # Codes number units in order of appearance, so the units' groups in `order` come in code order.
    return _Units(
        names, np.asarray(dates, dtype=object), codes, ranks, hashes.view(np.int64), order, starts, members, code_of
    )


@dataclass
class _Old:
    """A unit's candidates of the last build, by rank: the first candidate of each one's cluster and `_copy`."""

    unit: str  # its name then
    firsts: np.ndarray
    copies: np.ndarray


def _plan(units: _Units, previous: MergeState | None) -> tuple[set[str], dict[str, _Old]]:
    """The units reused as they are, and those whose old candidates are followed by new ones."""
    if previous is None or not len(units.codes):
        return set(), {}
    old = previous.evidence
    same = set(units.members) & set(old["_unit"].unique())
    others = {units.dates[units.code_of[unit]]: unit for unit in units.members if unit not in same}
    rows = old[old["_date"].isin(set(others))].sort_values(["_date", "_k"], kind="stable")
    dates, ks, hashes = rows["_date"].to_numpy(dtype=object), rows["_k"].to_numpy(), rows["_hash"].to_numpy()
    names, firsts, copies = rows["_unit"].to_numpy(dtype=object), rows["_first"].to_numpy(), rows["_copy"].to_numpy()
    bounds = np.flatnonzero(dates[1:] != dates[:-1]) + 1
    grown = {}
    for at in np.split(np.arange(len(rows)), bounds) if len(rows) else []:
        unit = others[dates[at[0]]]
        pos, m = units.members[unit], len(at)
        # Every old candidate still there, unchanged and first: the new ones come after them.
        if m < len(pos) and np.array_equal(ks[at], np.arange(m)) and np.array_equal(units.hashes[pos[:m]], hashes[at]):
            grown[unit] = _Old(str(names[at[0]]), firsts[at], copies[at])
    return same, grown


@dataclass
class _Grown:
    """A grown unit's clusters that changed: (member ranks in evidence order, event id, event row)."""

    touched: list[int]  # ranks of the first candidates of its old clusters that changed
    copies: np.ndarray  # `_copy` of its new candidates
    clusters: list[tuple[list[int], str, dict]]


def _grow(
    candidates: pd.DataFrame, units: _Units, grown: dict[str, _Old], originals: dict[str, str]
) -> dict[str, _Grown | None]:
    """The clusters of units whose new candidates come after unchanged old ones.

    The clusters are the connected components of the links `_merge` finds, and no link between
    old candidates changed: only links to a new candidate are looked for (its first copy, then
    `_same_act` against the first copies of its block, then restatements in its article). A
    cluster that gained a member or joined another gets its event row and order again. None for
    a unit where two first-copy keys have the same hash (it is merged again).
    """
    olds = {u: units.members[u][: len(o.firsts)] for u, o in grown.items()}
    news = {u: units.members[u][len(o.firsts) :] for u, o in grown.items()}
    new_rows = _records_by_unit(candidates, news)
    # The old candidates a new one may link to: first copies, and those of its article (a changed file).
    articles = {r["article"] for rows in new_rows.values() for r in rows}
    in_article = candidates["article"].isin(articles).to_numpy()
    needed = {u: np.flatnonzero((grown[u].copies != 0) | in_article[at]) for u, at in olds.items()}
    old_rows = _records_by_unit(candidates, {u: olds[u][ks] for u, ks in needed.items()})
    linked = {u: _link(needed[u], old_rows[u], new_rows[u], grown[u]) for u in grown}
    done = {u: got for u, got in linked.items() if got is not None}
    # The clusters that changed, their members in evidence order, one event row each.
    spans = [(u, ks) for u, got in done.items() for ks in got.clusters]
    at = np.concatenate([units.members[u][ks] for u, ks in spans] or [np.array([], np.int64)])
    labels = np.repeat(np.arange(len(spans)), [len(ks) for _, ks in spans])
    at = at[_rank_order(candidates, at, labels)]
    starts = np.r_[0, np.cumsum([len(ks) for _, ks in spans], dtype=np.int64)]
    columns = _columns(candidates.iloc[at, candidates.columns.get_indexer(_MEMBER_COLUMNS)])
    reps = records(candidates.iloc[at[starts[:-1]]])
    grown_rows: dict[str, list] = defaultdict(list)
    for (u, _), rep, a, b in zip(spans, reps, starts[:-1], starts[1:]):
        event_id = _event_id(rep)
        members = {c: v[a:b] for c, v in columns.items()}
        row = _cluster_row(rep, members, event_id, originals)
        grown_rows[u].append((units.ranks[at[a:b]].tolist(), event_id, row))
    out: dict[str, _Grown | None] = dict.fromkeys(linked)
    for u, got in done.items():
        out[u] = _Grown(got.touched, got.copies, grown_rows[u])
    return out


@dataclass
class _Linked:
    """A grown unit after linking its new candidates (`_link`)."""

    touched: list[int]  # ranks of the first candidates of old clusters now part of a larger one
    clusters: list[np.ndarray]  # the member ranks of each cluster with a new candidate, in order
    copies: np.ndarray  # `_copy` of the new candidates


def _records_by_unit(
    candidates: pd.DataFrame, positions: dict[str, np.ndarray], columns: list[str] | None = None
) -> dict[str, list[dict]]:
    """`records` of the candidates at each unit's positions, read in one go."""
    at = np.concatenate([np.asarray(p, dtype=np.int64) for p in positions.values()] or [np.array([], np.int64)])
    picked = candidates.iloc[at] if columns is None else candidates.iloc[at, candidates.columns.get_indexer(columns)]
    rows = records(picked)
    out, start = {}, 0
    for u, p in positions.items():
        out[u] = rows[start : start + len(p)]
        start += len(p)
    return out


def _link(need: np.ndarray, old_rows: list[dict], new: list[dict], old: _Old) -> _Linked | None:
    """One grown unit's links to its new candidates: (touched old firsts, changed clusters, new `_copy`).

    `old_rows` are the old candidates of ranks `need`: first copies and those of a new one's article.
    """
    m = len(old.firsts)
    n = m + len(new)
    links = _Links(n)
    links.parent[:m] = old.firsts.tolist()
    first_copy = {h: k for k, h in enumerate(old.copies.tolist()) if h}
    key_of = {k: _copy_key(r) for k, r in zip(need.tolist(), old_rows) if old.copies[k]}
    copies = np.zeros(len(new), dtype=np.int64)
    is_first = [bool(old.copies[k]) for k in need.tolist()]
    for i, r in enumerate(new, start=m):
        key = _copy_key(r)
        h = _copy_hash(key)
        k = first_copy.get(h)
        if k is None:
            first_copy[h] = i
            key_of[i] = key
            copies[i - m] = h
        elif key_of[k] != key:
            return None
        else:
            links.join(i, k)
        is_first.append(k is None)
    rows = old_rows + new
    rank = need.tolist() + list(range(m, n))  # rows[i] is the candidate of rank rank[i]
    feats = _Features(rows)
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if is_first[i]:
            blocks[r["quad_class"]].append(i)
    restating: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if feats.lead[i] is not None:
            restating[(r["article"], r["date"], r["date_end"], feats.lead[i])].append(i)
    # Old candidates come first in each list: a pair with a new candidate has it second.
    for idx in blocks.values():
        for b, j in enumerate(idx):
            if rank[j] >= m:
                for i in idx[:b]:
                    if links.find(rank[i]) != links.find(rank[j]) and _same_act(i, j, rows, feats):
                        links.join(rank[i], rank[j])
    for idx in restating.values():
        for b, j in enumerate(idx):
            if rank[j] >= m:
                for i in idx[:b]:
                    if (
                        links.find(rank[i]) != links.find(rank[j])
                        and feats.similarity(i, j) >= MIN_RESTATEMENT_SIMILARITY
                    ):
                        links.join(rank[i], rank[j])
    # Each candidate's cluster now, named by its root: an old one's is its old cluster's.
    firsts, old_cluster = np.unique(old.firsts, return_inverse=True)
    roots = np.array([links.find(f) for f in firsts.tolist()] + [links.find(k) for k in range(m, n)], dtype=np.int64)
    root = np.concatenate([roots[: len(firsts)][old_cluster], roots[len(firsts) :]])
    changed = np.isin(root, roots[len(firsts) :])
    members = np.flatnonzero(changed)
    members = members[np.argsort(root[members], kind="stable")]
    bounds = np.flatnonzero(np.diff(root[members])) + 1
    touched = firsts[np.isin(roots[: len(firsts)], roots[len(firsts) :])].tolist()
    return _Linked(touched, np.split(members, bounds), copies)


#: What `_rank` reads.
_RANK_COLUMNS = [
    "caption",
    "precision",
    "date_basis",
    "certainty",
    "cue_distance",
    "evidence",
    "published",
    "article",
    "char_start",
]


def _rank_order(candidates: pd.DataFrame, at: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The order of the candidates at `at` by label, then `_rank`, then position: `_tables`'s, in columns."""
    names = [c for c in _RANK_COLUMNS if c in candidates.columns]
    f = candidates.iloc[at, candidates.columns.get_indexer(names)]
    cue = f["cue_distance"] if "cue_distance" in f else pd.Series(pd.NA, index=f.index, dtype="Int64")
    published = f["published"].astype("string").fillna("").replace("", "9999")
    keys = [
        at,
        f["char_start"].fillna(-1).to_numpy(dtype=np.int64),
        pd.factorize(f["article"], sort=True)[0],  # strings sort by code point, as Python compares them
        pd.factorize(published, sort=True)[0],
        f["evidence"].str.len().fillna(0).to_numpy(dtype=np.int64),
        cue.fillna(999).to_numpy(dtype=np.int64) // 40,
        f["certainty"].map(CERTAINTY_RANK).fillna(9).to_numpy(),
        f["date_basis"].map(BASIS_RANK).fillna(9).to_numpy(),
        f["precision"].map(PRECISION_RANK).fillna(9).to_numpy(),
        f["caption"].fillna(False).to_numpy(dtype=bool),
        labels,
    ]
    return np.lexsort(keys)


def _columns(df: pd.DataFrame) -> dict[str, list]:
    """Columns as lists of plain Python values (missing -> None), as `records` reads them."""
    return {
        c: df[c].tolist() if not df[c].hasnans else df[c].astype(object).where(df[c].notna(), None).tolist()
        for c in df.columns
    }


def _copy_hash(key: tuple) -> int:
    """A first-copy key (`_copy_key`) as a nonzero int64, the same in every build."""
    digest = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True) or 1


def _state_events(events: pd.DataFrame, units, ranks) -> pd.DataFrame:
    return conform(events, EVENTS).assign(_unit=pd.Series(units, dtype="string").to_numpy(), _first=ranks)


#: The columns of `MergeState.evidence`.
_STATE_COLUMNS = ("_unit", "_k", "event_id", "_first", "_date", "_hash", "_copy")


def _state_evidence(units: _Units, order, ids, firsts, copies=()) -> pd.DataFrame:
    return pd.DataFrame(
        {
            # Categories, not a string per candidate: the state is written and read every build.
            "_unit": pd.Categorical.from_codes(units.codes[order], categories=units.names),
            "_k": pd.Series(units.ranks[order], dtype="int64"),
            "event_id": pd.Series(ids, dtype="string"),
            "_first": pd.Series(firsts, dtype="int64"),
            "_date": pd.Categorical.from_codes(units.codes[order], categories=units.dates),
            "_hash": pd.Series(units.hashes[order], dtype="int64"),
            "_copy": pd.Series(copies, dtype="int64"),
        }
    )
