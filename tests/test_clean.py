"""clean.mark_blocks: real lines from the seed articles -> body, caption or boilerplate."""

import pandas as pd
import pytest

from pipeline import clean
from pipeline.loading import ResourceError
from pipeline.schema import BLOCKS

# Seed 002 as published: a reactions block, then related posts whose titles
# ran into their dates, a cookie banner and a comment counter.
TAIL_002 = (
    "In summary, a single meeting at the Doha Forum has heralded a turning point in Putin's longstanding "
    "alliance with Assad, compelling Russia to reevaluate its strategies and alliances in a volatile region.\n"
    "Like\nDislike\nLove\nAngry\nSad\nFunny\nPray\n"
    "'Trump Tracker: Tulsi Gabbard's Surprising Appointment as US Intelligence Chief\n"
    "November 14, 20249th Ayurveda Day in Melbourne: A Celebration of Ayurvedic Innovations and Global Health Impact\n"
    "November 10, 2024\U0001f36a We Value Your Privacy and Experience Hi there! We use cookies to enhance your "
    "browsing experience, provide personalized content, and analyze site traffic. By continuing to use our site, "
    "you consent to our use of cookies.\n"
    "Comments 0"
)

BODY = "Bogdanov described the talks with HTS as productive."


def blocks_of(text: str) -> pd.DataFrame:
    return clean.mark_blocks(pd.DataFrame({"article": ["a.txt"], "text": [text]}))


def kind_of(line: str) -> tuple[str, str]:
    """Kind and reason of `line` in the middle of an article (body lines around it)."""
    text = f"{BODY}\n\n{line}\n\nHe stated that the personnel returned to Moscow by air."
    b = blocks_of(text)
    row = b[b["start"] == text.index(line)].iloc[0]
    return row["kind"], row["reason"]


@pytest.mark.parametrize(
    "line, kind, reason",
    [
        ("Leave a Reply", "boilerplate", "comment prompt"),
        ("Leave a Comment", "boilerplate", "comment prompt"),
        ("Your email address will not be published. Required fields are marked *", "boilerplate", "comment prompt"),
        (
            "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
            "boilerplate",
            "comment prompt",
        ),
        ("Comments 0", "boilerplate", "comment prompt"),
        ("Dislike", "boilerplate", "reaction buttons"),
        ("Views: 10", "boilerplate", "view counter"),
        ("Scroll to Top", "boilerplate", "navigation"),
        ("Previous Post Next Post", "boilerplate", "navigation"),
        ("Source link", "boilerplate", "source link"),
        ("AFP contributed reporting.", "boilerplate", "contributor credit"),
        (
            "We use cookies to enhance your browsing experience. By continuing to use our site, you consent to our use of cookies.",
            "boilerplate",
            "cookie notice",
        ),
        (
            "November 14, 20249th Ayurveda Day in Melbourne: A Celebration of Ayurvedic Innovations and Global Health Impact",
            "boilerplate",
            "related post",
        ),
        (
            "Syrian President Bashar Assad inspects the Russian Hmeimim air base in the province of Latakia, Syria, "
            "June 27, 2017 (Syrian Presidency via AP)",
            "caption",
            "photo credit",
        ),
        (
            "Members of Hayat Tahrir al-Sham (HTS) wave flags in Syria's northwestern city of Idlib, on Aug. 20, 2021. "
            "(Omar Haj Kadour/AFP via Getty Images)",
            "caption",
            "photo credit",
        ),
        (
            "A man holds a local newspaper with the front page news on the situation in Syria on December 8, 2024 in "
            "Tehran, Iran. (ATTA KENARE / AFP)",
            "caption",
            "photo credit",
        ),
        (
            "Members of Hayat Tahrir al-Sham (HTS) wave flags in Syria’s northwestern city of Idlib, on Aug. 20, 2021. "
            "Omar Haj Kadour/AFP via Getty Images",
            "caption",
            "photo credit",
        ),
        # Body lines that look a little like junk must stay body.
        (
            "On Dec. 15, the Russian Foreign Ministry announced that part of its diplomatic personnel in Damascus had been "
            "flown back to Moscow using a “special flight” from the Hmeimim base.",
            "body",
            None,
        ),
        (
            "Moscow said Sunday that Russia’s two military facilities in Syria had been put on a state of high alert, "
            "but played down an immediate risk to them.",
            "body",
            None,
        ),
        (
            "The Russian Foreign Ministry said on Sunday that “Russian military bases in Syria are in heightened combat "
            "readiness.”",
            "body",
            None,
        ),
        (
            "Senator Konstantin Kosachev said Moscow’s main priority was “ensuring the safety” of Russian citizens in Syria.",
            "body",
            None,
        ),
        (
            "Reports from ABC News VERIFY indicated that Russia had actually repositioned significant military assets away "
            "from their locations in Syria in the preceding weeks.",
            "body",
            None,
        ),
        ("On November 14, 2024, the ministry said the talks would resume.", "body", None),
    ],
)
def test_kind_of_line(line, kind, reason):
    got_kind, got_reason = kind_of(line)
    assert got_kind == kind
    assert (None if pd.isna(got_reason) else got_reason) == reason


