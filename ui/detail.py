"""Provenance of one event: every source's sentence, highlighted in its paragraph.

Article text is data, never markup: every piece is HTML-escaped before the one
<mark> we add, and the result is shown with `st.html` (no Markdown pass), so
`<script>` or `[link](javascript:...)` in an article shows as those characters.
"""

from __future__ import annotations

from html import escape

import pandas as pd

#: Longest paragraph shown around an evidence sentence (characters each side).
CONTEXT = 600


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The line or paragraph that holds text[start:end], trimmed to CONTEXT each side."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    return max(left, start - CONTEXT), min(right, end + CONTEXT)


def highlight(text: str, start: int, end: int) -> str:
    """The evidence's paragraph as safe HTML with the sentence in <mark>."""
    if not isinstance(text, str) or not 0 <= start < end <= len(text):
        return "<p><i>(the article's text is not available)</i></p>"
    a, b = paragraph_bounds(text, start, end)
    before = ("…" if a > 0 and text[a - 1] != "\n" else "") + text[a:start]
    after = text[end:b] + ("…" if b < len(text) and text[b] != "\n" else "")
    return (
        f"<p style='line-height:1.55'>{escape(before)}<mark style='background:#ffe58a'>"
        f"{escape(text[start:end])}</mark>{escape(after)}</p>"
    )


def sources(event_id: str, evidence: pd.DataFrame, articles: pd.DataFrame) -> list[dict]:
    """One dict per supporting sentence: article metadata, date explanation, highlighted paragraph."""
    rows = evidence[evidence["event_id"] == event_id]
    meta = articles.set_index("article")
    out = []
    for r in rows.itertuples(index=False):
        art = meta.loc[r.article] if r.article in meta.index else None
        text = art["text"] if art is not None else None
        out.append(
            {
                "article": r.article,
                "title": _text(art["title"]) if art is not None else "",
                "source": _text(art["source"]) if art is not None else "",
                "url": _text(art["url"]) if art is not None else "",
                "published": _text(r.published),
                "published_basis": _text(art["published_basis"]) if art is not None else "",
                "date_note": _text(r.date_note),
                "certainty": _text(r.certainty),
                "event_type": _text(r.event_type),
                "caption": bool(r.caption) if pd.notna(r.caption) else False,
                "html": highlight(text, int(r.char_start), int(r.char_end)),
            }
        )
    return out


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def count_line(shown: int, total: int, description: str) -> str:
    """'N of M events' with the active filters (escaped: a shared link can carry any search text)."""
    return f"<div style='font-size:1.05rem'><b>{shown:,} of {total:,} events</b> · {escape(description)}</div>"


def event_header(event) -> str:
    """Title and facts of the selected event, as safe HTML."""
    facts = [
        f"{event['date']} ({event['precision']})",
        _text(event["date_note"]),
        _text(event["event_type"]),
        _text(event["certainty"]),
        f"actors: {_text(event['actors']).replace(';', ', ') or '-'}",
        f"people: {_text(event['people']).replace(';', ', ') or '-'}",
    ]
    return (
        f"<h3 style='margin-bottom:0.2rem'>{escape(_text(event['title']))}</h3>"
        f"<div style='color:#555'>{escape(' · '.join(f for f in facts if f))}</div>"
    )


def source_header(s: dict) -> str:
    """One source's title, publisher, publication date and how the date was read."""
    title = escape(s["title"] or s["article"])
    meta = " · ".join(
        x
        for x in [
            s["source"] or "unknown source",
            f"published {s['published']}" + (f" ({s['published_basis']})" if s["published_basis"] else ""),
            s["date_note"],
            s["certainty"],
            s["article"],
        ]
        if x
    )
    return f"<div><b>{title}</b><br><span style='color:#555'>{escape(meta)}</span></div>"
