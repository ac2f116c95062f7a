"""News timeline: the analyst's view of the events table (`streamlit run dashboard.py`).

Layout and state only; filtering, figures and exports live in `ui/`.
"""

import pandas as pd
import streamlit as st

from ui import charts, data, days, density, detail, exports, filters, page, state

# Briefing mode is for screenshots: the sidebar starts folded away.
st.set_page_config(
    page_title="News timeline",
    page_icon="🗓️",
    layout="wide",
    initial_sidebar_state="collapsed" if st.query_params.get("brief") == "1" else "auto",
)


@st.cache_data(show_spinner="Building the events table from the articles…", max_entries=2)
def load(src: str, fingerprint: str) -> tuple:
    tables = data.load(src)
    return tables, filters.prepare(tables.events, tables.evidence)


@st.cache_data(max_entries=16, show_spinner=False)
def figure(fingerprint: str, chosen: filters.Filters, view_name: str, look: tuple, _view, _colors):
    """The dressed figure, made once per filter state (a rerun that changes nothing else reuses it)."""
    subtracks, width, font, goto, selected, title, subtitle, footnote, brief = look
    kw = {"label_k": 12 if not chosen.top else min(chosen.top, 24), "width_px": width, "font_size": font}
    kw |= {"goto": goto, "selected": selected, "height": 680 if brief else None}
    if view_name == "Timeline":
        fig = charts.timeline(_view, _colors, **kw)
    else:
        fig = charts.actor_tracks(_view, _colors, order=chosen.actors + chosen.people, people=subtracks, **kw)
    return charts.dress(fig, title, subtitle, footnote, brief=brief)


@st.cache_resource(show_spinner=False)
def open_store(folder: str):
    """One DuckDB connection to the store per server; each rerun moves it to the current version."""
    from pipeline.query import EventStore

    return EventStore(folder)


@st.cache_data(max_entries=2, show_spinner=False)
def store_meta(version: str, _db) -> tuple:
    opts = _db.options()
    return opts | {"total": _db.total()}, data.store_tables(_db, opts)


@st.cache_data(max_entries=16, show_spinner=False)
def store_view(version: str, q, _db):
    """Every matching event (few enough to draw one by one), prepared for the charts."""
    return data.prepared(_db.events(q, limit=charts.AGGREGATE_ABOVE))


@st.cache_data(max_entries=16, show_spinner=False)
def store_summary(version: str, q, _db) -> tuple:
    return _db.summary(q)


@st.cache_data(max_entries=16, show_spinner=False)
def store_counts(version: str, q, _db, n: int, lo, hi):
    """Too many to draw: the table's first rows, counts per bin by first actor, the most reported for labels."""
    start, end = days.from_date(lo.date()), days.from_date(hi.date())
    unit = density.bin_unit(pd.DataFrame({"_start": [start], "_end": [end]}))
    counts = _db.counts(q, unit, by="actor")
    counts["bin_start"] = (counts["bin_start"] - pd.Timestamp("1970-01-01")).dt.days.astype(float)
    ranked = data.prepared(_db.events(q, limit=4 * charts.TOP_IN_AGGREGATE, order="sources"))
    rows = data.prepared(_db.events(q, limit=page.TABLE_ROWS))
    return rows, counts, ranked, filters.Counted(n, start, end)


@st.cache_data(max_entries=16, show_spinner=False)
def counted_figure(version: str, chosen: filters.Filters, look: tuple, _counts, _ranked, _span, _colors):
    _, width, font, goto, _, title, subtitle, footnote, brief = look
    fig = charts.counted(_counts, _ranked, _span, _colors, width, font, goto, height=680 if brief else None)
    return charts.dress(fig, title, subtitle, footnote, brief=brief)


def store_empty_message(db, q, total: int) -> str:
    """`filters.empty_message`, asked of the store."""
    if not total:
        return "No events in this event store yet: build it with `python -m pipeline build --store`."
    hints = db.loosening(q)
    if not hints:
        return "No events match. Loosen several filters at once, or press Reset filters."
    name, n = hints[0]
    return f"No events match these filters. Loosening **{name}** would bring back {n} events."


store = data.store_source()
db = None
if store:  # filters run in DuckDB; only the rows and counts the chart draws come back
    db = open_store(store)
    db.refresh()
    fingerprint = str(db.version)
    meta, tables = store_meta(fingerprint, db)
    people = set(meta["people"])
    options = {
        "actors": [a for a in meta["actors"] if a not in people],
        "people": meta["people"],
        "event_types": [t for t in meta["event_types"] if t is not None],
        "articles": meta["articles"],
    }
    d0, d1 = meta["dates"]
    limits = (d0, d1, meta["most_sources"]) if d0 is not None else (None, None, 1)
    events = data.prepared(tables.events)  # no rows: the page asks the store
else:
    src = data.source()
    fingerprint = data.fingerprint(src)
    tables, events = load(src, fingerprint)
    options = page.options(events, tables)
    limits = filters.bounds(events)
if "initialized" not in st.session_state:  # the URL sets the widgets once; then the widgets set the URL
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    st.session_state.update(state.widgets_from_params(params, options), initialized=True)
notices = page.keep_valid(st.session_state, events, options, limits)  # a link or a rebuild: clamp, say so


def reset() -> None:
    st.session_state.update(state.DEFAULTS)
    st.query_params.clear()


