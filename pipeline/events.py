"""Stage 7: dated sentences that name an actor and an event cue become candidate events.

Reads `sentences` (article, sentence_id, start, end, text, caption),
resolved `timexes` (article, sentence_id, start, end, text, type, date,
date_end, precision, value, date_basis, date_note, rule), `mentions`
(article, sentence_id, name, kind, affiliation) and `articles` (article,
published). Writes one row per event sentence with the EVIDENCE columns of
`pipeline.schema` plus title, quad_class, sentence_id and the sentence offsets.

An event needs all three: a resolved date (DATE or TIME, not a duration), at
least one actor or person, and a cue from `resources/event_types.yaml`.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from pipeline import schema
from pipeline.lexicon import (
    CertaintyLexicon,
    EventLexicon,
    Phrases,
    load_certainty_lexicon,
    load_event_lexicon,
    load_event_words,
    tokens,
)
from pipeline.names import DATELINE
from pipeline.schema import CANDIDATES, PRECISION_RANK

# Quotations in every style news uses: “...”, "...", and the wire's ``...'' (an open quote runs to the end).
_QUOTES = re.compile(r"“[^”]*”?|\"[^\"]*\"?|``(?:(?!'').)*(?:'')?")
_PAREN = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
TITLE_MAX = 90
_POSSESSIVE_AFTER = re.compile(r"(?:'s|’s)(?=\s)")
#: An opening phrase up to its comma ("In an interview with Al Jazeera on Sunday, "), at most 80 characters.
_INTRO = re.compile(r"(?:In|At|On|During|After|Before|Speaking|Asked|Following|Earlier|Later)\b[^,;:“\"]{0,80}?,\s+")
#: A source named before the sentence's subject ("According to the ministry, ...", "As per a statement
#: dated Dec. 16 on its channel, ..."): a date inside it dates the report, not the act reported.
_ATTRIBUTION = re.compile(r"(?:According to|As per|Citing|Quoting)\b[^,;:“\"]{0,140}?,\s+")
#: Date precisions too coarse to date an act on a timeline.
TOO_COARSE = ("decade", "century")
#: An act cue further than this many characters from every date is not what the date is about.
CUE_REACH = 120
#: Timex rules that name a time of day but no day ("at 10 p.m."): the tagger places them on the
#: publication day, but in a story that day is the story's, so they leave the sentence undated.
DAYLESS_RULES = frozenset({"time_clock"})


def extract_events(
    sentences: pd.DataFrame,
    timexes: pd.DataFrame,
    mentions: pd.DataFrame,
    articles: pd.DataFrame,
    lexicon: EventLexicon | None = None,
    certainty: CertaintyLexicon | None = None,
) -> pd.DataFrame:
    """One candidate event per sentence that has a date, an actor and an event cue."""
    lexicon = lexicon or load_event_lexicon()
    certainty = certainty or load_certainty_lexicon()
    # An event's date is known at least to the year: "the 11th century" or "the 1990s" dates no act.
    dated = timexes[
        timexes["type"].isin(["DATE", "TIME"])
        & timexes["date"].notna()
        & ~timexes["precision"].isin(TOO_COARSE)
        & ~timexes["rule"].isin(DAYLESS_RULES)
    ]
    named = mentions[mentions["kind"].isin(["actor", "person"])]
    # Only sentences with both a date and an actor can hold an event: select them before
    # turning rows into Python objects, which is where the time goes.
    with_names = sentence_keys(named)
    keys = sentence_keys(dated) & with_names
    # A sentence with an actor but no date of its own can still report an act of the
    # day's news (dated by the publication, see `context_date`).
    # A sentence whose calendar date could not be placed ("Sunday" in an article of year 1) is not
    # undated: its date is unknown. ("now", "recently" place nothing and leave a sentence undated.)
    unplaced = timexes[
        timexes["type"].isin(["DATE", "TIME"]) & timexes["date"].isna() & ~timexes["value"].str.endswith("_REF")
    ]
    undated = with_names - keys - sentence_keys(unplaced)
    if not with_names:
        return schema.empty(CANDIDATES)
    by_sentence_dates = _group(dated, keys)
    by_sentence_names = _group(mentions, with_names)
    published = dict(zip(articles["article"].tolist(), articles["published"].tolist()))

    body = sentences[~sentences["caption"].astype(bool)]
    ledes = set(body.groupby("article")["sentence_id"].min().items())
    # News puts the day's acts first and background last: the closing part of an
    # article does not lend its publication date to an undated sentence.
    last = body.groupby("article")["sentence_id"].max()
    news_end = last.where(last < SHORT_ITEM, last * NEWS_PART).to_dict()  # a brief has no background part
    story_days = _story_days(dated, ledes, published)
    # Who a pronoun opening a sentence ("It said ...") stands for: the previous body sentence's subject.
    previous, before_texts = _previous_sentences(body)
    rows = []
    for s in records(select_sentences(sentences, with_names)):
        key = (s["article"], s["sentence_id"])
        pub = published.get(s["article"])
        news = not s["caption"] and isinstance(pub, str) and bool(pub) and s["sentence_id"] <= news_end[s["article"]]
        if key in undated:
            if not news:
                continue
            dates = [context_date(str(pub), story_days.get(s["article"]))]  # `news` holds only with a publication date
        elif key in keys:
            dates = by_sentence_dates[key]
        else:
            continue  # its only dates are too coarse or could not be placed
        antecedent = None
        opening = _PRONOUN_OPENING.match(s["text"])
        if opening and key in previous:
            wanted = _PRONOUNS[opening.group(1).lower()]
            for before in previous[key]:  # the nearest sentence, past quoted statements
                antecedent = _subjects(by_sentence_names.get(before, []), before_texts[before])
                if wanted in antecedent or not _QUOTE_OPENING.match(before_texts[before][0]):
                    break
        row = _event_from_sentence(
            s, dates, by_sentence_names[key], pub, lexicon, certainty, key in ledes, news, antecedent
        )
        if row is not None:
            rows.append(row)
    columns = schema.new_columns(CANDIDATES)
    for row in rows:
        for c, values in columns.items():
            values.append(row[c])
    return schema.from_columns(columns, CANDIDATES)


#: The share of an article's sentences, from the top, whose undated acts are the day's news.
NEWS_PART = 0.8
#: A news brief (fewer sentences than this) is all news: it has no closing background part.
SHORT_ITEM = 5


#: How many days before publication a lede's date can be the day of the story.
STORY_DAY_REACH = 3


def _story_days(dated: pd.DataFrame, ledes: set[tuple], published: dict) -> dict[str, tuple[str, str]]:
    """Per article, the day its lede dates (text, date), when it is a day shortly before publication."""
    out: dict[str, tuple[str, str]] = {}
    for r in records(select_sentences(dated, ledes)):
        pub = published.get(r["article"])
        if r["article"] in out or r["precision"] != "day" or not isinstance(pub, str) or not r["date"]:
            continue
        lag = (pd.Timestamp(pub[:10]) - pd.Timestamp(r["date"])).days
        if 0 < lag <= STORY_DAY_REACH:
            out[r["article"]] = (r["text"], r["date"])
    return out


def context_date(published: str, story: tuple[str, str] | None = None) -> dict:
    """The date of an undated act reported in a day's news: the day of publication.

    News reports what happened in the last day or so; without a date in the
    sentence, the article's own day is the date it gives (`date_basis`
    'publication context' and the note say so), or the day its lede reports,
    shortly before publication (`story`: 'story context').
    """
    day, note, rule, basis = (
        published[:10],
        f"no date in the sentence: reported as news in the article of {published[:10]}, dated by it",
        "context:publication",
        "publication context",
    )
    if story is not None:
        text, day = story
        note, rule, basis = (
            f"no date in the sentence: the story's day, '{text}' in its first sentence ({day})",
            "context:story day",
            "story context",
        )
    return {
        "start": None,
        "end": None,
        "text": "",
        "date": day,
        "date_end": day,
        "precision": "day",
        "value": day,
        "date_basis": basis,
        "date_note": note,
        "rule": rule,
    }


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values (missing -> None); much faster than DataFrame.to_dict."""
    cols = list(df.columns)
    return [dict(zip(cols, values)) for values in zip(*(plain_list(df[c]) for c in cols))]


