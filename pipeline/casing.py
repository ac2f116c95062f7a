"""Case mapping that keeps character offsets: one character out for every character in.

`str.lower()` maps "İ" (U+0130, Turkish capital dotted I) to two code points
("i" + combining dot), so every offset found in the lowered text after it
points one character too far into the original. Every stage that matches on
lowered text and reports offsets into the original uses `lower` instead.
"""

from __future__ import annotations


class _LowerTable(dict):
    """str.translate table: a character's lowercase form when it is one character, else the character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        low = ch.lower()
        if len(low) != 1:
            low = "i" if ch == "\u0130" else ch
        self[code] = low
        return low


_LOWER = _LowerTable()


def lower(text: str) -> str:
    """`text.lower()` with the same length as `text`, so offsets into one are offsets into the other."""
    low = text.lower()
    if len(low) == len(text):  # no character grew (only U+0130 does under lower())
        return low
    return text.translate(_LOWER)
