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
filter (`pipeline.timex.filters`), and `{group|filter=default}` gives
`default` when the group is absent (else ""); `{TENSE}` and a default TENSE
give the sentence's tense (past, future or none).

All rules compile into one alternation (per possible first character, see
`pipeline.timex.compile`); at one position the first rule in file order that
matches wins, so negative rules come first. `pipeline.timex.match` runs it.
Everything is validated at load with errors that name the file and rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from pipeline.loading import RESOURCES, ResourceError, cached, read_yaml
from pipeline.timex.compile import Dispatch, table_regex, trie
from pipeline.timex.filters import BUILTIN_FILTERS

#: The rule folder of a language; `load_rules(path)` takes another one.
DEFAULT_RULES = RESOURCES / "timex" / "en"
TYPES = ("DATE", "TIME", "DURATION", "SET")
#: Pattern lists every language needs: the cues of a clause's tense (`pipeline.timex.tense`).
TENSE_LISTS = ("future_cue", "past_cue")
RULE_KEYS = {"id", "type", "pattern", "value", "mod", "parts", "ordered", "examples", "counterexamples", "note"}
_REF = re.compile(r"%([a-z_]+)")
FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([a-z_0-9]+))?(?:=([^}]*))?\}")


class RuleError(ResourceError):
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
    ordered: bool = False  # the parts are a span, first to last: see match._in_order


@dataclass
class Ruleset:
    lang: str
    norms: dict[str, dict[str, str]]
    rules: list[Rule]
    by_char: Dispatch = field(repr=False)  # first char -> the alternation of the rules that can start so
    lists: dict[str, str] = field(default_factory=dict)  # pattern name -> expanded regex
    by_id: dict[str, Rule] = field(default_factory=dict)
    triggers: ahocorasick.Automaton | None = None  # lowercase trigger words
    prefixes: frozenset = frozenset()
    _cues: dict[str, re.Pattern] = field(default_factory=dict, repr=False)

    def regex_at(self, char: str) -> re.Pattern | None:
        return self.by_char.get(char)

    def normalize(self, table: str, word: str) -> str | None:
        return self.norms[table].get(_norm_key(word))

    def cue(self, name: str) -> re.Pattern:
        """A pattern list as a whole-word, case-blind regex (compiled once per rule set)."""
        if name not in self._cues:
            self._cues[name] = re.compile(r"(?<!\w)(?:" + self.lists[name] + r")(?!\w)", re.IGNORECASE)
        return self._cues[name]


def _norm_key(word: str) -> str:
    return " ".join(word.lower().split()).rstrip(".")


_PLAIN = re.compile(r"[A-Za-z0-9 '’-]+")


def _expand(pattern: str, lists: dict[str, list[str]], norms: dict, where: str, depth: int = 0) -> str:
    if depth > 5:
        raise RuleError(f"{where}: %references nest too deep (a cycle?)")

    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name in lists:
            if all(_PLAIN.fullmatch(a) for a in lists[name]):
                return f"(?:{trie(sorted(set(lists[name])))})"
            alts = [_expand(a, lists, norms, f"{where} -> %{name}", depth + 1) for a in lists[name]]
        elif name in norms:
            return table_regex(norms[name])
        else:
            raise RuleError(f"{where}: unknown %{name} (not in patterns.yaml or normalizations.yaml)")
        return "(?:" + "|".join(alts) + ")"

    return _REF.sub(sub, pattern)


def _load_yaml(path: Path):
    try:
        return read_yaml(path)
    except ResourceError as exc:
        raise RuleError(str(exc)) from exc


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
    ordered = raw.get("ordered", False)
    if not isinstance(ordered, bool) or (ordered and len(parts) < 2):
        raise RuleError(f"{where}: ordered is true or false, and true only for a rule with two or more parts")
    rule = Rule(str(raw["id"]), rtype, rx, value, str(raw.get("mod", "")), tuple(parts), examples, counter, ordered)
    return rule, rx


@cached(maxsize=4)
def load_rules(path: Path | str = DEFAULT_RULES) -> Ruleset:
    """Load, validate and compile the rule files of one language folder (cached per process)."""
    folder = Path(path)
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
    missing = [name for name in TENSE_LISTS if name not in lists]
    if missing:
        raise RuleError(f"patterns.yaml: {' and '.join(missing)} missing (the cues of a clause's tense)")
    filters = set(norms) | set(BUILTIN_FILTERS)
    rules: list[Rule] = []
    alternation: list[str] = []
    ids: set[str] = set()
    for raw in rules_raw:
        rule, rx = _parse_rule(raw, lists, norms, filters, folder / "rules.yaml")
        if rule.id in ids:
            raise RuleError(f"rules.yaml: duplicate rule id {rule.id!r}")
        ids.add(rule.id)
        i = len(rules)
        rx = re.sub(r"\(\?P<([A-Za-z_]\w*)>", rf"(?P<r{i}_\1>", rx)
        alternation.append(rf"(?P<r{i}>{rx})(?!\w)")
        rules.append(rule)
    by_char = Dispatch([r.pattern for r in rules], alternation)
    lower = {name: {_norm_key(k): v for k, v in t.items()} for name, t in norms.items()}
    expanded = {name: _expand(f"%{name}", lists, norms, f"patterns.yaml: {name}") for name in lists}
    words = _load_yaml(folder / "words.yaml") or {}
    triggers, prefixes = (_word_set(words.get(k), norms, f"words.yaml: {k}") for k in ("triggers", "prefixes"))
    automaton = ahocorasick.Automaton()
    for w in triggers:
        automaton.add_word(w, len(w))
    automaton.make_automaton()
    return Ruleset(
        folder.name, lower, rules, by_char, expanded, {r.id: r for r in rules}, automaton, frozenset(prefixes)
    )


def _word_set(entries, norms: dict, where: str) -> set[str]:
    """Lowercase words of a words.yaml list; "%table" adds the words of a table's keys."""
    if not isinstance(entries, list) or not entries:
        raise RuleError(f"{where}: must be a non-empty list of words")
    out: set[str] = set()
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
