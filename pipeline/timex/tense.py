"""The tense of the clause around a date: so "in March" is the coming March in "elections will be held in March".

A rule's value can ask for it (`{TENSE}`); the cue lists are the pattern lists
`future_cue` and `past_cue` of the language's patterns.yaml. An explicit date
also learns whether its clause ends a span ("lasted until February 1945",
`until_cue`), modifies a noun ("surpassing the May 2007 high",
`attributive_cue`) or stands in parentheses ("(as of December 5, 2006)"): a
history's time moves to none of them.

Cost is linear in the text: clause ends, commas and cue matches are found once
per text (each clause scanned once), and every date looks its clause up with
a binary search, so a long text without sentence punctuation (one clause)
costs no more per date than a short one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from pipeline.timex.rules import Ruleset

# A clause ends at . ! ? ; (before closing quotes: "in the spring.'' The") or a line break.
# (One character class first: the scan over a whole article stays fast.)
_COMMA = re.compile(",")
_NEVER = re.compile(r"(?!)")
_NOUN_AFTER = re.compile(r"\s+[a-z]")  # a lower-case word after the date: "the May 2007 high"
_SENTENCE_END = re.compile(r"[.!?;\n\x00](?:(?<=[.!?;])[\"'’”)]*\s|(?<=[\n\x00]))")


class _Clauses:
    """Per text: clause ends, commas, and per clause its future and past cue matches (each on first use)."""

    def __init__(self, text: str, future: re.Pattern, past: re.Pattern, until: re.Pattern):
        self.text, self.future, self.past, self.until = text, future, past, until
        self.ends = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1]
        self.commas = [m.start() for m in _COMMA.finditer(text)]
        self._future: dict[int, tuple] = {}
        self._past: dict[int, tuple] = {}
        self._until: dict[int, list[int]] = {}

    def until_cues(self, i: int) -> list[int]:
        """Clause i: the starts of its end-point cues ("until")."""
        if i not in self._until:
            left, right = self.ends[i - 1] if i else 0, self.ends[i]
            self._until[i] = [m.start() for m in self.until.finditer(self.text, left, right)]
        return self._until[i]

    def future_cues(self, i: int) -> tuple:
        """Clause i: its future cue (start, end)s and their starts."""
        if i not in self._future:
            left, right = self.ends[i - 1] if i else 0, self.ends[i]
            fut = [m.span() for m in self.future.finditer(self.text, left, right)]
            self._future[i] = (fut, [s for s, _ in fut])
        return self._future[i]

    def past_cues(self, i: int) -> tuple:
        """Clause i: finite past cue starts, their ends, and whether it has any past cue."""
        if i not in self._past:
            left, right = self.ends[i - 1] if i else 0, self.ends[i]
            past = [m.span() for m in self.past.finditer(self.text, left, right)]
            finite = [(s, e) for s, e in past if _finite(self.text, s)]
            self._past[i] = ([s for s, _ in finite], [e for _, e in finite], bool(past))
        return self._past[i]


def tense_finder(text: str, rs: Ruleset) -> Callable[..., str]:
    """Tense of the clause around a position: 'future', 'past' or 'none' (no cue either way)."""
    future, past = rs.cue("future_cue"), rs.cue("past_cue")
    until = rs.cue("until_cue") if "until_cue" in rs.lists else _NEVER  # optional in a rule folder
    attributive = (
        re.compile(r"(?:" + rs.lists["attributive_cue"] + r")\s+\Z", re.I) if "attributive_cue" in rs.lists else _NEVER
    )
    state: list[_Clauses] = []

    def tense(pos: int, future_only: bool = False, end: int | None = None) -> str:
        """future_only: only say 'future', 'until' (an end point), 'attr' (a date before a noun
        from `pos` to `end`), 'aside' (in parentheses) or '' (and skip the past cues)."""
        if not state:  # computed once per text on first use
            state.append(_Clauses(text, future, past, until))
        c = state[0]
        i = bisect.bisect_right(c.ends, pos)
        left = c.ends[i - 1] if i else 0
        fut, fut_starts = c.future_cues(i)
        # Only a cue before the date and after the last comma counts: in "said
        # Friday that he would seek" or "they would appeal the decision,
        # announced Wednesday", "would" is not about the day. A past cue
        # between it and the date is nearer: "it will begin ... since he was
        # rescued in late November".
        k = bisect.bisect_left(c.commas, pos) - 1
        since = max(left, c.commas[k] + 1 if k >= 0 else 0)
        j = bisect.bisect_left(fut_starts, pos) - 1
        while j >= 0 and fut[j][1] > pos:  # a cue must end before the date
            j -= 1
        if j >= 0 and fut[j][0] >= since:
            cue_end = fut[j][1]
            finite_starts, finite_ends, _ = c.past_cues(i)
            n = bisect.bisect_left(finite_starts, cue_end)
            if not (n < len(finite_starts) and finite_ends[n] <= pos):
                return "future"
        if future_only:
            ends = c.until_cues(i)
            u = bisect.bisect_left(ends, pos) - 1
            if u >= 0 and ends[u] >= since:
                return "until"
            if end is not None and attributive.search(text, max(0, pos - 8), pos) and _NOUN_AFTER.match(text, end):
                return "attr"
            if end is not None and _in_parentheses(text, pos, end, left, c.ends[i]):
                return "aside"
            return ""
        return "past" if c.past_cues(i)[2] else "none"

    return tense


def _in_parentheses(text: str, pos: int, end: int, left: int, right: int) -> bool:
    """Whether text[pos:end] lies inside a parenthesis opened and closed within text[left:right]."""
    if text.rfind("(", left, pos) <= text.rfind(")", left, pos):
        return False
    close, reopen = text.find(")", end, right), text.find("(", end, right)
    return close >= 0 and (reopen < 0 or close < reopen)


_PARTICIPLE_BEFORE = re.compile(r"\b(?:be|been|being)\s+(?:\w+\s+)?\Z", re.IGNORECASE)


def _finite(text: str, start: int) -> bool:
    """A past cue that is not a participle: "would be held" is no past."""
    return not _PARTICIPLE_BEFORE.search(text, max(0, start - 20), start)
