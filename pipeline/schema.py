"""Every table's columns, output and intermediate: name, dtype and meaning, in one place.

The stages build their tables from here (`from_columns`), the writer orders
and casts columns from here, the tests check the tables against it, and a
test keeps the README's column list in step with it. Value lists (precisions,
certainty marks, ...) are defined once; the rank tables derive from them.
"""

from __future__ import annotations

import pandas as pd

#: Allowed values of the categorical columns, so writer, tests and UI agree.
#: Date precisions from finest to coarsest; a season and a quarter are equally coarse.
PRECISION_LEVELS = (("day",), ("week",), ("month",), ("season", "quarter"), ("year",), ("decade",), ("century",))
PRECISIONS = tuple(p for level in PRECISION_LEVELS for p in level)
DATE_BASES = (
    "explicit",
    "relative to publication",
    "relative to text",
    "publication context",
    "story context",
    "inferred",
    "caption",
)
CERTAINTIES = ("asserted", "attributed", "hedged", "future", "negated")
QUAD_CLASSES = ("neutral", "verbal cooperation", "material cooperation", "verbal conflict", "material conflict")
#: How an event's date was found, most direct first (a merged event shows its most direct report).
BASIS_ORDER = DATE_BASES

#: Finer precision first: rank 0 is a day.
PRECISION_RANK = {p: rank for rank, level in enumerate(PRECISION_LEVELS) for p in level}
#: Most certain first.
CERTAINTY_RANK = {c: i for i, c in enumerate(CERTAINTIES)}
#: A lede's story day ranks as the publication day does: both date an undated report by its article.
BASIS_RANK = {b: i for i, b in enumerate(BASIS_ORDER)} | {"story context": BASIS_ORDER.index("publication context")}

# name -> (dtype, meaning). Order is the column order of the written table.
EVENTS: dict[str, tuple[str, str]] = {
    "event_id": (
        "string",
        "Stable id: a hash of the representative report's date, event type, article and sentence; same input, same id.",
    ),
    "date": ("string", "Start of the event's date as YYYY-MM-DD (first day of the month/year for coarser precision)."),
    "date_end": ("string", "Last day the date can mean, YYYY-MM-DD (same as `date` for day precision)."),
    "precision": ("string", "How exact the date is: " + ", ".join(PRECISIONS) + "."),
    "timex": ("string", "The normalized TIMEX3 value, e.g. 2024-12-08, 2024-12, 2024-W50, 2015."),
    "date_text": ("string", "The date as written in the evidence, e.g. 'last Tuesday'."),
    "date_basis": ("string", "How the date was resolved: " + ", ".join(DATE_BASES) + "."),
    "date_note": (
        "string",
        "One line explaining the date, e.g. \"'last Tuesday', relative to publication 2025-02-02\".",
    ),
    "title": (
        "string",
        "A headline from the evidence sentence: dates, asides, a source named first ('According to ...') and "
        "connectors removed, an opening pronoun named, an act in a relative clause after the subject lifted out, "
        "ended at a clause (or '…') within 90 characters.",
    ),
    "evidence": ("string", "The sentence that states the event (from the first source)."),
    "event_type": ("string", "PLOVER event type (AGREE, CONSULT, ..., ASSAULT, or STATEMENT)."),
    "quad_class": ("string", "PLOVER quad class: " + ", ".join(QUAD_CLASSES) + "."),
    "actors": ("string", "Canonical states, organizations and armed groups involved, ';'-joined."),
    "people": ("string", "Named persons involved, as 'Name (Affiliation)', ';'-joined."),
    "locations": ("string", "Places named in the evidence (cities, bases), ';'-joined."),
    "certainty": ("string", "How the source states it: " + ", ".join(CERTAINTIES) + "."),
    "caption": (
        "boolean",
        "True when every evidence sentence is a photo caption (hidden by default in the dashboard).",
    ),
    "sources": ("Int64", "Number of distinct articles that report the event."),
    "salience": (
        "float64",
        "How much the event matters in this build (higher first): articles naming its day in any body sentence "
        "(twice when published later) for the day's key event (by sources, publishers, certainty and kind of act; "
        "the day's other events a small share), times date precision.",
    ),
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
    "published_basis": (
        "string",
        "Where the publication date came from: manifest, page metadata, inferred from text, or missing.",
    ),
    "published_note": ("string", "Note on the publication date: the manifest's note, or which page metadata gave it."),
    "format": ("string", "txt or html."),
    "named_days": (
        "string",
        "The days its body sentences name (resolved to a day; photo captions left out), each with the number of "
        "sentences naming it, 'YYYY-MM-DD:N' joined by ';' (read by the salience stage).",
    ),
    "text": ("string", "The article's text (for web pages, the extracted text); all offsets point into it."),
}

# --- intermediate tables: what each stage hands to the next ------------------

# Stage 2 (clean): every non-empty line of an article, marked; the text itself is never changed.
BLOCKS: dict[str, tuple[str, str]] = {
    "article": ("string", "File name of the article."),
    "block_id": ("int64", "Position of the line in the article, from 0."),
    "start": ("int64", "Start offset of the trimmed line in the article's text."),
    "end": ("int64", "End offset (exclusive)."),
    "kind": ("string", "body, caption or boilerplate."),
    "reason": ("string", "Which boilerplate or caption pattern marked it (empty for body)."),
}

