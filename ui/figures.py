"""The page's chart: the chosen view of the selection, dressed for a briefing, made once per state.

`Look` is everything besides the filters that changes the picture (the view,
the chart's width, type size, the selected event, title, subtitle, footnote,
briefing mode); `make` picks the builder (`charts.timeline`,
`charts.actor_tracks`, or `charts.counted` when only counts came back) and
caches the dressed figure, so a rerun that changes nothing drawn reuses it.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import streamlit as st

from ui import charts, filters
from ui.source import Selection, Source

#: Plot height in briefing mode (a 16:9 slide at 1280x720 with the title above).
BRIEF_HEIGHT = 680


@dataclass(frozen=True)
class Look:
    """What the chart looks like besides the filters."""

    view: str = "Timeline"
    subtracks: bool = False
    width: int = 700
    font: int = 12
    goto: float | None = None
    selected: str | None = None
    title: str = ""
    subtitle: str = ""
    footnote: str = ""
    brief: bool = False


def make(src: Source, sel: Selection, look: Look) -> go.Figure:
    """The dressed figure for the selection (counts when the store sent counts)."""
    if sel.counts is None:
        return _figure(src.fingerprint, sel.chosen, look, sel.view, src.tables.colors)
    span = (sel.shown["_start"].iloc[0], sel.shown["_end"].iloc[0])
    return _counted(src.fingerprint, sel.chosen, look, sel.counts, sel.ranked, span, src.tables.colors)


@st.cache_data(max_entries=16, show_spinner=False)
def _figure(fingerprint: str, chosen: filters.Filters, look: Look, _view, _colors) -> go.Figure:
    kw = {"label_k": 12 if not chosen.top else min(chosen.top, 24), "width_px": look.width, "font_size": look.font}
    kw |= {"goto": look.goto, "selected": look.selected, "height": BRIEF_HEIGHT if look.brief else None}
    if look.view == "Timeline":
        fig = charts.timeline(_view, _colors, **kw)
    else:
        order = chosen.actors + chosen.people
        fig = charts.actor_tracks(_view, _colors, order=order, people=look.subtracks, **kw)
    return charts.dress(fig, look.title, look.subtitle, look.footnote, brief=look.brief)


@st.cache_data(max_entries=16, show_spinner=False)
def _counted(fingerprint: str, chosen: filters.Filters, look: Look, _counts, _ranked, _span, _colors) -> go.Figure:
    height = BRIEF_HEIGHT if look.brief else None
    fig = charts.counted(_counts, _ranked, _span, _colors, look.width, look.font, look.goto, height=height)
    return charts.dress(fig, look.title, look.subtitle, look.footnote, brief=look.brief)