brief = bool(st.session_state["brief"])
lo, hi, most = limits
with st.sidebar:
    st.header("Filters")
    st.multiselect("Actors", options["actors"], key="actors", placeholder="Countries, organizations, groups")
    st.multiselect("People", options["people"], key="people", placeholder="People (affiliation)")
    st.radio("Events with", ["any of", "all of"], key="actor_mode", horizontal=True)
    a, b = st.columns(2)
    a.date_input("From", key="date_from", min_value=lo, max_value=hi, format="YYYY-MM-DD")
    b.date_input("To", key="date_to", min_value=lo, max_value=hi, format="YYYY-MM-DD")
    st.date_input("Go to date", key="goto", min_value=lo, max_value=hi, format="YYYY-MM-DD", help="Centres the axis")
    st.number_input(
        "Key events only (top N, 0 = all)",
        min_value=0,
        max_value=max(len(events), 1) if db is None else None,
        key="top",
    )
    st.multiselect("Event types", options["event_types"], key="event_types", placeholder="All types")
    st.multiselect("Articles", options["articles"], key="articles", placeholder="All articles")
    st.number_input("Minimum sources", min_value=1, max_value=most + 1, key="min_sources")
    st.text_input("Search titles and evidence", key="text")
    st.toggle("Photo captions", key="captions")
    st.toggle("Background (year or coarser)", key="background")
    st.toggle("People as sub-tracks", key="subtracks")
    st.button("Reset filters", on_click=reset, key="reset", width="stretch")

values = {k: st.session_state.get(k) for k in state.DEFAULTS}
st.query_params.from_dict(state.params_from_widgets(values))
chosen = state.filters_from_widgets(values)
counts = None  # an event store's counts per bin, when there are too many events to draw one by one
if db is None:
    view = filters.apply(events, chosen)
    total = len(events)
    shown = view
else:
    from pipeline.query import Query

    q = Query.of(chosen)
    total = meta["total"]
    n, lo_q, hi_q = store_summary(fingerprint, q, db)
    if n <= charts.AGGREGATE_ABOVE:
        view = shown = store_view(fingerprint, q, db)
    else:
        view, counts, ranked, shown = store_counts(fingerprint, q, db, n, lo_q, hi_q)

if brief:
    st.html(page.BRIEF_CSS)  # no controls in the frame: the chart is the slide
else:
    top = st.columns([3, 2, 1], vertical_alignment="bottom")
    top[0].title("News timeline")
    top[1].radio("View", state.VIEWS, key="view", horizontal=True)
    top[2].toggle("Briefing mode", key="brief")
    st.html(detail.count_line(len(shown), total, filters.describe(chosen, shown)))
for note in notices:
    st.warning(note)

title = st.session_state["brief_title"] or filters.title(chosen, shown)
subtitle, footnote = page.subtitle(chosen, shown), page.footnote(view if counts is None else ranked, tables)
fig = None
if not len(shown):
    if db is None:
        st.info(filters.empty_message(events, chosen))
    else:
        st.info(store_empty_message(db, q, total))
else:
    goto = days.from_date(st.session_state["goto"]) if st.session_state["goto"] else None
    look = (values["subtracks"], 1180 if brief else 700, 14 if brief else 12, goto, values["event"] or None)
    look += (title, subtitle, footnote, brief)
    if counts is None:
        fig = figure(fingerprint, chosen, values["view"], look, view, tables.colors)
    else:
        if values["view"] != "Timeline":
            st.caption(f"Actor tracks draw up to {charts.AGGREGATE_ABOVE:,} events: these are counts over time.")
        fig = counted_figure(fingerprint, chosen, look, counts, ranked, (shown.start, shown.end), tables.colors)
    chart_col, side = st.columns([3, 1]) if values["event"] and not brief else (st.container(), None)
    with chart_col:
        clicked = st.plotly_chart(
            fig, width="stretch", config=charts.CONFIG, key="chart", on_select="rerun", selection_mode="points"
        )
    page.follow_click(st.session_state, clicked, view if counts is None else pd.concat([view, ranked]))
    if side is not None:
        with side:
            if db is None:
                page.show_detail(st, values["event"], events, tables)
            else:
                row, evidence = db.event(values["event"])
                arts = db.articles(sorted(set(evidence["article"].dropna())))
                page.show_detail(st, values["event"], data.prepared(row), data.Tables(row, evidence, arts, []))


if brief:
    st.html("<div style='height:100vh'></div>")  # the controls below stay out of the frame
    st.text_input("Briefing title", key="brief_title", placeholder=filters.title(chosen, view))
    st.toggle("Briefing mode", key="brief")
else:
    # Exports are made when clicked, not on every rerun (a 20,000-event CSV is not free).
    d1, d2, d3, d4 = st.columns(4)
    every = (lambda: view) if counts is None else (lambda: data.prepared(db.events(q, limit=None)))
    d1.download_button("Events (CSV)", lambda: exports.to_csv(every()), "events.csv", "text/csv")
    d2.download_button(
        "TimelineJS (JSON)",
        lambda: exports.to_timelinejs(every(), title, subtitle, tables.articles),
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
    if len(view):
        if len(shown) > page.TABLE_ROWS:  # the browser would spend seconds on rows nobody scrolls to
            st.caption(
                f"The table lists the first {page.TABLE_ROWS:,} of {len(shown):,} events by date; the CSV has all."
            )
        picked = st.dataframe(
            page.table(view.head(page.TABLE_ROWS)),
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="single-row",
            key="table",
            column_config=page.COLUMNS,
        )
        page.follow_row(st.session_state, picked, view)
    if not values["event"]:
        st.caption("Click a point or select a row to see every source with its evidence highlighted.")
    with st.expander(f"Build: {tables.summary or f'{len(tables.problems)} problems'}"):
        st.text("\n".join(tables.problems) or "No problems.")
