"""Built-in value filters of the date rules: `{group|filter}` in a rule's value.

Each takes the rule set (for its normalization tables) and a matched string.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.timex_rules import Ruleset


def _number(rs: Ruleset, s: str) -> str:
    s = s.replace(",", "").strip()
    if s.replace(".", "", 1).isdigit():
        return s
    hit = rs.normalize("number", s)
    if hit is not None:
        return hit
    tens, _, ones = s.lower().replace(" ", "-").partition("-")  # "twenty-five", "twenty four"
    t, o = rs.normalize("number", tens), rs.normalize("number", ones)
    if t and o and t.isdigit() and o.isdigit():
        return str(int(t) + int(o))
    return "X"


def _year4(rs: Ruleset, s: str) -> str:
    digits = s.strip("'’ ")
    if len(digits) == 2:  # '98: pivot at 30, news corpora span 1930-2029
        return ("19" if int(digits) >= 30 else "20") + digits
    return digits


_NON_DIGIT = re.compile(r"[^0-9]")
_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d\d))?\s*([ap])?")


def _clock(rs: Ruleset, s: str) -> str:
    """'2 p.m.', '2:30pm', '14:00', 'noon' -> 'HH:MM'."""
    word = rs.normalize("clock_word", s)
    if word:
        return word
    m = _CLOCK.match(s.lower())
    if not m:
        return "XX:XX"
    hour, minute = int(m.group(1)), m.group(2) or "00"
    if m.group(3) == "p" and hour < 12:
        hour += 12
    elif m.group(3) == "a" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute}"


BUILTIN_FILTERS: dict[str, Callable[[Ruleset, str], str]] = {
    "int2": lambda rs, s: f"{int(_NON_DIGIT.sub('', s)):02d}",
    "dash2": lambda rs, s: f"-{int(_NON_DIGIT.sub('', s)):02d}",  # optional day: "-07"
    "int4": lambda rs, s: f"{int(_NON_DIGIT.sub('', s)):04d}",
    "year4": _year4,
    "number": _number,
    "decade": lambda rs, s: _NON_DIGIT.sub("", s)[:3],  # "1990s" -> "199"
    "decade_bc": lambda rs, s: f"{int(_NON_DIGIT.sub('', s)) // 10:03d}",  # "470s BC" -> "047"
    "number2": lambda rs, s: f"{int(_number(rs, s)):02d}",  # "five" -> "05"
    "century": lambda rs, s: f"{int(_NON_DIGIT.sub('', s) or rs.normalize('ordinal', s) or 1) - 1:02d}",
    "clock": _clock,
    "lower": lambda rs, s: s.lower(),
}