def plain_list(column: pd.Series) -> list:
    """A column's values as plain Python values (missing -> None), as `records` gives them."""
    return column.tolist() if not column.hasnans else column.astype(object).where(column.notna(), None).tolist()


def sentence_keys(df: pd.DataFrame) -> set[tuple]:
    """The (article, sentence_id) pairs present in a sentence-level table."""
    return set(zip(df["article"].tolist(), df["sentence_id"].tolist()))


def select_sentences(df: pd.DataFrame, keys: set[tuple], inside: bool = True) -> pd.DataFrame:
    """Rows whose (article, sentence_id) is in `keys` (or, with inside=False, is not)."""
    # A boolean Series, not a list: an empty list would select no columns instead of no rows.
    mask = [(k in keys) == inside for k in zip(df["article"].tolist(), df["sentence_id"].tolist())]
    return df[pd.Series(mask, index=df.index, dtype=bool)]


def _group(df: pd.DataFrame, keys: set[tuple]) -> dict[tuple, list[dict]]:
    grouped: dict[tuple, list[dict]] = defaultdict(list)
    for r in records(select_sentences(df, keys)):
        grouped[(r["article"], r["sentence_id"])].append(r)
    return grouped


#: A pronoun opening a sentence, and whom it stands for.
_PRONOUNS = {"it": "actor", "its": "actor", "they": "actor", "he": "person", "she": "person"}
_PRONOUN_OPENING = re.compile(r"\s*(" + "|".join(p.capitalize() for p in _PRONOUNS) + r")\b")


