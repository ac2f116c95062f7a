"""Rule patterns compiled for speed: prefix trees and per-first-character dispatch.

Python's regex engine tries alternatives one by one, so the rule set is shaped
before compiling: word lists become prefix trees, and each position in the
text tries only the rules that can start with its character. Finding those
characters reads the parsed pattern through the standard library's private
`re._parser`, in this module only; so does keeping compiled alternations
between processes (`Dispatch.export`), which hands the engine's own code for a
pattern back to `_sre.compile`, as `re.compile` does after parsing it.
"""

from __future__ import annotations

import _sre
import hashlib
import marshal
import re
import sys
from re import _compiler, _parser  # type: ignore[attr-defined]
from re import _constants as C  # type: ignore[attr-defined]

#: Compiled code is only valid for the regex engine that made it.
_ENGINE = f"{sys.implementation.cache_tag}|{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}"


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
    return re.compile(_alternation(alternatives), re.IGNORECASE)


def _alternation(alternatives: list[str]) -> str:
    return r"(?<![\w])(?:" + "|".join(alternatives) + ")"


def _compile(pattern: str, flags: int) -> tuple[re.Pattern, tuple]:
    """`re.compile` in its two steps, keeping what `_sre.compile` was given (to rebuild it without parsing)."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    # Plain ints (the code holds named opcode constants), so `marshal` can keep them.
    args = (
        int(flags | parsed.state.flags),
        [int(c) for c in code],
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )
    return _sre.compile(pattern, *args), args


class Dispatch:
    """Per first character, the alternation of only the rules that can start with it, compiled on first use.

    A match attempt costs time per rule tried; most rules cannot start with a
    given letter, so each attempt tries a short alternation ("" = any other char).
    Compiling all of them takes a second or two; a build of a few new articles
    (an incremental build) meets only some of the characters, so each
    alternation is compiled the first time a text needs it.
    """

    def __init__(self, patterns: list[str], alternation: list[str]) -> None:
        firsts = [_first_chars(_parser.parse(p, re.IGNORECASE), True)[0] for p in patterns]
        chars = set().union(*(f for f in firsts if f is not None))
        self._alternation = alternation
        self._rules: dict[str, tuple[int, ...]] = {}  # char -> indexes of the rules that can start with it
        for c in [*chars, ""]:
            idx = tuple(i for i, f in enumerate(firsts) if f is None or c in f)
            if idx:
                self._rules[c] = idx
        self._compiled: dict[tuple[int, ...], re.Pattern] = {}  # shared by the chars with the same rules
        self._code: dict[str, tuple] = {}  # SHA-1 of a pattern -> its compiled code (see export)
        self._keys: dict[tuple[int, ...], str] = {}  # rules -> SHA-1 of their alternation, once compiled
        self.parsed = 0  # alternations compiled from their pattern (not from preloaded code)

    def get(self, char: str) -> re.Pattern | None:
        """The alternation to try at a position starting with `char` (None: no rule starts so)."""
        idx = self._rules.get(char, self._rules.get(""))
        if idx is None:
            return None
        rx = self._compiled.get(idx)
        if rx is None:
            pattern = _alternation([self._alternation[i] for i in idx])
            key = hashlib.sha1(pattern.encode()).hexdigest()
            if key in self._code:
                rx = _sre.compile(pattern, *self._code[key])
            else:
                rx, self._code[key] = _compile(pattern, re.IGNORECASE)
                self.parsed += 1
            self._compiled[idx], self._keys[idx] = rx, key
        return rx

    def export(self) -> bytes:
        """The alternations compiled so far, for `preload` in another process (same Python only)."""
        payload = marshal.dumps((_ENGINE, {key: self._code[key] for key in self._keys.values()}))
        return hashlib.sha256(payload).digest() + payload

    def preload(self, data: bytes) -> None:
        """Take compiled alternations from `export` (from another Python: nothing); ValueError if damaged."""
        digest, payload = data[:32], data[32:]
        if hashlib.sha256(payload).digest() != digest:
            raise ValueError("checksum mismatch")
        engine, code = marshal.loads(payload)
        if engine == _ENGINE:
            # Used when first needed, instead of parsing the pattern; unknown keys (other rules) never are.
            self._code.update(code)

    def compile_all(self) -> None:
        """Compile every alternation now (before forking workers, which then inherit them)."""
        for c in self._rules:
            self.get(c)

    def __len__(self) -> int:
        return len(self._rules)


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
