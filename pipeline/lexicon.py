"""Event and certainty cue lists, loaded from data files and checked once.

The word lists live in `resources/event_types.yaml`, `resources/certainty.yaml`
and `resources/event_words.yaml` so an analyst can extend them without touching
code; this module turns them into token-tuple lookups. Loaders follow
`pipeline.loading`: `load_x(path=DEFAULT)`, cached, `LexiconError` (a
`ResourceError`) naming the file and the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline import loading
from pipeline.casing import lower
from pipeline.schema import QUAD_CLASSES

RESOURCES = loading.RESOURCES
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|n't")
_VOWELS = set("aeiou")


class LexiconError(loading.ResourceError):
    """A cue file is malformed; the message names the file and the entry."""


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased words with their offsets in `text`."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(lower(text))]


def inflect(verb: str) -> set[str]:
    """Regular English inflections of a verb lemma (over-generating is harmless)."""
    forms = {verb}
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in _VOWELS:
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
        return forms
    if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
        forms.add(verb + "es")
    else:
        forms.add(verb + "s")
    if verb.endswith("e"):
        forms |= {verb + "d", (verb if verb.endswith(("ee", "ye", "oe")) else verb[:-1]) + "ing"}
    else:
        forms |= {verb + "ed", verb + "ing"}
        if len(verb) >= 3 and verb[-1] not in _VOWELS | set("wxy") and verb[-2] in _VOWELS and verb[-3] not in _VOWELS:
            forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    return forms


@dataclass(frozen=True)
class EventLexicon:
    cues: dict[tuple[str, ...], tuple[str, str]]  # token tuple -> (event type, cue as written)
    quad: dict[str, str]  # event type -> quad class
    longest: int
    first_words: frozenset[str]  # a cheap test before any tuple is built
    past_forms: frozenset[str] = frozenset()  # irregular past forms ("met", "held")


class Phrases(frozenset):
    """A set of word tuples that also knows their first words and lengths, for fast scans."""

    first_words: frozenset[str]
    lengths: list[int]

    def __new__(cls, phrases):
        self = super().__new__(cls, phrases)
        self.first_words = frozenset(p[0] for p in self)
        self.lengths = sorted({len(p) for p in self})
        return self

    def starts_at(self, words: list[str], j: int) -> bool:
        return words[j] in self.first_words and any(tuple(words[j : j + n]) in self for n in self.lengths)


_NO_PHRASES = Phrases(())


@dataclass(frozen=True)
class CertaintyLexicon:
    negated: Phrases
    negated_window: int
    hedged: Phrases
    future: Phrases
    future_window: int
    attributed: Phrases
    background: Phrases = _NO_PHRASES
    background_window: int = 0
    perfect: Phrases = _NO_PHRASES
    perfect_window: int = 0
    standing: frozenset[str] = frozenset()
    lasting: Phrases = _NO_PHRASES
    lasting_window: int = 0


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(t for t, _, _ in tokens(text))


@loading.cached()
def load_event_lexicon(path: Path = RESOURCES / "event_types.yaml") -> EventLexicon:
    """Expand every cue into the token sequences it matches."""
    data = loading.read_yaml(path)
    if not isinstance(data, dict):
        raise LexiconError(path, "the top level must be a mapping")
    irregular: dict[str, str] = data.get("irregular", {}) or {}
    past_forms: dict[str, set[str]] = {}
    for form, lemma in irregular.items():
        past_forms.setdefault(lemma, set()).add(form)
    cues: dict[tuple[str, ...], tuple[str, str]] = {}
    quad: dict[str, str] = {}
    for etype, spec in (data.get("types") or {}).items():
        if not isinstance(spec, dict) or spec.get("quad") not in QUAD_CLASSES:
            raise LexiconError(path, f"'quad' must be one of {QUAD_CLASSES}", f"type {etype}")
        quad[etype] = spec["quad"]
        for cue in spec.get("cues") or []:
            if not isinstance(cue, str) or not cue.strip("= "):
                raise LexiconError(path, f"empty or non-text cue {cue!r}", f"type {etype}")
            if cue.startswith("="):
                words = _phrase(cue[1:])
                variants = {words, words[:-1] + (words[-1] + "s",)}
            else:
                words = _phrase(cue)
                heads = inflect(words[0]) | past_forms.get(words[0], set())
                variants = {(h,) + words[1:] for h in heads}
            for v in variants:
                # First type listed wins, so a cue shared by two types stays predictable.
                cues.setdefault(v, (etype, cue.lstrip("=")))
    if "STATEMENT" not in quad:
        raise LexiconError(path, "a STATEMENT type is required (the fallback for what is only said)")
    return EventLexicon(
        cues=cues,
        quad=quad,
        longest=max(len(k) for k in cues),
        first_words=frozenset(k[0] for k in cues),
        past_forms=frozenset(irregular),
    )


@loading.cached()
def load_certainty_lexicon(path: Path = RESOURCES / "certainty.yaml") -> CertaintyLexicon:
    data = loading.read_yaml(path)
    try:
        return CertaintyLexicon(
            negated=Phrases(_phrase(c) for c in data["negated"]["cues"]),
            negated_window=int(data["negated"]["window"]),
            hedged=Phrases(_phrase(c) for c in data["hedged"]["sentence"]),
            future=Phrases(_phrase(c) for c in data["future"]["cues"]),
            future_window=int(data["future"]["window"]),
            attributed=Phrases(_phrase(c) for c in data["attributed"]["sentence"]),
            background=Phrases(_phrase(c) for c in data["background"]["cues"]),
            background_window=int(data["background"]["window"]),
            perfect=Phrases(_phrase(c) for c in data["perfect"]["cues"]),
            perfect_window=int(data["perfect"]["window"]),
            standing=frozenset(str(w) for w in data.get("standing") or ()),
            lasting=Phrases(_phrase(c) for c in (data.get("lasting") or {}).get("cues", ())),
            lasting_window=int((data.get("lasting") or {}).get("window", 0)),
        )
    except (KeyError, TypeError) as exc:
        raise LexiconError(path, f"missing or malformed section {exc}") from exc


@dataclass(frozen=True)
class EventWords:
    """The English word lists of the event and merge stages (resources/event_words.yaml)."""

    title_lead: re.Pattern  # leading connectors a title drops ("Meanwhile, ...")
    date_preposition: re.Pattern  # a preposition left before a date cut out of a title
    stopwords: frozenset[str]
    verb_prefixes: frozenset[str] = frozenset()  # hyphened to a cue, still an act ("re-elected")
    reporter_words: frozenset[str] = frozenset()  # who "reports" in a broadcast's sign-off
    attributive_determiners: frozenset[str] = frozenset()  # "his 1996 campaign": a year naming a thing
    relative_clause: re.Pattern = re.compile(r"(?!)")  # ", which had been on patrol since March": about a noun
    question_words: frozenset[str] = frozenset()  # "was asked about ...": a question, no act
    background_phrase: re.Pattern = re.compile(r"(?!)")  # "following the collapse ... last week": an earlier act


def _alternation(phrases: list[str]) -> str:
    """A regex alternation of word phrases, longest first, any run of spaces between their words."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(phrases, key=len, reverse=True))


