"""Fuzz tests of the date tagger and of ingest: random and mutated text never raises and never lies about offsets.

The default run is short and reproducible (derandomized, a fixed number of
examples). A longer run:

    HYPOTHESIS_PROFILE=long python -m pytest -q tests/test_fuzz.py     # 2,000 random examples per test, some minutes
"""

import os
import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import ingest
from pipeline.dates import find_timexes
from pipeline.timex.values import value_span

settings.register_profile(
    "fuzz-default", max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("long", max_examples=2000, derandomize=False, deadline=None)
_profile = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz-default"))

#: A TIMEX3 value as ISO-TimeML writes it: dates (X for unknown digits), weeks, quarters, halves, seasons,
#: times and parts of day, the REF values and durations.
TIMEX3 = re.compile(
    r"""(?x)
    (?:BC)?(?:\d{2,4}|X{2,4})
    (?:-(?:\d\d|XX)(?:-(?:\d\d|XX))?|-W(?:\d\d|XX)(?:-(?:[1-7X]|WE))?|-Q[1-4X]|-H[12X]|-(?:SP|SU|FA|WI))?
    (?:T(?:\d\d(?::\d\d)?|MO|AF|EV|NI|DT))?
    |PRESENT_REF|PAST_REF|FUTURE_REF
    |P(?:T)?(?:[\dX.]+(?:Y|M|W|D|H|S|DE|CE|Q|MO|AF|EV|NI|WE|HA))+
    |T(?:\d\d(?::\d\d)?|MO|AF|EV|NI|DT)
    """
)

WORDS = [
    "on",
    "last",
    "next",
    "Sunday",
    "Monday",
    "May",
    "March",
    "December",
    "2024",
    "1999",
    "2124",
    "8",
    "30",
    "February",
    "week",
    "year",
    "ago",
    "the",
    "morning",
    "of",
    "since",
    "until",
    "will",
    "said",
    "was",
    "BC",
    "1990s",
    "quarter",
    "fourth",
    "spring",
    "İstanbul",
    "İZMİR",
    "Straße",
    "ﬁnal",
    "Dec.",
    "a.m.",
    "3:15",
    "mid-2007",
    "two",
    "days",
    "earlier",
    "Thanksgiving",
    "tomorrow",
    "yesterday",
    "tonight",
    "—",
    "“",
    "”",
]
SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", "; ", "-", "\x00", "\u00a0", "'s ", " (", ") "]
SENTENCES = [
    "Officials in İstanbul said on Sunday that talks would resume next week.",
    "The ceasefire signed on 30 February 2024 collapsed in early March, two days after the 1990s accord lapsed.",
    "Troops withdrew at 3:15 a.m. on Dec. 8, 2024, and will return in the spring of 2124.",
]

words = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=40).map(
    lambda parts: "".join(w + s for w, s in parts)
)
anything = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)


@st.composite
def mutated(draw):
    """A real-looking sentence with characters inserted, deleted or replaced."""
    text = draw(st.sampled_from(SENTENCES))
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        ch = draw(st.characters(codec="utf-8"))
        text = text[:i] + ch + text[i:] if op == "insert" else text[:i] + ("" if op == "delete" else ch) + text[i + 1 :]
    return text


dcts = st.one_of(
    st.none(),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "2024-12-08"]),
)


@_profile
@given(text=st.one_of(words, anything, mutated()), dct=dcts)
def test_date_tagger_on_random_text(text, dct):
    for t in find_timexes(text, dct):
        assert text[t["start"] : t["end"]] == t["text"], t
        assert t["text"].strip(), t
        assert TIMEX3.fullmatch(t["value"]), t
        span = value_span(t["value"])
        if span and t["type"] in ("DATE", "TIME"):
            assert span[0] <= span[1]


@_profile
@given(raw=st.one_of(st.binary(max_size=400), words.map(str.encode), mutated().map(lambda s: s.encode("utf-16"))))
def test_ingest_on_random_bytes(raw):
    text, note = ingest.decode(raw)
    assert isinstance(text, str) and (note is None or isinstance(note, str))
    for name in ("a.txt", "a.html"):
        row, problems = ingest.make_article(name, raw, {"published": "2024-12-08"})
        assert all(isinstance(p, str) and p.startswith(name) for p in problems)
        if row is not None:
            assert isinstance(row["text"], str) and row["text"].strip()
            assert "\r" not in row["text"] or name.endswith(".html")


@_profile
@given(text=st.one_of(words, anything, mutated()))
def test_manifest_text_never_raises(text):
    df, problems = ingest.read_manifest_text("file,title,published\n" + text)
    assert all(isinstance(p, str) for p in problems)
    entries, more = ingest.parse_manifest(df)
    assert all(isinstance(name, str) and name for name in entries)
    assert all(isinstance(p, str) for p in more)
