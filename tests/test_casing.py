"""Case mappings that change length never move offsets (pipeline.casing and the stages that use it)."""

import pytest

from pipeline.casing import lower
from pipeline.dates import find_timexes
from pipeline.lexicon import tokens

DCT = "2024-12-10"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("İstanbul", "istanbul"),
        ("İZMİR and Ankara", "izmir and ankara"),
        ("Straße", "straße"),
        ("ﬁnal ﬂag", "ﬁnal ﬂag"),
        ("ΣΊΣΥΦΟΣ", "σίσυφος"),
        ("plain ASCII", "plain ascii"),
    ],
)
def test_lower_keeps_the_length_and_lowers_what_it_can(text, expected):
    assert lower(text) == expected
    assert len(lower(text)) == len(text)


@pytest.mark.parametrize("prefix", ["", "İstanbul ", "İstanbul and İzmir, ", "İİİİİİİİİİ ", "Straße ﬁnal "])
def test_a_weekday_after_dotted_capital_i_is_found_at_its_offsets(prefix):
    text = f"{prefix}officials said on Sunday that talks would resume."
    found = find_timexes(text, DCT)
    assert [(t["text"], t["value"]) for t in found] == [("Sunday", "2024-12-08")]
    assert all(text[t["start"] : t["end"]] == t["text"] for t in found)


def test_relative_date_in_the_last_sentence_after_many_dotted_capitals():
    text = "İstanbul, İzmir and İskenderun sent aid. " * 8 + "The governor of İzmir spoke last week."
    found = find_timexes(text, DCT)
    assert [(t["text"], t["value"]) for t in found] == [("last week", "2024-W49")]
    assert text[found[0]["start"] : found[0]["end"]] == "last week"


def test_cue_word_offsets_point_into_the_original_text():
    text = "İİİ officials in İstanbul attacked nobody."
    for word, start, end in tokens(text):
        assert text[start:end].lower() in (word, word.replace("i", "i̇"))
    assert ("attacked", text.index("attacked"), text.index("attacked") + 8) in tokens(text)
