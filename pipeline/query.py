"""The dashboard's filters run in DuckDB over the event store; only what a chart draws comes back.

    from pipeline.query import EventStore, Query
    with EventStore("out/store") as db:
        q = Query(actors=("Russia", "Iran"), actor_mode="all of", date_from=date(2024, 12, 1))
        db.count(q)                      # "N of M events"
        db.events(q, limit=1500)         # rows for a chart of single marks (in date order)
        db.span(q)                       # first and last day (to pick day, week or month bins)
        db.counts(q, unit="week")        # events per week (a range's weight shared by its weeks)
        db.loosening(q)                  # which filter to loosen for an empty result
        db.event("3f2a...")              # one event and every source's evidence (provenance)

A query reads the version that was current when the `EventStore` was opened
(`pipeline.store`), so a build switching versions meanwhile never mixes two
builds; `refresh()` moves to the newest. The filters mean exactly what
`ui.filters` means by them (a test compares the two on the same events).
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.schema import EVENTS, EVIDENCE
from pipeline.store import current_version

#: Units of aggregated counts: the bin of a day index (days since 1970-01-01).
_BIN = {
    "day": "{d}",
    "week": "CAST(floor(({d} + 3) / 7.0) AS BIGINT)",  # 1970-01-01 was a Thursday: +3 puts Monday first
    "month": "((year({t}) - 1970) * 12 + month({t}) - 1)",
}
_BIN_START = {
    "day": "DATE '1970-01-01' + CAST(bin AS INTEGER)",
    "week": "DATE '1970-01-01' + CAST(bin * 7 - 3 AS INTEGER)",
    "month": "CAST(DATE '1970-01-01' + to_months(CAST(bin AS INTEGER)) AS DATE)",
}
#: Filters whose matching events are kept as temporary tables (most recent): a filter change asks one
#: filter several questions (count and span, counts per bin, the most reported, the first rows).
KEEP_FILTERED = 4
#: Conditions every query has (unless asked otherwise): no smaller than the table, not worth a copy.
_ALWAYS = {"photo captions", "background"}
#: Row orders: the table's own (a build writes events by date, then id), or most corroborated first.
ORDERS = {"date": "_start, _end, _row", "sources": "sources DESC NULLS LAST, _start, _end, _row"}
#: What a filtered copy keeps: the columns of counts, spans and `ORDERS` (`_row` finds the rest).
_NARROW = "_row, _start, _end, _actors, sources, _rank"


@dataclass(frozen=True)
class Query:
    """The sidebar's filters that run in the database (`ui.filters.Filters` extends it)."""

    actors: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # 'Name (Affiliation)' labels, matched with the actors
    actor_mode: str = "any of"  # or "all of"
    date_from: date | None = None
    date_to: date | None = None
    event_types: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    min_sources: int = 1
    text: str = ""
    captions: bool = False
    background: bool = False
    top: int = 0  # keep only the N most salient of the matching events (0: all)

    @classmethod
    def of(cls, filters) -> Query:
        """A query from any object with these fields (such as `ui.filters.Filters`)."""
        return cls(**{f.name: getattr(filters, f.name) for f in fields(cls) if hasattr(filters, f.name)})


def conditions(q: Query) -> dict[str, tuple[str, list]]:
    """One SQL condition (with its parameters) per active filter, named as the sidebar names it."""
    out: dict[str, tuple[str, list]] = {}
    wanted = q.actors + q.people
    if wanted:
        fn = "list_has_all" if q.actor_mode == "all of" else "list_has_any"
        out["actors"] = (f"{fn}(_involved, ?::VARCHAR[])", [list(wanted)])
    dates, params = [], []
    if q.date_from is not None:
        dates.append("_end >= ?")
        params.append(q.date_from)
    if q.date_to is not None:
        dates.append("_start <= ?")
        params.append(q.date_to)
    if dates:
        out["date range"] = (" AND ".join(dates), params)
    if q.event_types:
        out["event types"] = ("list_contains(?::VARCHAR[], event_type)", [list(q.event_types)])
    if q.articles:
        out["sources/articles"] = ("list_has_any(_articles, ?::VARCHAR[])", [list(q.articles)])
    if q.min_sources > 1:
        out["minimum sources"] = ("greatest(coalesce(sources, 1), 1) >= ?", [int(q.min_sources)])
    if q.text.strip():
        out["search"] = ("contains(_search, ?)", [q.text.strip().lower()])
    if not q.captions:
        out["photo captions"] = ("NOT _caption", [])
    if not q.background:
        out["background"] = ("NOT _background", [])
    return out


def _where(conds: dict[str, tuple[str, list]]) -> tuple[str, list]:
    parts = ["_start IS NOT NULL"] + [f"({sql})" for sql, _ in conds.values()]
    return " AND ".join(parts), [p for _, params in conds.values() for p in params]


_SPLIT_PEOPLE = (
    "list_filter(list_transform(string_split(coalesce(people, ''), ';'), lambda x: trim(x)), lambda x: x <> '')"
)