#: How many body sentences back a pronoun's antecedent is looked for: past quoted statements only.
PRONOUN_REACH = 3
_QUOTE_OPENING = re.compile(r"\s*[“\"«]")


def _previous_sentences(body: pd.DataFrame) -> tuple[dict[tuple, list[tuple]], dict[tuple, tuple[str, int]]]:
    """For each body sentence that opens with a pronoun, the body sentences before it, nearest first.

    Captions are skipped. The caller goes back past sentences that open with a quotation only,
    so 'It said ...' after a quoted statement goes back to the ministry that was quoted.
    """
    ordered = body.sort_values(["article", "sentence_id"])
    keys = list(zip(ordered["article"].tolist(), ordered["sentence_id"].tolist()))
    texts = ordered["text"].tolist()
    starts = ordered["start"].tolist()
    previous: dict[tuple, list[tuple]] = {}
    before_texts = {}
    for i in range(1, len(keys)):
        if _PRONOUN_OPENING.match(texts[i]):
            back = [j for j in range(i - 1, max(i - 1 - PRONOUN_REACH, -1), -1) if keys[j][0] == keys[i][0]]
            if back:
                previous[keys[i]] = [keys[j] for j in back]
                before_texts.update({keys[j]: (texts[j], starts[j]) for j in back})
    return previous, before_texts


def _subjects(names: list[dict], sentence: tuple[str, int]) -> dict[str, str]:
    """The first person and the first actor a sentence names outside quotes: who 'he' or 'it' next is."""
    text, offset = sentence
    quoted = [m.span() for m in _QUOTES.finditer(text)]
    out: dict[str, str] = {}
    for m in sorted(names, key=lambda m: m["start"]):
        kind = "person" if m["kind"] == "person" else "actor" if m["kind"] == "actor" else None
        if kind and kind not in out and not _inside(m["start"] - offset, quoted):
            out[kind] = m["name"]
    return out


