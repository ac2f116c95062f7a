"""Stage 4: find temporal expressions and give each a TIMEX3 value.

Reads `sentences` (article, sentence_id, start, text) and writes `timexes`:
article, sentence_id, start, end (article offsets), text, type
(DATE|TIME|DURATION|SET), value (TIMEX3, or a placeholder such as
"UNDEF-weekday-2-last" that `pipeline.resolve` fills from the publication
date), mod (START, END, APPROX, ... or <NA>) and rule (the rule id in
resources/timex/<lang>/rules.yaml that produced the row).

The rules are data (see `pipeline.timex_rules`); this module only runs them,
adds the sentence's tense (so "in March" is the next March in "elections will
be held in March") and offers the string-level API `find_timexes` and the
command line `python -m pipeline.timex --dct YYYY-MM-DD FILE`.
"""

from __future__ import annotations

import argparse
import bisect
import functools
import json
import re
import sys

import pandas as pd

from pipeline import resolve
from pipeline.timex_match import Candidate, match_rules
from pipeline.timex_rules import load_rules

TIMEX_COLUMNS = ["article", "sentence_id", "start", "end", "text", "type", "value", "mod", "rule"]
# A clause ends at . ! ? ; (before closing quotes: "in the spring.'' The") or a line break.
# (One character class first: the scan over a whole article stays fast.)
_SENTENCE_END = re.compile(r"[.!?;\n\x00](?:(?<=[.!?;])[\"'’”)]*\s|(?<=[\n\x00]))")


@functools.lru_cache(maxsize=8)
def _cue(lang: str, name: str) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + load_rules(lang).lists[name] + r")(?!\w)", re.IGNORECASE)


def _tense_finder(text: str, lang: str):
    """Tense of the clause around a position: 'future', 'past' or 'none' (no cue either way)."""
    future, past = _cue(lang, "future_cue"), _cue(lang, "past_cue")
    ends: list[int] = []

    def tense(pos: int) -> str:
        if not ends:  # clause ends, computed once per text on first use
            ends.extend([m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1])
        i = bisect.bisect_right(ends, pos)
        left = ends[i - 1] if i else 0
        # Only a cue before the date and after the last comma counts: in "said
        # Friday that he would seek" or "they would appeal the decision,
        # announced Wednesday", "would" is not about the day. A past cue
        # between it and the date is nearer: "it will begin ... since he was
        # rescued in late November".
        cue = None
        for cue in future.finditer(text, max(left, text.rfind(",", left, pos) + 1), pos):
            pass
        if cue and not any(_finite(text, m.start()) for m in past.finditer(text, cue.end(), pos)):
            return "future"
        return "past" if past.search(text, left, ends[i]) else "none"

    return tense


_PARTICIPLE_BEFORE = re.compile(r"\b(?:be|been|being)\s+(?:\w+\s+)?\Z", re.IGNORECASE)


def _finite(text: str, start: int) -> bool:
    """A past cue that is not a participle: "would be held" is no past."""
    return not _PARTICIPLE_BEFORE.search(text, max(0, start - 20), start)


def scan(text: str, lang: str = "en", removed: list | None = None) -> list[Candidate]:
    """All rule matches in `text`, left to right, values possibly placeholders."""
    return match_rules(load_rules(lang), text, _tense_finder(text, lang), removed)


def _as_dict(c: Candidate, text: str) -> dict:
    return {
        "start": c.start,
        "end": c.end,
        "text": text[c.start : c.end],
        "type": c.type,
        "value": c.value,
        "mod": c.mod or None,
        "rule": c.rule,
    }


def find_timexes(text: str, dct: str | None, lang: str = "en") -> list[dict]:
    """Temporal expressions in `text` with resolved TIMEX3 values (dct: YYYY-MM-DD or None).

    Each dict has start, end (offsets into `text`), text, type, value, mod, rule.
    """
    rows = [_as_dict(c, text) for c in scan(text, lang)]
    resolved = resolve.resolve_values(rows, dct)
    for row, res in zip(rows, resolved):
        row["value"] = res.value
    return rows


