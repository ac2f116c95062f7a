"""Plotly figures of the filtered events: the timeline and the per-actor tracks.

Reads the events table as `ui.filters.prepare` leaves it (`_start`, `_end`,
`_actors`, `_people`, `_span` plus the schema columns). Each builder is
DataFrame -> go.Figure with no Streamlit in sight, so tests assert on figures.
WebGL traces (Scattergl) keep 20,000 events responsive; labels go only to the
most corroborated events and rows are packed so labels never overlap.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui import density

#: Fallback palette (colorblind-friendly, Okabe-Ito + Tableau) when the gazetteer has no color.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#8C564B",
    "#7F3C8D",
    "#11A579",
    "#3969AC",
    "#E73F74",
    "#80BA5A",
    "#F2B701",
    "#008695",
)
NO_ACTOR = "#8C8C8C"
#: Browser config: the modebar camera saves a 2x PNG even when kaleido is missing.
CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "timeline"}}
#: Above this many events in view, draw counts instead of one mark per event.
AGGREGATE_ABOVE = 1500
#: How many of the most corroborated events stay drawn one by one over the counts.
TOP_IN_AGGREGATE = 40
FONT = "Inter, Helvetica, Arial, sans-serif"
#: The narrowest time window drawn, in days (dates are days: hour ticks would be noise).
MIN_DAYS_SHOWN = 10


def _hashed_color(name: str) -> str:
    return PALETTE[int(hashlib.md5(name.encode()).hexdigest(), 16) % len(PALETTE)]


@lru_cache(maxsize=1)
def gazetteer():
    """The loaded gazetteer, or None while it cannot load (colors then come from a hash).

    Loaded once per process; `ui.data` clears this cache when the actor files change.
    """
    try:
        from pipeline.gazetteer import load_gazetteer

        return load_gazetteer()
    except Exception:
        return None


def affiliation(name: str) -> str | None:
    """'Vladimir Putin (Russia)' -> 'Russia'; an actor has none."""
    if name.endswith(")") and " (" in name:
        return name[name.rindex(" (") + 2 : -1]
    return None


def actor_colors(names) -> dict[str, str]:
    """Stable '#rrggbb' per actor from the actor data, never from order of appearance.

    A person takes the color of their affiliation so sub-tracks read as one group.
    """
    gaz = gazetteer()
    out = {}
    for name in names:
        key = affiliation(name) or name
        color = None
        if gaz is not None:
            from pipeline.gazetteer import actor_color

            try:
                color = actor_color(key, gaz)
            except Exception:
                color = None
        out[name] = color or _hashed_color(key)
    return out


def hover_texts(view: pd.DataFrame) -> list[str]:
    """Hover: title, the date as written and as resolved, actors, number of sources (escaped)."""
    out = []
    for t, dt, d, de, p, a, s in zip(
        view["title"].fillna(""),
        view["date_text"].fillna(""),
        view["date"].fillna(""),
        view["date_end"].fillna(""),
        view["precision"].fillna(""),
        view["actors"].fillna(""),
        view["sources"].fillna(1),
    ):
        when = d if not de or de == d else f"{d} … {de}"
        written = f"'{escape(dt)}' → " if dt else ""
        out.append(
            f"<b>{escape(t)}</b><br>{written}{when} ({escape(p)})<br>"
            f"{escape(a.replace(';', ', ')) or 'no actor'}<br>{int(s)} source{'s' * (int(s) != 1)}"
        )
    return out


def _days(ts: pd.Series) -> np.ndarray:
    return ts.to_numpy("datetime64[ns]").astype("int64") / 86_400e9


def _to_ts(days: float) -> pd.Timestamp:
    return pd.Timestamp(int(days * 86_400e9))


def pack_rows(starts: np.ndarray, ends: np.ndarray, max_rows: int, drop: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Greedy interval packing: each item goes to the first row free at its start.

    Items must be sorted by start. Past `max_rows` an item shares the row that
    frees up first (flagged in the second array), so 20,000 events stay in a
    readable band instead of a tower. With `drop`, such items take no room
    (the caller leaves them out).
    """
    row_end = np.full(max_rows, -np.inf)
    used = 0
    rows = np.empty(len(starts), dtype=int)
    shared = np.zeros(len(starts), dtype=bool)
    for i, (s, e) in enumerate(zip(starts, ends)):
        free = np.flatnonzero(row_end[:used] < s)
        if len(free):
            r = free[0]
        elif used < max_rows:
            r, used = used, used + 1
        else:
            r, shared[i] = int(np.argmin(row_end)), True
        rows[i] = r
        if not (drop and shared[i]):
            row_end[r] = max(row_end[r], e)
    return rows, shared


