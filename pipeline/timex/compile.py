"""Rule patterns compiled for speed: prefix trees and per-first-character dispatch.

Python's regex engine tries alternatives one by one, so the rule set is shaped
before compiling: word lists become prefix trees, and each position in the
text tries only the rules that can start with its character. Finding those
characters reads the parsed pattern through the standard library's private
`re._parser`, in this module only.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]


def _char(c: str) -> str:
    return r"\s+" if c == " " else re.escape(c)


def trie(words: list[str]) -> str:
    """Literal words as a prefix tree regex: "Jan(?:uary|\\.)?" instead of "January|Jan\\.|Jan".

    Python's regex engine tries alternatives one by one; sharing prefixes
    makes a failing attempt (the common case) check a few branches, not all.
    Longer words stay first, as a greedy optional group tries them first.
    """
    tree: dict = {}
    for w in words:
        node = tree
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [_char(c) + emit(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


def table_regex(keys) -> str:
    """A table's keys as one alternation; capitalized tables (month names) match case-sensitively."""
    keys = [" ".join(k.split()) for k in keys]
    if all(k[:1].isupper() for k in keys):
        return f"(?-i:{trie(keys)})"
    return f"(?:{trie(sorted({k.lower() for k in keys}))})"


def alternation_regex(alternatives: list[str]) -> re.Pattern:
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def dispatch(patterns: list[str], alternation: list[str]) -> dict[str, re.Pattern]:
    """Per first character, the alternation of only the rules that can start with it.

    A match attempt costs time per rule tried; most rules cannot start with a
    given letter, so each attempt tries a short alternation ("" = any other char).
    """
    firsts = [_first_chars(_parser.parse(p, re.IGNORECASE), True)[0] for p in patterns]
    chars = set().union(*(f for f in firsts if f is not None))
    compiled: dict[tuple, re.Pattern] = {}
    out = {}
    for c in list(chars) + [""]:
        idx = tuple(i for i, f in enumerate(firsts) if f is None or c in f)
        if idx:
            if idx not in compiled:
                compiled[idx] = alternation_regex([alternation[i] for i in idx])
            out[c] = compiled[idx]
    return out


def _first_chars(items, icase: bool) -> tuple[set | None, bool]:
    """Characters a parsed regex can start with (None: any), and whether it can match empty."""
    chars: set = set()
    for op, av in items:
        first, nullable = _first_op(op, av, icase)
        if first is None:
            return None, False
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _cased(chars: set, icase: bool) -> set:
    return chars | {c.swapcase() for c in chars} if icase else chars


def _first_op(op, av, icase: bool) -> tuple[set | None, bool]:
    if op is C.LITERAL:
        return _cased({chr(av)}, icase), False
    if op is C.IN:
        chars: set = set()
        for sub, val in av:
            if sub is C.LITERAL:
                chars.add(chr(val))
            elif sub is C.RANGE and val[1] - val[0] < 300:
                chars.update(chr(x) for x in range(val[0], val[1] + 1))
            elif sub is C.CATEGORY and val is C.CATEGORY_DIGIT:
                chars.update("0123456789")
            elif sub is C.CATEGORY and val is C.CATEGORY_SPACE:
                chars.update(" \t\n\r\f\v")
            else:
                return None, False
        return _cased(chars, icase), False
    if op is C.BRANCH:
        chars, nullable = set(), False
        for branch in av[1]:
            first, null = _first_chars(branch, icase)
            if first is None:
                return None, False
            chars |= first
            nullable |= null
        return chars, nullable
    if op is C.SUBPATTERN:
        add, remove = av[1], av[2]
        icase = (icase or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
        return _first_chars(av[3], icase)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        first, nullable = _first_chars(av[2], icase)
        return first, nullable or av[0] == 0
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return set(), True
    return None, False
