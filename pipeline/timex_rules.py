"""The date rules of a language: loaded, validated and compiled once.

HeidelTime's design: the engine never changes when rules change. A language
folder under `pipeline/resources/timex/<lang>/` holds four YAML files:

- normalizations.yaml  tables word -> value ("Dec." -> "12"),
- patterns.yaml        named lists of regex alternatives, one per line,
- rules.yaml           rules: id, type, pattern, value, mod, examples,
                       counterexamples; `value: REMOVE` makes a negative rule
                       that discards a look-alike ("Theresa May"),
- words.yaml           trigger and prefix words of the prefilter.

In a pattern, `%name` expands to a pattern list or to the keys of a
normalization table, longest first. Matching ignores case, except for tables
whose keys are all capitalized (month and weekday names: the verb "may" is
not May) and inside (?-i:...). In a value, `{group}` inserts a named group's
text, `{group|filter}` passes it through a normalization table or a built-in
filter (`pipeline.timex_filters`), and `{group|filter=default}` gives
`default` when the group is absent (else ""); `{TENSE}` and a default TENSE
give the sentence's tense (past, future or none).

All rules compile into one alternation (per possible first character, see
`_dispatch`); at one position the first rule in file order that matches
wins, so negative rules come first. `pipeline.timex_match` runs it.
Everything is validated at load with errors that name the file and rule.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from re import _constants as C
from re import _parser

import ahocorasick
import yaml

from pipeline.timex_filters import BUILTIN_FILTERS

RESOURCES = Path(__file__).parent / "resources" / "timex"
TYPES = ("DATE", "TIME", "DURATION", "SET")
RULE_KEYS = {"id", "type", "pattern", "value", "mod", "parts", "examples", "counterexamples", "note"}
_REF = re.compile(r"%([a-z_]+)")
FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([a-z_0-9]+))?(?:=([^}]*))?\}")


class RuleError(ValueError):
    """A rule file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    type: str
    pattern: str
    value: str
    mod: str = ""
    parts: tuple = ()  # ((group, value, type, mod), ...): one match -> several timexes
    examples: tuple = ()
    counterexamples: tuple = ()


@dataclass
class Ruleset:
    lang: str
    norms: dict[str, dict[str, str]]
    rules: list[Rule]
    regex: re.Pattern = field(repr=False)
    lists: dict[str, str] = field(default_factory=dict)  # pattern name -> expanded regex
    by_id: dict[str, Rule] = field(default_factory=dict)
    triggers: object = None  # Aho-Corasick automaton of lowercase trigger words
    prefixes: frozenset = frozenset()
    by_char: dict = field(default_factory=dict, repr=False)  # first char -> alternation of rules that can start so

    def regex_at(self, char: str) -> re.Pattern | None:
        return self.by_char.get(char, self.by_char.get(""))

    def normalize(self, table: str, word: str) -> str | None:
        return self.norms[table].get(_norm_key(word))


def _norm_key(word: str) -> str:
    return " ".join(word.lower().split()).rstrip(".")


def _char(c: str) -> str:
    return r"\s+" if c == " " else re.escape(c)


def _trie(words: list[str]) -> str:
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


def _table_regex(keys) -> str:
    """A table's keys as one alternation; capitalized tables (month names) match case-sensitively."""
    keys = [" ".join(k.split()) for k in keys]
    if all(k[:1].isupper() for k in keys):
        return f"(?-i:{_trie(keys)})"
    return f"(?:{_trie(sorted({k.lower() for k in keys}))})"


_PLAIN = re.compile(r"[A-Za-z0-9 '’-]+")


def _expand(pattern: str, lists: dict[str, list[str]], norms: dict, where: str, depth: int = 0) -> str:
    if depth > 5:
        raise RuleError(f"{where}: %references nest too deep (a cycle?)")

    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name in lists:
            if all(_PLAIN.fullmatch(a) for a in lists[name]):
                return f"(?:{_trie(sorted(set(lists[name])))})"
            alts = [_expand(a, lists, norms, f"{where} -> %{name}", depth + 1) for a in lists[name]]
        elif name in norms:
            return _table_regex(norms[name])
        else:
            raise RuleError(f"{where}: unknown %{name} (not in patterns.yaml or normalizations.yaml)")
        return "(?:" + "|".join(alts) + ")"

    return _REF.sub(sub, pattern)


def _load_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: cannot read: {exc}") from exc


def _check_template(template: str, groups: set[str], filters: set[str], where: str) -> None:
    for m in FIELD.finditer(template):
        name, filt, _ = m.groups()
        if name != "TENSE" and name not in groups:
            raise RuleError(f"{where}: value uses {{{name}}} but the pattern has no group (?P<{name}>...)")
        if filt and filt not in filters:
            raise RuleError(f"{where}: unknown filter |{filt} in {template!r}")


