"""Stage 4: find temporal expressions and give each a TIMEX3 value.

Reads `sentences` (schema.SENTENCES) and writes `timexes` (schema.TIMEXES):
offsets into the article, the text, TIMEX3 type and value (or a placeholder
such as "UNDEF-weekday-2-last" that stage 5, `pipeline.resolve`, fills from
the publication date), mod and the id of the rule that produced the row.

The rules are data (`pipeline/resources/timex/<lang>/`, loaded and validated
by `rules`, shaped for speed by `compile`); `match` runs them, `filters` and
`tense` fill their values. `pipeline.dates.find_timexes` runs stages 4 and 5
on one string (the command line `python -m pipeline timex`).
"""

from __future__ import annotations

import bisect

import pandas as pd

from pipeline.schema import TIMEXES, from_columns, new_columns
from pipeline.timex.match import Candidate, match_rules
from pipeline.timex.rules import DEFAULT_RULES, RuleError, Ruleset, load_rules
from pipeline.timex.tense import tense_finder

__all__ = ["DEFAULT_RULES", "Candidate", "RuleError", "Ruleset", "load_rules", "scan", "tag_timexes"]


def scan(text: str, rules: Ruleset | None = None, removed: list | None = None) -> list[Candidate]:
    """All rule matches in `text`, left to right, values possibly placeholders."""
    rs = rules or load_rules()
    return match_rules(rs, text, tense_finder(text, rs), removed)


_GAP = "\x00"  # fills the text between sentences: no rule matches across it


def _article_texts(sentences: pd.DataFrame):
    """Per article: its sentences laid out at their offsets in one string (from the first one's start).

    Scanning one string per article instead of one per sentence saves the
    per-call overhead; the gap character keeps matches inside sentences.
    Yields (article, text, base offset, sentence starts, sentence ids).
    """
    current, base, pos = None, 0, 0
    parts: list[str] = []
    starts: list[int] = []
    ids: list[int] = []
    for article, sid, start, text in zip(
        sentences["article"], sentences["sentence_id"], sentences["start"], sentences["text"]
    ):
        if article != current or start < pos:  # a new article, or sentences out of order
            if current is not None:
                yield current, "".join(parts), base, starts, ids
            current, parts, starts, ids, base, pos = article, [], [], [], start, start
        parts.append(_GAP * (start - pos))
        parts.append(text)
        starts.append(start)
        ids.append(sid)
        pos = start + len(text)
    if current is not None:
        yield current, "".join(parts), base, starts, ids


def tag_timexes(sentences: pd.DataFrame, rules: Ruleset | None = None) -> pd.DataFrame:
    """One row per temporal expression in each sentence (values may be placeholders)."""
    rs = rules or load_rules()
    cols = new_columns(TIMEXES)
    for article, text, base, starts, ids in _article_texts(sentences):
        for c in scan(text, rs):
            i = bisect.bisect_right(starts, base + c.start) - 1
            cols["article"].append(article)
            cols["sentence_id"].append(ids[i])
            cols["start"].append(base + c.start)
            cols["end"].append(base + c.end)
            cols["text"].append(text[c.start : c.end])
            cols["type"].append(c.type)
            cols["value"].append(c.value)
            cols["mod"].append(c.mod or None)
            cols["rule"].append(c.rule)
            cols["tense"].append(c.tense)
    return from_columns(cols, TIMEXES)
