"""Split the body and caption blocks of each article into sentences.

Reads `articles` (article, text) and `blocks` (article, start, end, kind) and
writes `sentences`: article, sentence_id (0, 1, ... per article in text
order), start, end (offsets into the article text, so that
`text[start:end] == sentence`, trimmed), text, caption (bool). Boilerplate
blocks are skipped, so junk never reaches the later stages.

sentencex does the splitting (rule-based, no model download, handles "U.S.",
"Gen." and quotes). It works per block, which keeps each call short. A few
splits it makes after news abbreviations are undone by the rules in
`resources/sentence_abbreviations.yaml`, and a photo credit in brackets that it
splits off a caption is put back on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sentencex import segment

from pipeline.loading import RESOURCES, ResourceError, cached, read_yaml
from pipeline.schema import SENTENCES, from_columns, new_columns

DEFAULT_ABBREVIATIONS = RESOURCES / "sentence_abbreviations.yaml"
LANGUAGE = "en"

# A fragment that is only a bracketed note, e.g. "(Omar Haj Kadour/AFP via Getty Images)".
_BRACKETED = re.compile(r"^\([^()]*\)$")
_LAST_TOKEN = re.compile(r"(\S+)$")
_FIRST_TOKEN = re.compile(r"^[\"'“‘(]*(\S+?)[,.;:]?(?:\s|$)")


@dataclass(frozen=True)
class MergeRules:
    """Abbreviations after which a split is undone, by condition on the next fragment."""

    titles: frozenset[str]
    before_number: frozenset[str]
    before_word: frozenset[str]
    next_words: frozenset[str]


class AbbreviationError(ResourceError):
    """sentence_abbreviations.yaml (or the file given instead) is malformed."""


@cached(maxsize=4)
def load_merge_rules(path: Path | str = DEFAULT_ABBREVIATIONS) -> MergeRules:
    """Read the abbreviation lists once; a malformed file fails loudly."""
    try:
        data = read_yaml(path) or {}
    except ResourceError as exc:
        raise AbbreviationError(str(exc)) from exc

    def words(value, where: str) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise AbbreviationError(f"{Path(path).name}: '{where}' must be a list of words")
        return frozenset(value)

    before_word = data.get("before_word") or {}
    return MergeRules(
        titles=words(data.get("titles"), "titles"),
        before_number=words(data.get("before_number"), "before_number"),
        before_word=words(before_word.get("abbreviations"), "before_word.abbreviations"),
        next_words=words(before_word.get("next_words"), "before_word.next_words"),
    )


def _should_merge(previous: str, fragment: str, rules: MergeRules) -> bool:
    """True when `fragment` continues `previous` rather than starting a sentence."""
    if _BRACKETED.match(fragment):
        return True
    first_char = fragment[0]
    if first_char.islower():
        return True
    last = _LAST_TOKEN.search(previous)
    if not last:
        return False
    abbreviation = last.group(1)
    if abbreviation in rules.titles:
        return True
    if abbreviation in rules.before_number and first_char.isdigit():
        return True
    if abbreviation in rules.before_word:
        first = _FIRST_TOKEN.match(fragment)
        return first is not None and first.group(1) in rules.next_words
    return False


def split_text(text: str, rules: MergeRules | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of one block of text, trimmed, offsets into `text`."""
    rules = rules or load_merge_rules()
    spans: list[tuple[int, int]] = []
    pos = 0
    for piece in segment(LANGUAGE, text):
        # sentencex yields consecutive pieces of the input, whitespace included.
        at = text.find(piece, pos)
        if at < 0:  # defensive: never expected, but offsets must stay right
            continue
        pos = at + len(piece)
        stripped = piece.strip()
        if not stripped:
            continue
        start = at + (len(piece) - len(piece.lstrip()))
        end = start + len(stripped)
        if spans and _should_merge(text[spans[-1][0] : spans[-1][1]], stripped, rules):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def split_sentences(articles: pd.DataFrame, blocks: pd.DataFrame, rules: MergeRules | None = None) -> pd.DataFrame:
    """One row per sentence of the body and caption blocks, with article offsets."""
    rules = rules or load_merge_rules()
    texts = dict(zip(articles["article"], articles["text"]))
    kept = blocks[blocks["kind"].isin(["body", "caption"])]
    rows = new_columns(SENTENCES)
    next_id: dict[str, int] = {}
    # Blocks come in text order per article (clean.mark_blocks), so ids follow the text.
    for article, start, end, kind in zip(kept["article"], kept["start"], kept["end"], kept["kind"]):
        text = texts.get(article)
        if not isinstance(text, str):
            continue
        block = text[start:end]
        for s, e in split_text(block, rules):
            sentence_id = next_id.get(article, 0)
            next_id[article] = sentence_id + 1
            rows["article"].append(article)
            rows["sentence_id"].append(sentence_id)
            rows["start"].append(start + s)
            rows["end"].append(start + e)
            rows["text"].append(block[s:e])
            rows["caption"].append(kind == "caption")
    return from_columns(rows, SENTENCES)