def clear_labels(
    rows: np.ndarray, ext0: np.ndarray, ext1: np.ndarray, mark0: np.ndarray, mark1: np.ndarray, is_label: np.ndarray
) -> np.ndarray:
    """Keep a label only where no other event's mark sits on its row inside its extent."""
    keep = is_label.copy()
    for i in np.flatnonzero(is_label):
        hit = (rows == rows[i]) & (mark1 > ext0[i]) & (mark0 < ext1[i])
        hit[i] = False
        keep[i] = not hit.any()
    return keep


def label_order(view: pd.DataFrame) -> pd.Index:
    """Events ranked for labelling: most sources first, asserted before reported, then earlier."""
    rank = view.assign(_asserted=view["certainty"].eq("asserted").fillna(False))
    return rank.sort_values(["sources", "_asserted", "_start"], ascending=[False, False, True]).index


def _short(title: str, n: int = 42) -> str:
    return title if len(title) <= n else title[: n - 1].rstrip() + "…"


def timeline(
    view: pd.DataFrame,
    label_k: int = 12,
    width_px: int = 1000,
    max_rows: int = 28,
    aggregate_above: int = AGGREGATE_ABOVE,
) -> go.Figure:
    """All filtered events over time: day events as points, coarser or ranged dates as spans.

    Above `aggregate_above` events the chart shows counts per day/week/month
    (stacked by first actor) under a strip of the most corroborated events.
    """
    fig = go.Figure()
    if view.empty:
        return _style(fig, height=260)
    first = view["_actors"].map(lambda a: a[0] if a else "no actor")
    colors = actor_colors([a for a in first.unique() if a != "no actor"]) | {"no actor": NO_ACTOR}
    if len(view) <= aggregate_above:
        n_rows = _draw_packed(fig, view, first, colors, label_k, width_px, max_rows, "y")
        fig.update_yaxes(visible=False, range=[n_rows - 0.4, -0.6])
        return _style(fig, height=min(140 + 24 * n_rows, 760))
    unit = density.bin_unit(view)
    density.add_count_bars(fig, view, first, colors, unit)
    # The strip's packing must measure against the full span the counts cover.
    # Highlights: the most corroborated events of each twelfth of the span, so they spread out.
    ranked = view.loc[label_order(view)]
    slice_ = pd.cut(_days(ranked["_start"]), 12, labels=False)
    top = ranked.groupby(slice_, sort=False).head(TOP_IN_AGGREGATE // 12 + 1)
    top = top.assign(_span_lo=view["_start"].min(), _span_hi=view["_end"].max())
    n_rows = _draw_packed(fig, top, first, colors, len(top), width_px, 8, "y2", drop_shared=True)
    fig.update_layout(
        yaxis={"domain": [0, 0.58], "title": f"events per {unit}"},
        yaxis2={"domain": [0.62, 1], "visible": False, "range": [n_rows - 0.4, -0.6]},
    )
    fig.update_xaxes(type="date")
    return _style(fig, height=620)


def _draw_packed(
    fig: go.Figure,
    view: pd.DataFrame,
    first: pd.Series,
    colors: dict[str, str],
    label_k: int,
    width_px: int,
    max_rows: int,
    yaxis: str,
    drop_shared: bool = False,
) -> int:
    """Draw events on packed rows with labels for the top `label_k`; return the number of rows."""
    view = view.sort_values("_start")
    start, end = _days(view["_start"]), _days(view["_end"]) + 1  # a date covers its whole last day
    x0, x1 = start.min(), end.max()
    if "_span_lo" in view:
        x0, x1 = min(x0, _days(view["_span_lo"]).min()), max(x1, _days(view["_span_hi"]).max() + 1)
    days_per_px = max(x1 - x0, 1) / width_px
    is_label = view.index.isin(label_order(view)[:label_k])
    labels = [_short(t) for t in view["title"].fillna("")]
    # A labelled event reserves room for its text, so packed rows never let labels collide.
    text_days = np.array([(len(s) * 7 + 14) * days_per_px for s in labels])
    right = end + text_days <= x1 + (x1 - x0) * 0.02
    ext0 = np.where(is_label & ~right, start - text_days, start)
    ext1 = np.where(is_label & right, end + text_days, end + 10 * days_per_px)
    order = np.argsort(ext0, kind="stable")
    rows, shared = np.empty(len(view), dtype=int), np.empty(len(view), dtype=bool)
    rows[order], shared[order] = pack_rows(ext0[order], ext1[order], max_rows, drop_shared)
    if drop_shared:  # a strip of highlights shows only what fits
        keep = ~shared
        view, rows, right, ext0, ext1 = view[keep], rows[keep], right[keep], ext0[keep], ext1[keep]
        labels, start, end, is_label = [t for t, k in zip(labels, keep) if k], start[keep], end[keep], is_label[keep]
    is_label = clear_labels(rows, ext0, ext1, start, end + 4 * days_per_px, is_label)
    # Room for labels at both ends, also when the counts below span less.
    lo, hi = min(ext0.min(), x0) - 5 * days_per_px, max(ext1.max(), x1) + 5 * days_per_px
    if hi - lo < MIN_DAYS_SHOWN:  # a day or two in view: show a week around it, not hours
        mid = (lo + hi) / 2
        lo, hi = mid - MIN_DAYS_SHOWN / 2, mid + MIN_DAYS_SHOWN / 2
    fig.update_xaxes(range=[_to_ts(lo), _to_ts(hi)])
    view = view.assign(_row=rows, _hover=hover_texts(view), _label=labels, _right=right, _is_label=is_label)
    aggregated = yaxis != "y"
    for actor, group in view.groupby(first.loc[view.index], sort=False):
        _add_marks(fig, group, group["_row"], colors[actor], actor, legend=not aggregated, yaxis=yaxis)
    for side, part in view[view["_is_label"]].groupby("_right"):
        # A point is drawn at noon of its day: its label starts there, not a half-day away.
        noon = part["_start"] + pd.Timedelta(hours=12)
        x = np.where(part["_span"], part["_end"] + pd.Timedelta(days=1) if side else part["_start"], noon)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=part["_row"],
                yaxis=yaxis,
                text=[" " + escape(s) + " " for s in part["_label"]],
                mode="text",
                hoverinfo="skip",
                showlegend=False,
                textposition="middle right" if side else "middle left",
                textfont={"size": 12},
                name="labels",
            )
        )
    fig.update_xaxes(type="date")
    return int(rows.max()) + 1