def _event_from_sentence(
    s, dates, names, published, lexicon, certainty, lede=False, news=False, antecedent=None
) -> dict | None:
    text, offset = s["text"], s["start"]
    toks = tokens(text)
    quoted = [m.span() for m in _QUOTES.finditer(text)]
    cues = find_cues(toks, lexicon)
    # A cue inside a quotation is what was said; a cue inside a name ("United States") is no cue.
    named = [(m["start"] - offset, m["end"] - offset) for m in names]
    words = load_event_words()
    outside = [
        c for c in cues if not _inside(c[1], quoted) and not _inside(c[1], named) and is_act_word(text, toks, c, words)
    ]
    if not outside:
        return None
    # Who acts is named outside the quotation: a name only inside what was said is what it was about.
    if not any(m["kind"] in ("actor", "person") and not _inside(m["start"] - offset, quoted) for m in names):
        return None
    # A relative clause (", which had been on patrol since March") tells about the noun before it.
    relative = [m.span() for m in words.relative_clause.finditer(text)]
    if dates[0]["start"] is not None:
        # A date inside a quotation dates what was said about, not the act of saying it or an act outside it;
        # a year naming a thing ("his 1996 campaign") dates no act but the one it names.
        cue_starts = {c[1] for c in outside}
        own = [
            t
            for t in dates
            if not _inside(t["start"] - offset, quoted)
            and not _attributive(text, t, offset, cue_starts, toks, words)
            and not _about_a_noun(t["start"] - offset, relative, cue_starts)
        ]
        source = _ATTRIBUTION.match(text, _dateline_end(text))
        if source and any(t["start"] - offset >= source.end() for t in own):
            own = [t for t in own if t["start"] - offset >= source.end()]
        # "... uncertain following the collapse last week, as Peskov declared on Dec. 16": a date in a
        # phrase about an earlier act dates that act when the sentence dates its own act outside it.
        earlier = [m.span() for m in words.background_phrase.finditer(text)]
        outside_own = [t for t in own if not _inside(t["start"] - offset, earlier)]
        if earlier and outside_own and len(outside_own) < len(own) and any(not _inside(c, earlier) for c in cue_starts):
            own = outside_own
            outside = [c for c in outside if not _inside(c[1], earlier)]  # nor does that act type the event
        if not own:
            if not news:
                return None
            other = dates[0]["text"]
            why = (
                "is inside what was said"
                if _inside(dates[0]["start"] - offset, quoted)
                else "names a thing, not a time"
                if _attributive(text, dates[0], offset, cue_starts, toks, words)
                else "tells about a noun, in a clause without the act"
            )
            dates = [context_date(published)]
            dates[0]["date_note"] = f"'{other}' {why}; the report is dated by its article, {published[:10]}"
        else:
            dates = own
    in_context = dates[0]["start"] is None
    if in_context:
        # Undated, the act is the one outside any relative clause: "said an official, who refused to ...".
        outside = [c for c in outside if not _inside(c[1], relative)] or outside
    # An undated sentence: every cue is "near" the (implicit) date.
    spans = [(0, len(text))] if in_context else [(t["start"] - offset, t["end"] - offset) for t in dates]
    # The act, not the speech verb that reports it, types the event: the first act
    # cue near a date wins; a sentence with no act cue near a date is a STATEMENT.
    acts = [c for c in outside if c[0] != "STATEMENT" and _distance(c[1], spans) <= CUE_REACH]
    etype, char_pos, cue_index, trigger = acts[0] if acts else min(outside, key=lambda c: _distance(c[1], spans))
    if not acts and etype != "STATEMENT":
        etype, char_pos, cue_index, trigger = next((c for c in outside if c[0] == "STATEMENT"), outside[0])
    best = (
        dates[0]
        if in_context
        else min(dates, key=lambda t: (abs((t["start"] - offset) - char_pos), PRECISION_RANK.get(t["precision"], 9)))
    )
    mark = classify_certainty(toks, cue_index, etype, certainty)
    if in_context:
        said = _said(outside)

        def news_of_the_day(c: tuple, mark: str) -> bool:
            if _inside(c[1], relative) and not _has(
                [t[0] for t in toks], certainty.perfect, c[2] - certainty.perfect_window, c[2]
            ):
                # ", under which Iraq agreed to ...": background about a noun; but the present
                # perfect is recent news even there (", which has granted him asylum,")
                return False
            quad = lexicon.quad[c[0]]
            return _news_of_the_day(
                toks, c[2], c[0], mark, lede, certainty, said, quad, _simple_past(toks, c[2], c[3], lexicon)
            )

        if not news_of_the_day((etype, char_pos, cue_index, trigger), mark):
            # Another cue may be the day's act: "In their joint statement issued after the talks, they called for ..."
            for c in outside:
                if lexicon.quad[c[0]].startswith("verbal") and _simple_past(toks, c[2], c[3], lexicon):
                    alt_mark = classify_certainty(toks, c[2], c[0], certainty)
                    if news_of_the_day(c, alt_mark):
                        (etype, char_pos, cue_index, trigger), mark = c, alt_mark
                        break
            else:
                return None
    if isinstance(published, str) and best["date"] > published and mark != "future":
        # A date after publication is only kept for a stated plan. Otherwise it is the date of
        # something planned inside what was said ("said they did not plan to remove him on
        # Thursday"): the report itself is dated by another date of the sentence, or, said in
        # the day's news, by the publication.
        earlier = [t for t in dates if t["date"] <= published]
        if earlier:
            best = min(earlier, key=lambda t: abs((t["start"] - offset) - char_pos))
        elif _said(outside) and not in_context:
            later = best["text"]
            best = context_date(published)
            best["date_note"] = (
                f"'{later}' is after publication, inside what was said; the report is dated by its article, {published[:10]}"
            )
        else:
            return None
    actors, people, locations = _split_names(names)
    if not actors and not people:
        return None
    return {
        "article": s["article"],
        "sentence_id": s["sentence_id"],
        "char_start": s["start"],
        "char_end": s["end"],
        "evidence": text,
        "caption": bool(s["caption"]),
        "published": published,
        "date": best["date"],
        "date_end": best["date_end"],
        "precision": best["precision"],
        "timex": best["value"],
        "date_text": best["text"],
        "date_basis": "caption" if s["caption"] else best["date_basis"],
        "date_note": best["date_note"],
        "rule": best["rule"],
        "event_type": etype,
        "quad_class": lexicon.quad[etype],
        "trigger": trigger,
        "actors": ";".join(actors),
        "people": ";".join(people),
        "locations": ";".join(locations),
        "certainty": mark,
        "title": make_title(
            text, [] if in_context else spans, names, offset, antecedent, (char_pos, char_pos + len(toks[cue_index][0]))
        ),
        "cue_distance": CUE_REACH
        if best["start"] is None
        else _distance(char_pos, [(best["start"] - offset, best["end"] - offset)]),
    }


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _about_a_noun(pos: int, relative: list[tuple[int, int]], cue_starts: set[int]) -> bool:
    """Is a date inside a relative clause that holds no cue? Then it dates what the clause tells, no act."""
    return any(a <= pos < b and not any(a <= c < b for c in cue_starts) for a, b in relative)


