"""The page's glue: widget options, state kept valid, chart and table selection, the detail panel.

Everything here works on `st.session_state` (a dict-like) and the prepared
events, so the page script stays a list of widgets and tests can call these
with a plain dict.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ui import detail, filters

#: Briefing mode: no sidebar, no header or toolbar, no padding: the chart is the slide.
BRIEF_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
header, footer {display: none !important;}
[data-testid="stMainBlockContainer"], .block-container {padding: 0.6rem 1.2rem 0 1.2rem !important; max-width: 100% !important;}
</style>"""

#: Every view: side padding that leaves a narrow window its width (Streamlit's wide layout pads 5rem a side).
PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] {padding-left: 2rem !important; padding-right: 2rem !important; padding-top: 3.8rem !important;}
[data-testid="stMainBlockContainer"] h1 {font-size: 2.1rem; padding: 0.4rem 0 0 0;}
</style>"""

#: Rows sent to the table (the filtered events by date; the CSV export has all of them).
TABLE_ROWS = 1000
#: The table's columns, in words, with widths.
TABLE = {
    "date": "Date",
    "title": "Event",
    "actors": "Actors",
    "people": "People",
    "event_type": "Type",
    "sources": "Sources",
    "certainty": "Certainty",
    "date_text": "Date as written",
}
COLUMNS = {
    "Date": st.column_config.TextColumn(width="small"),
    "Event": st.column_config.TextColumn(width="large"),
    "Actors": st.column_config.TextColumn(width="medium"),
    "People": st.column_config.TextColumn(width="medium"),
    "Type": st.column_config.TextColumn(width="small"),
    "Sources": st.column_config.NumberColumn(width="small", format="%d"),
    "Certainty": st.column_config.TextColumn(width="small"),
    "Date as written": st.column_config.TextColumn(width="small"),
}


def options(events: pd.DataFrame, tables) -> dict[str, list[str]]:
    return {
        "actors": filters.actor_options(events),
        "people": filters.people_options(events),
        "event_types": sorted(events["event_type"].dropna().unique()),
        "articles": sorted(tables.articles["article"].dropna()),
    }


def keep_valid(session, events: pd.DataFrame, opts: dict[str, list[str]], limits: tuple | None = None) -> list[str]:
    """Clamp dates to the data and drop choices the data no longer has; say what changed.

    Runs before the widgets are drawn (a date outside a date input's limits
    would stop the page), on a shared link and after every rebuild; the
    actor, people and article choices that still exist are kept.
    """
    notes = []
    lo, hi, _ = limits or filters.bounds(events)
    for key in ("date_from", "date_to", "goto"):
        value = session.get(key)
        if value is not None and not isinstance(value, date):  # a stale or foreign value
            session[key] = value = None
        if value is None:
            continue
        if lo is None:
            session[key] = None
        elif not lo <= value <= hi:
            session[key] = min(max(value, lo), hi)
            name = {"date_from": "From", "date_to": "To", "goto": "Go to date"}[key]
            notes.append(
                f"{name} {value.isoformat()} lies outside the events ({lo.isoformat()} – {hi.isoformat()}): "
                f"set to {session[key].isoformat()}."
            )
    if session.get("date_from") and session.get("date_to") and session["date_from"] > session["date_to"]:
        session["date_from"], session["date_to"] = session["date_to"], session["date_from"]
        notes.append("From was after To: the two dates were swapped.")
    for key in ("actors", "people", "event_types", "articles"):
        chosen = list(session.get(key) or [])
        kept = [v for v in chosen if v in set(opts.get(key, []))]
        if kept != chosen:
            session[key] = kept
            gone = ", ".join(v for v in chosen if v not in kept)
            notes.append(f"Not in these events any more, so no longer filtered on: {gone}.")
    return notes


def subtitle(chosen: filters.Filters, view: pd.DataFrame) -> str:
    """Plain words for what the chart shows."""
    line = filters.describe(chosen, view)
    return line[0].upper() + line[1:] + ". Labels: the most widely reported events." if line else ""


def footnote(view: pd.DataFrame, tables) -> str:
    """Sources: publishers, number of articles, build date."""
    used = sorted({x for a in view["_articles"] for x in a}) if isinstance(view, pd.DataFrame) and len(view) else []
    meta = tables.articles.drop_duplicates("article").set_index("article") if len(tables.articles) else None
    publishers = []
    if meta is not None and "source" in meta:
        found = meta["source"].reindex(used).dropna().astype(str)
        publishers = list(found.value_counts().index)
    names = ", ".join(publishers[:6]) + (f" and {len(publishers) - 6} more" if len(publishers) > 6 else "")
    what = f"{names} ({len(used)} article{'s' * (len(used) != 1)})" if names else f"{len(used)} articles"
    return f"Sources: {what}. Dates as each article gives them. Built {tables.built_at}."


def _first(value):
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def follow_click(session, state, view: pd.DataFrame) -> None:
    """A clicked point opens its event (and puts it in the URL); a new click only, not a stale one."""
    points = list(getattr(getattr(state, "selection", None), "points", None) or []) if state else []
    ids = [str(_first(p.get("customdata"))) for p in points if _first(p.get("customdata")) is not None]
    ids = [i for i in ids if i in set(view["event_id"])]
    key = "|".join(ids)
    if key == session.get("_last_click", ""):
        return
    session["_last_click"] = key
    if ids and ids[0] != session.get("event"):
        session["event"] = ids[0]
        st.query_params["event"] = ids[0]
        st.rerun()


def follow_row(session, picked, view: pd.DataFrame) -> None:
    """A selected table row opens its event (marked on the chart); a new selection only."""
    rows = list(picked.selection.rows) if picked else []
    key = ",".join(map(str, rows))
    if key == session.get("_last_row", ""):
        return
    session["_last_row"] = key
    if rows and rows[0] < len(view):
        event_id = view.iloc[rows[0]]["event_id"]
        if event_id != session.get("event"):
            session["event"] = event_id
            st.query_params["event"] = event_id
            st.rerun()


def table(view: pd.DataFrame) -> pd.DataFrame:
    """The events by date with readable column names (people without their affiliation repeated)."""
    out = view[[c for c in TABLE if c in view]].copy()
    for col in ("actors", "people"):
        if col in out:
            out[col] = out[col].fillna("").str.replace(";", ", ")
    return out.rename(columns=TABLE)


def show_detail(st_, event_id: str, events: pd.DataFrame, tables) -> None:
    """Every source of the selected event with its evidence highlighted; a close button."""
    event = events[events["event_id"] == event_id]
    if not len(event):
        st_.caption("That event is not in this build.")
        return
    event = event.iloc[0]
    st_.html(detail.event_header(event))
    st_.button("Close", key="close_detail", on_click=lambda: st.session_state.update(event=""))
    for s in detail.sources(event["event_id"], tables.evidence, tables.articles):
        with st_.container(border=True):
            st_.html(detail.source_header(s))
            st_.html(s["html"])


def show_downloads(st_, every, fig, title: str, subtitle: str, articles: pd.DataFrame) -> None:
    """CSV, TimelineJS, HTML and PNG downloads, each made when clicked, not on every rerun."""
    from ui import exports

    d1, d2, d3, d4 = st_.columns(4)
    d1.download_button("Events (CSV)", lambda: exports.to_csv(every()), "events.csv", "text/csv")
    d2.download_button(
        "TimelineJS (JSON)",
        lambda: exports.to_timelinejs(every(), title, subtitle, articles),
        "timeline.json",
        "application/json",
    )
    d3.download_button(
        "Chart (HTML)", lambda: exports.to_html(fig, title), "chart.html", "text/html", disabled=fig is None
    )
    d4.download_button(
        "Chart (PNG)",
        lambda: exports.to_png(fig),
        "chart.png",
        "image/png",
        disabled=exports.chromium_path() is None or fig is None,
        help="Needs Chromium; the chart's camera button saves the same picture",
    )


def show_table(st_, view: pd.DataFrame, n_shown: int) -> None:
    """The filtered events by date (the first `TABLE_ROWS`); a selected row opens its event."""
    if n_shown > TABLE_ROWS:  # the browser would spend seconds on rows nobody scrolls to
        st_.caption(f"The table lists the first {TABLE_ROWS:,} of {n_shown:,} events by date; the CSV has all.")
    picked = st_.dataframe(
        table(view.head(TABLE_ROWS)),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="table",
        column_config=COLUMNS,
    )
    follow_row(st.session_state, picked, view)
