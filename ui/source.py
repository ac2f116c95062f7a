"""What the page draws from: the events table held in memory, or an event store queried per rerun.

`open_source()` gives what the sidebar needs (options, date limits, the
tables' metadata); `select(src, chosen)` what the filters leave. On a table
that is every matching event; on a store (TIMELINE_STORE) the filters run in
DuckDB and only what the chart draws comes back: every matching event up to
`charts.AGGREGATE_ABOVE`, past that counts per bin by first-named actor, the
most reported events for the labels and the table's first rows. The page
treats both alike; the loaders are cached here so the page script stays a
list of widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, data, days, density, filters, page


@dataclass
class Source:
    """The tables behind the page, and the sidebar's options and limits (date from, date to, most sources)."""

    fingerprint: str
    tables: data.Tables
    events: pd.DataFrame  # prepared; no rows on a store (the page asks it)
    options: dict[str, list[str]]
    limits: tuple
    total: int
    db: Any = None  # pipeline.query.EventStore when the page queries a store


@dataclass
class Selection:
    """What the filters leave: the events drawn one by one, or counts with the events to label."""

    chosen: filters.Filters  # as applied (a store has no salience rank: `top` is off)
    view: pd.DataFrame  # the events drawn one by one, or (counted) the table's first rows
    shown: pd.DataFrame | filters.Counted  # what "N of M" and the title count
    counts: pd.DataFrame | None = None  # per bin and first-named actor, when too many to draw
    ranked: pd.DataFrame | None = None  # the most reported events, labelled over the counts
    query: Any = None

    @property
    def drawn(self) -> pd.DataFrame:
        """The events the chart marks one by one (the footnote cites their articles)."""
        return self.view if self.ranked is None else self.ranked

    @property
    def known(self) -> pd.DataFrame:
        """Every event the page lists, on the chart or in the table (a click may open any of them)."""
        return self.view if self.ranked is None else pd.concat([self.view, self.ranked])


# A resource, not data: `st.cache_data` would hand every rerun its own copy (unpickling 20,000 prepared
# events took 0.2 s of a 0.3 s rerun); the page and `ui` only read these tables, never write them.
@st.cache_resource(show_spinner="Building the events table from the articles…", max_entries=2)
def _load(src: str, fingerprint: str) -> Source:
    tables = data.load(src)
    events = filters.prepare(tables.events, tables.evidence)
    return Source(fingerprint, tables, events, page.options(events, tables), filters.bounds(events), len(events))


@st.cache_resource(show_spinner=False)
def _open_store(folder: str):
    """One DuckDB connection to the store per server; each rerun moves it to the current version."""
    from pipeline.query import EventStore

    return EventStore(folder)


@st.cache_data(max_entries=2, show_spinner=False)
def _store_meta(version: str, _db) -> tuple:
    opts = _db.options()
    return opts | {"total": _db.total()}, data.store_tables(_db, opts)


@st.cache_data(max_entries=16, show_spinner=False)
def _store_view(version: str, q, _db) -> pd.DataFrame:
    """Every matching event (few enough to draw one by one), prepared for the charts."""
    return data.prepared(_db.events(q, limit=charts.AGGREGATE_ABOVE))


@st.cache_data(max_entries=16, show_spinner=False)
def _store_summary(version: str, q, _db) -> tuple:
    return _db.summary(q)


@st.cache_data(max_entries=16, show_spinner=False)
def _store_counts(version: str, q, _db, n: int, lo, hi) -> tuple:
    """Too many to draw: the table's first rows, counts per bin by first actor, the most reported for labels."""
    start, end = days.from_date(lo.date()), days.from_date(hi.date())
    unit = density.bin_unit(pd.DataFrame({"_start": [start], "_end": [end]}))
    counts = _db.counts(q, unit, by="actor")
    counts["bin_start"] = (counts["bin_start"] - pd.Timestamp("1970-01-01")).dt.days.astype(float)
    ranked = data.prepared(_db.events(q, limit=4 * charts.TOP_IN_AGGREGATE, order="sources"))
    rows = data.prepared(_db.events(q, limit=page.TABLE_ROWS))
    return rows, counts, ranked, filters.Counted(n, start, end)


def open_source() -> Source:
    """The event store named by TIMELINE_STORE (at its current version), else the table built or read."""
    folder = data.store_source()
    if not folder:
        src = data.source()
        fingerprint = data.fingerprint(src)
        return _load(src, fingerprint)
    db = _open_store(folder)
    db.refresh()
    fingerprint = str(db.version)
    meta, tables = _store_meta(fingerprint, db)
    people = set(meta["people"])
    options = {
        "actors": [a for a in meta["actors"] if a not in people],
        "people": meta["people"],
        "event_types": [t for t in meta["event_types"] if t is not None],
        "articles": meta["articles"],
    }
    d0, d1 = meta["dates"]
    limits = (d0, d1, meta["most_sources"]) if d0 is not None else (None, None, 1)
    return Source(fingerprint, tables, data.prepared(tables.events), options, limits, meta["total"], db)


def select(src: Source, chosen: filters.Filters) -> Selection:
    """Apply the filters: in pandas on a table, in DuckDB on a store (counts past the drawing threshold)."""
    if src.db is None:
        view = filters.apply(src.events, chosen)
        return Selection(chosen, view, view)
    from pipeline.query import Query

    q = Query.of(chosen)
    n, lo, hi = _store_summary(src.fingerprint, q, src.db)
    if n <= charts.AGGREGATE_ABOVE:
        view = _store_view(src.fingerprint, q, src.db)
        return Selection(chosen, view, view, query=q)
    rows, counts, ranked, shown = _store_counts(src.fingerprint, q, src.db, n, lo, hi)
    return Selection(chosen, rows, shown, counts, ranked, q)


def empty_message(src: Source, sel: Selection) -> str:
    """Which filter to loosen when nothing matches (`filters.empty_message`, asked of the store on a store)."""
    if src.db is None:
        return filters.empty_message(src.events, sel.chosen)
    if not src.total:
        return "No events in this event store yet: build it with `python -m pipeline build --store`."
    hints = src.db.loosening(sel.query)
    if not hints:
        return "No events match. Loosen several filters at once, or press Reset filters."
    name, n = hints[0]
    return f"No events match these filters. Loosening **{name}** would bring back {n} events."


def every(src: Source, sel: Selection) -> Callable[[], pd.DataFrame]:
    """Every filtered event, for the exports: made when a download is clicked, not on every rerun."""
    if sel.counts is None:
        return lambda: sel.view
    return lambda: data.prepared(src.db.events(sel.query, limit=None))


def event_tables(src: Source, event_id: str) -> tuple[pd.DataFrame, data.Tables]:
    """The prepared events and the tables `page.show_detail` reads for one event (one query on a store)."""
    if src.db is None:
        return src.events, src.tables
    row, evidence = src.db.event(event_id)
    arts = src.db.articles(sorted(set(evidence["article"].dropna())))
    return data.prepared(row), data.Tables(row, evidence, arts, [])