def test_related_posts_tail_of_seed_002_is_boilerplate():
    b = blocks_of(TAIL_002)
    body = b[b["kind"] == "body"]
    assert len(body) == 1 and body.iloc[0]["start"] == 0
    body_text = "".join(TAIL_002[s:e] for s, e in zip(body["start"], body["end"]))
    assert "November 14" not in body_text and "Trump Tracker" not in body_text
    tail = b[b["start"] >= TAIL_002.index("'Trump Tracker")]
    assert set(tail["reason"]) <= {"related post", "comment prompt", "cookie notice"}
    assert (tail["reason"] == "related post").sum() == 3


def test_glued_date_inside_real_text_does_not_swallow_what_follows():
    text = (
        "March 3, 2024Reuters reported the strike in its morning bulletin.\n"
        "The ministry confirmed the strike on Monday and said three soldiers were wounded."
    )
    b = blocks_of(text)
    assert b["kind"].tolist() == ["boilerplate", "body"]


def test_repeated_first_paragraph_of_seed_002_is_a_duplicate():
    para = (
        "In July, Russian President Vladimir Putin held a meeting with Syria's former leader Bashar al-Assad at "
        "the Kremlin, discussing key bilateral relations and regional stability amid ongoing challenges in Syria."
    )
    b = blocks_of(f"{para}\n{para}\n{BODY}")
    assert b["kind"].tolist() == ["body", "boilerplate", "body"]
    assert b["reason"].iloc[1] == "duplicate"


def test_caption_repeated_in_two_forms_keeps_the_first():
    first = (
        "Members of Hayat Tahrir al-Sham (HTS) wave flags in Syria's northwestern city of Idlib, on Aug. 20, "
        "2021. (Omar Haj Kadour/AFP via Getty Images)"
    )
    second = (
        "Members of Hayat Tahrir al-Sham (HTS) wave flags in Syria’s northwestern city of Idlib, on Aug. 20, "
        "2021. Omar Haj Kadour/AFP via Getty Images"
    )
    b = blocks_of(f"{BODY}\n\n{first}\n\n{second}\n\n{BODY.replace('productive', 'useful')}")
    assert b["kind"].tolist() == ["body", "caption", "boilerplate", "body"]
    assert b["reason"].iloc[2] == "duplicate"


def test_site_name_and_headline_at_start_and_short_lines_at_end():
    text = (
        "Kmaupdates\n\nOnce staunch Assad backers, Iran and Russia now calling for deescalation in Syria\n\n"
        "Views: 10\n\n" + BODY + "\n\n(times of israel)\n\nLeave a Comment\n\nScroll to Top"
    )
    b = blocks_of(text)
    assert b["reason"].tolist()[:3] == ["site name", "short line at start", "view counter"]
    assert b["kind"].tolist() == ["boilerplate"] * 3 + ["body"] + ["boilerplate"] * 3
    assert b["reason"].iloc[4] == "short line at end"


def test_subheading_inside_the_article_stays_body():
    text = f"{BODY}\n\n‘Constructive’ Talks With HTS\n\n{BODY.replace('productive', 'useful')}"
    assert blocks_of(text)["kind"].tolist() == ["body"] * 3


def test_offsets_point_into_the_unmodified_text():
    text = "  Leave a Reply  \r\n\n\t" + BODY + "   \n"
    b = blocks_of(text)
    assert [text[s:e] for s, e in zip(b["start"], b["end"])] == ["Leave a Reply", BODY]
    assert b.columns.tolist() == ["article", "block_id", "start", "end", "kind", "reason"]
    assert b["block_id"].tolist() == [0, 1]


def test_empty_articles_give_no_blocks():
    b = clean.mark_blocks(pd.DataFrame({"article": ["a.txt"], "text": [""]}))
    assert b.empty and b.columns.tolist() == list(BLOCKS)


def test_bad_resource_file_fails_with_a_clear_error(tmp_path):
    bad = tmp_path / "boilerplate.yaml"
    bad.write_text("whole_line:\n  navigation: ['(unclosed']\ncontains: {}\nglued_date: x\ncaption: {}\nedges: {}\n")
    with pytest.raises(ResourceError, match=r"boilerplate\.yaml: whole_line\.navigation"):
        clean.load_boilerplate(bad)