def _add_marks(
    fig: go.Figure,
    group: pd.DataFrame,
    y: pd.Series,
    color: str,
    name: str,
    legend: bool,
    yaxis: str = "y",
    span_style: tuple[int, float] = (7, 0.55),
) -> None:
    """Points for day events, horizontal bars for spans, both in one legend group."""
    pts, spans = group[~group["_span"]], group[group["_span"]]
    y_pts, y_spans = y[~group["_span"]], y[group["_span"]]
    if len(spans):
        n = len(spans)
        xs = np.empty(3 * n, dtype=object)
        ys = np.empty(3 * n, dtype=object)
        xs[0::3], xs[1::3], xs[2::3] = (
            spans["_start"].to_numpy(),
            (spans["_end"] + pd.Timedelta(days=1)).to_numpy(),
            None,
        )
        ys[0::3], ys[1::3], ys[2::3] = y_spans.to_numpy(), y_spans.to_numpy(), None
        # SVG, not WebGL: WebGL line segments with gaps are drawn against an unreversed axis.
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": color, "width": span_style[0]},
                opacity=span_style[1],
                hoverinfo="skip",
                yaxis=yaxis,
                legendgroup=name,
                showlegend=False,
                name=name,
                meta="span",
            )
        )
        mid = spans["_start"] + (spans["_end"] + pd.Timedelta(days=1) - spans["_start"]) / 2
        fig.add_trace(
            go.Scattergl(
                x=mid,
                y=y_spans,
                mode="markers",
                marker={"color": color, "size": 9, "opacity": 0},
                hovertext=spans["_hover"],
                hoverinfo="text",
                legendgroup=name,
                yaxis=yaxis,
                showlegend=False,
                name=name,
                customdata=spans["event_id"],
                meta="span-hover",
            )
        )
    fig.add_trace(
        go.Scattergl(
            x=pts["_start"] + pd.Timedelta(hours=12),
            y=y_pts,
            mode="markers",
            marker={"color": color, "size": 9, "line": {"width": 1, "color": "white"}},
            hovertext=pts["_hover"],
            hoverinfo="text",
            legendgroup=name,
            showlegend=legend,
            yaxis=yaxis,
            name=name,
            customdata=pts["event_id"],
            meta="point",
        )
    )