_GAP = "\x00"  # fills the text between sentences: no rule matches across it


def _article_texts(sentences: pd.DataFrame):
    """Per article: its sentences laid out at their offsets in one string (from the first one's start).

    Scanning one string per article instead of one per sentence saves the
    per-call overhead; the gap character keeps matches inside sentences.
    Yields (article, text, base offset, sentence starts, sentence ids).
    """
    current, parts, starts, ids, base, pos = None, [], [], [], 0, 0
    for article, sid, start, text in zip(
        sentences["article"], sentences["sentence_id"], sentences["start"], sentences["text"]
    ):
        if article != current or start < pos:  # a new article, or sentences out of order
            if current is not None:
                yield current, "".join(parts), base, starts, ids
            current, parts, starts, ids, base, pos = article, [], [], [], start, start
        parts.append(_GAP * (start - pos))
        parts.append(text)
        starts.append(start)
        ids.append(sid)
        pos = start + len(text)
    if current is not None:
        yield current, "".join(parts), base, starts, ids


def tag_timexes(sentences: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One row per temporal expression in each sentence (values may be placeholders)."""
    cols: dict[str, list] = {c: [] for c in TIMEX_COLUMNS}
    for article, text, base, starts, ids in _article_texts(sentences):
        for c in scan(text, lang):
            i = bisect.bisect_right(starts, base + c.start) - 1
            cols["article"].append(article)
            cols["sentence_id"].append(ids[i])
            cols["start"].append(base + c.start)
            cols["end"].append(base + c.end)
            cols["text"].append(text[c.start : c.end])
            cols["type"].append(c.type)
            cols["value"].append(c.value)
            cols["mod"].append(c.mod or None)
            cols["rule"].append(c.rule)
    df = pd.DataFrame(cols)
    return df.astype(
        {
            "article": "string",
            "sentence_id": "Int64",
            "start": "Int64",
            "end": "Int64",
            "text": "string",
            "type": "string",
            "value": "string",
            "mod": "string",
            "rule": "string",
        }
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: print the temporal expressions of a text file as JSON lines."""
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.timex",
        description="Find dates and times in a UTF-8 text file and print one JSON object per "
        "expression: start and end (character offsets into the file's text), text, "
        "type (DATE, TIME, DURATION, SET), value (ISO-TimeML TIMEX3, e.g. 2024-12-08, "
        "2024-W50, P3D) and mod (START, END, APPROX, ... when present).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  python -m pipeline.timex --dct 2024-12-08 data/articles/000_1f2452ad623888d7.txt\n\n"
        "Relative expressions ('last Tuesday', 'in July') are resolved against --dct,\n"
        "the publication date; without it they keep unknown digits (XXXX-07).\n"
        "Rules live in pipeline/resources/timex/en/; --rules shows which one fired.",
    )
    parser.add_argument("file", help="text file to read ('-' reads standard input)")
    parser.add_argument("--dct", help="publication date YYYY-MM-DD used to resolve relative dates")
    parser.add_argument("--rules", action="store_true", help="also print the id of the rule that found each expression")
    args = parser.parse_args(argv)
    if args.dct and not re.fullmatch(r"\d{4}-\d\d-\d\d", args.dct):
        parser.error(f"--dct must look like 2024-12-08, not {args.dct!r}")
    try:
        text = sys.stdin.read() if args.file == "-" else open(args.file, encoding="utf-8", newline="").read()
    except OSError as exc:
        parser.error(f"cannot read {args.file}: {exc}")
    for t in find_timexes(text, args.dct):
        out = {k: t[k] for k in ("start", "end", "text", "type", "value")}
        if t["mod"]:
            out["mod"] = t["mod"]
        if args.rules:
            out["rule"] = t["rule"]
        print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
