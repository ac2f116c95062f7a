"""Briefing outputs of the filtered events: CSV, TimelineJS JSON, standalone HTML, PNG.

Every function takes the filtered events (schema columns, `_`-prefixed helper
columns are dropped) or a figure and returns bytes or text ready for
`st.download_button`; nothing here touches Streamlit.
"""

from __future__ import annotations

import contextlib
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
    """A TimelineJS date with only the parts the source knows (a month stays a month), any year."""
    text = str(date).strip()
    sign = -1 if text.startswith("-") else 1
    year, month, day = (int(x) for x in text.lstrip("-").split("-")[:3])
    out = {"year": sign * year}
    if precision in ("day", "week", "month", "season", "quarter"):
        out["month"] = month
    if precision in ("day", "week"):
        out["day"] = day
    return out


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def cited(articles_cell, articles: pd.DataFrame | None) -> list[str]:
    """Publisher and URL of each reporting article ('Reuters, https://...'), else its file name."""
    meta = articles.drop_duplicates("article").set_index("article") if articles is not None and len(articles) else None
    out = []
    for name in [x.strip() for x in _text(articles_cell).split(";") if x.strip()]:
        row = meta.loc[name] if meta is not None and name in meta.index else None
        publisher = _text(row["source"]) if row is not None else ""
        url = _text(row["url"]) if row is not None else ""
        out.append(", ".join(x for x in (publisher, url) if x) or name)
    return out


def to_timelinejs(
    events: pd.DataFrame, title: str = "Timeline", subtitle: str = "", articles: pd.DataFrame | None = None
) -> str:
    """Knight Lab TimelineJS JSON: one slide per event, grouped by first actor, text escaped.

    `display_date` is the date as written with what it resolved to; sources
    are cited by publisher and URL when the articles table knows them.
    """
    slides = []
    for e in public(events).itertuples(index=False):
        if not isinstance(e.date, str) or not e.date.strip():
            continue
        try:
            start = _timeline_date(e.date, _text(e.precision))
        except ValueError:
            continue
        n = int(e.sources) if _text(e.sources) else 1
        sources = cited(getattr(e, "articles", ""), articles) or [_text(getattr(e, "article", "")) or "unknown source"]
        written, note = _text(e.date_text), _text(e.date_note)
        slide = {
            "start_date": start,
            "display_date": f"{written} ({e.date})" if written and written != e.date else e.date,
            "text": {
                "headline": escape(_text(e.title)),
                "text": escape(
                    f"{_text(e.evidence)} ({note + '; ' if note else ''}{n} source{'s' if n != 1 else ''}: "
                    f"{'; '.join(sources)})"
                ),
            },
            "group": (_text(e.actors)).split(";")[0] or "no actor",
            "unique_id": e.event_id,
        }
        if isinstance(e.date_end, str) and e.date_end.strip() and e.date_end != e.date:
            with contextlib.suppress(ValueError):
                slide["end_date"] = _timeline_date(e.date_end, _text(e.precision))
        slides.append(slide)
    doc = {"title": {"text": {"headline": escape(title), "text": escape(subtitle)}}, "events": slides}
    return json.dumps(doc, ensure_ascii=False, indent=1)


def to_html(fig: go.Figure, title: str = "News timeline") -> str:
    """A standalone interactive page of the dressed figure: plotly.js inlined (works offline), a real <title>."""
    page = fig.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False}, default_width="100%")
    return page.replace("<head>", f"<head><title>{escape(title)}</title>", 1)


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