def _background_phrase(openers: list[str]) -> re.Pattern:
    """An opener, a determiner and the phrase up to the next comma, colon, semicolon, quote or the end."""
    if not openers:
        return re.compile(r"(?!)")
    alts = _alternation(openers)
    return re.compile(rf"\b(?:{alts})\s+(?:the|a|an|his|her|its|their|this|that)\b[^,;:“\"`]*", re.I)


def _relative_clause(openers: list[str], continuers: list[str]) -> re.Pattern:
    """A comma, an opener and the clause up to the next comma, colon, semicolon, quote or the sentence's end.

    A time clause set off inside it belongs to it: ", who lived in London from 1968, when the Soviets
    invaded Czechoslovakia," is one clause, so its act and its date stay together.
    """
    if not openers:
        return re.compile(r"(?!)")
    alts = _alternation(openers)
    part = r"[^,;:“\"`]*"
    more = "|".join(re.escape(w) for w in continuers) or "(?!)"
    return re.compile(rf",\s+(?:{alts})\b{part}(?:,\s+(?:{more})\b{part})*", re.I)


@loading.cached()
def load_event_words(path: Path = RESOURCES / "event_words.yaml") -> EventWords:
    data = loading.read_yaml(path)
    try:
        lead = "|".join(re.escape(str(w)) for w in data["title_lead"])
        preps = "|".join(re.escape(str(w)).replace(r"\ ", r"\s+") for w in data["date_prepositions"])
        return EventWords(
            title_lead=re.compile(rf"^(?:[\s,;:–—_-]+|(?:{lead})\b[\s,]*)+", re.I),
            date_preposition=re.compile(rf"(?:\b(?:{preps})\s+)$", re.I),
            stopwords=frozenset(str(w).lower() for w in data["merge_stopwords"]),
            verb_prefixes=frozenset(str(w).lower() for w in data["verb_prefixes"]),
            reporter_words=frozenset(str(w).lower() for w in data["reporter_words"]),
            attributive_determiners=frozenset(str(w).lower() for w in data["attributive_determiners"]),
            relative_clause=_relative_clause(
                [str(w) for w in data.get("relative_openers", [])],
                [str(w) for w in data.get("relative_continuers", [])],
            ),
            question_words=frozenset(str(w).lower() for w in data.get("question_words", [])),
            background_phrase=_background_phrase([str(w) for w in data.get("background_openers", [])]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LexiconError(path, f"missing or malformed section {exc}") from exc
