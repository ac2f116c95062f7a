"""TIMEX3 values as calendar spans, and the placeholder grammar of the rules.

`value_span` maps any TIMEX3 value to the days it covers (2024-12 -> Dec 1..31,
precision 'month'); `parse_placeholder` reads the "UNDEF-..." values the rules
emit (grammar documented at the top of resources/timex/en/rules.yaml).
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

SEASON_MONTHS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}  # first month of each season
# Without a tense cue, a month up to this many months after the publication
# date is the coming one, else the past one: news reports mostly the past.
AHEAD_MONTHS = 4
# In a past clause a day written without a year up to this many days after the
# publication date is still this year's ("the offer was extended to Nov. 16"):
# news gives the year of a day almost a year back.
PAST_AHEAD_DAYS = 31
# A history moves forward: in one, a month written without a year that comes
# less than this many months after the story's date is the coming one ("In
# December 1941 ... In January" is January 1942); any other is of the story's
# year (a narrative steps back within its year more often than it jumps ahead).
STORY_AHEAD_MONTHS = 2
SEASON_ORDER = ("SP", "SU", "FA", "WI")  # within a year; its winter runs into the next
_TIME = r"(?P<time>T(?:\d\d(?::\d\d)?|MO|AF|EV|NI|DT))?"
_PLACEHOLDER = [
    (
        "unit",
        re.compile(r"UNDEF-(?P<dir>this|last|next)-(?P<unit>[a-z]+)(?:-(?P<op>PLUS|MINUS)-(?P<n>[\dX.]+))?" + _TIME),
    ),
    ("ref", re.compile(r"UNDEF-ref-(?P<unit>[a-z]+)-(?P<op>PLUS|MINUS)-(?P<n>[\dX.]+)" + _TIME)),
    ("weekday", re.compile(r"UNDEF-weekday-(?P<day>[1-7])-(?P<dir>[a-z]+)" + _TIME)),
    ("month", re.compile(r"UNDEF-month-(?P<month>\d\d)(?:-(?P<day>\d\d))?-(?P<dir>[a-z]+)" + _TIME)),
    (
        "nth",
        re.compile(
            r"UNDEF-nth-(?P<month>\d\d)-(?P<n>[1-5L])-(?P<wd>[1-7])(?:\+(?P<after>\d))?-(?P<dir>[a-z]+)" + _TIME
        ),
    ),
    ("weekend", re.compile(r"UNDEF-weekend-(?P<dir>[a-z]+)" + _TIME)),
    ("season", re.compile(r"UNDEF-season-(?P<season>SP|SU|FA|WI)-(?P<dir>[a-z]+)" + _TIME)),
    ("quarter", re.compile(r"UNDEF-quarter-(?P<q>[1-4]|this)(?:-(?P<dir>last|this|next))?" + _TIME)),
    ("half", re.compile(r"UNDEF-half-(?P<h>[12])" + _TIME)),
    ("decade", re.compile(r"UNDEF-decade-(?P<d>\d)" + _TIME)),
    ("yy", re.compile(r"UNDEF-yy-(?P<yy>\d\d)" + _TIME)),
    ("period", re.compile(r"UNDEF-period-(?P<year>\d{4})")),
    ("easter", re.compile(r"UNDEF-easter(?P<off>[+-]\d{1,2})(?P<week>W?)-(?P<dir>[a-z]+)")),
]


@dataclass(frozen=True)
class Placeholder:
    """The parts of an "UNDEF-..." value; which fields are set depends on `kind` (rules.yaml's grammar)."""

    kind: str  # unit, ref, weekday, month, nth, weekend, season, quarter, half, decade, yy, period, easter or unknown
    time: str = ""  # a time of day kept after the date: "T14:00", "TMO"
    direction: str | None = None  # last, next, this, past, future, ref, lastyear, ...
    unit: str | None = None  # unit, ref: day, week, month, quarter, year, decade, century; easter: week or None
    n: int = 0  # unit, ref: signed steps from the anchor ("last week" -1, "two years ago" -2)
    op: str | None = None  # unit, ref: PLUS or MINUS as written
    month: int | None = None  # month, nth
    day: int | None = None  # month: day of the month; weekday: ISO weekday 1-7
    nth: str | None = None  # nth: which week of the month, 1-5 or L(ast)
    weekday: int | None = None  # nth: ISO weekday
    # nth: days after that weekday (Election Day, 11-1-1+1); easter: days from Easter Sunday (Good Friday -2)
    days_after: int = 0
    season: str | None = None  # SP, SU, FA, WI
    quarter: str | None = None  # 1-4 or "this"
    half: str | None = None  # 1 or 2
    decade: str | None = None  # the decade's digit within its century
    yy: str | None = None  # a year's last two digits ("'89")
    year: str | None = None  # period: the year named ("the 1988 period")


_UNKNOWN = Placeholder("unknown")


@functools.lru_cache(maxsize=4096)
def parse_placeholder(value: str) -> Placeholder | None:
    """The parts of an "UNDEF-..." value, or None for a final TIMEX3 value."""
    if not value.startswith("UNDEF-"):
        return None
    for kind, rx in _PLACEHOLDER:
        m = rx.fullmatch(value)
        if m:
            return _placeholder(kind, m.groupdict())
    return _UNKNOWN


def _placeholder(kind: str, g: dict[str, str | None]) -> Placeholder:
    n, nth = 0, None
    if kind in ("unit", "ref"):
        written = g.get("n") or "0"
        count = int(float(written)) if written != "X" else 1
        step = {"last": -1, "next": 1}.get(g.get("dir") or "", 0)
        n = step + (-count if g.get("op") == "MINUS" else count)
    elif kind == "nth":
        nth = g.get("n")
    day, month, wd = g.get("day"), g.get("month"), g.get("wd")
    return Placeholder(
        kind=kind,
        time=g.get("time") or "",
        direction=g.get("dir"),
        unit=g.get("unit") or ("week" if g.get("week") else None),
        n=n,
        op=g.get("op"),
        month=int(month) if month else None,
        day=int(day) if day else None,
        nth=nth,
        weekday=int(wd) if wd else None,
        days_after=int(g.get("after") or g.get("off") or 0),
        season=g.get("season"),
        quarter=g.get("q"),
        half=g.get("h"),
        decade=g.get("d"),
        yy=g.get("yy"),
        year=g.get("year"),
    )


_MONTH_DAY = re.compile(r"(?:(\d{4}|XXXX)-|UNDEF-month-)(\d\d)-(\d\d)(?![\d-]\d)")


def impossible_date(value: str) -> bool:
    """Whether a value names a day no calendar has: 2024-02-30, 2023-02-29, a placeholder for April 31.

    A day without a known year is checked against a leap year (February 29 exists).
    """
    m = _MONTH_DAY.match(value)
    if not m:
        return False
    year = int(m.group(1)) if m.group(1) and m.group(1).isdigit() else 2000
    month, day = int(m.group(2)), int(m.group(3))
    return not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(max(year, 1), month)[1])