def is_act_word(text: str, toks: list[tuple[str, int, int]], cue: tuple, words) -> bool:
    """Is this cue, as written, the word of an act rather than part of a name, a modifier or a sign-off?

    Not an act: a word capitalized inside the sentence ("the March accession": a
    month or a name), a word hyphened to another ("duty-free", "pre-attack"; a verb
    prefix such as "re-" keeps the act), a verb's -s form before "of" (the plural
    noun of "reports of atrocities"), "reports" after a correspondent (a
    broadcast's sign-off), a passive "was asked about" (a question put to the subject) and
    "was said to" (hearsay).
    """
    _, pos, i, written = cue
    if i > 0 and text[pos].isupper() and not re.search(r"[\"“`'(_\-–—:]\s*$", text[max(0, pos - 3) : pos]):
        return False
    hyphened = i > 0 and pos > 0 and text[pos - 1] == "-" and toks[i - 1][2] == pos - 1
    if hyphened and toks[i - 1][0] not in words.verb_prefixes:
        return False
    # A participle after a determiner or "of" describes a noun ("the jailed activist", "aides of ousted
    # President X"): it names no act of the sentence.
    word = toks[i][0]
    participle = " " not in written and word != written and word.endswith("ed") and i > 0
    if participle and (toks[i - 1][0] in words.attributive_determiners or toks[i - 1][0] == "of"):
        return False
    # A verb's -s form before "of", or after a determiner or a form of "be", is a plural noun
    # ("reports of atrocities", "there are signs that", "his calls"), not an act.
    if " " not in written and toks[i][0] == _plural(written) and toks[i][0] != written:
        if i + 1 < len(toks) and toks[i + 1][0] == "of":
            return False
        if i > 0 and (toks[i - 1][0] in words.attributive_determiners or toks[i - 1][0] in _BE_FORMS):
            return False
    if written == "ask" and _asked_a_question(toks, i, words.question_words):
        return False
    if _hearsay(toks, i):
        return False
    return not (written == "report" and any(t[0] in words.reporter_words for t in toks[max(0, i - 6) : i]))


def _hearsay(toks, i: int) -> bool:
    """'the message the king was said to be carrying', 'is reported to have fled': hearsay, nobody's statement."""
    return (
        i + 1 < len(toks)
        and toks[i + 1][0] == "to"
        and toks[i][0] in ("said", "reported", "rumored", "rumoured")
        and i > 0
        and toks[i - 1][0] in _BE_FORMS
    )


