"""The browser's side of the layout: the chart's real width, the window's size, the zoomed range.

Streamlit does not tell the page script how wide the page is, and Plotly's
relayout events (zoom, pan, the range slider) never reach Streamlit. A small
inline component (Streamlit components v2: JavaScript in the page itself, no
iframe, nothing drawn) reports them as its state: the main column's width and
the window's size when they differ from what the chart was drawn for by more
than `STEP` px (a window dragged wider is one rerun, not fifty), and the
chart's time range once a zoom or pan has settled. It also folds the sidebar
once when a page opens on a window narrower than `FOLD_BELOW` px, where the
sidebar would leave the chart too little room.

The page passes what it drew for (`data`); the script reads the reports back
with `Viewport.of(session_state)`, which falls back to a 1600x900 window when
the browser has not reported yet (the first run of a session).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

#: Reports smaller than this (px) are not worth a rerun.
STEP = 48
#: Windows narrower than this fold the sidebar when the page opens.
FOLD_BELOW = 1100
KEY = "viewport"
#: The window's size kept for the next session in this browser (a new tab draws at the right width at once).
COOKIE = "timeline_window"
#: Streamlit's sidebar, and the main column's side padding (page.PAGE_CSS, page.BRIEF_CSS), px.
SIDEBAR_PX = 300
PADDING_PX = 64
BRIEF_PADDING_PX = 39

JS = """
export default function (component) {
  const { setStateValue, parentElement, data } = component;
  const host = parentElement.closest('[data-testid="stElementContainer"]');
  if (host) host.style.display = 'none';  // nothing to see, and no gap in the layout
  // One set of listeners per page; every render hands them the latest data and setter.
  const S = window.__timelineViewport || (window.__timelineViewport = {});
  S.data = data;
  S.set = setStateValue;
  const main = () => document.querySelector('[data-testid="stMainBlockContainer"]');
  S.report = S.report || (() => {
    const m = main();
    if (!m || !S.set) return;
    const cs = getComputedStyle(m);
    const width = Math.round(m.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight));
    const size = { width: width, vw: window.innerWidth, vh: window.innerHeight, brief: S.data.brief };
    document.cookie = `${S.data.cookie}=${size.vw}x${size.vh}; path=/; max-age=31536000; SameSite=Lax`;
    const drawn = S.data.drawn || {};
    const far = ['width', 'vw', 'vh'].some((k) => Math.abs((drawn[k] || 0) - size[k]) >= S.data.step);
    if (far && width > 0) S.set('size', size);
  });
  if (!S.started) {
    S.started = true;
    const bar = document.querySelector('[data-testid="stSidebar"]');
    const fold = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (window.innerWidth < data.fold_below && bar && bar.getAttribute('data-collapsed') !== 'true' && fold) {
      fold.click();  // once per page load: a person who opens it again keeps it open
    }
    const later = () => { clearTimeout(S.timer); S.timer = setTimeout(S.report, 250); };
    const observer = new ResizeObserver(later);
    if (main()) observer.observe(main());
    window.addEventListener('resize', later);
    // Zoom and pan: relabel once the range has settled (Plotly's relayout events do not reach Streamlit).
    const hook = () => {
      const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
      if (!gd || !gd.on || gd.__timelineHooked) return;
      gd.__timelineHooked = true;
      gd.on('plotly_relayout', (ev) => {
        let range = null;
        if (ev['xaxis.range[0]'] !== undefined) range = [ev['xaxis.range[0]'], ev['xaxis.range[1]']];
        else if (Array.isArray(ev['xaxis.range'])) range = ev['xaxis.range'];
        else if (!ev['xaxis.autorange']) return;  // something else changed (the legend, the size)
        clearTimeout(S.zoom);
        S.zoom = setTimeout(() => S.set('range', { token: S.data.token, range: range }), 400);
      });
    };
    setInterval(hook, 300);
  }
  clearTimeout(S.timer);
  S.timer = setTimeout(S.report, 250);
}
"""

_component = st.components.v2.component("news_timeline.viewport", js=JS, isolate_styles=False)


@dataclass(frozen=True)
class Viewport:
    """The main column's content width and the window's size, in CSS px."""

    width: int = 1236
    vw: int = 1600
    vh: int = 900

    @classmethod
    def estimate(cls, vw: int, vh: int, brief: bool) -> Viewport:
        """The main column a window of vw x vh leaves (sidebar, padding), before the browser measured it."""
        if brief:
            return cls(vw - BRIEF_PADDING_PX, vw, vh)
        return cls(vw - PADDING_PX - (SIDEBAR_PX if vw >= FOLD_BELOW else 0), vw, vh)

    @classmethod
    def of(cls, session, brief: bool = False, cookies=None) -> Viewport:
        """The size the browser last reported; else the window it reported to an earlier session (a cookie);
        else a 1600x900 window (1280x720 in briefing mode)."""
        size = _state(session, "size")
        if isinstance(size, dict) and bool(size.get("brief")) == brief:
            try:
                return cls(int(size["width"]), int(size["vw"]), int(size["vh"]))
            except (KeyError, TypeError, ValueError):
                pass
        if isinstance(size, dict):  # measured in the other mode: the window still holds
            try:
                return cls.estimate(int(size["vw"]), int(size["vh"]), brief)
            except (KeyError, TypeError, ValueError):
                pass
        try:
            vw, vh = (int(x) for x in str((cookies or {}).get(COOKIE, "")).split("x"))
            return cls.estimate(vw, vh, brief)
        except ValueError:  # nothing known: a desktop window, or the smallest slide (the chart must fit)
            return cls.estimate(1280, 720, brief) if brief else cls.estimate(1600, 900, brief)


def _state(session, name: str):
    state = session.get(KEY) if hasattr(session, "get") else None
    if state is None:
        return None
    return state.get(name) if hasattr(state, "get") else getattr(state, name, None)


def zoomed(session, token: str) -> tuple[str, str] | None:
    """The time range the person zoomed or panned to on this chart (same filters), or None."""
    report = _state(session, "range")
    if not isinstance(report, dict) or report.get("token") != token or not report.get("range"):
        return None
    a, b = report["range"]
    return str(a), str(b)


def token(*state) -> str:
    """A short name for what the chart shows (filters, view): a zoom reported for another chart is ignored."""
    return hashlib.sha1(repr(state).encode()).hexdigest()[:12]


def watch(drawn: Viewport, token: str, brief: bool) -> None:
    """Mount the reporter; `drawn` is the size the page laid the chart out for, `token` names the chart's filters."""
    data = {"drawn": drawn.__dict__, "token": token, "step": STEP, "fold_below": FOLD_BELOW, "brief": brief}
    data["cookie"] = COOKIE
    _component(key=KEY, data=data, on_size_change=lambda: None, on_range_change=lambda: None)