def unknown_value(p: Placeholder) -> str:
    """A TIMEX3 value with X for what cannot be known without an anchor."""
    if p.kind == "month" and p.month is not None:
        return f"XXXX-{p.month:02d}" + (f"-{p.day:02d}" if p.day else "")
    if p.kind == "season":
        return f"XXXX-{p.season}"
    if p.kind == "weekday":
        return f"XXXX-WXX-{p.day}"
    if p.kind == "weekend":
        return "XXXX-WXX-WE"
    if p.kind == "quarter" and p.quarter != "this":
        return f"XXXX-Q{p.quarter}"
    if p.kind == "period" and p.year:
        return p.year
    return "XXXX-XX-XX"


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def format_unit(d: date, unit: str) -> str:
    """The TIMEX3 value of the `unit` (day, week, ..., century) containing day `d`."""
    if unit == "day":
        return d.isoformat()
    if unit in ("week", "weekend"):
        y, w, _ = d.isocalendar()
        return f"{y:04d}-W{w:02d}" + ("-WE" if unit == "weekend" else "")
    if unit == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if unit == "quarter":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    if unit == "year":
        return f"{d.year:04d}"
    if unit == "decade":
        return f"{d.year // 10:03d}"
    if unit == "century":
        return f"{d.year // 100:02d}"
    raise ValueError(f"unknown unit {unit!r}")


def resolve_weekday(anchor: date, weekday: int, direction: str) -> date:
    """The weekday (1=Monday) nearest `anchor` in `direction` (last/next strictly, past/future inclusive).

    before/after: strictly before/after, counted from the story's day ("the previous Friday").
    """
    delta = weekday - anchor.isoweekday()
    if direction in ("last", "before"):
        return anchor + timedelta(days=delta - 7 if delta >= 0 else delta)
    if direction in ("next", "after"):
        return anchor + timedelta(days=delta + 7 if delta <= 0 else delta)
    if direction in ("future", "this"):
        return anchor + timedelta(days=delta + 7 if delta < 0 else delta)
    # "past" and "none": news mostly reports what happened
    return anchor + timedelta(days=delta - 7 if delta > 0 else delta)


def resolve_month(anchor: date, month: int, day: int | None, direction: str) -> str:
    """Year of a month (and day) written without one, seen from `anchor`.

    last/next: strictly before/after the anchor's month (or day), and "last" a year
    back for the month just before the anchor's (the press calls that "last month"); past/future:
    the latest/next one, a day up to a week ahead (future) or PAST_AHEAD_DAYS
    ahead (past) still counting as this year's; none: the nearest one, leaning
    to the past (AHEAD_MONTHS); story (a history's own time): the anchor's
    year, or the next one for a month just after the turn of the year
    (STORY_AHEAD_MONTHS); this: the anchor's year; lastyear/thisyear/nextyear:
    the year named ("June last year").
    """
    year = anchor.year
    if direction.endswith("year"):
        year += {"lastyear": -1, "nextyear": 1}.get(direction, 0)
        return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
    here = (anchor.month, anchor.day if day else 0)
    there = (month, day or 0)
    if direction == "last":
        # The month just before is "last month" in the press: "last February" written in March is a year back.
        year -= there >= here or (not day and month == anchor.month - 1)
    elif direction == "next":
        year += there <= here
    elif direction == "future":
        year += there < here and not (day and _days_between(anchor, month, day) <= 7)
    elif direction == "past":
        year -= there > here and not (day and _days_between(anchor, month, day) <= PAST_AHEAD_DAYS)
    elif direction == "story":
        months_ahead = (month - anchor.month) + ((day or 15) - (anchor.day if day else 15)) / 31
        year += 0 < months_ahead + 12 < STORY_AHEAD_MONTHS
    elif direction == "none":
        months_ahead = (month - anchor.month) + ((day or 15) - (anchor.day if day else 15)) / 31
        year += 1 if months_ahead < -(12 - AHEAD_MONTHS) else -1 if months_ahead > AHEAD_MONTHS else 0
    text = f"{year:04d}-{month:02d}"
    return text + (f"-{day:02d}" if day else "")


