"""Plotly figures of the filtered events: the timeline and the per-actor tracks.

Reads the events table as `ui.filters.prepare` leaves it (`_start`, `_end` as
day numbers, `_actors`, `_people`, `_span`, `_rank` plus the schema columns)
and the actor colors computed once with the tables (`ui.colors`). Each
builder is DataFrame -> go.Figure with no Streamlit in sight, so tests assert
on figures. The axis opens on the window that holds most events; the few
outside it are said on the chart and reachable with the range slider. Labels
are the key events' titles, wrapped (never cut), packed so they never overlap.
"""

from __future__ import annotations

import bisect
import math
import textwrap
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pipeline.schema import split_person
from ui import days, density
from ui.colors import OTHER, OTHER_COLOR, legend_colors

#: Browser config: the modebar camera saves the dressed figure as a 16:9 slide.
CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "width": 1600, "height": 900, "scale": 2, "filename": "timeline"},
}
#: Above this many events in view, draw counts instead of one mark per event.
AGGREGATE_ABOVE = 1500
#: How many key events stay drawn one by one over the counts.
TOP_IN_AGGREGATE = 40
FONT = "Inter, Helvetica, Arial, sans-serif"
INK = "#1f1f1f"
#: The narrowest time window drawn, in days (dates are days: hour ticks would be noise).
MIN_DAYS_SHOWN = 10
#: Figure height around the plot area: title, subtitle, legend, axis, range slider, footnote (px).
OVERHEAD_PX = 260
MAX_HEIGHT = 820
#: Left plus right margin of a dressed figure (px): what `width_px` loses besides tick labels.
SIDE_MARGIN_PX = 48
#: The narrowest range a reader can zoom to and still get labels placed for it, in days.
MIN_DAYS_ZOOMED = 0.5
#: Share of the events the opening window must hold; outliers beyond it are said, not drawn squashed.
FOCUS_SHARE = 0.85


