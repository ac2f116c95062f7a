"""Stages 4 and 5 on one string: the dates of a text, found and resolved.

The pipeline tags sentence tables (`pipeline.timex.tag_timexes`) and resolves
them per article (`pipeline.resolve.resolve_dates`); the command line
(`python -m pipeline timex`) and the date benchmark need the same on a plain
string with its publication date, which is this module.
"""

from __future__ import annotations

from pipeline.resolve import resolve_values
from pipeline.timex import Candidate, Ruleset, scan


def _as_dict(c: Candidate, text: str) -> dict:
    return {
        "start": c.start,
        "end": c.end,
        "text": text[c.start : c.end],
        "type": c.type,
        "value": c.value,
        "mod": c.mod or None,
        "rule": c.rule,
        "tense": c.tense,
    }


def find_timexes(text: str, dct: str | None, rules: Ruleset | None = None) -> list[dict]:
    """Temporal expressions in `text` with resolved TIMEX3 values (dct: YYYY-MM-DD or None).

    Each dict has start, end (offsets into `text`), text, type, value, mod, rule.
    """
    rows = [_as_dict(c, text) for c in scan(text, rules)]
    for row, res in zip(rows, resolve_values(rows, dct)):
        row["value"] = res.value
    return rows
