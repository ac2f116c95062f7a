"""The tense of the clause around a date: so "in March" is the coming March in "elections will be held in March".

A rule's value can ask for it (`{TENSE}`); the cue lists are the pattern lists
`future_cue` and `past_cue` of the language's patterns.yaml.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from pipeline.timex.rules import Ruleset

# A clause ends at . ! ? ; (before closing quotes: "in the spring.'' The") or a line break.
# (One character class first: the scan over a whole article stays fast.)
_SENTENCE_END = re.compile(r"[.!?;\n\x00](?:(?<=[.!?;])[\"'’”)]*\s|(?<=[\n\x00]))")


def tense_finder(text: str, rs: Ruleset) -> Callable[[int], str]:
    """Tense of the clause around a position: 'future', 'past' or 'none' (no cue either way)."""
    future, past = rs.cue("future_cue"), rs.cue("past_cue")
    ends: list[int] = []

    def tense(pos: int) -> str:
        if not ends:  # clause ends, computed once per text on first use
            ends.extend([m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1])
        i = bisect.bisect_right(ends, pos)
        left = ends[i - 1] if i else 0
        # Only a cue before the date and after the last comma counts: in "said
        # Friday that he would seek" or "they would appeal the decision,
        # announced Wednesday", "would" is not about the day. A past cue
        # between it and the date is nearer: "it will begin ... since he was
        # rescued in late November".
        cues = list(future.finditer(text, max(left, text.rfind(",", left, pos) + 1), pos))
        cue = cues[-1] if cues else None
        if cue and not any(_finite(text, m.start()) for m in past.finditer(text, cue.end(), pos)):
            return "future"
        return "past" if past.search(text, left, ends[i]) else "none"

    return tense


_PARTICIPLE_BEFORE = re.compile(r"\b(?:be|been|being)\s+(?:\w+\s+)?\Z", re.IGNORECASE)


def _finite(text: str, start: int) -> bool:
    """A past cue that is not a participle: "would be held" is no past."""
    return not _PARTICIPLE_BEFORE.search(text, max(0, start - 20), start)