def _style(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 20, "r": 20, "t": 30, "b": 40},
        font={"family": FONT, "size": 13},
        plot_bgcolor="white",
        hovermode="closest",
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
    )
    fig.update_xaxes(showgrid=True, gridcolor="#ECECEC")
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
        out += [a] + [p for p in persons if affiliation(p) == a]
    return out + [p for p in persons if p not in out]


def actor_tracks(
    view: pd.DataFrame, order=(), people: bool = False, max_tracks: int = 30, aggregate_above: int = AGGREGATE_ABOVE
) -> go.Figure:
    """One horizontal track per actor; each event marked on all its actors' tracks, joined by a line.

    Above `aggregate_above` events, each track shows bubbles of counts per bin instead.
    """
    fig = go.Figure()
    names = tracks_of(view, order, people, max_tracks) if len(view) else []
    if not names:
        return _style(fig, height=200)
    pos = {n: i for i, n in enumerate(names)}
    involved = [[n for n in (a + p if people else a) if n in pos] for a, p in zip(view["_actors"], view["_people"])]
    marks = view.assign(_track=involved).explode("_track").dropna(subset=["_track"])
    marks["_y"] = marks["_track"].map(pos)
    colors = actor_colors(names)
    if len(view) > aggregate_above:
        density.add_track_bubbles(fig, marks, colors, density.bin_unit(view))
    else:
        marks["_hover"] = hover_texts(marks)
        _add_connectors(fig, marks)
        for name, group in marks.groupby("_track", sort=False):
            # Thin, faint spans: on a track they sit under the day events, not over them.
            _add_marks(fig, group, group["_y"], colors[name], name, legend=False, span_style=(4, 0.3))
    ticks = [
        f"<span style='color:{colors[n]}'>{escape(n if affiliation(n) is None else '↳ ' + n.rsplit(' (', 1)[0])}</span>"
        for n in names
    ]
    fig.update_yaxes(
        tickvals=list(range(len(names))),
        ticktext=ticks,
        range=[len(names) - 0.5, -0.5],
        showgrid=True,
        gridcolor="#F2F2F2",
        zeroline=False,
    )
    fig.update_xaxes(type="date")
    fig = _style(fig, height=120 + 30 * len(names))
    fig.update_layout(showlegend=False, margin={"l": 10})
    return fig


def _add_connectors(fig: go.Figure, marks: pd.DataFrame) -> None:
    """A thin vertical line from the top to the bottom track of each multi-actor event."""
    ys = marks.groupby(marks.index)["_y"].agg(["min", "max"])
    ys = ys[ys["min"] < ys["max"]]
    if ys.empty:
        return
    first = marks[~marks.index.duplicated()]
    t = first.loc[ys.index, "_start"] + pd.Timedelta(hours=12)
    n = len(ys)
    xs, yy = np.empty(3 * n, dtype=object), np.empty(3 * n, dtype=object)
    xs[0::3], xs[1::3], xs[2::3] = t.to_numpy(), t.to_numpy(), None
    yy[0::3], yy[1::3], yy[2::3] = ys["min"].to_numpy(), ys["max"].to_numpy(), None
    fig.add_trace(
        go.Scatter(
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


def brief(fig: go.Figure, title: str, subtitle: str, footnote: str) -> go.Figure:
    """Dress a figure for a briefing slide: title, filter subtitle, source footnote, large type."""
    fig = go.Figure(fig)
    height = max(fig.layout.height or 600, 620)
    fig.update_layout(
        title={
            "text": escape(title),
            "subtitle": {"text": escape(subtitle), "font": {"size": 15, "color": "#555"}},
            "x": 0.01,
            "xanchor": "left",
            "y": 0.97,
            "yanchor": "top",
            "font": {"size": 26},
        },
        font={"size": 15},
        height=height,
        margin={"t": 110, "b": 90, "l": 30, "r": 30},
        legend={"y": -0.08, "yanchor": "top", "orientation": "h", "x": 0},
    )
    fig.add_annotation(
        text=escape(footnote),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.02,
        yshift=-60,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 12, "color": "#666"},
        align="left",
    )
    return fig
