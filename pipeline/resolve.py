"""Stage 5: turn placeholders into dates, and explain each date.

Reads `timexes` (schema.TIMEXES) and `articles` (article, published,
published_basis). `resolve_dates` writes the columns of schema.RESOLVED: value
(final TIMEX3), date and date_end (YYYY-MM-DD range the value covers),
precision, date_basis and date_note. `infer_published` fills a missing `published`;
`count_named_days` writes the articles' `named_days` (which days their body
sentences name, for stage 9) and `read_named_days` reads it back.

Anchoring: in news, relative expressions ("last Tuesday", "in July") count
from the publication date. A text whose explicit dates lie far from its
publication date is a narrative (a history of a war): there they count from
the last date mentioned before them, except a look back ("two decades
earlier") or a plan ("a campaign planned for 1976", "by next summer"), which
do not move the story's time, nor does the end of a span ("lasted until
February 1945"), a date before a noun ("the May 2007 high") or one in
parentheses. Expressions that name an earlier date ("the
following year", "that day") always count from the text's last date. Dates
before Christ anchor too ("the following year" after 493 BC is 492 BC).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pipeline.schema import PRECISIONS
from pipeline.timex.values import (
    Placeholder,
    add_months,
    easter_sunday,
    format_unit,
    impossible_date,
    nth_weekday,
    parse_placeholder,
    precision_of,
    resolve_month,
    resolve_season,
    resolve_weekday,
    unknown_value,
    value_span,
)

__all__ = [
    "Resolution",
    "count_named_days",
    "infer_published",
    "read_named_days",
    "resolve_dates",
    "resolve_values",
    "value_span",
]

NARRATIVE_NEAR_YEARS = 2  # explicit dates this close to the DCT are news-like
NARRATIVE_NEAR_SHARE = 0.75  # ... and a narrative has fewer than this share of them
NARRATIVE_MIN_DATES = 4  # fewer explicit dates than this: too little evidence, treat as news


_YEAR_VALUE = re.compile(r"\d{4}")
_QUARTER = re.compile(r"-Q[1-4]")
_LONG_PERIOD = re.compile(r"P(?:[4-9]|1[0-2])M|P1Y")  # a report's period longer than a quarter
_OFF_CALENDAR = re.compile(r"\d{5}|0000|-")  # year 10000, year 0 or before: TIMEX3 has no such year
_BC_VALUE = re.compile(r"BC(\d{4})(?=$|[-T])")
_AD_YEAR = re.compile(r"\d{4}(?=$|[-T])")
# A date before Christ is counted in a proxy year this far ahead: 400 Gregorian years
# repeat the calendar exactly (weekdays, leap years), so "the following spring" after
# "481 BC" is counted like any other year and moved back.
BC_PROXY_YEARS = 4000
# Directions a narrative keeps (they name their own year or step): "last April", "June last year".
_NAMED_DIRECTIONS = ("last", "next", "lastyear", "thisyear", "nextyear")
# Directions counted from the text's last date: "that same spring" (ref), "the previous Friday" (before).
_TEXT_DIRECTIONS = ("ref", "before", "after")


@dataclass(frozen=True)
class Resolution:
    value: str
    basis: str | None
    note: str


def _to_proxy(value: str) -> str | None:
    """A BC value ('BC0481', 'BC0480-WI') in proxy years ('3520', '3521-WI'), else None."""
    m = _BC_VALUE.match(value)
    if not m or BC_PROXY_YEARS + 1 - int(m.group(1)) < 1:
        return None
    return f"{BC_PROXY_YEARS + 1 - int(m.group(1)):04d}" + value[m.end() :]


def _from_proxy(value: str) -> str | None:
    """A value counted in proxy years back in real years ('3521-WI' -> 'BC0480-WI'); None if not a year."""
    if not _AD_YEAR.match(value):
        return None
    year = int(value[:4]) - BC_PROXY_YEARS  # astronomical: 0 is 1 BC
    return (f"BC{1 - year:04d}" if year <= 0 else f"{year:04d}") + value[4:]


def _year_of(value: str) -> int | None:
    """The (astronomical) year a DATE value starts in: 1998 for 1998-10, -480 for BC0481."""
    if _YEAR_VALUE.match(value):
        return int(value[:4])
    m = _BC_VALUE.match(value)
    return 1 - int(m.group(1)) if m else None


def _is_narrative(rows: list[dict], dct: date | None) -> bool:
    """A history (dates far before its DCT), not news: then the text's dates anchor."""
    if dct is None:
        return True
    years = [y for r in rows if r["type"] in ("DATE", "TIME") and (y := _year_of(r["value"])) is not None]
    deictic = sum(
        1
        for r in rows
        if getattr(parse_placeholder(r["value"]), "kind", None) in ("weekday", "weekend")
        or r["value"].startswith(("UNDEF-last-", "UNDEF-this-day", "UNDEF-next-"))
    )
    # News recalls history ("Since 2015") but dates its own events by weekday
    # or near publication; a history does neither, and has many dates.
    if len(years) < NARRATIVE_MIN_DATES or deictic * 5 >= len(years):
        return False
    near = sum(abs(y - dct.year) <= NARRATIVE_NEAR_YEARS for y in years)
    return near / len(years) < NARRATIVE_NEAR_SHARE


