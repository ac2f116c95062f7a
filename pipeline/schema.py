"""The output tables: every column's name, dtype and meaning, in one place.

The writer orders and casts columns from here, the tests check the tables
against it, and a test keeps the README's column list in step with it.
"""
from __future__ import annotations

import pandas as pd

#: Allowed values of the categorical columns, so writer, tests and UI agree.
PRECISIONS = ("day", "week", "month", "season", "quarter", "year", "decade", "century")
DATE_BASES = ("explicit", "relative to publication", "relative to text", "inferred", "caption")
CERTAINTIES = ("asserted", "attributed", "hedged", "future", "negated")
QUAD_CLASSES = ("neutral", "verbal cooperation", "material cooperation", "verbal conflict", "material conflict")

# name -> (dtype, meaning). Order is the column order of the written table.
EVENTS: dict[str, tuple[str, str]] = {
    "event_id": ("string", "Stable id: a hash of date, event type, actors and the first evidence's text; same input, same id."),
    "date": ("string", "Start of the event's date as YYYY-MM-DD (first day of the month/year for coarser precision)."),
    "date_end": ("string", "Last day the date can mean, YYYY-MM-DD (same as `date` for day precision)."),
    "precision": ("string", "How exact the date is: " + ", ".join(PRECISIONS) + "."),
    "timex": ("string", "The normalized TIMEX3 value, e.g. 2024-12-08, 2024-12, 2024-W50, 2015."),
    "date_text": ("string", "The date as written in the evidence, e.g. 'last Tuesday'."),
    "date_basis": ("string", "How the date was resolved: " + ", ".join(DATE_BASES) + "."),
    "date_note": ("string", "One line explaining the date, e.g. \"'last Tuesday', relative to publication 2025-02-02\"."),
    "title": ("string", "A short title cut from the evidence sentence."),
    "evidence": ("string", "The sentence that states the event (from the first source)."),
    "event_type": ("string", "PLOVER event type (AGREE, CONSULT, ..., ASSAULT, or STATEMENT)."),
    "quad_class": ("string", "PLOVER quad class: " + ", ".join(QUAD_CLASSES) + "."),
    "actors": ("string", "Canonical states, organizations and armed groups involved, ';'-joined."),
    "people": ("string", "Named persons involved, as 'Name (Affiliation)', ';'-joined."),
    "locations": ("string", "Places named in the evidence (cities, bases), ';'-joined."),
    "certainty": ("string", "How the source states it: " + ", ".join(CERTAINTIES) + "."),
    "caption": ("boolean", "True when every evidence sentence is a photo caption (hidden by default in the dashboard)."),
    "sources": ("Int64", "Number of distinct articles that report the event."),
    "articles": ("string", "The reporting articles' files, ';'-joined."),
    "article": ("string", "The file of the first (representative) evidence."),
    "published": ("string", "Publication date of `article`, YYYY-MM-DD."),
    "char_start": ("Int64", "Start offset of the evidence sentence in `article`'s text."),
    "char_end": ("Int64", "End offset (exclusive) of the evidence sentence in `article`'s text."),
}

# One row per evidence sentence of a merged event: nothing reported is lost.
EVIDENCE: dict[str, tuple[str, str]] = {
    "event_id": ("string", "The merged event this sentence supports."),
    "article": ("string", "Source file."),
    "published": ("string", "Publication date of the article, YYYY-MM-DD."),
    "char_start": ("Int64", "Start offset of the sentence in the article's text."),
    "char_end": ("Int64", "End offset (exclusive)."),
    "evidence": ("string", "The sentence."),
    "date": ("string", "Date as this source gives it (start)."),
    "date_end": ("string", "Date as this source gives it (end)."),
    "precision": ("string", "Precision of this source's date."),
    "timex": ("string", "TIMEX3 value in this source."),
    "date_text": ("string", "Date as written in this source."),
    "date_basis": ("string", "How this source's date was resolved."),
    "date_note": ("string", "Explanation of this source's date."),
    "event_type": ("string", "Event type found in this sentence."),
    "actors": ("string", "Actors found in this sentence, ';'-joined."),
    "people": ("string", "People found in this sentence, ';'-joined."),
    "locations": ("string", "Places found in this sentence, ';'-joined."),
    "certainty": ("string", "Certainty of this sentence."),
    "caption": ("boolean", "True when the sentence is a photo caption."),
    "trigger": ("string", "The verb or noun cue that made it an event (for tracing)."),
    "rule": ("string", "The date rule that produced the date (for tracing)."),
}

# The articles as read, so the dashboard can show evidence in its paragraph.
ARTICLES: dict[str, tuple[str, str]] = {
    "article": ("string", "File name inside the articles folder."),
    "title": ("string", "Title from the manifest or the page."),
    "source": ("string", "Publisher from the manifest or the page."),
    "url": ("string", "URL from the manifest or the page."),
    "published": ("string", "Publication date used to resolve relative dates, YYYY-MM-DD."),
    "published_basis": ("string", "Where the publication date came from: manifest, page metadata, inferred from text, or missing."),
    "published_note": ("string", "Note on the publication date: the manifest's note, or which page metadata gave it."),
    "format": ("string", "txt or html."),
    "text": ("string", "The article's text (for web pages, the extracted text); all offsets point into it."),
}

TABLES = {"events": EVENTS, "evidence": EVIDENCE, "articles": ARTICLES}


def empty(table: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes (for corpora with no events)."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, (dtype, _) in table.items()})


def conform(df: pd.DataFrame, table: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Order and cast `df` to the table's schema; a missing column is a bug, so it raises."""
    missing = [c for c in table if c not in df.columns]
    if missing:
        raise KeyError(f"missing columns: {missing}")
    return df[list(table)].astype({name: dtype for name, (dtype, _) in table.items()})


def markdown_table(table: dict[str, tuple[str, str]]) -> str:
    """The table's columns as Markdown, for the README."""
    lines = ["| column | type | meaning |", "|---|---|---|"]
    lines += [f"| `{name}` | {dtype} | {meaning.replace('|', '/')} |" for name, (dtype, meaning) in table.items()]
    return "\n".join(lines)
