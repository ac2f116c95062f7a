"""Mark every line of every article as body, caption or boilerplate.

Reads `articles` (article, text) and writes `blocks`: article, block_id, start,
end, kind ('body' | 'caption' | 'boilerplate'), reason. A block is one
non-empty line of the text, trimmed; `text[start:end]` is its content. The
article text is never modified: junk is only marked, so offsets stay valid.

Web pages (and text copied from them) carry comment prompts, reaction and
share buttons, cookie banners, related-post lists and repeated paragraphs.
None of that may become an event, so it is marked 'boilerplate' with the
reason that caught it. Photo captions are kept as 'caption': they often date
real events, but the dashboard hides them by default. The patterns live in
`resources/boilerplate.yaml`.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.loading import RESOURCES, ResourceError, cached, read_yaml
from pipeline.schema import BLOCKS, from_columns, new_columns

DEFAULT_BOILERPLATE = RESOURCES / "boilerplate.yaml"

_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")
# Quotes, apostrophes and brackets ignored when comparing lines (str.translate is
# much faster than a regex over every line).
_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation + "“”‘’«»„‹›–—…\u00a0"})
# A line that ends like a sentence (closing quotes and brackets allowed after it).
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")


@dataclass(frozen=True)
class Rules:
    """The compiled contents of boilerplate.yaml (all matched against lowercased lines)."""

    whole_line: tuple[tuple[str, re.Pattern], ...]
    contains_any: re.Pattern
    contains: tuple[tuple[str, re.Pattern], ...]
    glued_date: re.Pattern
    caption_start: re.Pattern
    caption_end: re.Pattern
    edge_max_words: int
    site_name_max_words: int


# An unescaped capital letter: patterns are matched against lowercased lines
# (case-insensitive matching is 4x slower), so they must be written in lowercase.
_CAPITAL = re.compile(r"(?<!\\)[A-Z]")
#: How much of a line's end a photo credit can take, in characters.
CREDIT_TAIL = 200


class BoilerplateError(ResourceError):
    """boilerplate.yaml (or the file given instead) is malformed; the message names file and entry."""


def _alternation(patterns: list, where: str) -> str:
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
        raise BoilerplateError(f"{where} must be a non-empty list of strings")
    for p in patterns:
        if _CAPITAL.search(p):
            raise BoilerplateError(f"{where}: write pattern {p!r} in lowercase (lines are lowercased)")
        try:
            re.compile(p)
        except re.error as err:
            raise BoilerplateError(f"{where}: bad pattern {p!r}: {err}") from None
    return "|".join(f"(?:{p})" for p in patterns)


def _compile_reasons(section: dict, where: str, template: str) -> tuple[tuple[str, re.Pattern], ...]:
    if not isinstance(section, dict) or not section:
        raise BoilerplateError(f"{where} must map reasons to lists of patterns")
    return tuple(
        (reason, re.compile(template.format(_alternation(pats, f"{where}.{reason}"))))
        for reason, pats in section.items()
    )


@cached(maxsize=4)
def load_boilerplate(path: Path | str = DEFAULT_BOILERPLATE) -> Rules:
    """Read and compile the boilerplate rules once; a malformed file fails loudly."""
    name = Path(path).name
    try:
        data = read_yaml(path)
    except ResourceError as exc:
        raise BoilerplateError(str(exc)) from exc
    missing = {"whole_line", "contains", "glued_date", "caption", "edges"} - set(data or {})
    if missing:
        raise BoilerplateError(f"{name}: missing sections {sorted(missing)}")
    whole_line = _compile_reasons(data["whole_line"], f"{name}: whole_line", r"^(?:{})$")
    contains = _compile_reasons(data["contains"], f"{name}: contains", r"{}")
    caption, edges = data["caption"], data["edges"]
    words = caption.get("credit_words") if isinstance(caption, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise BoilerplateError(f"{name}: caption.credit_words must be a list of words")
    credits = "|".join(re.escape(w.lower()) for w in words)
    # "(... via AP)" / "(ATTA KENARE / AFP)" at the end, or an unbracketed
    # "Name/AFP via Getty Images" tail after the caption's last sentence.
    credit = rf"\([^()]*\b(?:{credits})\b[^()]*\)\s*$|[.?!]\s+[^.()]{{0,80}}\b(?:{credits})\s*$"
    ends = _alternation(caption.get("line_ends"), f"{name}: caption.line_ends")
    return Rules(
        whole_line=whole_line,
        # One combined search first: most lines match nothing, and one pass is
        # much cheaper than one per reason.
        contains_any=re.compile("|".join(p.pattern for _, p in contains)),
        contains=contains,
        glued_date=re.compile(_alternation([data["glued_date"]], f"{name}: glued_date")),
        caption_start=re.compile(_alternation(caption.get("line_starts"), f"{name}: caption.line_starts")),
        caption_end=re.compile(f"{credit}|{ends}"),
        edge_max_words=int(edges["max_words"]),
        site_name_max_words=int(edges["site_name_max_words"]),
    )


def find_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line, trimmed of surrounding whitespace."""
    spans = []
    for m in _LINE.finditer(text):
        line = m.group()
        stripped = line.strip()
        if stripped:
            start = m.start() + (len(line) - len(line.lstrip()))
            spans.append((start, start + len(stripped)))
    return spans