def _parse_rule(raw: dict, lists: dict, norms: dict, filters: set[str], path: Path) -> tuple[Rule, str]:
    where = f"{path.name}: rule {raw.get('id', '?')!r}"
    if not isinstance(raw, dict) or "id" not in raw or "pattern" not in raw:
        raise RuleError(f"{where}: every rule needs an id and a pattern")
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
    if "value" not in raw and "parts" not in raw:
        raise RuleError(f"{where}: needs a value (or parts)")
    rtype = raw.get("type", "DATE")
    if rtype not in TYPES:
        raise RuleError(f"{where}: type must be one of {TYPES}")
    rx = _expand(str(raw["pattern"]), lists, norms, where)
    try:
        compiled = re.compile(rx, re.IGNORECASE)
    except re.error as exc:
        raise RuleError(f"{where}: bad regex: {exc}") from exc
    groups = set(compiled.groupindex)
    value = str(raw.get("value", ""))
    parts = []
    for p in raw.get("parts", []) or []:
        if p.get("group") not in groups:
            raise RuleError(f"{where}: part group {p.get('group')!r} is not a group of the pattern")
        parts.append((p["group"], str(p["value"]), p.get("type", rtype), str(p.get("mod", ""))))
        _check_template(parts[-1][1], groups, filters, where)
    if value != "REMOVE":
        _check_template(value, groups, filters, where)
    _check_template(str(raw.get("mod", "")), groups, filters, where)
    examples = tuple(e if isinstance(e, dict) else {"text": str(e)} for e in raw.get("examples", []) or [])
    if not examples:
        raise RuleError(f"{where}: give at least one example (they run as tests)")
    counter = tuple(str(c) for c in raw.get("counterexamples", []) or [])
    rule = Rule(str(raw["id"]), rtype, rx, value, str(raw.get("mod", "")), tuple(parts), examples, counter)
    return rule, rx


@functools.lru_cache(maxsize=4)
def load_rules(lang: str = "en") -> Ruleset:
    """Load, validate and compile a language's rule files (cached per process)."""
    folder = RESOURCES / lang
    norms_raw = _load_yaml(folder / "normalizations.yaml") or {}
    lists = _load_yaml(folder / "patterns.yaml") or {}
    rules_raw = _load_yaml(folder / "rules.yaml") or []
    norms = {}
    for name, table in norms_raw.items():
        if not isinstance(table, dict):
            raise RuleError(f"normalizations.yaml: {name} must map words to values")
        norms[name] = {str(k): str(v) for k, v in table.items()}
    for name, alts in lists.items():
        if not isinstance(alts, list) or not alts:
            raise RuleError(f"patterns.yaml: {name} must be a non-empty list of alternatives")
        bad = [a for a in alts if not isinstance(a, str)]
        if bad:  # YAML reads unquoted On/Off/Yes/No as booleans
            raise RuleError(f"patterns.yaml: {name}: quote these alternatives: {bad}")
        if name in norms:
            raise RuleError(f"patterns.yaml: {name} is also a normalization table; rename one")
    filters = set(norms) | set(BUILTIN_FILTERS)
    rules, alternation, ids = [], [], set()
    for raw in rules_raw:
        rule, rx = _parse_rule(raw, lists, norms, filters, folder / "rules.yaml")
        if rule.id in ids:
            raise RuleError(f"rules.yaml: duplicate rule id {rule.id!r}")
        ids.add(rule.id)
        i = len(rules)
        rx = re.sub(r"\(\?P<([A-Za-z_]\w*)>", rf"(?P<r{i}_\1>", rx)
        alternation.append(rf"(?P<r{i}>{rx})(?!\w)")
        rules.append(rule)
    regex = _alternation(alternation)
    by_char = _dispatch([r.pattern for r in rules], alternation)
    lower = {name: {_norm_key(k): v for k, v in t.items()} for name, t in norms.items()}
    expanded = {name: _expand(f"%{name}", lists, norms, f"patterns.yaml: {name}") for name in lists}
    words = _load_yaml(folder / "words.yaml") or {}
    triggers, prefixes = (_word_set(words.get(k), norms, f"words.yaml: {k}") for k in ("triggers", "prefixes"))
    automaton = ahocorasick.Automaton()
    for w in triggers:
        automaton.add_word(w, len(w))
    automaton.make_automaton()
    return Ruleset(
        lang, lower, rules, regex, expanded, {r.id: r for r in rules}, automaton, frozenset(prefixes), by_char
    )


def _alternation(alternatives: list[str]) -> re.Pattern:
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def _dispatch(patterns: list[str], alternation: list[str]) -> dict[str, re.Pattern]:
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
                compiled[idx] = _alternation([alternation[i] for i in idx])
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


def _word_set(entries, norms: dict, where: str) -> set[str]:
    """Lowercase words of a words.yaml list; "%table" adds the words of a table's keys."""
    if not isinstance(entries, list) or not entries:
        raise RuleError(f"{where}: must be a non-empty list of words")
    out = set()
    for e in entries:
        e = str(e)
        if e.startswith("%"):
            if e[1:] not in norms:
                raise RuleError(f"{where}: unknown table {e}")
            keys = norms[e[1:]]
        else:
            keys = [e]
        for k in keys:
            out.update(w for w in re.split(r"[\s\-]+", k.lower().rstrip(".")) if w)
    return out
