"""Filtering the events table: the sidebar's filters as plain functions.

Reads the `events` and `evidence` columns of `pipeline.schema`. `prepare` adds
helper columns (prefixed `_`, never exported) once per build, so that a filter
change is a handful of vectorized masks over 20,000 rows, not string parsing.
Dates are day numbers (`ui.days`): any year, 1577 or 490 BC, filters and draws.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from pipeline.query import Query
from pipeline.schema import split_person
from ui import days

#: Precisions drawn as background: a whole year (or more) is context, not an event.
BACKGROUND = ("year", "decade", "century")


@dataclass(frozen=True)
class Filters(Query):
    """The analyst's filter choices: the event store's query fields, plus what only pandas can rank.

    The defaults show every foreground, non-caption event.
    """

    top: int = 0  # keep only the N most salient events (0: all)


def split(values: pd.Series) -> pd.Series:
    """';'-joined cells -> lists (empty list for <NA> or '')."""
    # Plain lists in an object column: pandas' string map would make arrow lists.
    cells = values.astype(object).where(values.notna(), "")
    return pd.Series([[x.strip() for x in s.split(";") if x.strip()] for s in cells], index=values.index, dtype=object)


def prepare(events: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """Add the helper columns the filters and charts use (`_start`, `_end`, `_actors`, ...)."""
    out = events.reset_index(drop=True).copy()
    out["_start"] = days.parse(out["date"])
    # A missing end means the date is a single day.
    end = days.parse(out["date_end"]) if "date_end" in out else np.full(len(out), np.nan)
    out["_end"] = np.where(np.isnan(end) | (end < out["_start"]), out["_start"], end)
    sources = pd.to_numeric(out["sources"], errors="coerce").fillna(1) if "sources" in out else 1
    out["sources"] = pd.Series(sources, index=out.index).clip(lower=1).astype("Int64")
    # Key events: the build's salience, else (a table from an older build) corroboration.
    salience = pd.to_numeric(out["salience"], errors="coerce") if "salience" in out else None
    out["_salience"] = salience.fillna(0.0) if salience is not None else out["sources"].astype(float)
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
    out = out[out["_start"].notna()].sort_values(["_start", "_end"], kind="stable").reset_index(drop=True)
    # Rank 1 is the most salient event (ties: more sources, then earlier).
    order = out.sort_values(["_salience", "sources", "_start"], ascending=[False, False, True], kind="stable").index
    out["_rank"] = pd.Series(np.arange(1, len(out) + 1), index=order).reindex(out.index)
    return out


def _has(lists: pd.Series, wanted: tuple[str, ...], mode: str) -> np.ndarray:
    want = set(wanted)
    if mode == "all of":
        return np.fromiter((want.issubset(x) for x in lists), bool, len(lists))
    return np.fromiter((not want.isdisjoint(x) for x in lists), bool, len(lists))


def masks(events: pd.DataFrame, f: Filters) -> dict[str, np.ndarray]:
    """One boolean mask per active filter, named as the sidebar names it."""
    out: dict[str, np.ndarray] = {}
    wanted = f.actors + f.people
    if wanted:
        out["actors"] = _has(events["_involved"], wanted, f.actor_mode)
    if f.date_from is not None:
        out["date range"] = (events["_end"] >= days.from_date(f.date_from)).to_numpy()
    if f.date_to is not None:
        to = (events["_start"] <= days.from_date(f.date_to)).to_numpy()
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
    view = events[keep]
    if f.top > 0 and len(view) > f.top:
        view = view[view["_rank"] <= view["_rank"].nsmallest(f.top).max()]
    return view


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


def _names(names: tuple[str, ...], mode: str) -> str:
    plain = [split_person(n)[0] for n in names]
    if len(plain) == 1:
        return plain[0]
    joiner = " and " if mode == "all of" else " or "
    return ", ".join(plain[:-1]) + joiner + plain[-1]


def span(shown: pd.DataFrame | Counted) -> str:
    """The dates the shown events cover, in words: '6–16 Dec 2024'."""
    return days.span_label(shown["_start"].min(), shown["_end"].max()) if len(shown) else ""


@dataclass(frozen=True)
class Counted:
    """What the chart shows when only counts came back (an event store): how many, first and last day."""

    n: int
    start: float
    end: float

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, col: str) -> pd.Series:
        return pd.Series([self.start if col == "_start" else self.end])


def title(f: Filters, shown: pd.DataFrame | Counted, opening: tuple[int, int] | None = None) -> str:
    """A headline for the chart from the filters in words: 'Russia and Iran, 6–16 Dec 2024'.

    `opening`: the first and last day the chart opens on, when it opens on fewer days than the
    events cover; the title names what the reader sees, the subtitle the whole span.
    """
    who = _names(f.actors + f.people, f.actor_mode) if f.actors or f.people else "Key events"
    what = f" ({', '.join(t.lower() for t in f.event_types)})" if f.event_types else ""
    when = days.span_label(*opening) if opening else span(shown)
    return f"{who}{what}, {when}" if when else f"{who}{what}"


def describe(f: Filters, shown: pd.DataFrame | Counted) -> str:
    """One plain line on what the chart shows: the filters and what is left out."""
    parts = [f"{len(shown):,} event{'s' * (len(shown) != 1)}"]
    if f.top:
        parts[0] = f"the {min(f.top, len(shown)):,} key events"
    if f.actors or f.people:
        parts.append(
            ("involving all of " if f.actor_mode == "all of" else "involving ")
            + _names(f.actors + f.people, f.actor_mode)
        )
    if f.event_types:
        parts.append("of type " + ", ".join(t.lower() for t in f.event_types))
    if f.articles:
        parts.append(f"from {len(f.articles)} chosen article{'s' * (len(f.articles) != 1)}")
    if f.min_sources > 1:
        parts.append(f"each reported by at least {f.min_sources} articles")
    if f.text.strip():
        parts.append(f"mentioning '{f.text.strip()}'")
    line = " ".join(parts)
    if len(shown):
        line += ", " + span(shown)
    left_out = [x for x, on in (("photo captions", f.captions), ("year-only background", f.background)) if not on]
    if left_out:
        line += "; " + " and ".join(left_out) + " left out"
    return line


def actor_options(events: pd.DataFrame) -> list[str]:
    """States, organizations and armed groups, most active first."""
    return list(events["_actors"].explode().dropna().value_counts().index)


def people_options(events: pd.DataFrame) -> list[str]:
    """People as 'Name (Affiliation)', most active first."""
    return list(events["_people"].explode().dropna().value_counts().index)


def loosen(f: Filters, name: str) -> Filters:
    """`f` with the named filter switched off (used by tests and messages)."""
    off = {
        "actors": {"actors": (), "people": ()},
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
    lo, hi = days.to_date(events["_start"].min()), days.to_date(events["_end"].max())
    return lo or date.min, hi or date.max, int(events["sources"].fillna(1).max())


def clamp_dates(f: Filters, events: pd.DataFrame) -> tuple[Filters, list[str]]:
    """Dates outside the data are clamped to it (a shared link, a rebuild that narrowed the range)."""
    lo, hi, _ = bounds(events)
    if lo is None:
        return replace(f, date_from=None, date_to=None), []
    notes, new = [], {}
    for key, value in (("date_from", f.date_from), ("date_to", f.date_to)):
        if value is not None and not lo <= value <= hi:
            new[key] = min(max(value, lo), hi)
            notes.append(
                f"{'From' if key == 'date_from' else 'To'} {value:%d %b %Y} lies outside the events "
                f"({lo:%d %b %Y} – {hi:%d %b %Y}): set to {new[key]:%d %b %Y}."
            )
    out = replace(f, **new)
    if out.date_from and out.date_to and out.date_from > out.date_to:
        out = replace(out, date_from=out.date_to, date_to=out.date_from)
        notes.append("From was after To: the two were swapped.")
    return out, notes
