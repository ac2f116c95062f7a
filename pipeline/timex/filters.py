"""Built-in value filters of the date rules: `{group|filter}` in a rule's value.

Each takes a lookup into the rule set's normalization tables,
`normalize(table, word) -> value or None`, and the matched string. Taking the
lookup instead of the rule set keeps this module free of `rules` (which needs
the filter names to validate rule values).
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: normalize(table, word): the table's value for the word, or None.
Normalize = Callable[[str, str], "str | None"]


def _number(normalize: Normalize, s: str) -> str:
    s = s.replace(",", "").strip()
    if s.replace(".", "", 1).isdigit():
        return s
    hit = normalize("number", s)
    if hit is not None:
        return hit
    tens, _, ones = s.lower().replace(" ", "-").partition("-")  # "twenty-five", "twenty four"
    t, o = normalize("number", tens), normalize("number", ones)
    if t and o and t.isdigit() and o.isdigit():
        return str(int(t) + int(o))
    return "X"


def _year4(normalize: Normalize, s: str) -> str:
    digits = s.strip("'’ ")
    if len(digits) == 2:  # '98: pivot at 30, news corpora span 1930-2029
        return ("19" if int(digits) >= 30 else "20") + digits
    return digits


_NON_DIGIT = re.compile(r"[^0-9]")
_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d\d))?\s*([ap])?")


def _clock(normalize: Normalize, s: str) -> str:
    """'2 p.m.', '2:30pm', '14:00', 'noon' -> 'HH:MM'."""
    word = normalize("clock_word", s)
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


def _spoken_year(normalize: Normalize, s: str) -> str:
    """'nineteen ninety-four' -> '1994' (century word, tens word, optional unit)."""
    words = re.split(r"[\s-]+", s.strip().lower())
    century = normalize("century_word", words[0]) if words else None
    tens = normalize("decade_tens", words[1]) if len(words) > 1 else None
    unit = _number(normalize, words[2]) if len(words) > 2 else "0"
    if not (century and tens and unit.isdigit() and len(unit) == 1):
        return "XXXX"
    return f"{century}{tens}{unit}"


BUILTIN_FILTERS: dict[str, Callable[[Normalize, str], str]] = {
    "int2": lambda normalize, s: f"{int(_NON_DIGIT.sub('', s)):02d}",
    "dash2": lambda normalize, s: f"-{int(_NON_DIGIT.sub('', s)):02d}",  # optional day: "-07"
    "int4": lambda normalize, s: f"{int(_NON_DIGIT.sub('', s)):04d}",
    "year4": _year4,
    "number": _number,
    "decade": lambda normalize, s: _NON_DIGIT.sub("", s)[:3],  # "1990s" -> "199"
    "decade_bc": lambda normalize, s: f"{int(_NON_DIGIT.sub('', s)) // 10:03d}",  # "470s BC" -> "047"
    "number2": lambda normalize, s: f"{int(_number(normalize, s)):02d}",  # "five" -> "05"
    "century": lambda normalize, s: f"{int(_NON_DIGIT.sub('', s) or normalize('ordinal', s) or 1) - 1:02d}",
    "clock": _clock,
    "spoken_year": _spoken_year,
    "lower": lambda normalize, s: s.lower(),
}