def _days_between(anchor: date, month: int, day: int) -> int:
    """Days from `anchor` to month/day of its year (absolute); bad days count as far."""
    try:
        return abs((date(anchor.year, month, day) - anchor).days)
    except ValueError:
        return 999


def easter_sunday(year: int) -> date:
    """Easter Sunday of a Gregorian year (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def nth_weekday(year: int, month: int, n: str, weekday: int, days_after: int = 0) -> date:
    """The n-th (or, n = "L", last) weekday (1 = Monday) of a month, plus `days_after` days.

    Thanksgiving is 11-4-4; Election Day, the Tuesday after the first Monday of November, 11-1-1+1.
    """
    if n == "L":
        last = _last_day(year, month)
        return last - timedelta(days=(last.isoweekday() - weekday) % 7 - days_after)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (int(n) - 1) + days_after)


def resolve_season(anchor: date, season: str, direction: str) -> str:
    """Year of a season written without one ("this summer", "last fall").

    Winter belongs to the year of its December: in February 1998 the current
    season is 1997-WI, and the seasons of a year run SP, SU, FA, WI.
    """
    if anchor.month <= 2:
        year, current = anchor.year - 1, "WI"
    else:
        year, current = anchor.year, ("SP", "SU", "FA", "WI")[(anchor.month - 3) // 3]
    i, j = SEASON_ORDER.index(season), SEASON_ORDER.index(current)
    if direction in ("last", "past"):
        year -= i > j or (direction == "last" and i == j)
    elif direction in ("next", "future"):
        year += i < j or (direction == "next" and i == j)
    elif anchor.month <= 2 and season != "WI":
        year = anchor.year  # "the summer" seen from January: this calendar year's
    return f"{year:04d}-{season}"


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


_SPANS = [
    (re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:T.*)?"), "day"),
    (re.compile(r"(\d{4})-W(\d\d)(?:-WE)?"), "week"),
    (re.compile(r"(\d{4})-(\d\d)"), "month"),
    (re.compile(r"(\d{4})-Q([1-4])"), "quarter"),
    (re.compile(r"(\d{4})-H([12])"), "quarter"),
    (re.compile(r"(\d{4})-(SP|SU|FA|WI)"), "season"),
    (re.compile(r"(\d{4})"), "year"),
    (re.compile(r"(\d{3})"), "decade"),
    (re.compile(r"(\d{2})"), "century"),
]


@functools.lru_cache(maxsize=8192)
def value_span(value: str) -> tuple[date, date, str] | None:
    """First and last day a TIMEX3 value covers, and its precision; None if it is no date."""
    if not isinstance(value, str):
        return None
    for rx, precision in _SPANS:
        m = rx.fullmatch(value)
        if not m:
            continue
        try:
            return _span(m, precision, value)
        except ValueError:  # 2024-02-30, week 54, year 0
            return None
    return None


def _span(m: re.Match, precision: str, value: str) -> tuple[date, date, str]:
    a = int(m.group(1))
    if precision == "day":
        d = date(a, int(m.group(2)), int(m.group(3)))
        return d, d, "day"
    if precision == "week":
        start = date.fromisocalendar(a, int(m.group(2)), 6 if value.endswith("-WE") else 1)
        return start, date.fromisocalendar(a, int(m.group(2)), 7), "week"
    if precision == "month":
        return date(a, int(m.group(2)), 1), _last_day(a, int(m.group(2))), "month"
    if precision == "quarter":
        months = 6 if "-H" in value else 3
        first = (int(m.group(2)) - 1) * months + 1
        return date(a, first, 1), _last_day(a, first + months - 1), "quarter"
    if precision == "season":
        first = SEASON_MONTHS[m.group(2)]
        end = add_months(date(a, first, 1), 3) - timedelta(days=1)
        return date(a, first, 1), end, "season"
    if precision == "year":
        return date(a, 1, 1), date(a, 12, 31), "year"
    if precision == "decade":
        return date(max(a * 10, 1), 1, 1), date(a * 10 + 9, 12, 31), "decade"
    return date(max(a * 100, 1), 1, 1), date(a * 100 + 99, 12, 31), "century"


def precision_of(value: str) -> str | None:
    span = value_span(value)
    return span[2] if span else None
