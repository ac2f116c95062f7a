"""News timeline: the analyst's view of the events table (`streamlit run dashboard.py`).

Layout and state only; filtering, figures and exports live in `ui/`.
"""

import streamlit as st

from ui import charts, data, days, detail, exports, filters, page, state

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


src = data.source()
fingerprint = data.fingerprint(src)
tables, events = load(src, fingerprint)
options = page.options(events, tables)
if "initialized" not in st.session_state:  # the URL sets the widgets once; then the widgets set the URL
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    st.session_state.update(state.widgets_from_params(params, options), initialized=True)
notices = page.keep_valid(st.session_state, events, options)  # a link or a rebuild outside the data: clamp, say so


def reset() -> None:
    st.session_state.update(state.DEFAULTS)
    st.query_params.clear()


brief = bool(st.session_state["brief"])
lo, hi, most = filters.bounds(events)
with st.sidebar:
    st.header("Filters")
    st.multiselect("Actors", options["actors"], key="actors", placeholder="Countries, organizations, groups")
    st.multiselect("People", options["people"], key="people", placeholder="People (affiliation)")
    st.radio("Events with", ["any of", "all of"], key="actor_mode", horizontal=True)
    a, b = st.columns(2)
    a.date_input("From", key="date_from", min_value=lo, max_value=hi, format="YYYY-MM-DD")
    b.date_input("To", key="date_to", min_value=lo, max_value=hi, format="YYYY-MM-DD")
    st.date_input("Go to date", key="goto", min_value=lo, max_value=hi, format="YYYY-MM-DD", help="Centres the axis")
    st.number_input("Key events only (top N, 0 = all)", min_value=0, max_value=max(len(events), 1), key="top")
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
view = filters.apply(events, chosen)

if brief:
    st.html(page.BRIEF_CSS)  # no controls in the frame: the chart is the slide
else:
    top = st.columns([3, 2, 1], vertical_alignment="bottom")
    top[0].title("News timeline")
    top[1].radio("View", state.VIEWS, key="view", horizontal=True)
    top[2].toggle("Briefing mode", key="brief")
    st.html(detail.count_line(len(view), len(events), filters.describe(chosen, view)))
for note in notices:
    st.warning(note)

title = st.session_state["brief_title"] or filters.title(chosen, view)
subtitle, footnote = page.subtitle(chosen, view), page.footnote(view, tables)
fig = None
if view.empty:
    st.info(filters.empty_message(events, chosen))
else:
    goto = days.from_date(st.session_state["goto"]) if st.session_state["goto"] else None
    look = (values["subtracks"], 1180 if brief else 700, 14 if brief else 12, goto, values["event"] or None)
    fig = figure(fingerprint, chosen, values["view"], look + (title, subtitle, footnote, brief), view, tables.colors)
    chart_col, side = st.columns([3, 1]) if values["event"] and not brief else (st.container(), None)
    with chart_col:
        clicked = st.plotly_chart(
            fig, width="stretch", config=charts.CONFIG, key="chart", on_select="rerun", selection_mode="points"
        )
    page.follow_click(st.session_state, clicked, view)
    if side is not None:
        with side:
            page.show_detail(st, values["event"], events, tables)

if brief:
    st.html("<div style='height:100vh'></div>")  # the controls below stay out of the frame
    st.text_input("Briefing title", key="brief_title", placeholder=filters.title(chosen, view))
    st.toggle("Briefing mode", key="brief")
else:
    # Exports are made when clicked, not on every rerun (a 20,000-event CSV is not free).
    d1, d2, d3, d4 = st.columns(4)
    d1.download_button("Events (CSV)", lambda: exports.to_csv(view), "events.csv", "text/csv")
    d2.download_button(
        "TimelineJS (JSON)",
        lambda: exports.to_timelinejs(view, title, subtitle, tables.articles),
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
        if len(view) > page.TABLE_ROWS:  # the browser would spend seconds on rows nobody scrolls to
            st.caption(
                f"The table lists the first {page.TABLE_ROWS:,} of {len(view):,} events by date; the CSV has all."
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
