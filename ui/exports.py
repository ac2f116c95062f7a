"""Briefing outputs of the filtered events: CSV, TimelineJS JSON, standalone HTML, PNG.

Every function takes the filtered events (schema columns, `_`-prefixed helper
columns are dropped) or a figure and returns bytes or text ready for
`st.download_button`; nothing here touches Streamlit.
"""

from __future__ import annotations

import json
import os
import shutil
from html import escape

import pandas as pd
import plotly.graph_objects as go

#: A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Chart export size: a 16:9 slide at twice the screen density.
PNG_WIDTH, PNG_HEIGHT, PNG_SCALE = 1600, 900, 2


def public(events: pd.DataFrame) -> pd.DataFrame:
    """The schema columns only (drop the dashboard's helper columns)."""
    return events[[c for c in events.columns if not c.startswith("_")]]


def escape_formula(value):
    """Prefix a quote to text a spreadsheet would execute ('=HYPERLINK(...)' stays text)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(events: pd.DataFrame) -> bytes:
    """CSV of the filtered events, safe to open in a spreadsheet."""
    table = public(events).astype(object)
    for col in table.columns:
        table[col] = table[col].map(escape_formula)
    return table.to_csv(index=False).encode("utf-8")


def _timeline_date(date: str, precision: str) -> dict:
    """A TimelineJS date with only the parts the source knows (a month stays a month)."""
    year, month, day = (int(x) for x in date.split("-"))
    out = {"year": year}
    if precision in ("day", "week", "month", "season", "quarter"):
        out["month"] = month
    if precision in ("day", "week"):
        out["day"] = day
    return out


def to_timelinejs(events: pd.DataFrame, title: str = "Timeline", subtitle: str = "") -> str:
    """Knight Lab TimelineJS JSON: one slide per event, grouped by first actor, text escaped."""
    slides = []
    for e in public(events).itertuples(index=False):
        if not isinstance(e.date, str):
            continue
        slide = {
            "start_date": _timeline_date(e.date, e.precision),
            "text": {
                "headline": escape(e.title or ""),
                "text": escape(
                    f"{e.evidence} ({e.date_note}; {int(e.sources)} source"
                    f"{'s' if int(e.sources) != 1 else ''}: {str(e.articles).replace(';', ', ')})"
                ),
            },
            "group": (e.actors or "").split(";")[0] or "no actor",
            "unique_id": e.event_id,
        }
        if isinstance(e.date_end, str) and e.date_end != e.date:
            slide["end_date"] = _timeline_date(e.date_end, e.precision)
        slides.append(slide)
    doc = {"title": {"text": {"headline": escape(title), "text": escape(subtitle)}}, "events": slides}
    return json.dumps(doc, ensure_ascii=False, indent=1)


def to_html(fig: go.Figure) -> str:
    """A standalone interactive page: plotly.js is inlined, so it works offline."""
    return fig.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False})


def chromium_path() -> str | None:
    """The browser kaleido drives for PNG export (Debian's Chromium when installed)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def to_png(fig: go.Figure) -> bytes:
    """A high-resolution PNG through kaleido; raises RuntimeError when no browser is available."""
    browser = os.environ.get("BROWSER_PATH") or chromium_path()
    if not browser:
        raise RuntimeError("PNG export needs Chromium (apt-get install chromium); use the chart's camera button")
    os.environ.setdefault("BROWSER_PATH", browser)
    try:
        return fig.to_image(format="png", width=PNG_WIDTH, height=PNG_HEIGHT, scale=PNG_SCALE)
    except Exception as exc:  # kaleido reports a missing or broken browser in many ways
        raise RuntimeError(f"PNG export failed ({exc}); use the chart's camera button") from exc