def wrap(title: str, width: int = 28, max_lines: int = 3) -> list[str]:
    """A title as lines of about `width` characters; a long title gets wider lines, never cut."""
    title = " ".join(str(title or "").split())
    if not title:
        return [""]
    width = max(width, -(-len(title) // max_lines))
    lines = textwrap.wrap(title, width, break_long_words=False) or [title]
    while len(lines) > max_lines:
        width += 2
        lines = textwrap.wrap(title, width, break_long_words=False)
    return lines


def _text_px(lines: list[str], font_size: int) -> float:
    return max(len(x) for x in lines) * font_size * 0.56 + font_size


def hover_texts(view: pd.DataFrame) -> list[str]:
    """Hover: the whole title, the date as written and as resolved, actors, people, sources (escaped)."""
    out = []
    for t, dt, s0, s1, p, a, pe, s in zip(
        view["title"].fillna(""),
        view["date_text"].fillna(""),
        view["_start"],
        view["_end"],
        view["precision"].fillna(""),
        view["actors"].fillna(""),
        view["people"].fillna("") if "people" in view else [""] * len(view),
        view["sources"].fillna(1),
    ):
        when = days.label(s0) if s0 == s1 else days.span_label(s0, s1)
        written = f"'{escape(dt)}' → " if dt else ""
        who = escape(a.replace(";", ", ")) or "no actor"
        if pe:
            who += "<br>" + escape(", ".join(split_person(x.strip())[0] for x in pe.split(";") if x.strip()))
        lines = "<br>".join(escape(x) for x in wrap(t, 60, 4))
        out.append(f"<b>{lines}</b><br>{written}{when} ({escape(p)})<br>{who}<br>{int(s)} source{'s' * (int(s) != 1)}")
    return out


def focus_window(start: np.ndarray, end: np.ndarray, share: float = FOCUS_SHARE) -> tuple[float, float]:
    """The shortest window of days holding `share` of the events (all of them when that is not much shorter)."""
    lo, hi = float(np.nanmin(start)), float(np.nanmax(end))
    n = len(start)
    k = max(1, int(np.ceil(share * n)))
    if n < 4 or k >= n:
        return lo, hi
    order = np.argsort(start, kind="stable")
    s, e = start[order], np.maximum.accumulate(end[order])
    widths = e[k - 1 :] - s[: n - k + 1]
    i = int(np.argmin(widths))
    a, b = float(s[i]), float(e[i + k - 1])
    # Keep every event the window already reaches, and focus only when it really narrows the view.
    if (b - a) > 0.5 * (hi - lo):
        return lo, hi
    return a, b


def outside_note(start: np.ndarray, end: np.ndarray, lo: float, hi: float) -> tuple[str, str]:
    """'+1 event in July 2024' for the events left and right of the opening window."""
    notes = []
    for mask, word in ((end < lo, "before"), (start > hi, "after")):
        n = int(mask.sum())
        if not n:
            notes.append("")
            continue
        months = {days.month_label(x) for x in start[mask]}
        where = f"in {months.pop()}" if len(months) == 1 else f"{word} {days.label(lo if word == 'before' else hi)}"
        notes.append(f"+{n} event{'s' * (n != 1)} {where}")
    return notes[0], notes[1]


def pack(
    ext0: np.ndarray,
    ext1: np.ndarray,
    height: np.ndarray,
    max_lanes: int,
    mark0: np.ndarray | None = None,
    mark1: np.ndarray | None = None,
    order: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First-fit packing of rectangles [ext0, ext1) x `height` lanes, in `order` (default: by ext0).

    Returns (first lane, shared, fell back). A labelled item that finds no room
    for its label tries its bare mark [mark0, mark1) on one lane (fell back: draw
    it unlabelled); one that finds no room at all shares a lane without taking
    room (shared), so a crowded view stays a band and never blocks later items.
    """
    n = len(ext0)
    lanes, shared, fell = np.zeros(n, dtype=int), np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    starts: list[list[float]] = [[] for _ in range(max_lanes)]
    ends: list[list[float]] = [[] for _ in range(max_lanes)]
    texts: list[list[bool]] = [[] for _ in range(max_lanes)]  # which intervals hold a label's text

    def free(lane: int, a: float, b: float) -> bool:
        k = bisect.bisect_left(starts[lane], b)  # intervals starting before b ...
        return k == 0 or ends[lane][k - 1] <= a  # ... the last of them must end by a (they never overlap)

    def place(a: float, b: float, h: int, text: bool) -> int:
        for r in range(0, max_lanes - h + 1):
            if all(free(r + j, a, b) for j in range(h)):
                for j in range(h):
                    k = bisect.bisect_left(starts[r + j], a)
                    starts[r + j].insert(k, a)
                    ends[r + j].insert(k, b)
                    texts[r + j].insert(k, text)
                return r
        return -1

    def least_covered(a: float, b: float) -> int:
        """The lane where a mark that fits nowhere hides the least: over other marks, not over text."""
        cost = []
        for lane in range(max_lanes):
            k = bisect.bisect_left(starts[lane], b)
            over = [t for s_, e_, t in zip(starts[lane][:k], ends[lane][:k], texts[lane][:k]) if e_ > a]
            cost.append(sum(10 if t else 1 for t in over))
        return int(np.argmin(cost))

    labelled = (height > 1) if mark0 is None or mark1 is None else (ext0 != mark0) | (ext1 != mark1)
    for i in np.argsort(ext0, kind="stable") if order is None else order:
        r = place(float(ext0[i]), float(ext1[i]), int(min(height[i], max_lanes)), bool(labelled[i]))
        if r < 0 and mark0 is not None and mark1 is not None:
            r = place(float(mark0[i]), float(mark1[i]), 1, False)
            fell[i] = r >= 0
        if r < 0:
            a, b = (mark0[i], mark1[i]) if mark0 is not None and mark1 is not None else (ext0[i], ext1[i])
            r, shared[i] = least_covered(float(a), float(b)), True
        lanes[i] = r
    return lanes, shared, fell


def pack_rows(starts: np.ndarray, ends: np.ndarray, max_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """One lane per item: each to the first row free over its extent (shared when none is)."""
    lanes, shared, _ = pack(starts, ends, np.ones(len(starts), dtype=int), max_rows)
    return lanes, shared


def label_order(view: pd.DataFrame) -> pd.Index:
    """Events ranked for labelling: most salient first (the build's `salience`, else sources)."""
    return view.sort_values(["_rank"], kind="stable").index


def _ticks(lo: float, hi: float) -> dict:
    """Daily ticks for short spans, weekly up to four months; Plotly's own beyond."""
    span = hi - lo
    if span <= 16:
        return {"dtick": 86_400_000, "tickformat": "%-d %b"}
    if span <= 35:
        return {"dtick": 2 * 86_400_000, "tickformat": "%-d %b"}
    if span <= 120:
        return {"dtick": 7 * 86_400_000, "tickformat": "%-d %b"}
    return {}


def _layout_labels(view, days_per_px, font_size, label_k, lo, hi, fit_inside: bool = False):
    """Per event: label lines (empty when unlabelled), label and mark extents in days, lanes needed, order.

    `days_per_px` is the drawn scale; `fit_inside` (a range the reader zoomed to) labels only the events
    whose label fits between `lo` and `hi` on one side of its mark, the next ones in rank taking their place.
    """
    start, end = view["_start"].to_numpy(float), view["_end"].to_numpy(float) + 1
    span = view["_span"].to_numpy(bool)
    # A point sits at noon and is 10 px wide; a span covers its days.
    mark0 = np.where(span, start, start + 0.5) - 7 * days_per_px
    mark1 = np.where(span, end, start + 0.5) + 7 * days_per_px
    # In a zoomed range a point must have its mark (noon) inside; the opening window takes its neighbours too.
    inside = (end >= lo) & (start <= hi)
    if fit_inside:
        inside &= np.where(span, (end > lo) & (start < hi), (start + 0.5 >= lo) & (start + 0.5 <= hi))
    position = {idx: k for k, idx in enumerate(view.index)}
    titles = view["title"].fillna("").to_numpy(object)
    lines: list[list[str]] = [[] for _ in range(len(view))]
    text_days = np.zeros(len(view))
    ranked = []
    for idx in label_order(view[inside]):
        if len(ranked) == label_k:
            break
        k = position[idx]
        wrapped = wrap(titles[k])
        width = _text_px(wrapped, font_size) * days_per_px
        if fit_inside and mark1[k] + width > hi + 4 * days_per_px and mark0[k] - width < lo - 4 * days_per_px:
            continue
        lines[k], text_days[k] = wrapped, width
        ranked.append(idx)
    is_label = view.index.isin(ranked)
    right = mark1 + text_days <= hi + 4 * days_per_px
    ext0 = np.where(is_label & ~right, mark0 - text_days, mark0)
    ext1 = np.where(is_label & right, mark1 + text_days, mark1)
    height = np.array([max(1, len(x)) for x in lines])
    # Labelled events are placed first, most salient first; then the rest by date.
    order = np.array([position[i] for i in ranked] + [k for k in np.argsort(ext0, kind="stable") if not is_label[k]])
    return lines, right, ext0, ext1, height, is_label, days_per_px, mark0, mark1, order


def plot_width(width_px: float, margin_px: float = 0) -> float:
    """The plot area's width in a figure `width_px` wide (the side margins, and `margin_px` for tick labels)."""
    return max(width_px - SIDE_MARGIN_PX - margin_px, 160)


def timeline(
    view: pd.DataFrame,
    colors: dict[str, str] | None = None,
    label_k: int = 12,
    width_px: int = 760,
    max_rows: int = 30,
    aggregate_above: int = AGGREGATE_ABOVE,
    font_size: int = 12,
    goto: float | None = None,
    selected: str | None = None,
    height: int | None = None,
    window: tuple[float, float] | None = None,
) -> go.Figure:
    """All filtered events over time: day events as points, coarser or ranged dates as spans.

    `width_px` is the figure's width in the browser (labels are packed at the
    scale they are drawn at); `window` a range the reader zoomed to, in day
    numbers, which the labels are placed for. Above `aggregate_above` events
    the chart shows counts per day/week/month (stacked by each event's
    first-named actor) under a strip of key events.
    """
    fig = go.Figure(_validate=False)  # built from checked columns: skip plotly's per-property validation
    if view.empty:
        return _style(fig, height=260)
    first = view["_actors"].map(lambda a: a[0] if a else "no actor")
    palette = legend_colors(first[first != "no actor"].value_counts().index, colors or {})
    key = first.map(lambda a: a if a in palette else (OTHER if a != "no actor" else "no actor"))
    palette = palette | {OTHER: OTHER_COLOR, "no actor": "#b0b0b0"}
    start, end = view["_start"].to_numpy(float), view["_end"].to_numpy(float) + 1
    lo, hi = _opening(start, end, goto, window)
    if len(view) > aggregate_above:
        return _aggregated(fig, view, key, palette, width_px, font_size, goto)
    # Lanes are one line of label text tall: as many as the figure's plot area holds.
    line_px = font_size * 1.45
    max_rows = min(max_rows, int(((height or MAX_HEIGHT) - OVERHEAD_PX) / line_px))
    plot_px = plot_width(width_px)
    shown = (lo, hi)
    # The shown range grows to hold the labels beside the window's edges; pack again at the grown range's
    # scale (a label's width in days is the one it is drawn at), until the range stops growing.
    for _ in range(4):
        laid = _layout_labels(
            view, max(shown[1] - shown[0], MIN_DAYS_ZOOMED) / plot_px, font_size, label_k, lo, hi, bool(window)
        )
        lines, right, ext0, ext1, lanes_needed, is_label, dpp, mark0, mark1, order = laid
        lanes, shared, fell = pack(ext0, ext1, lanes_needed, max_rows, mark0, mark1, order)
        # A label that found no room is dropped rather than drawn over another.
        is_label &= ~shared & ~fell
        needed = _shown_range(lo, hi, dpp, ext0, ext1, is_label, window)
        grew = needed[1] - needed[0] > 1.02 * (shown[1] - shown[0])
        shown = needed
        if not grew:
            break
    view = view.assign(_row=lanes, _hover=hover_texts(view), _key=key.to_numpy())
    for name in [k for k in palette if k in set(view["_key"])]:
        group = view[view["_key"] == name]
        _add_marks(fig, group, group["_row"], palette[name], name, legend=True)
    _add_labels(fig, view, lines, right, is_label, font_size)
    _mark(fig, view, selected, goto)
    n_lanes = int((lanes + np.where(is_label, lanes_needed, 1)).max())
    if height:  # a fixed frame (briefing): the lanes fill it from the top
        n_lanes = max(n_lanes, int((height - OVERHEAD_PX) / line_px))
    fig.update_yaxes(visible=False, range=[n_lanes - 0.3, -0.7], fixedrange=True)
    _time_axis(fig, start, end, shown[0], shown[1], lo, hi)
    return _style(fig, height=height or int(min(max(OVERHEAD_PX + line_px * n_lanes, 360), MAX_HEIGHT)))


def opening_days(view: pd.DataFrame, goto: float | None = None, window=None) -> tuple[int, int] | None:
    """First and last day the chart opens on (the busy window, a zoom, 'go to date'), for its title.

    None when the chart draws everything it has (counts above `AGGREGATE_ABOVE` events, or none).
    """
    if not isinstance(view, pd.DataFrame) or view.empty or len(view) > AGGREGATE_ABOVE:
        return None
    start, end = view["_start"].to_numpy(float), view["_end"].to_numpy(float) + 1
    lo, hi = _opening(start, end, goto, window)
    first, last = math.floor(lo), max(math.floor(lo), math.ceil(hi) - 1)  # `hi` is the day after the last
    return first, last


def _opening(start, end, goto, window) -> tuple[float, float]:
    """The days the chart must show: a zoomed range, else the busy window (or ten days around 'go to date')."""
    if window is not None:
        lo, hi = window
        mid = (lo + hi) / 2
        return min(lo, mid - MIN_DAYS_ZOOMED / 2), max(hi, mid + MIN_DAYS_ZOOMED / 2)
    lo, hi = focus_window(start, end)
    if goto is not None and not lo <= goto <= hi:
        lo, hi = goto - MIN_DAYS_SHOWN / 2, goto + MIN_DAYS_SHOWN / 2
    return lo, hi


def _shown_range(lo, hi, dpp, ext0, ext1, is_label, window) -> tuple[float, float]:
    """The range to draw: the zoomed one as it is, else lo..hi widened to hold every label (and ten days)."""
    if window is not None:
        return lo, hi
    pad = 6 * dpp
    lo_shown, hi_shown = lo - pad, hi + pad
    if is_label.any():
        lo_shown = min(lo_shown, float(ext0[is_label].min()) - pad)
        hi_shown = max(hi_shown, float(ext1[is_label].max()) + pad)
    if hi_shown - lo_shown < MIN_DAYS_SHOWN:
        mid = (lo_shown + hi_shown) / 2
        lo_shown, hi_shown = mid - MIN_DAYS_SHOWN / 2, mid + MIN_DAYS_SHOWN / 2
    return lo_shown, hi_shown


def _time_axis(fig, start, end, lo_shown, hi_shown, lo, hi) -> None:
    """The focused range, a range slider over everything, and a note on what lies outside."""
    full_lo, full_hi = float(np.nanmin(start)), float(np.nanmax(end))
    fig.update_xaxes(
        type="date",
        range=days.iso([lo_shown, hi_shown]),
        automargin=True,
        showgrid=True,
        gridcolor="#ECECEC",
        **_ticks(lo_shown, hi_shown),
    )
    left, right = outside_note(start, end, lo_shown, hi_shown)
    if left or right:
        pad = (full_hi - full_lo) * 0.01 + 1
        fig.update_xaxes(
            rangeslider={"visible": True, "thickness": 0.06, "range": days.iso([full_lo - pad, full_hi + pad])}
        )
    for text, x, anchor in ((left, 0, "left"), (right, 1, "right")):
        if text:
            fig.add_annotation(
                text=("‹ " + text) if anchor == "left" else (text + " ›"),
                xref="paper",
                yref="paper",
                x=x,
                y=0,
                xanchor=anchor,
                yanchor="bottom",
                showarrow=False,
                bgcolor="rgba(255,255,255,0.85)",
                font={"size": 12, "color": "#333"},
                name="outside",
            )


def _add_labels(fig, view, lines, right, is_label, font_size, yref: str = "y") -> None:
    """Titles as annotations beside their marks (annotations stay out of the range slider's miniature)."""
    mask = np.asarray(is_label, bool)
    if not mask.any():
        return
    part = view[mask]
    part_lines = [x for x, m in zip(lines, mask) if m]
    span = part["_span"].to_numpy(bool)
    rows = zip(part["event_id"], part["_start"], part["_end"], part["_row"], span)
    for (event_id, s0, s1, row, sp), lns, side in zip(rows, part_lines, np.asarray(right)[mask]):
        x = (s1 + 1 if side else s0) if sp else s0 + 0.5
        fig.add_annotation(
            x=days.iso([x])[0],
            y=float(row) + (len(lns) - 1) / 2,
            xref="x",
            yref=yref,
            text="<br>".join(escape(t) for t in lns),
            showarrow=False,
            xanchor="left" if side else "right",
            xshift=7 if side else -7,
            align="left" if side else "right",
            font={"size": font_size, "color": INK},
            name=f"label:{event_id}",
        )


def _mark(fig, view, selected, goto) -> None:
    """A ring around the selected event; a band on the day one went to."""
    if selected is not None and selected in set(view["event_id"]):
        row = view[view["event_id"] == selected].iloc[0]
        x = (row["_start"] + row["_end"] + 1) / 2 if row["_span"] else row["_start"] + 0.5
        fig.add_trace(
            go.Scatter(
                _validate=False,
                x=days.iso([x]),
                y=[row["_row"] if "_row" in row else row["_y"]],
                mode="markers",
                marker={"size": 20, "color": "rgba(0,0,0,0)", "line": {"width": 3, "color": INK}},
                hoverinfo="skip",
                showlegend=False,
                name="selected",
                meta="selected",
            )
        )
    if goto is not None:
        fig.add_vrect(
            x0=days.iso([goto])[0],
            x1=days.iso([goto + 1])[0],
            fillcolor="#ffe58a",
            opacity=0.45,
            line_width=0,
            layer="below",
        )


def _add_marks(
    fig: go.Figure,
    group: pd.DataFrame,
    y: pd.Series,
    color: str,
    name: str,
    legend: bool,
    span_style: tuple[int, float] = (7, 0.55),
) -> None:
    """Points for day events, horizontal bars for spans, both in one legend group (names escaped)."""
    label = escape(name)
    span = group["_span"].to_numpy(bool)
    pts, spans = group[~span], group[span]
    y_pts, y_spans = y[~span], y[span]
    if len(spans):
        n = len(spans)
        xs = np.empty(3 * n, dtype=object)
        ys = np.empty(3 * n, dtype=object)
        xs[0::3], xs[1::3], xs[2::3] = days.iso(spans["_start"]), days.iso(spans["_end"] + 1), None
        ys[0::3], ys[1::3], ys[2::3] = y_spans.to_numpy(), y_spans.to_numpy(), None
        fig.add_trace(
            go.Scatter(
                _validate=False,
                x=xs,
                y=ys,
                mode="lines",
                line={"color": color, "width": span_style[0]},
                opacity=span_style[1],
                hoverinfo="skip",
                legendgroup=label,
                showlegend=False,
                name=label,
                meta="span",
            )
        )
        mid = (spans["_start"] + spans["_end"] + 1) / 2
        fig.add_trace(
            go.Scatter(
                _validate=False,
                x=days.iso(mid),
                y=y_spans,
                mode="markers",
                marker={"color": color, "size": 10, "opacity": 0},
                hovertext=spans["_hover"],
                hoverinfo="text",
                legendgroup=label,
                showlegend=False,
                name=label,
                customdata=spans["event_id"],
                meta="span-hover",
            )
        )
    fig.add_trace(
        go.Scatter(
            _validate=False,
            x=days.iso(pts["_start"] + 0.5),
            y=y_pts,
            mode="markers",
            marker={"color": color, "size": 10, "line": {"width": 1, "color": "white"}},
            hovertext=pts["_hover"],
            hoverinfo="text",
            legendgroup=label,
            showlegend=legend,
            name=label,
            customdata=pts["event_id"],
            meta="point",
        )
    )


def _aggregated(fig, view, key, palette, width_px, font_size, goto) -> go.Figure:
    """Counts per day/week/month stacked by first-named actor, under a strip of key events."""
    unit = density.bin_unit(view)
    density.add_count_bars(fig, view, key, palette, unit)
    start, end = view["_start"].to_numpy(float), view["_end"].to_numpy(float) + 1
    return _key_strip(fig, view, key, palette, unit, float(start.min()), float(end.max()), width_px, font_size, goto)


def counted(
    counts: pd.DataFrame,
    ranked: pd.DataFrame,
    span: tuple[float, float],
    colors: dict[str, str] | None = None,
    width_px: int = 760,
    font_size: int = 12,
    goto: float | None = None,
    height: int | None = None,
) -> go.Figure:
    """The aggregated timeline from counts made elsewhere (an event store's query) instead of every event.

    `counts`: `bin_start` (day number), `key` (first-named actor), `weight`, in `density.bin_unit`'s
    unit for `span` (first and last day); `ranked`: prepared events, most widely reported first,
    for the strip of key events above the bars.
    """
    fig = go.Figure(_validate=False)
    if counts.empty:
        return _style(fig, height=260)
    unit = density.bin_unit(pd.DataFrame({"_start": [span[0]], "_end": [span[1]]}))
    totals = counts.groupby("key")["weight"].sum().drop("no actor", errors="ignore").sort_values(ascending=False)
    palette = legend_colors(totals.index, colors or {})
    palette = palette | {OTHER: OTHER_COLOR, "no actor": "#b0b0b0"}
    bins = counts.assign(
        _key=counts["key"].map(lambda a: a if a in palette else OTHER),
        bin=density.bin_of(counts["bin_start"].to_numpy(float), unit),
    )
    density.add_bars(fig, bins.groupby(["_key", "bin"], as_index=False)["weight"].sum(), palette, unit)
    first = ranked["_actors"].map(lambda a: a[0] if a else "no actor")
    key = first.map(lambda a: a if a in palette else (OTHER if a != "no actor" else "no actor"))
    fig = _key_strip(fig, ranked, key, palette, unit, span[0], span[1] + 1, width_px, font_size, goto)
    return _style(fig, height=height or 640)


def _key_strip(fig, view, key, palette, unit, lo, hi, width_px, font_size, goto) -> go.Figure:
    ranked = view.loc[label_order(view)]
    slice_ = pd.cut(ranked["_start"], 12, labels=False) if len(ranked) > 1 else pd.Series(0, index=ranked.index)
    top = ranked.groupby(slice_, sort=False).head(TOP_IN_AGGREGATE // 12 + 1)
    laid = _layout_labels(top, max(hi - lo, 1) / plot_width(width_px), font_size, 16, lo, hi)
    lines, right, ext0, ext1, height, is_label, _, mark0, mark1, order = laid
    lanes, shared, fell = pack(ext0, ext1, height, 9, mark0, mark1, order)
    is_label &= ~fell
    keep = ~shared
    top = top.assign(_row=lanes, _hover=hover_texts(top), _key=key.loc[top.index].to_numpy())[keep]
    lines = [x for x, k in zip(lines, keep) if k]
    right, is_label, height = right[keep], is_label[keep], height[keep]
    for name in [k for k in palette if k in set(top["_key"])]:
        group = top[top["_key"] == name]
        before = len(fig.data)
        _add_marks(fig, group, group["_row"], palette[name], name, legend=False)
        for t in fig.data[before:]:
            t.yaxis = "y2"
    _add_labels(fig, top, lines, right, is_label, font_size, yref="y2")
    n = int((top["_row"].to_numpy() + np.where(is_label, height, 1)).max()) if len(top) else 1
    fig.update_layout(
        yaxis={"domain": [0, 0.5], "title": f"events per {unit}, stacked by first-named actor", "automargin": True},
        yaxis2={"domain": [0.54, 1], "visible": False, "range": [n - 0.3, -0.7], "fixedrange": True},
    )
    pad = (hi - lo) * 0.01 + 1
    fig.update_xaxes(type="date", range=days.iso([lo - pad, hi + pad]), automargin=True, **_ticks(lo, hi))
    if goto is not None:
        fig.add_vrect(
            x0=days.iso([goto])[0], x1=days.iso([goto + 1])[0], fillcolor="#ffe58a", opacity=0.5, line_width=0
        )
    return _style(fig, height=640)


def _style(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 20, "r": 20, "t": 40, "b": 40, "autoexpand": True},
        font={"family": FONT, "size": 13, "color": INK},
        plot_bgcolor="white",
        hovermode="closest",
        clickmode="event+select",
        dragmode="pan",
        legend={"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom", "title": {"text": "First-named actor:"}},
    )
    return fig


def tracks_of(view: pd.DataFrame, order=(), people: bool = False, max_tracks: int = 30) -> list[str]:
    """Track names, top to bottom: chosen actors first (in the order chosen), then by activity.

    With `people`, each person's sub-track sits right under their affiliation.
    """
    counts = view["_actors"].explode().dropna().value_counts()
    chosen = [a for a in order if a in counts.index]
    actors = (chosen + [a for a in counts.index if a not in chosen])[:max_tracks]
    if not people:
        return actors
    persons = view["_people"].explode().dropna().value_counts()
    chosen_p = [p for p in order if p in persons.index]
    persons = chosen_p + [p for p in persons.index if p not in chosen_p]
    out = []
    for a in actors:
        out += [a] + [p for p in persons if split_person(p)[1] == a]
    return out + [p for p in persons if p not in out]


def actor_tracks(
    view: pd.DataFrame,
    colors: dict[str, str] | None = None,
    order=(),
    people: bool = False,
    max_tracks: int = 30,
    aggregate_above: int = AGGREGATE_ABOVE,
    label_k: int = 12,
    width_px: int = 760,
    font_size: int = 12,
    goto: float | None = None,
    selected: str | None = None,
    height: int | None = None,
    window: tuple[float, float] | None = None,
) -> go.Figure:
    """One horizontal track per actor; each event marked on all its actors' tracks, joined by a line.

    The key events are labelled on a track of theirs where the label collides
    with nothing; `width_px` and `window` as in `timeline`. Above
    `aggregate_above` events, each track shows bubbles of counts per bin instead.
    """
    fig = go.Figure(_validate=False)  # built from checked columns: skip plotly's per-property validation
    names = tracks_of(view, order, people, max_tracks) if len(view) else []
    if not names:
        return _style(fig, height=200)
    pos = {n: i for i, n in enumerate(names)}
    involved = [[n for n in (a + p if people else a) if n in pos] for a, p in zip(view["_actors"], view["_people"])]
    marks = view.assign(_track=involved).explode("_track").dropna(subset=["_track"])
    marks["_y"] = marks["_track"].map(pos)
    actors_only = [n for n in names if split_person(n)[1] is None]
    palette = legend_colors(actors_only, colors or {})
    track_color = {n: palette.get(split_person(n)[1] or n, OTHER_COLOR) for n in names}
    start, end = view["_start"].to_numpy(float), view["_end"].to_numpy(float) + 1
    lo, hi = _opening(start, end, goto, window)
    shown_names = [n if split_person(n)[1] is None else "↳ " + split_person(n)[0] for n in names]
    tick_size = font_size + 2
    if len(view) > aggregate_above:
        density.add_track_bubbles(fig, marks, track_color, density.bin_unit(view))
        lo_shown, hi_shown = float(start.min()), float(end.max())
        fig.update_xaxes(type="date", range=days.iso([lo_shown - 1, hi_shown + 1]), automargin=True)
    else:
        marks["_hover"] = hover_texts(marks)
        _add_connectors(fig, marks)
        for name, group in marks.groupby("_track", sort=False):
            # Thin, faint spans: on a track they sit under the day events, not over them.
            _add_marks(fig, group, group["_y"], track_color[name], name, legend=False, span_style=(4, 0.3))
        plot_px = plot_width(width_px, _text_px(shown_names, tick_size) + 8)
        shown = (lo, hi)
        for _ in range(4):  # as in `timeline`: pack again at the scale the grown range is drawn at
            dpp = max(shown[1] - shown[0], MIN_DAYS_ZOOMED) / plot_px
            plan = _plan_track_labels(marks, view, label_k, dpp, font_size, lo, hi, window is not None)
            needed = _track_range(plan, lo, hi, dpp, window)
            grew = needed[1] - needed[0] > 1.02 * (shown[1] - shown[0])
            shown = needed
            if not grew:
                break
        _draw_track_labels(fig, view, plan, font_size)
        row = marks[~marks.index.duplicated()].set_index("event_id")["_y"]
        _mark(fig, view.assign(_row=view["event_id"].map(row)), selected, goto)
        _time_axis(fig, start, end, shown[0], shown[1], lo, hi)
    ticks = [f"<span style='color:{_readable(track_color[n])}'>{escape(t)}</span>" for n, t in zip(names, shown_names)]
    fig.update_yaxes(
        tickvals=list(range(len(names))),
        ticktext=ticks,
        tickfont={"size": tick_size},
        range=[len(names) - 0.5, -0.5],
        showgrid=True,
        gridcolor="#EDEDED",
        zeroline=False,
        automargin=True,
        fixedrange=True,
    )
    track_px = max(46, 3.4 * font_size)  # two lines of a label fit between tracks
    fig = _style(fig, height=height or int(min(OVERHEAD_PX + track_px * len(names), 1400)))
    fig.update_layout(showlegend=False)
    return fig


def _readable(color: str) -> str:
    """A track name in its color, darkened until it reads on white (WCAG contrast 4.5:1, as body text)."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]

    def luminance(c: list[float]) -> float:
        lin = [(v / 255) / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    shade = [float(v) for v in rgb]
    while 1.05 / (luminance(shade) + 0.05) < 4.5:
        shade = [v * 0.9 for v in shade]
    return "#" + "".join(f"{int(v):02x}" for v in shade)


def _plan_track_labels(marks, view, label_k, dpp, font_size, lo, hi, fit_inside=False) -> list[tuple]:
    """Key events' labels (event index, lines, right of the mark, track, extent) where they collide with nothing.

    A label may sit on any of its event's tracks (top first); on that track it
    must clear every point (faint spans lie under labels) and every label there.
    """
    ranked = [i for i in label_order(view) if lo <= view.at[i, "_start"] + 0.5 <= hi][:label_k]
    dots = marks[~marks["_span"].to_numpy(bool)]
    m0, m1 = dots["_start"].to_numpy(float) + 0.5 - 5 * dpp, dots["_start"].to_numpy(float) + 0.5 + 5 * dpp
    ys = dots["_y"].to_numpy()
    plan: list[tuple] = []
    tracks_of_event = marks.groupby(level=0)["_y"].agg(list)
    for i in ranked:
        s, e = float(view.at[i, "_start"]), float(view.at[i, "_end"]) + 1
        lines = wrap(view.at[i, "title"], 34, 2)
        w = _text_px(lines, font_size) * dpp
        if not view.at[i, "_span"]:
            s = e = s + 0.5  # a point: the label starts beside it
        right = e + w <= hi + 4 * dpp
        a, b = (e + 6 * dpp, e + w) if right else (s - w, s - 6 * dpp)
        if fit_inside and a < lo - 4 * dpp:  # a zoomed range: a label that would stick out is left off
            continue
        for y in sorted(int(t) for t in tracks_of_event.get(i, [])):
            hit = (ys == y) & (m1 > a) & (m0 < b)
            if hit.any() or any(t == y and b2 > a and a2 < b for _, _, _, t, (a2, b2) in plan):
                continue
            plan.append((i, lines, right, y, (a, b)))
            break
    return plan


def _track_range(plan, lo, hi, dpp, window) -> tuple[float, float]:
    if window is not None:
        return lo, hi
    xs = [x for *_, extent in plan for x in extent]
    lo_shown, hi_shown = min([lo, *xs]) - 6 * dpp, max([hi, *xs]) + 6 * dpp
    if hi_shown - lo_shown < MIN_DAYS_SHOWN:
        mid = (lo_shown + hi_shown) / 2
        lo_shown, hi_shown = mid - MIN_DAYS_SHOWN / 2, mid + MIN_DAYS_SHOWN / 2
    return lo_shown, hi_shown


def _draw_track_labels(fig, view, plan, font_size) -> None:
    if not plan:
        return
    keep = [i for i, *_ in plan]
    rows = np.array([y - (len(lines) - 1) / 2 for _, lines, _, y, _ in plan], dtype=float)
    _add_labels(
        fig,
        view.loc[keep].assign(_row=rows),
        [lines for _, lines, *_ in plan],
        np.array([right for _, _, right, *_ in plan]),
        np.ones(len(keep), bool),
        font_size,
    )


def _add_connectors(fig: go.Figure, marks: pd.DataFrame) -> None:
    """A thin vertical line from the top to the bottom track of each multi-actor event."""
    ys = marks.groupby(marks.index)["_y"].agg(["min", "max"])
    ys = ys[ys["min"] < ys["max"]]
    if ys.empty:
        return
    first = marks[~marks.index.duplicated()]
    t = days.iso(first.loc[ys.index, "_start"] + 0.5)
    n = len(ys)
    xs, yy = np.empty(3 * n, dtype=object), np.empty(3 * n, dtype=object)
    xs[0::3], xs[1::3], xs[2::3] = t, t, None
    yy[0::3], yy[1::3], yy[2::3] = ys["min"].to_numpy(), ys["max"].to_numpy(), None
    fig.add_trace(
        go.Scatter(
            _validate=False,
            x=xs,
            y=yy,
            mode="lines",
            line={"color": "#9A9A9A", "width": 1},
            hoverinfo="skip",
            showlegend=False,
            name="same event",
            meta="connector",
        )
    )


def dress(fig: go.Figure, title: str, subtitle: str, footnote: str, brief: bool = False) -> go.Figure:
    """Title, plain subtitle and sources footnote on the figure itself, so every export carries them."""
    fig = go.Figure(fig, _validate=False)
    height = fig.layout.height or 500
    if brief:  # a slide: the notes on the chart say what lies outside; a slider's miniature is noise
        fig.update_xaxes(rangeslider_visible=False)
    bottom = 40
    if fig.layout.xaxis.rangeslider.visible:  # the slider is a share of the plot's height, under the ticks
        bottom += 6 + int((fig.layout.xaxis.rangeslider.thickness or 0.15) * (height - 220))
    fig.update_layout(
        title={
            "text": escape(title),
            "subtitle": {"text": escape(subtitle), "font": {"size": 15 if brief else 13, "color": "#444"}},
            "x": 0.005,
            "xanchor": "left",
            "y": 0.985,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": 26 if brief else 20, "color": INK},
        },
        height=height,
        margin={"t": 128 if brief else 114, "b": bottom + 34, "l": 24, "r": 24},
    )
    fig.add_annotation(
        text=escape(footnote),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(bottom + 6),
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 14 if brief else 12, "color": "#444" if brief else "#555"},
        align="left",
        name="footnote",
    )
    if brief:  # read from the back of a room: larger type, dark ticks
        fig.update_layout(font={"size": 15}, legend={"font": {"size": 15}})
        fig.update_xaxes(tickfont={"size": 15, "color": "#333"})
        fig.for_each_annotation(lambda a: a.update(font={"size": 14}) if a.name == "outside" else None)
    return fig


#: The old name of `dress` (briefing exports).
brief = dress
