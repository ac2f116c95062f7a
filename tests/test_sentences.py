"""sentences.split_sentences: real paragraphs from the seed articles -> sentences with offsets."""

import pandas as pd
import pytest

from pipeline import clean, sentences
from pipeline.loading import ResourceError
from pipeline.schema import SENTENCES


def split(text: str) -> list[str]:
    return [text[s:e] for s, e in sentences.split_text(text)]


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        # Seed 001: month abbreviations before a day number.
        (
            "On Dec. 15, the Russian Foreign Ministry announced that part of its diplomatic personnel in Damascus had been "
            "flown back to Moscow using a “special flight” from the Hmeimim base.",
            [
                "On Dec. 15, the Russian Foreign Ministry announced that part of its diplomatic personnel in Damascus had been "
                "flown back to Moscow using a “special flight” from the Hmeimim base."
            ],
        ),
        # Seed 001: a quote closed by a comma, then its speaker; then a second quote.
        (
            "“No final decisions have been made on this matter yet,” Peskov informed reporters. “We are in communication "
            "with the factions currently in power in the country, and resolutions will be reached through dialogue.”",
            [
                "“No final decisions have been made on this matter yet,” Peskov informed reporters.",
                "“We are in communication with the factions currently in power in the country, and resolutions will be "
                "reached through dialogue.”",
            ],
        ),
        # Seed 001 caption: the bracketed credit stays with its caption.
        (
            "Members of Hayat Tahrir al-Sham (HTS) wave flags in Syria's northwestern city of Idlib, on Aug. 20, 2021. "
            "(Omar Haj Kadour/AFP via Getty Images)",
            [
                "Members of Hayat Tahrir al-Sham (HTS) wave flags in Syria's northwestern city of Idlib, on Aug. 20, 2021. "
                "(Omar Haj Kadour/AFP via Getty Images)"
            ],
        ),
        # Seed 004: "U.S." inside a sentence.
        (
            "Meanwhile, al-Shara needs relief from U.S. sanctions and support for Syria's recovery, complicating the "
            "negotiations further.",
            [
                "Meanwhile, al-Shara needs relief from U.S. sanctions and support for Syria's recovery, complicating the "
                "negotiations further."
            ],
        ),
        # Seed 003: an initial ("B. Assad") inside a quote.
        (
            "“As a result of the recent negotiations between B. Assad and several participants in the armed conflict in the "
            "Syrian Arab Republic, he made the decision to resign from the presidency and leave the country, ordering a "
            "peaceful transfer of power,” the ministry said. He added that Moscow was not involved in the negotiations.",
            [
                "“As a result of the recent negotiations between B. Assad and several participants in the armed conflict in "
                "the Syrian Arab Republic, he made the decision to resign from the presidency and leave the country, ordering "
                "a peaceful transfer of power,” the ministry said.",
                "He added that Moscow was not involved in the negotiations.",
            ],
        ),
        # Seed 002: "..." inside a quote does not end the sentence.
        (
            "“If you expect me to declare that we have lost in Syria, that we are desperate... then let’s continue this "
            "conversation,” Lavrov remarked. He clarified, “We are focused on preventing terrorists from gaining the upper "
            "hand.”",
            [
                "“If you expect me to declare that we have lost in Syria, that we are desperate... then let’s continue this "
                "conversation,” Lavrov remarked.",
                "He clarified, “We are focused on preventing terrorists from gaining the upper hand.”",
            ],
        ),
        # Titles, numbers and times that end in a period (merge rules from the data file).
        (
            "Gen. Valery Gerasimov met Sen. Lindsey Graham on Jan. 5. They talked.",
            ["Gen. Valery Gerasimov met Sen. Lindsey Graham on Jan. 5.", "They talked."],
        ),
        (
            "The council passed resolution No. 2254 in 2015. It was adopted unanimously.",
            ["The council passed resolution No. 2254 in 2015.", "It was adopted unanimously."],
        ),
        (
            "The strike began at 5 p.m. Monday near Idlib. It lasted an hour.",
            ["The strike began at 5 p.m. Monday near Idlib.", "It lasted an hour."],
        ),
        ("Talks ended at 6 a.m. The delegation left.", ["Talks ended at 6 a.m.", "The delegation left."]),
    ],
)
def test_split_text(paragraph, expected):
    assert split(paragraph) == expected


ARTICLE = (
    "World News\n\n"
    "On Dec. 15, the Russian Foreign Ministry announced that part of its diplomatic personnel had been flown back.\n"
    "On Dec. 16, TASS reported that Alexander Yefimov remains in Damascus. He continues his duties.\n\n"
    "Members of Hayat Tahrir al-Sham (HTS) wave flags in Syria's northwestern city of Idlib, on Aug. 20, 2021. "
    "(Omar Haj Kadour/AFP via Getty Images)\n\n"
    "Leave a Reply\n\n"
    "This site uses Akismet to reduce spam. Learn how your comment data is processed."
)


def test_split_sentences_uses_body_and_caption_blocks_with_article_offsets():
    articles = pd.DataFrame({"article": ["001.txt"], "text": [ARTICLE]})
    s = sentences.split_sentences(articles, clean.mark_blocks(articles))
    assert s.columns.tolist() == ["article", "sentence_id", "start", "end", "text", "caption"]
    assert s["sentence_id"].tolist() == [0, 1, 2, 3]
    assert all(ARTICLE[a:b] == t for a, b, t in zip(s["start"], s["end"], s["text"]))
    assert s["caption"].tolist() == [False, False, False, True]
    assert not s["text"].str.contains("Akismet|Leave a Reply|World News").any()


def test_ids_restart_per_article_and_follow_the_text():
    articles = pd.DataFrame(
        {"article": ["b.txt", "a.txt"], "text": ["First one. Second one.", "Alpha went home. Beta stayed."]}
    )
    s = sentences.split_sentences(articles, clean.mark_blocks(articles))
    assert list(zip(s["article"], s["sentence_id"], s["text"])) == [
        ("b.txt", 0, "First one."),
        ("b.txt", 1, "Second one."),
        ("a.txt", 0, "Alpha went home."),
        ("a.txt", 1, "Beta stayed."),
    ]


def test_no_blocks_give_an_empty_table_with_the_columns():
    articles = pd.DataFrame({"article": ["a.txt"], "text": ["Leave a Reply"]})
    s = sentences.split_sentences(articles, clean.mark_blocks(articles))
    assert s.empty and s.columns.tolist() == list(SENTENCES)


def test_bad_abbreviation_file_fails_with_a_clear_error(tmp_path):
    bad = tmp_path / "abbr.yaml"
    bad.write_text("titles: Mr.\nbefore_number: []\n")
    with pytest.raises(ResourceError, match=r"abbr\.yaml: 'titles'"):
        sentences.load_merge_rules(bad)