def _asked_a_question(toks, i: int, question_words: frozenset[str]) -> bool:
    """'was asked today about the message': a question put to the subject by someone unnamed, not an act."""
    if toks[i][0] != "asked" or not any(t[0] in _BE_FORMS for t in toks[max(0, i - 2) : i]):
        return False
    return any(t[0] in question_words for t in toks[i + 1 : i + 5])


_BE_FORMS = frozenset({"is", "are", "was", "were", "be", "been", "being"})


def _dateline_end(text: str) -> int:
    m = DATELINE.match(text)
    return m.end() if m else 0


def _attributive(text: str, t: dict, offset: int, cue_starts: set[int], toks, words) -> bool:
    """Is this a year used as a modifier of the noun after it ("his 1996 campaign", "a 1971 convention")?

    Such a year dates the thing it names, so it dates an act only when that noun (or the next
    word after an adjective) is itself a cue: "the 1999 invasion" still dates the invasion.
    """
    if t["precision"] != "year":
        return False
    a, b = t["start"] - offset, t["end"] - offset
    before = [w for w in toks if w[2] <= a]
    after = [w for w in toks if w[1] >= b]
    if not before or not after:
        return False
    det = before[-1][0]
    if det not in words.attributive_determiners and not det.endswith("'s"):
        return False
    if not re.match(r" [A-Za-z]", text[b : b + 2]):
        return False  # "in the 1990, ..." or "the 1996." : not before a noun
    return not any(w[1] in cue_starts for w in after[:2])


def _plural(verb: str) -> str:
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + ("es" if verb.endswith(("s", "x", "z", "ch", "sh", "o")) else "s")


def _said(cues: list[tuple]) -> bool:
    return any(c[0] == "STATEMENT" for c in cues)


def _news_of_the_day(
    toks,
    cue_index: int,
    etype: str,
    mark: str,
    lede: bool,
    lex: CertaintyLexicon,
    said: bool = False,
    quad: str = "",
    verbal_past: bool = False,
) -> bool:
    """May an undated sentence be dated by its article's publication?

    Yes for what someone is reported to have said or done (a statement, a verbal
    act in the simple past such as "praised" or "urged": a statement with a stance; an act
    with "said"), for an act in the present perfect ("has agreed") and for the
    article's lede; never for a plan, a negation, background ("had rejected"), a
    standing position ("has long opposed") or a lasting state ("ruled for centuries").
    """
    words = [t[0] for t in toks]
    if _has(words, lex.background, cue_index - lex.background_window, cue_index + 1):
        return False
    if _has(words, lex.lasting, cue_index + 1, cue_index + 1 + lex.lasting_window):
        return False  # "was ruled from Moscow for centuries": a lasting state
    if (
        cue_index >= 2
        and words[cue_index - 1] in lex.standing
        and _has(words, lex.perfect, cue_index - 2, cue_index - 1)
    ):
        return False  # "has long opposed": a standing position
    if mark in ("future", "negated"):
        return False
    if etype == "STATEMENT" or mark == "attributed" or lede or (verbal_past and quad.startswith("verbal")):
        return True
    return _has(words, lex.perfect, cue_index - lex.perfect_window, cue_index)


def _simple_past(toks, i: int, cue: str, lexicon: EventLexicon) -> bool:
    """Is the cue a verb in the simple past ("praised", "met"), not a noun ("talks") or a present passive?"""
    word = toks[i][0]
    if word == cue.split()[0] or not (word.endswith("ed") or word in lexicon.past_forms):
        return False
    return not any(t[0] in _PRESENT_BE for t in toks[max(0, i - 2) : i])


_PRESENT_BE = frozenset({"is", "are", "be", "been", "being", "to"})


def _distance(pos: int, spans: list[tuple[int, int]]) -> int:
    return min(0 if a <= pos < b else min(abs(pos - a), abs(pos - b)) for a, b in spans)


def find_cues(toks: list[tuple[str, int, int]], lexicon: EventLexicon) -> list[tuple[str, int, int, str]]:
    """Event cues in reading order as (type, char offset, token index, cue), longest match first."""
    words = [t[0] for t in toks]
    first = lexicon.first_words
    found, after = [], 0  # `after`: the first word not inside a cue found
    for i in [i for i, w in enumerate(words) if w in first]:  # most words start no cue
        if i < after:
            continue
        for n in range(min(lexicon.longest, len(words) - i), 0, -1):
            hit = lexicon.cues.get(tuple(words[i : i + n]))
            if hit:
                found.append((hit[0], toks[i][1], i, hit[1]))
                after = i + n
                break
    return found