def classify_line(line: str, rules: Rules, may_contain: bool = True) -> tuple[str, str]:
    """(kind, reason) of one line on its own, before looking at its neighbours.

    `may_contain=False` skips the `contains` search (the caller found no match in the whole text).
    """
    low = line.lower()
    for reason, pattern in rules.whole_line:
        if pattern.match(low):
            return "boilerplate", reason
    if rules.glued_date.match(low):
        return "boilerplate", "related post"
    if may_contain and rules.contains_any.search(low):
        return "boilerplate", next(reason for reason, pattern in rules.contains if pattern.search(low))
    if rules.caption_start.match(low) or rules.caption_end.search(low[-CREDIT_TAIL:]):
        return "caption", "photo credit"
    return "body", ""


def _is_short_unpunctuated(line: str, rules: Rules) -> bool:
    return not _SENTENCE_END.search(line) and len(_WORD.findall(line)) <= rules.edge_max_words


def _mark_edges(lines: list[str], kinds: list[list[str]], rules: Rules) -> None:
    """Mark headings, site names and widget labels before the first and after the last sentence."""
    # Leading lines: stop at the first line that reads like a sentence.
    for i, line in enumerate(lines):
        if kinds[i][0] == "boilerplate":
            continue
        if kinds[i][0] != "body" or not _is_short_unpunctuated(line, rules):
            break
        few = len(_WORD.findall(line)) <= rules.site_name_max_words
        kinds[i] = ["boilerplate", "site name" if i == 0 and few else "short line at start"]
    # Trailing lines, walking back; a title next to a related post is one too.
    for i in range(len(lines) - 1, -1, -1):
        if kinds[i][0] == "boilerplate":
            continue
        if kinds[i][0] != "body" or not _is_short_unpunctuated(lines[i], rules):
            break
        next_reason = kinds[i + 1][1] if i + 1 < len(lines) else ""
        kinds[i] = ["boilerplate", "related post" if next_reason == "related post" else "short line at end"]


def _mark_related_tail(lines: list[str], kinds: list[list[str]], rules: Rules) -> None:
    """A related-post list runs from its first dated item to the end of the article.

    Only when every line after that item is junk or another short title, so a
    glued date inside real text cannot swallow the paragraphs after it.
    """
    first = next((i for i, k in enumerate(kinds) if k[1] == "related post"), None)
    if first is None:
        return
    tail = range(first, len(lines))
    if all(kinds[i][0] == "boilerplate" or _is_short_unpunctuated(lines[i], rules) for i in tail):
        for i in tail:
            if kinds[i][0] != "boilerplate":
                kinds[i] = ["boilerplate", "related post"]
    # The title before the first dated item lost its own date to that item.
    i = first - 1
    if i >= 0 and kinds[i][0] == "body" and _is_short_unpunctuated(lines[i], rules):
        kinds[i] = ["boilerplate", "related post"]


def _mark_duplicates(lines: list[str], kinds: list[list[str]]) -> None:
    """A line whose words repeat an earlier kept line is a second copy.

    Words only, so a copy that differs in quotes, apostrophes or brackets
    ("Syria's" / "Syria’s", "(Photo/AFP)" / "Photo/AFP") still counts.
    """
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if kinds[i][0] == "boilerplate":
            continue
        key = " ".join(line.lower().translate(_PUNCTUATION).split())
        if not key:
            continue
        if key in seen:
            kinds[i] = ["boilerplate", "duplicate"]
        else:
            seen.add(key)


def mark_text(text: str, rules: Rules | None = None) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, reason) for every non-empty line of one article text."""
    rules = rules or load_boilerplate()
    spans = find_lines(text)
    lines = [text[s:e] for s, e in spans]
    # One search of the whole text decides whether any line can hold a cookie or comment notice.
    may_contain = rules.contains_any.search(text.lower()) is not None
    kinds = [list(classify_line(line, rules, may_contain)) for line in lines]
    _mark_related_tail(lines, kinds, rules)
    _mark_edges(lines, kinds, rules)
    _mark_duplicates(lines, kinds)
    return [(s, e, k, r) for (s, e), (k, r) in zip(spans, kinds)]


def mark_blocks(articles: pd.DataFrame, rules: Rules | None = None) -> pd.DataFrame:
    """One row per non-empty line of each article: body, caption or boilerplate, and why."""
    rules = rules or load_boilerplate()
    rows = new_columns(BLOCKS)
    for article, text in zip(articles["article"], articles["text"]):
        if not isinstance(text, str):
            continue
        for block_id, (start, end, kind, reason) in enumerate(mark_text(text, rules)):
            rows["article"].append(article)
            rows["block_id"].append(block_id)
            rows["start"].append(start)
            rows["end"].append(end)
            rows["kind"].append(kind)
            rows["reason"].append(reason or pd.NA)
    return from_columns(rows, BLOCKS)
