"""Aggregated drawing for large views: event counts per day, week or month.

Above a few thousand events single marks cost seconds to build and megabytes
to send, and they pile up anyway. Here each event's weight (1) is shared
equally by the bins its date range covers, so a month-precision event adds
1/4 to each of four weeks instead of faking a spike on the 1st: uncertainty
stays visible in the aggregate too. Reads `_start`, `_end` (day numbers, see
`ui.days`) and a key column.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui import days as daynum

#: Bin width per unit, in days (for bar widths and hover text).
UNITS = {"day": 1, "week": 7, "month": 30.4}


def bin_unit(view: pd.DataFrame) -> str:
    """Day bins for up to four months, weeks up to three years, else months."""
    days = view["_end"].max() - view["_start"].min()
    return "day" if days <= 120 else "week" if days <= 3 * 365 else "month"


def _bin_index(day: pd.Series, unit: str) -> np.ndarray:
    days = np.floor(day.to_numpy(float)).astype("int64")
    if unit == "day":
        return days
    if unit == "week":
        return (days + 3) // 7  # 1970-01-01 was a Thursday: +3 puts Monday first
    return days.astype("datetime64[D]").astype("datetime64[M]").astype("int64")


def bin_start(index: np.ndarray, unit: str) -> np.ndarray:
    """The first day of each bin index, as a day number."""
    if unit == "day":
        return index.astype(float)
    if unit == "week":
        return (index * 7 - 3).astype(float)
    return index.astype("datetime64[M]").astype("datetime64[D]").astype("int64").astype(float)


def spread(frame: pd.DataFrame, key: str, unit: str) -> pd.DataFrame:
    """Columns key, bin, weight: each row's weight shared over the bins its dates cover."""
    b0, b1 = _bin_index(frame["_start"], unit), _bin_index(frame["_end"], unit)
    k = np.maximum(b1 - b0 + 1, 1)
    rep = np.repeat(np.arange(len(frame)), k)
    offset = np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)
    out = pd.DataFrame({key: frame[key].to_numpy(object)[rep], "bin": b0[rep] + offset, "weight": 1.0 / k[rep]})
    return out.groupby([key, "bin"], sort=False, as_index=False)["weight"].sum()


def add_count_bars(
    fig: go.Figure, view: pd.DataFrame, first_actor: pd.Series, colors: dict[str, str], unit: str, yaxis: str = "y"
) -> None:
    """Stacked bars of events per bin, one color per (first) actor, "other actors" last."""
    add_bars(fig, spread(view.assign(_key=first_actor), "_key", unit), colors, unit, yaxis)


def add_bars(fig: go.Figure, counts: pd.DataFrame, colors: dict[str, str], unit: str, yaxis: str = "y") -> None:
    """Stacked bars from counts already made (columns `_key`, `bin`, `weight`; an event store's, say)."""
    order = [k for k in colors if k in set(counts["_key"])]
    width_ms = UNITS[unit] * 86_400_000 * 0.9
    for actor in order:
        part = counts[counts["_key"] == actor]
        x = daynum.iso(bin_start(part["bin"].to_numpy(), unit) + UNITS[unit] * 0.45)
        fig.add_trace(
            go.Bar(
                _validate=False,
                x=x,
                y=part["weight"].round(2),
                width=width_ms,
                marker_color=colors[actor],
                name=escape(actor),
                legendgroup=escape(actor),
                yaxis=yaxis,
                meta="count",
                hovertemplate=f"<b>%{{fullData.name}}</b><br>{unit} of %{{x|%d %b %Y}}: "
                "≈%{y:.0f} events<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", bargap=0)


def add_track_bubbles(fig: go.Figure, marks: pd.DataFrame, colors: dict[str, str], unit: str) -> None:
    """One bubble per (track, bin), its area proportional to the number of events."""
    counts = spread(marks, "_track", unit)
    top = counts["weight"].max() or 1
    for track, part in counts.groupby("_track", sort=False):
        x = daynum.iso(bin_start(part["bin"].to_numpy(), unit) + UNITS[unit] / 2)
        size = 4 + 22 * np.sqrt(part["weight"].to_numpy() / top)
        fig.add_trace(
            go.Scatter(
                _validate=False,
                x=x,
                y=np.full(len(part), marks.loc[marks["_track"] == track, "_y"].iloc[0]),
                mode="markers",
                marker={"color": colors[track], "size": size, "opacity": 0.75},
                name=escape(track),
                meta="bubble",
                customdata=part["weight"].round(1),
                hovertemplate=f"<b>{escape(track)}</b><br>{unit} of %{{x|%d %b %Y}}: ≈%{{customdata}} events<extra></extra>",
            )
        )


def bin_of(day: np.ndarray, unit: str) -> np.ndarray:
    """The bin index of each day number (the inverse of `bin_start` on a bin's first day)."""
    return _bin_index(pd.Series(day), unit)
