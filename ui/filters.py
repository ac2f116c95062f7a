"""Filtering the events table: the sidebar's filters as plain functions.

Reads the `events` and `evidence` columns of `pipeline.schema`. `prepare` adds
helper columns (prefixed `_`, never exported) once per build, so that a filter
change is a handful of vectorized masks over 20,000 rows, not string parsing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

#: Precisions drawn as background: a whole year (or more) is context, not an event.
BACKGROUND = ("year", "decade", "century")


@dataclass(frozen=True)
class Filters:
    """The analyst's filter choices; the defaults show every foreground, non-caption event."""

    actors: tuple[str, ...] = ()
    actor_mode: str = "any of"  # or "all of"
    date_from: date | None = None
    date_to: date | None = None
    event_types: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    min_sources: int = 1
    text: str = ""
    captions: bool = False
    background: bool = False


def split(values: pd.Series) -> pd.Series:
    """';'-joined cells -> lists (empty list for <NA> or '')."""
    # Plain lists in an object column: pandas' string map would make arrow lists.
    cells = values.astype(object).where(values.notna(), "")
    return pd.Series([[x.strip() for x in s.split(";") if x.strip()] for s in cells], index=values.index, dtype=object)


def prepare(events: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """Add the helper columns the filters and charts use (`_start`, `_end`, `_actors`, ...)."""
    out = events.reset_index(drop=True).copy()
    out["_start"] = pd.to_datetime(out["date"], errors="coerce")
    # A missing end means the date is a single day.
    out["_end"] = pd.to_datetime(out["date_end"], errors="coerce").fillna(out["_start"])
    out["_actors"] = split(out["actors"])
    out["_people"] = split(out["people"])
    out["_articles"] = split(out["articles"])
    out["_involved"] = [a + p for a, p in zip(out["_actors"], out["_people"])]
    out["_background"] = out["precision"].isin(BACKGROUND).fillna(False).astype(bool)
    out["_span"] = (out["_end"] > out["_start"]) | ~out["precision"].fillna("day").eq("day")
    # Search covers the title and every source's sentence, not only the first one.
    texts: dict[str, list[str]] = {}
    for event_id, sentence in zip(evidence["event_id"], evidence["evidence"].fillna("")):
        texts.setdefault(event_id, []).append(sentence)
    out["_search"] = [
        " ".join([t, *texts.get(e, [])]).lower() for e, t in zip(out["event_id"], out["title"].fillna(""))
    ]
    out["_caption"] = out["caption"].fillna(False).astype(bool)
    return out[out["_start"].notna()].reset_index(drop=True)


def _has(lists: pd.Series, wanted: tuple[str, ...], mode: str) -> np.ndarray:
    want = set(wanted)
    if mode == "all of":
        return np.fromiter((want.issubset(x) for x in lists), bool, len(lists))
    return np.fromiter((not want.isdisjoint(x) for x in lists), bool, len(lists))


def masks(events: pd.DataFrame, f: Filters) -> dict[str, np.ndarray]:
    """One boolean mask per active filter, named as the sidebar names it."""
    out: dict[str, np.ndarray] = {}
    if f.actors:
        out["actors"] = _has(events["_involved"], f.actors, f.actor_mode)
    if f.date_from is not None:
        out["date range"] = (events["_end"] >= pd.Timestamp(f.date_from)).to_numpy()
    if f.date_to is not None:
        to = (events["_start"] <= pd.Timestamp(f.date_to)).to_numpy()
        out["date range"] = out["date range"] & to if "date range" in out else to
    if f.event_types:
        out["event types"] = events["event_type"].isin(f.event_types).fillna(False).to_numpy(bool)
    if f.articles:
        out["sources/articles"] = _has(events["_articles"], f.articles, "any of")
    if f.min_sources > 1:
        out["minimum sources"] = (events["sources"].fillna(1) >= f.min_sources).to_numpy(bool)
    if f.text.strip():
        out["search"] = events["_search"].str.contains(f.text.strip().lower(), regex=False).to_numpy(bool)
    if not f.captions:
        out["photo captions"] = ~events["_caption"].to_numpy(bool)
    if not f.background:
        out["background"] = ~events["_background"].to_numpy(bool)
    return out


def apply(events: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The events that pass every filter, in date order."""
    keep = np.ones(len(events), bool)
    for m in masks(events, f).values():
        keep &= m
    return events[keep]


def suggest_loosening(events: pd.DataFrame, f: Filters) -> list[tuple[str, int]]:
    """Which single filter, if removed, would bring back how many events (most first)."""
    ms = masks(events, f)
    out = []
    for name in ms:
        keep = np.ones(len(events), bool)
        for other, m in ms.items():
            if other != name:
                keep &= m
        if keep.sum():
            out.append((name, int(keep.sum())))
    return sorted(out, key=lambda x: -x[1])


def empty_message(events: pd.DataFrame, f: Filters) -> str:
    """A plain sentence for an empty result that says which filter to loosen."""
    if events.empty:
        return "No events in this build yet: check the build problems below."
    hints = suggest_loosening(events, f)
    if not hints:
        return "No events match. Loosen several filters at once, or press Reset filters."
    name, n = hints[0]
    return f"No events match these filters. Loosening **{name}** would bring back {n} events."


def describe(f: Filters, shown: pd.DataFrame) -> str:
    """One line stating the active filters and the date span, for the briefing subtitle."""
    parts = []
    if f.actors:
        parts.append(f"{f.actor_mode.split()[0]} of: {', '.join(f.actors)}")
    if f.event_types:
        parts.append("types: " + ", ".join(f.event_types))
    if f.articles:
        parts.append(f"{len(f.articles)} selected articles")
    if f.min_sources > 1:
        parts.append(f"at least {f.min_sources} sources")
    if f.text.strip():
        parts.append(f"matching '{f.text.strip()}'")
    parts.append("with photo captions" if f.captions else "without photo captions")
    if f.background:
        parts.append("with background events")
    if len(shown):
        span = f"{shown['_start'].min():%d %b %Y} – {shown['_end'].max():%d %b %Y}"
        parts.insert(0, span)
    return " · ".join(parts)


def actor_options(events: pd.DataFrame, people: bool = True) -> list[str]:
    """Actors (then people) ordered by how many events involve them, most active first."""
    actors = events["_actors"].explode().dropna().value_counts()
    names = list(actors.index)
    if people:
        names += list(events["_people"].explode().dropna().value_counts().index)
    return names


def loosen(f: Filters, name: str) -> Filters:
    """`f` with the named filter switched off (used by tests and messages)."""
    off = {
        "actors": {"actors": ()},
        "date range": {"date_from": None, "date_to": None},
        "event types": {"event_types": ()},
        "sources/articles": {"articles": ()},
        "minimum sources": {"min_sources": 1},
        "search": {"text": ""},
        "photo captions": {"captions": True},
        "background": {"background": True},
    }
    return replace(f, **off[name])


def bounds(events: pd.DataFrame) -> tuple[date | None, date | None, int]:
    """Earliest date, latest date and most sources in the table (for the widgets' limits)."""
    if events.empty:
        return None, None, 1
    return events["_start"].min().date(), events["_end"].max().date(), int(events["sources"].fillna(1).max())