def _has(words: list[str], phrases: Phrases, start: int, stop: int) -> bool:
    """Does any phrase start at a word in [start, stop)?"""
    start, stop = max(start, 0), min(stop, len(words))
    if phrases.first_words.isdisjoint(words[start:stop]):  # the usual answer, found without a loop
        return False
    return any(phrases.starts_at(words, j) for j in range(start, stop))


def classify_certainty(toks, cue_index: int, etype: str, lex: CertaintyLexicon) -> str:
    """negated > hedged > future > attributed > asserted, from the cue lists."""
    words = [t[0] for t in toks]
    if _has(words, lex.negated, cue_index - lex.negated_window, cue_index):
        return "negated"
    if _has(words, lex.hedged, 0, len(words)):
        return "hedged"
    if _has(words, lex.future, cue_index - lex.future_window, cue_index):
        return "future"
    # What someone said is asserted as said; an act reported through a speaker is attributed.
    if etype != "STATEMENT" and _has(words, lex.attributed, 0, len(words)):
        return "attributed"
    return "asserted"


def _split_names(names: list[dict]) -> tuple[list[str], list[str], list[str]]:
    actors, people, locations = [], [], []
    for m in sorted(names, key=lambda m: m["start"]):
        if m["kind"] == "person":
            aff = m.get("affiliation")
            aff = aff if isinstance(aff, str) and aff else None
            label = schema.person_label(m["name"], aff)
            if label not in people:
                people.append(label)
            if aff and aff not in actors:
                actors.append(aff)
        elif m["kind"] == "location":
            if m["name"] not in locations:
                locations.append(m["name"])
        elif m["kind"] == "actor" and m["name"] not in actors:
            actors.append(m["name"])
    return actors, people, locations


def make_title(
    text: str,
    date_spans: list[tuple[int, int]],
    names: list[dict],
    offset: int,
    antecedent: dict | None = None,
    cue: tuple[int, int] | None = None,
) -> str:
    """A short headline from the sentence: dates, asides and connectors removed, an opening pronoun named.

    `antecedent` holds the first person and actor of the previous sentence
    ({"person": ..., "actor": ...}): "It said ..." becomes "Russia said ...".
    `cue` is the (start, end) of the act's word: a long title is cut only after it.
    """
    words = load_event_words()
    quote = re.match(r"\s*(?:[“\"]([^”\"]+)[”\"]|``((?:(?!'').)+)'')", text)
    if quote:
        after = [m for m in names if m["start"] - offset >= quote.end() and m["kind"] in ("person", "actor")]
        speaker = min(after, key=lambda m: m["start"])["name"] if after else None
        if speaker:
            return _shorten(f"{speaker}: “{(quote.group(1) or quote.group(2)).strip(' ,.')}”")
    out, last = [], _dateline_end(text)
    act = text[cue[0] : cue[1]] if cue else ""
    # An introductory phrase before the first named participant goes ("In an interview on Sunday, Lavrov ...").
    first = min((m["start"] - offset for m in names if m["kind"] in ("person", "actor")), default=None)
    intro = _INTRO.match(text, last)
    if first is not None and intro and intro.end() <= first:
        last = intro.end()
    source = _ATTRIBUTION.match(text, last)
    # The source goes when someone is named after it: the names inside it are who reported, not who acted.
    if source and any(m["start"] - offset >= source.end() for m in names if m["kind"] in ("person", "actor")):
        last = source.end()
    cuts = [(a, b, "date") for a, b in date_spans]
    lead = words.title_lead.match(text[last:])
    aside = _aside_after_subject(text, last + (lead.end() if lead else 0))
    # An aside holding the date is what the event is about ("Putin, who helped Assad when Moscow intervened in 2015").
    if aside and not any(aside[0] <= a < aside[1] for a, _ in date_spans):
        clause = _RELATIVE.match(text, aside[0], aside[1])
        subject = text[last : aside[0]]
        if clause and cue is not None and clause.end() <= cue[0] < aside[1] and _NAME_PHRASE.fullmatch(subject):
            # The act is the relative clause's: "Moscow, which has given Assad asylum, runs a base" is
            # "Moscow has given Assad asylum", not the standing fact after it.
            body = text[clause.end() : aside[1]].rstrip(" ,")
            return _finish_title(subject + " " + body, words, antecedent, act)
        cuts.append((aside[0], aside[1], "aside"))
    for a, b, kind in sorted(cuts):
        if a < last:
            continue
        head = text[last:a]
        if kind == "aside":
            out.append(head + " ")
            last = b
            continue
        possessive = _POSSESSIVE_AFTER.match(text, b)
        if possessive:
            # "at Tuesday's Madrid summit" -> "at the Madrid summit", never "at 's Madrid summit"
            out.append(head + "the")
            last = possessive.end()
            continue
        out.append(words.date_preposition.sub("", head))
        last = b
    out.append(text[last:])
    title = _finish_title("".join(out), words, antecedent, act)
    return title or text[:TITLE_MAX]


