"""Actor stage: find the states, organizations, armed groups, people and places each sentence names.

Reads `sentences`: article, sentence_id, start, text and, if present, ref_date
(YYYY-MM-DD, for aliases valid in a period only: "the Kremlin" is the Soviet
Union in 1985). Writes `mentions`: article, sentence_id, start, end (offsets
into the article's text), text (as written), name (canonical), kind
('actor'|'person'|'location'|'source'), affiliation (a person's actor, else
<NA>) and source (the gazetteer entry, plus the rule that read a capital, or
the pipeline.names rule that found a name the gazetteer does not list).

The whole gazetteer is one Aho-Corasick automaton run over each folded
sentence (lowercased, accents and apostrophes unified, offsets unchanged);
matches are then kept only at word boundaries and where the text writes the
alias's capitals, and the longest non-overlapping ones win.

A capital is read from its neighbours, by the words in actors.yaml's
`capital_rule`, first rule that fires wins:
  1. a place word in the next three ("Damascus's Qudsayya district") -> the place
  2. a possessive ("Moscow's embassy")                   -> the state (metonym)
  3. a locative word before ("in", "to", "near", ...)    -> the place
  4. an action/speech word after ("said", "announced")   -> the state (metonym)
  5. otherwise (no locative preposition)                 -> the state (metonym)
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from pipeline import names
from pipeline.gazetteer import Gazetteer, Sense, fold, load_gazetteer
from pipeline.schema import MENTIONS, from_columns, new_columns

#: The MENTIONS table's columns (pipeline.schema).
COLUMNS = tuple(MENTIONS)
#: How far into an article its wire dateline can reach.
DATELINE_REACH = 120
_PREV_WORD = re.compile(r"(\w+)\s+(?:the\s+)?\Z")  # "at the Doha Forum" reads past "the"
_NEXT_WORDS = re.compile(r"(?:'s?)?\s*,?\s*(\w+)(?:\s+(\w+))?(?:\s+(\w+))?")


def match_actors(
    sentences: pd.DataFrame, gazetteer: Gazetteer | None = None, articles: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per actor, person or place mention in `sentences`, with article offsets.

    With `articles` (article, text), a wire dateline that cleaning set apart as a line
    of its own ("NAIROBI, Kenya (AP) _") still says whose an office named without a
    nationality is (see pipeline.names).
    """
    gazetteer = gazetteer or load_gazetteer()
    out = new_columns(MENTIONS)
    rules = names.load_name_rules()
    refs = sentences["ref_date"] if "ref_date" in sentences.columns else [None] * len(sentences)
    seen: dict[str, names.ArticleNames] = {}
    if articles is not None:
        for article, text in zip(articles["article"], articles["text"]):
            head = str(text)[:DATELINE_REACH] if isinstance(text, str) else ""
            if names.DATELINE.match(head):
                home = names.dateline_home(head, find_mentions(head, gazetteer, keep_ignored=True), rules)
                seen[article] = names.ArticleNames(home=home)
    for article, sid, s_start, text, ref in zip(
        sentences["article"], sentences["sentence_id"], sentences["start"], sentences["text"], refs
    ):
        ref = str(ref)[:10] if isinstance(ref, (str, dt.date)) and not pd.isna(ref) and str(ref) else None
        context = seen.setdefault(article, names.ArticleNames())
        found = names.find_names(text, find_mentions(text, gazetteer, ref, keep_ignored=True), context, rules)
        for start, end, name, kind, affiliation, source in found:
            if kind == "ignored":
                continue
            out["article"].append(article)
            out["sentence_id"].append(sid)
            out["start"].append(s_start + start)
            out["end"].append(s_start + end)
            out["text"].append(text[start:end])
            out["name"].append(name)
            out["kind"].append(kind)
            out["affiliation"].append(affiliation)
            out["source"].append(source)
    return from_columns(out, MENTIONS)


def find_mentions(
    text: str, gazetteer: Gazetteer, ref_date: str | None = None, keep_ignored: bool = False
) -> list[tuple]:
    """Mentions in one string: (start, end, name, kind, affiliation, source), in text order.

    With keep_ignored, an ignore_phrase ("Little Havana", "US$") is kept as a mention of kind
    'ignored', so the names stage does not read it as a name; match_actors drops them after.
    """
    folded = fold(text)
    size = len(folded)
    candidates = []
    for last, (length, senses, uppers) in gazetteer.automaton.iter(folded):
        start, end = last - length + 1, last + 1
        # Word boundaries: 'Iran' must not fire inside 'Iranian' or 'Tehran' inside 'Tehrani'.
        if (start and folded[start - 1].isalnum()) or (end < size and folded[end].isalnum()):
            continue
        # The alias's capitals must be capitals in the text: 'US' is not 'us', 'Turkey' is not 'turkey'.
        fitting = [s for s, up in zip(senses, uppers) if all(text[start + i].isupper() for i in up)]
        if fitting:
            candidates.append((start, end, fitting))
    candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
    taken = bytearray(size)
    chosen = []
    for start, end, senses in candidates:
        if taken.find(1, start, end) == -1:
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, senses))
    chosen.sort()
    mentions = []
    for start, end, senses in chosen:
        sense = _in_period(senses, ref_date)
        if sense is not None and sense.name:  # an ignore_phrase names nothing
            mentions.append((start, end, *_read(sense, folded, start, end, gazetteer)))
        elif sense is not None and keep_ignored:
            mentions.append((start, end, "", "ignored", None, sense.source))
    return mentions


def _in_period(senses: list[Sense], ref_date: str | None) -> Sense | None:
    """The sense valid on ref_date; without a date, the current one (no valid_to, else the latest)."""
    if ref_date:
        valid = [s for s in senses if (s.valid_from or "0001-01-01") <= ref_date <= (s.valid_to or "9999-12-31")]
        return valid[0] if valid else None
    return max(senses, key=lambda s: s.valid_to or "9999")


def _read(sense: Sense, folded: str, start: int, end: int, gaz: Gazetteer) -> tuple:
    """(name, kind, affiliation, source) of one mention; a capital is read as state or place."""
    entry = gaz.entries[sense.name]
    source = sense.source
    if sense.valid_from or sense.valid_to:
        source += f" (valid {sense.valid_from or '...'} to {sense.valid_to or '...'})"
    if sense.capital is None:
        return entry.name, entry.kind, entry.affiliation, source
    rule = _capital_rule(folded, start, end, gaz)
    if rule.startswith("location"):
        return sense.capital, "location", None, f"{source}; {rule}"
    return entry.name, entry.kind, None, f"{source}; {rule}"


def _capital_rule(folded: str, start: int, end: int, gaz: Gazetteer) -> str:
    """Which rule reads this capital: 'metonym: ...' (the state) or 'location: ...' (the place)."""
    nxt = _NEXT_WORDS.match(folded, end)
    place = next((w for w in nxt.groups() if w in gaz.location_after), None) if nxt else None
    if place:  # within three words: "Damascus's Qudsayya district"
        return f"location: before '{place}'"
    if folded.startswith("'s", end) or (folded.startswith("'", end) and folded[end - 1] == "s"):
        return "metonym: possessive"
    prev = _PREV_WORD.search(folded, max(0, start - 40), start)
    if prev and prev.group(1) in gaz.locative_before:
        return f"location: after '{prev.group(1)}'"
    if nxt and nxt.group(1) in gaz.actor_after:
        return f"metonym: before '{nxt.group(1)}'"
    return "metonym: no locative preposition"
