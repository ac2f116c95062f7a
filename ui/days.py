"""Dates as day numbers (days since 1970-01-01), so 1577, the 15th century and BC dates draw right.

pandas timestamps hold only 1677-2262; numpy's datetime64[D] holds any year.
The charts compute in day numbers and hand Plotly ISO strings
('1577-03-01', '-0490-09-12'), which its date axis reads for years -9999..9999.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _one(text) -> float:
    if not isinstance(text, str) or not text.strip():
        return np.nan
    try:
        return float(np.datetime64(text.strip()[:11].rstrip("T "), "D").astype("int64"))
    except ValueError:
        return np.nan


def parse(values: pd.Series) -> np.ndarray:
    """ISO dates ('2024-12-08', '1577-03-01', '-0490-09-12') -> float day numbers (NaN when not a date)."""
    text = pd.Series(values, dtype=object)
    table = {v: _one(v) for v in pd.unique(text)}
    return text.map(table).to_numpy(float)


def from_iso(text: str) -> float:
    """An ISO date-time as Plotly writes an axis range ('2024-12-07 13:45:30.5') -> a fractional day number."""
    date_part, _, clock = str(text).strip().replace("T", " ").partition(" ")
    day = _one(date_part)
    if clock and not np.isnan(day):
        parts = [float(x) for x in clock.split(":")[:3]]
        day += sum(v / k for v, k in zip(parts, (24, 1440, 86400)))
    return day


def iso(days, noon: bool = False) -> list[str]:
    """Day numbers -> ISO strings Plotly's date axis reads (4-digit years, BC with a minus)."""
    out = []
    suffix = " 12:00" if noon else ""
    for d in np.asarray(days, dtype=float):
        if np.isnan(d):
            out.append(None)
            continue
        whole = int(np.floor(d))
        text = str(np.datetime64(whole, "D"))
        if text.startswith("-"):
            year, rest = text[1:].split("-", 1)
            text = f"-{int(year):04d}-{rest}"
        frac = d - whole
        if frac and not noon:
            minutes = round(frac * 1440)
            text += f" {minutes // 60:02d}:{minutes % 60:02d}"
        out.append(text + suffix)
    return out


def parts(day: float) -> tuple[int, int, int]:
    """(year, month, day) of a day number, for any year."""
    text = iso([day])[0]
    sign = -1 if text.startswith("-") else 1
    y, m, d = text.lstrip("-").split(" ")[0].split("-")
    return sign * int(y), int(m), int(d)


def label(day: float) -> str:
    """'8 Dec 2024', '1 Mar 1577', '12 Sep 490 BC'."""
    y, m, d = parts(day)
    return f"{d} {MONTHS[m - 1]} {y}" if y > 0 else f"{d} {MONTHS[m - 1]} {1 - y} BC"


def span_label(lo: float, hi: float) -> str:
    """'6–16 Dec 2024', '28 Nov – 16 Dec 2024', '30 Dec 2024 – 2 Jan 2025', '8 Dec 2024'."""
    (y0, m0, d0), (y1, m1, d1) = parts(lo), parts(hi)
    if (y0, m0, d0) == (y1, m1, d1):
        return label(lo)
    if (y0, m0) == (y1, m1) and y0 > 0:
        return f"{d0}–{d1} {MONTHS[m1 - 1]} {y1}"
    if y0 == y1 and y0 > 0:
        return f"{d0} {MONTHS[m0 - 1]} – {d1} {MONTHS[m1 - 1]} {y1}"
    return f"{label(lo)} – {label(hi)}"


def month_label(day: float) -> str:
    """'July 2024'."""
    y, m, _ = parts(day)
    names = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
    names += ("November", "December")
    return f"{names[m - 1]} {y}" if y > 0 else f"{names[m - 1]} {1 - y} BC"


def to_date(day: float) -> date | None:
    """A Python date (years 1-9999), else None."""
    if day is None or np.isnan(day):
        return None
    ordinal = int(day) + EPOCH_ORDINAL
    return date.fromordinal(ordinal) if 1 <= ordinal <= date.max.toordinal() else None


def from_date(value: date) -> float:
    return float(value.toordinal() - EPOCH_ORDINAL)