def _bounded(compute, *args, **kwargs) -> str | None:
    """`compute(...)`, or None when it leaves the calendar (before 0001-01-01 or after 9999-12-31)."""
    try:
        return compute(*args, **kwargs)
    except (OverflowError, ValueError):
        return None


def _shift(anchor: date, unit: str, n: int) -> str | None:
    """The `unit` containing `anchor`, moved by n units, as TIMEX3."""
    if unit in ("day",):
        return format_unit(anchor + timedelta(days=n), unit)
    if unit in ("week", "weekend"):
        return format_unit(anchor + timedelta(weeks=n), unit)
    if unit == "month":
        return format_unit(add_months(anchor, n), unit)
    if unit == "quarter":
        return format_unit(add_months(anchor, 3 * n), unit)
    if unit in ("year", "decade", "century"):
        step = {"year": 1, "decade": 10, "century": 100}[unit]
        year = anchor.year + n * step
        return format_unit(date(year, 1, 1), unit) if 1 <= year <= 9999 else None
    return None


def _fill(p: Placeholder, anchor: date, tense_ok: bool) -> str | None:
    """Value of a parsed placeholder `p` counted from `anchor` (a day)."""
    kind = p.kind
    if kind == "unit" and p.unit:
        return _shift(anchor, p.unit, p.n)
    if kind == "weekday" and p.day:
        return resolve_weekday(anchor, p.day, p.direction or "").isoformat()
    # A narrative moves through its own time: "in April" is April of the year it is in.
    direction = (p.direction if tense_ok or p.direction in _NAMED_DIRECTIONS else "this") or ""
    if kind == "weekend":  # the one just past, or in a future clause the coming one
        saturday = resolve_weekday(anchor, 6, "future" if direction == "future" else "past")
        return format_unit(saturday, "weekend")
    if kind == "month" and p.month:
        story = direction == "this" and not tense_ok  # a history's "in January": its own time, moving on
        return resolve_month(anchor, p.month, p.day, "story" if story else direction)
    if kind == "nth" and p.month and p.nth and p.weekday:  # a holiday such as Thanksgiving
        month, nth, weekday = p.month, p.nth, p.weekday
        return _yearly(anchor, direction, lambda y: nth_weekday(y, month, nth, weekday, p.days_after)).isoformat()
    if kind == "easter":  # a feast counted from Easter Sunday: its day (or week)
        feast = _yearly(anchor, direction, lambda y: easter_sunday(y) + timedelta(days=p.days_after))
        return format_unit(feast, p.unit or "day")
    if kind == "season" and p.season:
        return resolve_season(anchor, p.season, direction)
    if kind == "quarter" and p.quarter:
        q = (anchor.month - 1) // 3 + 1 if p.quarter == "this" else int(p.quarter)
        return f"{anchor.year + {'last': -1, 'next': 1}.get(p.direction or '', 0):04d}-Q{q}"
    if kind == "half":
        return f"{anchor.year:04d}-H{p.half}"
    if kind == "yy" and p.yy:  # "the Club of '89": the year with these last digits nearest the anchor
        return _nearest_yy(anchor, int(p.yy))
    if kind == "decade" and p.decade:
        decade = anchor.year // 100 * 10 + int(p.decade)
        return str(decade - 10 if decade > anchor.year // 10 else decade)
    return None


def _nearest_yy(anchor: date, yy: int) -> str:
    """The year ending in `yy` nearest the anchor's ('99 in 1917 is 1899, '98 in 1998 is 1998)."""
    years = [(anchor.year // 100 + k) * 100 + yy for k in (-1, 0, 1)]
    return f"{min(years, key=lambda y: (abs(y - anchor.year), y > anchor.year)):04d}"


def resolve_values(rows: list[dict], dct: str | None, inferred: bool = False) -> list[Resolution]:
    """Final values for one document's timexes, in text order (dicts with text, type, value)."""
    dct_day = date.fromisoformat(dct) if dct else None
    narrative = _is_narrative(rows, dct_day)
    out: list[Resolution] = []
    ref: tuple[str, str] | None = None  # (value, text) of the last date in the text
    ref_bc = False  # ... whose value is in proxy years (a date before Christ)
    quarter: tuple[str, str] | None = None  # ... and of the last quarter named
    for row in rows:
        value, text = row["value"], row["text"]
        p = parse_placeholder(value)
        proxy = None
        if p is None:
            res = Resolution(
                value, "explicit" if value[:1].isdigit() or value.startswith("BC") else None, f"'{text}' as written"
            )
            proxy = _to_proxy(value)
        elif p.kind == "period" and p.year:
            res = _period(p.year, text, quarter)
        else:
            ref_span = value_span(ref[0]) if ref else None
            use_text = ref_span is not None and (p.kind == "ref" or p.direction in _TEXT_DIRECTIONS or narrative)
            anchor: date | None = None
            unknown_day = False
            if ref is not None and ref_span is not None and use_text:
                if not _finer(_needs(p), precision_of(ref[0])):  # "on Sunday" after "in 2015": a year cannot place it
                    anchor, basis = ref_span[0], "relative to text"
                    note = f"'{text}', relative to '{ref[1]}' ({ref[0]})"
                    if p.kind == "ref":
                        p = replace(p, kind="unit")
                        coarse = precision_of(ref[0])
                        if p.unit and _finer(p.unit, coarse) and coarse in _ORDER:  # "that day" after "in 1941": 1941
                            # "that same day" after "in October 1998": a day of that month (1998-10-XX)
                            unknown_day = p.unit == "day" and coarse == "month" and not p.time
                            p = replace(p, unit=coarse, n=0)
            elif dct_day is not None:
                anchor = dct_day
                basis = "inferred" if inferred else "relative to publication"
                note = f"'{text}', relative to publication {dct}" + (" (inferred from text)" if inferred else "")
                if p.kind == "ref":
                    p = replace(p, kind="unit")
            filled = _bounded(_fill, p, anchor, tense_ok=not narrative) if anchor else None
            if filled and unknown_day:
                filled += "-XX"
            year_back = p.unit == "year" and p.n < 0 and p.op == "MINUS"  # not "last year"
            quarter_span = value_span(quarter[0]) if quarter else None
            if filled and quarter and quarter_span and year_back:
                # "a year ago" next to "the third quarter": the year-ago quarter
                filled = _bounded(_shift, quarter_span[0], "quarter", 4 * p.n)
                basis, note = "relative to text", f"'{text}', relative to '{quarter[1]}' ({quarter[0]})"
            if filled and (impossible_date(filled) or _OFF_CALENDAR.match(filled)):
                filled = None  # February 29 of 2023; a year before 1 or after 9999
            if filled is not None and anchor is not None and use_text and ref_bc and ref is not None:
                proxy = filled + p.time
                filled = _from_proxy(filled)  # counted from a date before Christ: back to real years
                note = note.replace(f"({ref[0]})", f"({_from_proxy(ref[0])})")
            if filled is None:
                res = Resolution(unknown_value(p) + p.time, None, f"'{text}': no date to count from")
                proxy = None
            else:
                res = Resolution(filled + p.time, basis, note)
        out.append(res)
        # A look back ("two decades earlier", "a year ago") does not move the
        # story's time: the next "in March" belongs to the story's year.
        look_back = p is not None and p.op == "MINUS"
        # Nor does a plan: "for a planned campaign in 1976" in a history of 1975.
        planned = row.get("tense") == "future" or (p is not None and p.direction in ("future", "next"))
        look_back = look_back or (narrative and planned)
        # Nor does the end of a span ("it lasted until February 1945"), a date
        # that modifies a noun ("the May 2007 high") or one in parentheses ("(as
        # of December 5, 2006)"), unless the text has named no date before it.
        look_back = look_back or (narrative and row.get("tense") in ("until", "attr", "aside") and ref is not None)
        if row["type"] in ("DATE", "TIME") and proxy is not None and value_span(proxy) is not None and not look_back:
            ref, ref_bc = (proxy, text), True
        elif row["type"] in ("DATE", "TIME") and value_span(res.value) is not None and not look_back:
            ref, ref_bc = (res.value, text), False
            if "-Q" in res.value and not (p and p.unit == "year") and _reported(res.value, quarter, dct_day):
                quarter = ref  # the quarter a report is about, not a year-ago one
        elif row["type"] == "DURATION" and _LONG_PERIOD.fullmatch(res.value):
            quarter = None  # "in the first nine months ... a year earlier": a year back, not a quarter
    return out


def _yearly(anchor: date, direction: str, day_in: Callable[[int], date]) -> date:
    """A day that falls once a year (a holiday, a feast): its year chosen as for a month and day without one."""
    first = day_in(anchor.year)
    return day_in(int(resolve_month(anchor, first.month, first.day, direction)[:4]))


def _period(year: str, text: str, quarter: tuple[str, str] | None) -> Resolution:
    """'the 1988 period' in a report: the quarter the report is about, in that year (the year without one)."""
    q = _QUARTER.search(quarter[0]) if quarter else None
    if quarter is None or q is None:
        return Resolution(year, "explicit", f"'{text}' as written")
    return Resolution(
        f"{year}{q.group()}", "relative to text", f"'{text}': the quarter of '{quarter[1]}' ({quarter[0]})"
    )


def _reported(value: str, quarter: tuple[str, str] | None, dct: date | None) -> bool:
    """Whether quarter `value` replaces `quarter` as the one a report is about.

    An earnings report is about its latest ended quarter: "a flat second
    quarter" named after "third-quarter net" is background, and a quarter
    not yet ended at publication ("expects a gain in the fourth quarter") is
    an outlook.
    """
    if quarter is None:
        return True
    span = value_span(value)
    ended = dct is None or (span is not None and span[1] <= dct)
    return ended and value > quarter[0]


#: Units `_shift` can count in, finest first: every precision but the season (not a step of the calendar).
_ORDER = tuple(p for p in PRECISIONS if p != "season")


def _needs(p: Placeholder) -> str:
    """How precise an anchor must be to fill placeholder `p` (a weekday needs a day)."""
    if p.kind in ("weekday", "weekend") or p.time:  # "the next morning" after "in 1990": no day
        return "day"
    if p.kind == "unit" and p.unit:
        return p.unit
    return "year"


def _finer(unit: str, precision: str | None) -> bool:
    if precision not in _ORDER or unit not in _ORDER:
        return False
    return _ORDER.index(unit) < _ORDER.index(precision)


def _published_map(articles: pd.DataFrame) -> dict[str, tuple[str | None, bool]]:
    basis = articles["published_basis"] if "published_basis" in articles else pd.Series([None] * len(articles))
    out = {}
    for art, pub, b in zip(articles["article"], articles["published"], basis):
        pub = None if pd.isna(pub) else str(pub)
        out[art] = (pub, isinstance(b, str) and b.startswith("inferred"))
    return out


def resolve_dates(timexes: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Fill final values, date ranges, precision and an explanation for every timex."""
    pubs = _published_map(articles)
    df = timexes.reset_index(drop=True)
    n = len(df)
    columns: list[list[str | None]] = [[None] * n for _ in range(6)]
    value, dates, ends, precs, bases, notes = columns
    order = df.sort_values(["article", "start"], kind="stable").index
    records = df[[c for c in ("article", "text", "type", "value", "tense") if c in df]].to_dict("records")
    groups: dict[str, list[int]] = {}
    for i in order:
        groups.setdefault(records[i]["article"], []).append(i)
    for art, idx in groups.items():
        pub, inferred = pubs.get(art, (None, False))
        for i, res in zip(idx, resolve_values([records[i] for i in idx], pub, inferred)):
            value[i], bases[i], notes[i] = res.value, res.basis, res.note
            span = value_span(res.value) if records[i]["type"] in ("DATE", "TIME") else None
            if span:
                dates[i], ends[i], precs[i] = span[0].isoformat(), span[1].isoformat(), span[2]
    out = df.copy()
    for col, vals in (
        ("value", value),
        ("date", dates),
        ("date_end", ends),
        ("precision", precs),
        ("date_basis", bases),
        ("date_note", notes),
    ):
        out[col] = pd.array(vals, dtype="string")
    return out


def infer_published(timexes: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Fill a missing `published` with the latest explicit day-precision date in the text."""
    out = articles.copy()
    if "published_basis" not in out:
        out["published_basis"] = pd.array([None] * len(out), dtype="string")
    day = re.compile(r"^\d{4}-\d\d-\d\d$")
    latest: dict[str, str] = {}
    for art, val in zip(timexes["article"], timexes["value"]):
        if isinstance(val, str) and day.match(val) and val > latest.get(art, ""):
            latest[art] = val
    missing = out["published"].isna()
    for i in out.index[missing]:
        found = latest.get(out.at[i, "article"])
        if found:
            out.at[i, "published"] = found
            out.at[i, "published_basis"] = "inferred from text"
            if "published_note" in out:
                out.at[i, "published_note"] = f"latest explicit date in the text ({found})"
    return out


def count_named_days(resolved: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """`articles` with `named_days`: each day its sentences in `resolved` name, and in how many sentences.

    `resolved` is stage 5's output for the sentences that count (the caller leaves
    out photo captions; boilerplate never reaches the sentences). Only dates
    resolved to a day are counted: a month or a year names no day. The value is
    'YYYY-MM-DD:N' items joined by ';' in date order, or empty.
    """
    day = resolved[resolved["precision"].eq("day").fillna(False).astype(bool)]
    per_day = day.drop_duplicates(["article", "sentence_id", "date"]).groupby(["article", "date"]).size()
    text = {
        art: ";".join(f"{d}:{n}" for d, n in counts.droplevel(0).items()) for art, counts in per_day.groupby(level=0)
    }
    named = articles["article"].map(text)
    return articles.assign(named_days=pd.array(named.where(named.notna(), None).tolist(), dtype="string"))


def read_named_days(articles: pd.DataFrame) -> pd.DataFrame:
    """The articles' `named_days` as a table: one row per article and day (article, date, sentences).

    In Arrow's string kernels: every build reads them for every article (100,000 in 0.07 s, not 0.5).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    days = pa.array(articles["named_days"].to_numpy(dtype=object, na_value=None), type=pa.string())
    items = pc.split_pattern(days, ";")
    owner = np.repeat(np.arange(len(articles)), pc.list_value_length(items).fill_null(0).to_numpy())
    flat = pc.list_flatten(items)
    keep = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)
    parts = pc.extract_regex(flat.filter(pa.array(keep)), r"^(?P<date>[^:]*)(?::(?P<sentences>.*))?$")
    sentences = pc.if_else(pc.equal(parts.field("sentences"), ""), "1", parts.field("sentences"))
    return pd.DataFrame(
        {
            "article": pd.Series(articles["article"].to_numpy(dtype=object)[owner[keep]], dtype="string"),
            "date": pd.Series(parts.field("date").to_pylist(), dtype="string"),
            "sentences": pd.Series(pc.cast(sentences, pa.int64()).to_numpy(), dtype="int64"),
        }
    )