#: A relative clause opening an aside (", which has ...", ", who was ..."): its own act, if the cue is in it.
_RELATIVE = re.compile(r",\s+(?:which|who)\s+")
#: A subject that is a name ("Moscow", "The Russian Foreign Ministry"), not a clause with its own verb.
_NAME_PHRASE = re.compile(r"\s*(?:(?:[A-Z][\w.'’-]*|the|of|and|for)\s+)*[A-Z][\w.'’-]*")


def _finish_title(title: str, words, antecedent: dict | None, act: str) -> str:
    """Parentheses, spacing and leading connectors tidied, an opening pronoun named, the length capped."""
    title = _PAREN.sub("", title).replace("``", "“").replace("''", "”")
    title = re.sub(r"\s+([,.;:])", r"\1", re.sub(r"\s{2,}", " ", title))
    title = words.title_lead.sub("", title.strip()).strip(" ,;:.")
    title = _name_pronoun(title, antecedent)
    if not title:
        return ""
    return _shorten(title[:1].upper() + title[1:], act)


#: An aside set off by commas right after a headline's subject: an apposition, a relative clause,
#: a participle phrase ("Moscow, a staunch backer of Assad, ...", "The paper, citing officials, ...").
_ASIDE = re.compile(
    r",\s+(?:a|an|the|who|whom|whose|which|some of whom|one of|once|now|also|himself|herself|itself|citing|quoting"
    r"|speaking|according to)\b[^,;:“\"]*,\s+"
)


def _aside_after_subject(text: str, start: int) -> tuple[int, int] | None:
    """The span of the asides right after the subject ('Moscow, a staunch backer of Assad, whom ..., said')."""
    first = text.find(",", start)
    if first < 0 or first - start > 60:
        return None
    end, span = first, None
    while m := _ASIDE.match(text, end):
        span = (first, m.end())
        end = m.start() + len(m.group().rstrip()) - 1  # the comma closing this aside may open the next
    return span


def _name_pronoun(title: str, antecedent: dict | None) -> str:
    """'It said ...' -> 'Russia said ...', with the previous sentence's actor (or person, for he/she)."""
    m = _PRONOUN_OPENING.match(title)
    if not m or not antecedent:
        return title
    name = antecedent.get(_PRONOUNS[m.group(1).lower()])
    if not name:
        return title
    return name + ("'s" if m.group(1) == "Its" else "") + title[m.end() :]


#: Where a long headline may end without losing its sense: before a clause, after its act.
_CLAUSE_BREAK = re.compile(
    r"(?:;| —| –)\s+|,?\s+(?=(?:while|as|after|because|but|although|though|amid|saying|adding|citing|whereas)\s)"
    r"|,\s+(?=(?:it|he|she|they|we)\s)"
)


def _shorten(title: str, act: str = "") -> str:
    """At most TITLE_MAX characters, ending at a clause boundary after the act where there is one, else at a word."""
    if len(title) <= TITLE_MAX:
        return title
    at = title.lower().find(act.lower()) + len(act) if act and act.lower() in title.lower() else TITLE_MAX // 2
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(title, 0, TITLE_MAX + 1) if m.start() >= max(at, 30)]
    if breaks:
        return _close_quote(title[: breaks[-1]].rstrip(" ,;:"), "")
    return _close_quote(title[:TITLE_MAX].rsplit(" ", 1)[0].rstrip(" ,;:"), "…")


def _close_quote(cut: str, mark: str) -> str:
    """A quotation cut short still closes: 'Lavrov: “If you expect me…”'."""
    return cut + ("…”" if cut.count("“") > cut.count("”") else mark)
