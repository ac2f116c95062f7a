"""The date-rule engine: loads the rule files of a language and matches them.

HeidelTime's design: the engine never changes when rules change. A language
folder under `pipeline/resources/timex/<lang>/` holds three YAML files:

- normalizations.yaml  tables word -> value ("Dec." -> "12"),
- patterns.yaml        named lists of regex alternatives, one per line,
- rules.yaml           rules: id, type, pattern, value, mod, examples,
                       counterexamples; `value: REMOVE` makes a negative rule
                       that discards a look-alike ("Theresa May").

In a pattern, `%name` expands to a pattern list or to the keys of a
normalization table, longest first. Matching ignores case, except for tables
whose keys are all capitalized (month and weekday names: the verb "may" is
not May) and inside (?-i:...). In a value, `{group}` inserts a named group's
text, `{group|filter}` passes it through a normalization table or a built-in
filter (int2, int4, year4, number, decade, century, clock), and
`{group|filter=default}` gives `default` when the group is absent (else ""). Rules are tried in file order at each position (the earliest
listed wins), so longer and negative rules come first. All rules run as one
compiled alternation: one pass over the text, whatever the number of rules.
Everything is validated at load with errors that name the file and rule.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

RESOURCES = Path(__file__).parent / "resources" / "timex"
TYPES = ("DATE", "TIME", "DURATION", "SET")
RULE_KEYS = {"id", "type", "pattern", "value", "mod", "parts", "examples", "counterexamples", "note"}
_REF = re.compile(r"%([a-z_]+)")
_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([a-z_0-9]+))?(?:=([^}]*))?\}")


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


@dataclass(frozen=True)
class Candidate:
    """A rule match: offsets into the scanned text, value may be a placeholder."""
    start: int
    end: int
    type: str
    value: str
    mod: str
    rule: str


@dataclass
class Ruleset:
    lang: str
    norms: dict[str, dict[str, str]]
    rules: list[Rule]
    regex: re.Pattern = field(repr=False)
    lists: dict[str, str] = field(default_factory=dict)  # pattern name -> expanded regex
    by_id: dict[str, Rule] = field(default_factory=dict)

    def normalize(self, table: str, word: str) -> str | None:
        return self.norms[table].get(_norm_key(word))


def _norm_key(word: str) -> str:
    return " ".join(word.lower().split()).rstrip(".")


def _literal(key: str) -> str:
    return re.escape(key).replace("\\ ", " ").replace(" ", r"\s+")


def _table_regex(keys) -> str:
    """A table's keys as one alternation; capitalized tables (month names) match case-sensitively."""
    keys = sorted(keys, key=len, reverse=True)
    alts = "|".join(_literal(k) for k in keys)
    proper = all(k[:1].isupper() for k in keys)
    return f"(?-i:{alts})" if proper else f"(?:{alts})"


def _expand(pattern: str, lists: dict[str, list[str]], norms: dict, where: str, depth: int = 0) -> str:
    if depth > 5:
        raise RuleError(f"{where}: %references nest too deep (a cycle?)")

    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name in lists:
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
    for m in _FIELD.finditer(template):
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
    regex = re.compile(r"(?<![\w])(?:" + "|".join(alternation) + ")", re.IGNORECASE)
    lower = {name: {_norm_key(k): v for k, v in t.items()} for name, t in norms.items()}
    expanded = {name: _expand(f"%{name}", lists, norms, f"patterns.yaml: {name}") for name in lists}
    return Ruleset(lang, lower, rules, regex, expanded, {r.id: r for r in rules})


# --- value filters -------------------------------------------------------

def _number(rs: Ruleset, s: str) -> str:
    s = s.replace(",", "").strip()
    if s.replace(".", "", 1).isdigit():
        return s
    hit = rs.normalize("number", s)
    if hit is not None:
        return hit
    tens, _, ones = s.lower().partition("-")  # "twenty-five"
    t, o = rs.normalize("number", tens), rs.normalize("number", ones)
    if t and o and t.isdigit() and o.isdigit():
        return str(int(t) + int(o))
    return "X"


def _year4(rs: Ruleset, s: str) -> str:
    digits = s.strip("'’ ")
    if len(digits) == 2:  # '98: pivot at 30, news corpora span 1930-2029
        return ("19" if int(digits) >= 30 else "20") + digits
    return digits


def _clock(rs: Ruleset, s: str) -> str:
    """'2 p.m.', '2:30pm', '14:00', 'noon' -> 'HH:MM'."""
    word = rs.normalize("clock_word", s)
    if word:
        return word
    m = re.match(r"(\d{1,2})(?:[:.](\d\d))?\s*([ap])?", s.lower())
    if not m:
        return "XX:XX"
    hour, minute = int(m.group(1)), m.group(2) or "00"
    if m.group(3) == "p" and hour < 12:
        hour += 12
    elif m.group(3) == "a" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute}"


BUILTIN_FILTERS: dict[str, Callable[[Ruleset, str], str]] = {
    "int2": lambda rs, s: f"{int(re.sub(r'[^0-9]', '', s)):02d}",
    "int4": lambda rs, s: f"{int(re.sub(r'[^0-9]', '', s)):04d}",
    "year4": _year4,
    "number": _number,
    "decade": lambda rs, s: re.sub(r"[^0-9]", "", s)[:3],  # "1990s" -> "199"
    "century": lambda rs, s: f"{int(re.sub(r'[^0-9]', '', s) or rs.normalize('ordinal', s) or 1) - 1:02d}",
    "clock": _clock,
    "lower": lambda rs, s: s.lower(),
}


def render(rs: Ruleset, template: str, groups: Callable[[str], str | None], tense: Callable[[], str]) -> str:
    """Fill a value template from a match's groups (and the sentence's tense)."""
    if "{" not in template:
        return template

    def sub(m: re.Match) -> str:
        name, filt, default = m.groups()
        text = tense() if name == "TENSE" else groups(name)
        if not text:
            return default or ""
        if not filt:
            return text
        if filt in BUILTIN_FILTERS:
            return BUILTIN_FILTERS[filt](rs, text)
        hit = rs.normalize(filt, text)
        return hit if hit is not None else "X"

    return _FIELD.sub(sub, template)


def match_rules(rs: Ruleset, text: str, tense: Callable[[int], str], removed: list | None = None) -> list[Candidate]:
    """Run every rule over `text` in one pass; `removed` collects negative-rule hits."""
    out = []
    for m in rs.regex.finditer(text):
        i = int(m.lastgroup[1:])
        rule = rs.rules[i]
        if rule.value == "REMOVE":
            if removed is not None:
                removed.append((m.start(), m.end(), rule.id))
            continue
        prefix = f"r{i}_"

        def groups(name: str, m=m, prefix=prefix) -> str | None:
            return m.group(prefix + name)

        def tense_at(start=m.start()) -> str:
            return tense(start)

        if rule.parts:
            for group, value, rtype, mod in rule.parts:
                s, e = m.span(prefix + group)
                out.append(Candidate(s, e, rtype, render(rs, value, groups, tense_at),
                                     render(rs, mod, groups, tense_at), rule.id))
        else:
            out.append(Candidate(m.start(), m.end(), rule.type, render(rs, rule.value, groups, tense_at),
                                 render(rs, rule.mod, groups, tense_at), rule.id))
    return out