class EventStore:
    """Read-only queries over the current version of an event store (no server: DuckDB in process)."""

    def __init__(self, store: Path | str, threads: int | None = None, memory: bool = True):
        """`memory`: load the events of the version into DuckDB's memory once (a long-lived dashboard);
        False reads the Parquet files at every query (a one-off script on a very large store).
        """
        import duckdb

        self.store = Path(store)
        self.memory = memory
        self._con = duckdb.connect()
        # One connection serves every dashboard session (threads): one statement and its fetch at a time.
        self._lock = threading.RLock()
        if threads:
            self._con.execute(f"SET threads = {int(threads)}")
        self.version: Path | None = None
        self._filtered: OrderedDict[tuple, str] = OrderedDict()  # (where, params) -> temporary table
        self._serial = itertools.count()
        self.refresh()

    def refresh(self) -> bool:
        """Move to the store's current version; True when it changed (a new build)."""
        with self._lock:
            return self._refresh()

    def _refresh(self) -> bool:
        version = current_version(self.store)
        if version is None:
            raise FileNotFoundError(f"{self.store}: no event store here yet (build with --store {self.store})")
        if version == self.version:
            return False
        events = str(version / "events" / "**" / "*.parquet").replace("'", "''")
        if self.memory:
            self._con.execute(
                f"CREATE OR REPLACE TABLE events_mem AS SELECT * FROM read_parquet('{events}', hive_partitioning = true)"
            )
        self._drop_filtered()
        for name, sql in (
            (
                "events",
                "SELECT * FROM events_mem"
                if self.memory
                else f"SELECT * FROM read_parquet('{events}', hive_partitioning = true)",
            ),
            ("evidence", f"SELECT * FROM read_parquet('{version / 'evidence.parquet'}')"),
            ("articles", f"SELECT * FROM read_parquet('{version / 'articles.parquet'}')"),
        ):
            self._con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
        self.version = version
        return True

    def close(self) -> None:
        self._con.close()

    def forget_filters(self) -> None:
        """Drop the filtered copies (`_matching`): the next question about any filter filters the events again."""
        with self._lock:
            self._drop_filtered()

    def _drop_filtered(self) -> None:
        while self._filtered:
            self._con.execute(f"DROP TABLE IF EXISTS {self._filtered.popitem()[1]}")

    def _matching(self, q: Query) -> tuple[str, str, list]:
        """(table, condition, parameters) of the events `q` matches, the table filtered once per filter.

        The first question about a filter copies its matching events to a temporary table (one
        scan of the events, testing every event's actor list); the next ones read that copy.
        The copy holds only the columns counts and orders need (`_NARROW`): copying every column
        of a few hundred thousand events cost four times the filtering itself; `events` fetches
        the other columns of the rows it returns. Call it holding the lock, and use the table
        before releasing it.
        """
        conds = conditions(q)
        where, params = _where(conds)
        if set(conds) <= _ALWAYS and q.top <= 0:
            return "events", where, params
        # Key events only: the `top` most salient of the matching events (rank 1 is the most salient).
        top = f" ORDER BY _rank LIMIT {int(q.top)}" if q.top > 0 else ""
        key = (where, repr(params), top)
        name = self._filtered.get(key)
        if name is None:
            name = f"_matching_{next(self._serial)}"
            self._con.execute(f"CREATE TEMP TABLE {name} AS SELECT {_NARROW} FROM events WHERE {where}{top}", params)
            self._filtered[key] = name
            while len(self._filtered) > KEEP_FILTERED:
                self._con.execute(f"DROP TABLE IF EXISTS {self._filtered.popitem(last=False)[1]}")
        self._filtered.move_to_end(key)
        return name, "TRUE", []

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _df(self, sql: str, params: list) -> pd.DataFrame:
        with self._lock:
            return self._con.execute(sql, params).df()

    def _all(self, sql: str) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql).fetchall()

    def _row(self, sql: str, params: list | None = None) -> tuple:
        """The one row an aggregate query returns."""
        with self._lock:
            row = self._con.execute(sql, params or []).fetchone()
        assert row is not None, sql  # an aggregate always returns a row
        return row

    # --- what the page needs ----------------------------------------------------

    def total(self) -> int:
        """Every event the dashboard can show (the M of "N of M events")."""
        return int(self._row("SELECT count(*) FROM events WHERE _start IS NOT NULL")[0])

    def count(self, q: Query) -> int:
        with self._lock:
            table, where, params = self._matching(q)
            return int(self._row(f"SELECT count(*) FROM {table} WHERE {where}", params)[0])

    def summary(self, q: Query) -> tuple[int, pd.Timestamp | None, pd.Timestamp | None]:
        """`count` and `span` in one pass over the events (a page needs both on every filter change)."""
        with self._lock:
            table, where, params = self._matching(q)
            n, lo, hi = self._row(f"SELECT count(*), min(_start), max(_end) FROM {table} WHERE {where}", params)
        return int(n), (pd.Timestamp(lo) if lo else None), (pd.Timestamp(hi) if hi else None)

    def span(self, q: Query) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """First start and last end date of the matching events (to choose day, week or month bins)."""
        return self.summary(q)[1:]

    def events(
        self, q: Query, limit: int | None = 1500, order: str = "date", columns: list[str] | None = None
    ) -> pd.DataFrame:
        """The matching events (event columns, `_start`, `_end`), at most `limit`, by date or most sources first."""
        cols = ", ".join(columns or [*EVENTS, "_start", "_end"])
        with self._lock:
            table, where, params = self._matching(q)
            cut = "" if limit is None else f" LIMIT {int(limit)}"
            if table == "events":
                sql = f"SELECT {cols} FROM events WHERE {where} ORDER BY {ORDERS[order]}{cut}"
            else:  # the narrow copy picks the rows, the events give their columns
                rows = f"SELECT _row FROM {table} WHERE {where} ORDER BY {ORDERS[order]}{cut}"
                sql = f"SELECT {cols} FROM events WHERE _row IN ({rows}) ORDER BY {ORDERS[order]}"
            out = self._df(sql, params)
        return _typed(out)

    def counts(self, q: Query, unit: str = "day", by: str | None = None) -> pd.DataFrame:
        """Events per bin (`bin_start`, [`key`,] `weight`): a span's weight is shared by the bins it covers.

        `by="actor"` splits the counts by each event's first actor, as the stacked bars draw them.
        """
        if unit not in _BIN:
            raise ValueError(f"unit must be one of {', '.join(_BIN)}, not {unit!r}")
        day = "date_diff('day', DATE '1970-01-01', {c})"
        b0 = _BIN[unit].format(d=day.format(c="_start"), t="_start")
        b1 = _BIN[unit].format(d=day.format(c="_end"), t="_end")
        key = "coalesce(_actors[1], 'no actor')" if by == "actor" else "''"
        with self._lock:
            table, where, params = self._matching(q)
            sql = f"""
                WITH f AS (SELECT {key} AS key, {b0} AS b0, greatest({b1}, {b0}) AS b1 FROM {table} WHERE {where})
                SELECT {_BIN_START[unit]} AS bin_start, key, sum(1.0 / (b1 - b0 + 1)) AS weight
                FROM f, range(f.b0, f.b1 + 1) AS r(bin)
                GROUP BY bin, key ORDER BY bin, key
            """
            out = self._df(sql, params)
        out["bin_start"] = pd.to_datetime(out["bin_start"])
        return out if by else out.drop(columns="key")

    def loosening(self, q: Query) -> list[tuple[str, int]]:
        """Which single filter, if removed, would bring back how many events (most first)."""
        conds = conditions(q)
        out = []
        for name in conds:
            where, params = _where({k: v for k, v in conds.items() if k != name})
            n = int(self._row(f"SELECT count(*) FROM events WHERE {where}", params)[0])
            if n:
                out.append((name, n))
        return sorted(out, key=lambda x: -x[1])

    def options(self) -> dict:
        """What the sidebar widgets offer: actors by activity, event types, articles, the date span."""
        actors = self._all(
            "SELECT a, count(*) n FROM (SELECT unnest(_involved) a FROM events) GROUP BY a ORDER BY n DESC, a"
        )
        types = [r[0] for r in self._all("SELECT DISTINCT event_type FROM events ORDER BY 1")]
        articles = [r[0] for r in self._all("SELECT article FROM articles ORDER BY article")]
        people = self._all(
            f"SELECT a, count(*) n FROM (SELECT unnest({_SPLIT_PEOPLE}) a FROM events) GROUP BY a ORDER BY n DESC, a"
        )
        lo, hi, most = self._row("SELECT min(_start), max(_end), max(coalesce(sources, 1)) FROM events")
        return {
            "actors": [a for a, _ in actors],
            "people": [p for p, _ in people],
            "event_types": types,
            "articles": articles,
            "dates": (lo, hi),
            "most_sources": int(most or 1),
        }

    def event(self, event_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """One event's row and every source's evidence row, for the provenance view."""
        row = self._df(f"SELECT {', '.join(EVENTS)} FROM events WHERE event_id = ?", [event_id])
        ev = self._df(f"SELECT {', '.join(EVIDENCE)} FROM evidence WHERE event_id = ?", [event_id])
        return _typed(row), ev

    def articles(self, names: list[str] | None = None, text: bool = True) -> pd.DataFrame:
        """The articles table (all, or the named ones); without the texts when `text` is False."""
        cols = "*" if text else "* EXCLUDE (text)"
        if names is None:
            return self._df(f"SELECT {cols} FROM articles ORDER BY article", [])
        return self._df(f"SELECT {cols} FROM articles WHERE list_contains(?::VARCHAR[], article)", [list(names)])

    def article_text(self, article: str) -> str | None:
        with self._lock:
            found = self._con.execute("SELECT text FROM articles WHERE article = ?", [article]).fetchone()
        return found[0] if found else None


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("_start", "_end"):
        if col in df:
            df[col] = pd.to_datetime(df[col])
    return df