# Stage 3 (sentences): body and caption sentences with article offsets.
SENTENCES: dict[str, tuple[str, str]] = {
    "article": ("string", "File name of the article."),
    "sentence_id": ("int64", "Position of the sentence in the article, from 0."),
    "start": ("int64", "Start offset in the article's text."),
    "end": ("int64", "End offset (exclusive)."),
    "text": ("string", "The sentence: the article's text between start and end."),
    "caption": ("bool", "True when the sentence is in a photo caption."),
}

# Stage 4 (timex): temporal expressions; stage 5 (resolve) adds RESOLVED's columns.
TIMEXES: dict[str, tuple[str, str]] = {
    "article": ("string", "File name of the article."),
    "sentence_id": ("Int64", "The sentence the expression is in."),
    "start": ("Int64", "Start offset in the article's text."),
    "end": ("Int64", "End offset (exclusive)."),
    "text": ("string", "The expression as written."),
    "type": ("string", "TIMEX3 type: DATE, TIME, DURATION or SET."),
    "value": ("string", "TIMEX3 value, or a placeholder ('UNDEF-weekday-2-last') until stage 5 fills it."),
    "mod": ("string", "TIMEX3 mod: START, END, APPROX, ... (empty when none)."),
    "rule": ("string", "Id of the rule in resources/timex/<lang>/rules.yaml that produced it."),
    "tense": (
        "string",
        "'future' when an explicit date's clause is about the future (a plan), "
        "'until' when it ends a span ('lasted until 1945'), 'attr' before a noun ('the May 2007 high'), "
        "'aside' in parentheses, else empty.",
    ),
}
RESOLVED: dict[str, tuple[str, str]] = {
    **TIMEXES,
    "date": ("string", "First day the value can mean, YYYY-MM-DD (DATE and TIME only)."),
    "date_end": ("string", "Last day the value can mean, YYYY-MM-DD."),
    "precision": ("string", "How exact the value is: " + ", ".join(PRECISIONS) + "."),
    "date_basis": ("string", "How the value was resolved: " + ", ".join(DATE_BASES) + "."),
    "date_note": ("string", "One line explaining the value."),
}

# Stage 6 (actors): every actor, person or place named in a sentence.
MENTIONS: dict[str, tuple[str, str]] = {
    "article": ("string", "File name of the article."),
    "sentence_id": ("Int64", "The sentence the name is in."),
    "start": ("Int64", "Start offset in the article's text."),
    "end": ("Int64", "End offset (exclusive)."),
    "text": ("string", "The name as written."),
    "name": ("string", "Canonical name (one track in the dashboard)."),
    "kind": ("string", "actor, person, location, or source (a news agency that reports)."),
    "affiliation": ("string", "A person's state or organization (empty for others)."),
    "source": ("string", "The gazetteer entry or rule that recognized it (for tracing)."),
}

# Stage 7 (events): one candidate per event found in a sentence, before merging.
CANDIDATES: dict[str, tuple[str, str]] = {
    "article": EVIDENCE["article"],
    "sentence_id": ("int64", "The sentence that states the event."),
    "char_start": EVIDENCE["char_start"],
    "char_end": EVIDENCE["char_end"],
    "evidence": EVIDENCE["evidence"],
    "caption": EVIDENCE["caption"],
    "published": EVIDENCE["published"],
    "date": EVIDENCE["date"],
    "date_end": EVIDENCE["date_end"],
    "precision": EVIDENCE["precision"],
    "timex": EVIDENCE["timex"],
    "date_text": EVIDENCE["date_text"],
    "date_basis": EVIDENCE["date_basis"],
    "date_note": EVIDENCE["date_note"],
    "rule": EVIDENCE["rule"],
    "event_type": EVIDENCE["event_type"],
    "quad_class": EVENTS["quad_class"],
    "trigger": EVIDENCE["trigger"],
    "actors": EVIDENCE["actors"],
    "people": EVIDENCE["people"],
    "locations": EVIDENCE["locations"],
    "certainty": EVIDENCE["certainty"],
    "title": EVENTS["title"],
    "cue_distance": ("Int64", "Characters between the event cue and its date (nearer is more direct)."),
}

TABLES = {"events": EVENTS, "evidence": EVIDENCE, "articles": ARTICLES}
INTERMEDIATE = {
    "blocks": BLOCKS,
    "sentences": SENTENCES,
    "timexes": TIMEXES,
    "resolved": RESOLVED,
    "mentions": MENTIONS,
    "candidates": CANDIDATES,
}


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


def new_columns(table: dict[str, tuple[str, str]]) -> dict[str, list]:
    """One empty list per column: what a stage appends its rows to before `from_columns`."""
    return {name: [] for name in table}


def from_columns(columns: dict[str, list], table: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """The frame of a table from per-column lists (the one builder every stage uses)."""
    return pd.DataFrame(
        {
            name: pd.Series(columns[name], dtype=dtype) if len(columns[name]) else pd.Series(dtype=dtype)
            for name, (dtype, _) in table.items()
        }
    )


# --- "Name (Affiliation)": how a person is written in the people columns ------


def person_label(name: str, affiliation: str | None) -> str:
    """'Mikhail Bogdanov', 'Russia' -> 'Mikhail Bogdanov (Russia)'; no affiliation, the name alone."""
    return f"{name} ({affiliation})" if affiliation else name


def split_person(label: str) -> tuple[str, str | None]:
    """'Mikhail Bogdanov (Russia)' -> ('Mikhail Bogdanov', 'Russia'); an actor's name -> (name, None)."""
    if label.endswith(")") and " (" in label:
        cut = label.rindex(" (")
        return label[:cut], label[cut + 2 : -1]
    return label, None
