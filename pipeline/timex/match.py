"""Running the date rules over a text: prefilter, dispatch, values.

The compiled alternation of `pipeline.timex.rules` is tried only where the
text has a trigger word or a digit (resources/timex/<lang>/words.yaml), at the
trigger or at up to four prefix words before it; the longest match wins.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from pipeline.casing import lower as lower_keeping_offsets
from pipeline.timex.filters import BUILTIN_FILTERS
from pipeline.timex.rules import FIELD, Ruleset
from pipeline.timex.values import impossible_date


@dataclass(frozen=True)
class Candidate:
    """A rule match: offsets into the scanned text, value may be a placeholder."""

    start: int
    end: int
    type: str
    value: str
    mod: str
    rule: str
    tense: str = ""  # "future" when an explicit date's clause is about the future, else empty


@functools.lru_cache(maxsize=1024)
def _pieces(template: str) -> tuple:
    """A value template split once into literal text and (name, filter, default) fields."""
    out: list[str | tuple] = []
    pos = 0
    for m in FIELD.finditer(template):
        out.append(template[pos : m.start()])
        out.append(m.groups())
        pos = m.end()
    out.append(template[pos:])
    return tuple(p for p in out if p != "")


def render(rs: Ruleset, template: str, groups: Callable[[str], str | None], tense: Callable[[], str]) -> str:
    """Fill a value template from a match's groups (and the sentence's tense)."""
    if "{" not in template:
        return template
    parts = []
    for piece in _pieces(template):
        if isinstance(piece, str):
            parts.append(piece)
            continue
        name, filt, default = piece
        text = tense() if name == "TENSE" else groups(name)
        if not text:  # absent group: the default, where TENSE means the sentence's tense
            parts.append(tense() if default == "TENSE" else default or "")
        elif not filt:
            parts.append(text)
        elif filt in BUILTIN_FILTERS:
            parts.append(BUILTIN_FILTERS[filt](rs.normalize, text))
        else:
            hit = rs.normalize(filt, text)
            parts.append(hit if hit is not None else "X")
    return "".join(parts)


# Digit runs that can start a date: not inside a larger number ($3.5, 1,200,
# 10%), and of 1, 2 or 4 digits unless a 3-digit year of an era or decade.
_DIGITS = re.compile(
    r"\d(?<![$€£.,:/\d]\d)(?:\d\d\d|\d?|\d\d(?=\s*B\.?C|0?s|\s*(?:-|–|to)\s*\d{1,4}\s*B\.?C))(?![\d%]|[.,]\d|\s%)"
)  # \d first: fast scan
_BEFORE_START = frozenset(" \t\n\r\f\v-'’\u00a0")
_PREV_WORD = re.compile(r"(?<![\w])([^\W\d_]+|\d+)\.?['’]?[\s\-]{1,3}['’]?\Z")


def _trigger_starts(rs: Ruleset, text: str) -> list[tuple[int, int]]:
    """(start, end) of trigger words and digit runs, in text order."""
    lower = lower_keeping_offsets(text)  # offsets in `lower` are offsets in `text`
    found = [(m.start(), m.end()) for m in _DIGITS.finditer(text)]
    n = len(text)
    assert rs.triggers is not None, "a rule set always has its trigger automaton"
    for end, length in rs.triggers.iter(lower):
        start = end - length + 1
        if (start == 0 or not lower[start - 1].isalnum()) and (end + 1 >= n or not lower[end + 1].isalnum()):
            found.append((start, end + 1))
    found.sort()
    return found


def _candidate_starts(rs: Ruleset, text: str, start: int) -> list[int]:
    """Where a match containing the trigger at `start` may begin: leftmost first."""
    starts, pos = [start], start
    for step in range(4):
        if not pos or text[pos - 1] not in _BEFORE_START:  # no word can end just before: skip the search
            break
        m = _PREV_WORD.search(text, max(0, pos - 30), pos)
        if not m:
            break
        word = m.group(1)
        if word.lower() in rs.prefixes:
            pos = m.start()
            starts.append(pos)
        else:
            if step == 0 and word[:1].isupper():  # negative rules look at a name before a month
                starts.append(m.start())
            break
    starts.reverse()
    return starts


def match_rules(rs: Ruleset, text: str, tense: Callable[..., str], removed: list | None = None) -> list[Candidate]:
    """Run the rules where `text` has triggers (longest match wins); `removed` collects negative-rule hits.

    The compiled alternation is tried only at the few positions where a
    match can start (see words.yaml), so cost grows with the number of
    triggers, not with the length of the text times the number of rules.
    """
    out: list[Candidate] = []
    covered = 0
    for t_start, _ in _trigger_starts(rs, text):
        if t_start < covered:
            continue
        # The first start (leftmost) with a match over the trigger, unless
        # the trigger itself starts a longer one ("in summer" < "summer 1918").
        best = None
        for st in _candidate_starts(rs, text, t_start):
            if st < covered or (best is not None and st != t_start):
                continue
            rx = rs.regex_at(text[st])
            m = rx.match(text, st) if rx else None
            if m and m.end() > t_start and (best is None or m.end() > best.end()):
                best = m
        if best:
            covered = best.end()
            _emit(rs, best, tense, out, removed)
    return out


_MONTH_DATE = re.compile(r"(\d{4})-(\d\d(?:-\d\d)?)\Z")


def _in_order(found: list[Candidate]) -> list[Candidate]:
    """A span runs forward: a part later in the year than the next part, with the same year, is of the year before.

    "from December to February 1942" and "20 December to 3 January 1942":
    the one year written belongs to the last part; the span crosses New Year.
    """
    out = list(found)
    for k in range(len(out) - 2, -1, -1):
        a, b = _MONTH_DATE.match(out[k].value), _MONTH_DATE.match(out[k + 1].value)
        if a and b and a.group(1) == b.group(1) and a.group(2) > b.group(2) and int(a.group(1)) > 0:
            out[k] = replace(out[k], value=f"{int(a.group(1)) - 1:04d}-{a.group(2)}")
    return out


def _emit(rs: Ruleset, m: re.Match, tense: Callable[..., str], out: list, removed: list | None) -> None:
    i = int(str(m.lastgroup)[1:])  # the outer group of each rule is named r<index>
    rule = rs.rules[i]
    if rule.value == "REMOVE":
        if removed is not None:
            removed.append((m.start(), m.end(), rule.id))
        return
    prefix = f"r{i}_"

    def groups(name: str) -> str | None:
        return m.group(prefix + name)

    def tense_at() -> str:
        return tense(m.start())

    def future_at(value: str) -> str:  # only explicit dates: a placeholder has its own direction
        return "" if value.startswith("UNDEF") else tense(m.start(), True, m.end())

    if rule.parts:
        found = []
        for group, value, rtype, mod in rule.parts:
            s, e = m.span(prefix + group)
            rendered = render(rs, value, groups, tense_at)
            found.append(
                Candidate(s, e, rtype, rendered, render(rs, mod, groups, tense_at), rule.id, future_at(rendered))
            )
        if rule.ordered:
            found = _in_order(found)
    else:
        value = render(rs, rule.value, groups, tense_at)
        found = [
            Candidate(
                m.start(),
                m.end(),
                rule.type,
                value,
                render(rs, rule.mod, groups, tense_at),
                rule.id,
                future_at(value),
            )
        ]
    # "30 February 2024" is no date: the whole match is dropped (its words are not tried again).
    if any(impossible_date(c.value) for c in found):
        if removed is not None:
            removed.append((m.start(), m.end(), "impossible date"))
        return
    out.extend(found)
