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
from ui.viewport import Viewport

#: What briefing mode leaves of the window's height around the figure (page padding), px.
BRIEF_FRAME_PX = 24
#: Px of chart width per label: a narrow chart labels fewer events (between 4 and 12).
PX_PER_LABEL = 95


@dataclass(frozen=True)
class Look:
    """What the chart looks like besides the filters."""

    view: str = "Timeline"
    subtracks: bool = False
    width: int = 1140  # the figure's width in the browser, px
    font: int = 12
    goto: float | None = None
    selected: str | None = None
    title: str = ""
    subtitle: str = ""
    footnote: str = ""
    brief: bool = False
    height: int | None = None  # fixed in briefing mode: the window's height
    window: tuple[float, float] | None = None  # a range the reader zoomed to (day numbers)

    @classmethod
    def of(cls, values: dict, size: Viewport, detail_open: bool, **kw) -> Look:
        """The look for the page's widget values in a window of `size` (a detail panel takes a quarter)."""
        brief = bool(values["brief"])
        width = size.width if brief or not detail_open else int((size.width - 16) * 0.75)
        height = max(size.vh - BRIEF_FRAME_PX, 420) if brief else None
        view, subtracks, font = values["view"], bool(values["subtracks"]), 15 if brief else 13
        return cls(view, subtracks, width, font, brief=brief, height=height, selected=values["event"] or None, **kw)

    @property
    def label_k(self) -> int:
        """How many key events to label: fewer on a narrow chart, where they would not fit."""
        return int(min(12, max(4, self.width // PX_PER_LABEL)))


def make(src: Source, sel: Selection, look: Look) -> go.Figure:
    """The dressed figure for the selection (counts when the store sent counts)."""
    if sel.counts is None:
        return _figure(src.fingerprint, sel.chosen, look, sel.view, src.tables.colors)
    span = (sel.shown["_start"].iloc[0], sel.shown["_end"].iloc[0])
    return _counted(src.fingerprint, sel.chosen, look, sel.counts, sel.ranked, span, src.tables.colors)


@st.cache_data(max_entries=16, show_spinner=False)
def _figure(fingerprint: str, chosen: filters.Filters, look: Look, _view, _colors) -> go.Figure:
    kw = {"label_k": look.label_k if not chosen.top else min(chosen.top, 24), "width_px": look.width}
    kw |= {"font_size": look.font, "goto": look.goto, "selected": look.selected, "height": look.height}
    kw |= {"window": look.window}
    if look.view == "Timeline":
        fig = charts.timeline(_view, _colors, **kw)
    else:
        order = chosen.actors + chosen.people
        fig = charts.actor_tracks(_view, _colors, order=order, people=look.subtracks, **kw)
    return charts.dress(fig, look.title, look.subtitle, look.footnote, brief=look.brief)


@st.cache_data(max_entries=16, show_spinner=False)
def _counted(fingerprint: str, chosen: filters.Filters, look: Look, _counts, _ranked, _span, _colors) -> go.Figure:
    fig = charts.counted(_counts, _ranked, _span, _colors, look.width, look.font, look.goto, height=look.height)
    return charts.dress(fig, look.title, look.subtitle, look.footnote, brief=look.brief)
