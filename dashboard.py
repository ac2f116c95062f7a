"""News timeline: the analyst's view of the events table (`streamlit run dashboard.py`).

Layout and state only: the tables and the filters' results come from `ui.source`
(a table in memory or an event store), the dressed chart from `ui.figures`.
"""

from dataclasses import replace

import streamlit as st

from ui import charts, days, detail, figures, filters, page, source, state, viewport

# Briefing mode is for screenshots: the sidebar starts folded away.
st.set_page_config(
    page_title="News timeline",
    page_icon="🗓️",
    layout="wide",
    initial_sidebar_state="collapsed" if st.query_params.get("brief") == "1" else "auto",
)

src = source.open_source()
if "initialized" not in st.session_state:  # the URL sets the widgets once; then the widgets set the URL
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    st.session_state.update(state.widgets_from_params(params, src.options), initialized=True)
notices = page.keep_valid(st.session_state, src.events, src.options, src.limits)  # a link or a rebuild: clamp


def reset() -> None:
    st.session_state.update(state.DEFAULTS)
    st.query_params.clear()


brief = bool(st.session_state["brief"])
lo, hi, most = src.limits
options, store = src.options, src.db is not None
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
        max_value=None if store else max(src.total, 1),
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
sel = source.select(src, state.filters_from_widgets(values))
chosen, shown = sel.chosen, sel.shown

st.html(page.PAGE_CSS)
if brief:
    st.html(page.BRIEF_CSS)  # no controls in the frame: the chart is the slide
else:
    top = st.columns([3, 2, 1], vertical_alignment="bottom")
    top[0].title("News timeline")
    top[1].radio("View", state.VIEWS, key="view", horizontal=True)
    top[2].toggle("Briefing mode", key="brief")
    st.html(detail.count_line(len(shown), src.total, filters.describe(chosen, shown)))
for note in notices:
    st.warning(note)

size = viewport.Viewport.of(st.session_state, brief, st.context.cookies)  # as the browser last reported it
token = viewport.token(chosen, values["view"], brief)  # a zoom holds for these filters only
goto = days.from_date(st.session_state["goto"]) if st.session_state["goto"] else None
zoom = viewport.zoomed(st.session_state, token)
window = (days.from_iso(zoom[0]), days.from_iso(zoom[1])) if zoom else None
opening = charts.opening_days(sel.view, goto, window)  # the title names the days the chart opens on
title = st.session_state["brief_title"] or filters.title(chosen, shown, opening)
subtitle, footnote = page.subtitle(chosen, shown), page.footnote(sel.drawn, src.tables)
fig = None
if not len(shown):
    st.info(source.empty_message(src, sel))
else:
    look = figures.Look.of(values, size, bool(values["event"]), goto=goto, window=window)
    look = replace(look, title=title, subtitle=subtitle, footnote=footnote)
    if sel.counts is not None and values["view"] != "Timeline":
        st.caption(f"Actor tracks draw up to {charts.AGGREGATE_ABOVE:,} events: these are counts over time.")
    fig = figures.make(src, sel, look)
    chart_col, side = st.columns([3, 1]) if values["event"] and not brief else (st.container(), None)
    with chart_col:
        clicked = st.plotly_chart(
            fig, width="stretch", config=charts.CONFIG, key="chart", on_select="rerun", selection_mode="points"
        )
    page.follow_click(st.session_state, clicked, sel.known)
    if side is not None:
        with side:
            page.show_detail(st, values["event"], *source.event_tables(src, values["event"]))

if brief:
    st.html("<div style='height:100vh'></div>")  # the controls below stay out of the frame
    st.text_input("Briefing title", key="brief_title", placeholder=filters.title(chosen, sel.view, opening))
    st.toggle("Briefing mode", key="brief")
else:
    page.show_downloads(st, source.every(src, sel), fig, title, subtitle, src.tables.articles)
    if len(sel.view):
        page.show_table(st, sel.view, len(shown))
    if not values["event"]:
        st.caption("Click a point or select a row to see every source with its evidence highlighted.")
    with st.expander(f"Build: {src.tables.summary or f'{len(src.tables.problems)} problems'}"):
        st.text("\n".join(src.tables.problems) or "No problems.")
viewport.watch(size, token, brief)  # the browser reports the chart's width, the window and a zoom
