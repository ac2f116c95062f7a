"""Stage 8 again after a small change: reuse the last build's clusters where the candidates allow.

The clusters of `cluster.merge_events` are the connected components of its links,
and those links are symmetric, so they do not depend on the order of comparison:
candidates appended to a unit add links that touch them and change no other.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.events import plain_list, records
from pipeline.merge.cluster import (
    _MEMBER_COLUMNS,
    _cluster_row,
    _copy_key,
    _event_id,
    _Features,
    _Links,
    _merge,
    _restatement_groups,
    _restates,
    _same_act,
    evidence_table,
    unit_codes,
)
from pipeline.schema import BASIS_RANK, CERTAINTY_RANK, EVENTS, PRECISION_RANK, conform, empty


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
    candidates compared or merged again (the others' clusters come from `previous`).
    """
    events, order, ids, state, remerged = merge_positions_reusing(candidates, originals, previous)
    return events, evidence_table(candidates, order, ids), state, remerged


def merge_positions_reusing(
    candidates: pd.DataFrame, originals: dict[str, str] | None, previous: MergeState | None
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, MergeState, int]:
    """`merge_reusing` with the evidence table as positions (see `cluster.merge_positions`).

    Per unit:
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
        # Every candidate (a clean build): merged where it is; a copy of them all would be the merge's largest table.
        whole = len(positions) == len(candidates)
        merged = _merge(candidates if whole else candidates.iloc[positions].reset_index(drop=True), originals)
        parts_evidence.append((positions[merged.order], merged.ids, positions[merged.firsts]))
        parts_ev.append(conform(merged.events, EVENTS).assign(_first=positions[merged.events["_first"].to_numpy()]))
        for key, i in merged.copies.items():
            copies[positions[i]] = _copy_hash(key)
        remerged += len(positions)
    if not len(candidates):
        state = MergeState(_state_events(empty(EVENTS), [], []), _state_evidence(units, np.array([], np.int64), [], []))
        return empty(EVENTS), np.array([], dtype=np.int64), np.array([], dtype=object), state, 0
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
    return conform(events.reset_index(drop=True), EVENTS), order, ids, state, remerged


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
    codes, dates = unit_codes(candidates)
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
    members_of = candidates.iloc[at, candidates.columns.get_indexer(_MEMBER_COLUMNS)]
    columns = {c: plain_list(members_of[c]) for c in _MEMBER_COLUMNS}
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


def _records_by_unit(candidates: pd.DataFrame, positions: dict[str, np.ndarray]) -> dict[str, list[dict]]:
    """`records` of the candidates at each unit's positions, read in one go."""
    at = np.concatenate([np.asarray(p, dtype=np.int64) for p in positions.values()] or [np.array([], np.int64)])
    rows = records(candidates.iloc[at])
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

    def link_new(groups, linked) -> None:
        """Join each new candidate to those before it in its group that `linked` ties it to."""
        # Old candidates come first in each group: a pair with a new candidate has it second.
        for idx in groups:
            for b, j in enumerate(idx):
                if rank[j] >= m:
                    for i in idx[:b]:
                        if links.find(rank[i]) != links.find(rank[j]) and linked(i, j):
                            links.join(rank[i], rank[j])

    link_new(blocks.values(), lambda i, j: _same_act(i, j, rows, feats))
    link_new(_restatement_groups(rows, feats), lambda i, j: _restates(i, j, feats))
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
