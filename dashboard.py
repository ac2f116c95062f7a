"""News timeline: the analyst's view of the events table (`streamlit run dashboard.py`).

Layout and state only; filtering, figures and exports live in `ui/`.
"""

import streamlit as st

from ui import charts, data, detail, exports, filters, state

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


src = data.source()
tables, events = load(src, data.fingerprint(src))
options = {
    "actors": filters.actor_options(events),
    "event_types": sorted(events["event_type"].dropna().unique()),
    "articles": sorted(tables.articles["article"].dropna()),
}
if "initialized" not in st.session_state:  # the URL sets the widgets once; then the widgets set the URL
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    st.session_state.update(state.widgets_from_params(params, options), initialized=True)


def reset() -> None:
    st.session_state.update(state.DEFAULTS)
    st.query_params.clear()


with st.sidebar:
    st.header("Filters")
    st.multiselect("Actors", options["actors"], key="actors", placeholder="All actors")
    st.radio("Events with", ["any of", "all of"], key="actor_mode", horizontal=True)
    lo, hi, most = filters.bounds(events)
    st.date_input("From", key="date_from", min_value=lo, max_value=hi, format="YYYY-MM-DD")
    st.date_input("To", key="date_to", min_value=lo, max_value=hi, format="YYYY-MM-DD")
    st.multiselect("Event types", options["event_types"], key="event_types", placeholder="All types")
    st.multiselect("Articles", options["articles"], key="articles", placeholder="All articles")
    st.number_input("Minimum sources", min_value=1, max_value=most + 1, key="min_sources")
    st.text_input("Search titles and evidence", key="text")
    st.toggle("Photo captions", key="captions")
    st.toggle("Background (year or coarser)", key="background")
    st.toggle("People as sub-tracks", key="people")
    st.button("Reset filters", on_click=reset, key="reset", width="stretch")

values = {k: st.session_state.get(k) for k in state.DEFAULTS}
st.query_params.from_dict(state.params_from_widgets(values))
chosen = state.filters_from_widgets(values)
view = filters.apply(events, chosen)

top = st.columns([3, 2, 1])
if not st.session_state["brief"]:  # the briefing chart carries its own title and subtitle
    top[0].title("News timeline")
    st.html(detail.count_line(len(view), len(events), filters.describe(chosen, view)))
top[1].radio("View", state.VIEWS, key="view", horizontal=True)
top[2].toggle("Briefing mode", key="brief")

if view.empty:
    st.info(filters.empty_message(events, chosen))
if st.session_state["view"] == "Timeline":
    fig = charts.timeline(view)
else:
    fig = charts.actor_tracks(view, order=chosen.actors, people=st.session_state["people"])
if st.session_state["brief"]:
    footnote = (
        f"Sources: {len(set(x for a in view['_articles'] for x in a))} articles · built {tables.built_at} "
        f"· dates resolved against each article's publication date"
    )
    fig = charts.brief(
        fig,
        "Events by date" if st.session_state["view"] == "Timeline" else "Events by actor",
        filters.describe(chosen, view),
        footnote,
    )
st.plotly_chart(fig, width="stretch", config=charts.CONFIG, key="chart")

if not st.session_state["brief"]:
    # Exports are made when clicked, not on every rerun (a 20,000-event CSV is not free).
    d1, d2, d3, d4 = st.columns(4)
    subtitle = filters.describe(chosen, view)
    d1.download_button("Events (CSV)", lambda: exports.to_csv(view), "events.csv", "text/csv")
    d2.download_button(
        "TimelineJS (JSON)",
        lambda: exports.to_timelinejs(view, "News timeline", subtitle),
        "timeline.json",
        "application/json",
    )
    d3.download_button("Chart (HTML)", lambda: exports.to_html(fig), "chart.html", "text/html")
    d4.download_button(
        "Chart (PNG)",
        lambda: exports.to_png(charts.brief(fig, "Events", subtitle, "")),
        "chart.png",
        "image/png",
        disabled=exports.chromium_path() is None,
        help="Needs Chromium; the chart's camera button also saves a PNG",
    )

    columns = ["date", "precision", "title", "event_type", "actors", "sources", "certainty", "date_text"]
    picked = st.dataframe(
        view[columns], hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="table"
    )
    rows = picked.selection.rows if picked else []
    if rows:  # a selected row opens its detail, and the link opens it too
        st.session_state["event"] = view.iloc[rows[0]]["event_id"]
        st.query_params["event"] = st.session_state["event"]
    event = events[events["event_id"] == st.session_state["event"]]
    if len(event):
        event = event.iloc[0]
        st.html(detail.event_header(event))
        for s in detail.sources(event["event_id"], tables.evidence, tables.articles):
            with st.container(border=True):
                st.html(detail.source_header(s))
                st.html(s["html"])
    else:
        st.caption("Select a row to see every source with its evidence highlighted.")
    with st.expander(f"Build: {tables.summary or f'{len(tables.problems)} problems'}"):
        st.text("\n".join(tables.problems) or "No problems.")
