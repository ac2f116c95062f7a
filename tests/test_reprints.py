"""pipeline.reprints: a story reprinted with a byline or footer, or saved as a page, counts once."""

import pytest

from pipeline.build import build
from pipeline.reprints import find_reprints

STORY = (
    "Turkish troops crossed into northern Syria on Sunday and took control of two villages near the border town "
    "of Tal Abyad, the defence ministry in Ankara said in a statement.\n"
    "The ministry said the operation targeted Kurdish fighters it regards as terrorists and that six soldiers "
    "were wounded in clashes that lasted several hours.\n"
    "Residents of the villages told reporters by telephone that many families had fled south towards Raqqa before "
    "the troops arrived, taking only what they could carry.\n"
    "The Syrian Democratic Forces said their fighters had withdrawn from the area to avoid civilian casualties and "
    "accused Turkey of shelling farms and a water station.\n"
    "Russia called on both sides to show restraint and said its military police would continue patrols along the "
    "main highway east of the Euphrates river.\n"
)
OTHER = (
    "Iranian and Russian officials met in Tehran on Monday to discuss gas supplies for the coming winter, the "
    "Iranian oil ministry said.\n"
    "The talks covered a swap arrangement under which Russian gas would be delivered to northern Iran while Iran "
    "exports an equal amount from its southern fields.\n"
    "No agreement was announced, but both delegations said they would meet again in Moscow before the end of the "
    "year to settle prices and volumes.\n"
)
EXTRA = (
    "Farmers in the province of Hatay said the harvest of olives had been the worst in a decade after a dry summer "
    "and a late frost, and that many growers had sold their land to developers.\n"
    "Local officials promised compensation for the worst hit families but said the money would only arrive after "
    "the budget was approved by parliament in the spring.\n"
    "Economists in Istanbul warned that food prices would rise again next year if the government did not invest in "
    "irrigation and storage, and pointed to the shortages of the previous winter.\n"
    "A cooperative in Antakya has started to press oil for smaller farms at cost, its chairman said, adding that "
    "young people were leaving the villages for jobs in the cities and abroad.\n"
    "The agriculture ministry did not respond to a request for comment on the figures, which were published by an "
    "association of producers on its website and in a regional newspaper.\n"
)
BYLINE = "By Ayse Demir and John Miller\nISTANBUL (Wire) -\n"
FOOTER = "\nReporting by Ayse Demir; additional reporting by John Miller; editing by Mark Potter.\n"


def _frame(texts: dict):
    import pandas as pd

    return pd.DataFrame({"article": list(texts), "text": list(texts.values())})


def test_a_reprint_with_byline_and_footer_is_found_and_an_unrelated_story_is_not():
    originals, notices = find_reprints(
        _frame({"a_wire.txt": STORY, "b_paper.txt": BYLINE + STORY + FOOTER, "c_other.txt": OTHER + FOOTER})
    )
    assert originals == {"b_paper.txt": "a_wire.txt"}
    assert len(notices) == 1 and notices[0].startswith("b_paper.txt: a reprint of a_wire.txt")


def test_a_long_article_that_quotes_a_short_story_is_not_its_reprint():
    long = OTHER + EXTRA + STORY + EXTRA.replace("Hatay", "Mersin").replace("Antakya", "Tarsus")
    originals, _ = find_reprints(_frame({"a_wire.txt": STORY, "b_long.txt": long}))
    assert originals == {}


def test_a_lightly_edited_copy_is_a_reprint():
    edited = STORY.replace("six soldiers", "seven soldiers").replace("several hours", "many hours")
    assert find_reprints(_frame({"a.txt": STORY, "b.txt": edited}))[0] == {"b.txt": "a.txt"}


@pytest.mark.parametrize("words", [0, 3, 12])
def test_short_texts_are_never_reprints_by_chance(words):
    text = " ".join(STORY.split()[:words])
    assert find_reprints(_frame({"a.txt": text, "b.txt": text + " Reporting by Wire."}))[0] == {}


def test_reprints_and_a_saved_page_count_as_one_source(tmp_path):
    (tmp_path / "a_wire.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b_paper.txt").write_text(BYLINE + STORY + FOOTER, encoding="utf-8")
    paragraphs = "".join(f"<p>{line}</p>\n" for line in STORY.splitlines())
    (tmp_path / "c_page.html").write_text(
        f"<html><head><title>Turkish troops enter Syria</title></head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>Turkish troops enter Syria</h1>{paragraphs}</article><footer>Contact us</footer></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "manifest.csv").write_text(
        "file,published\na_wire.txt,2024-10-14\nb_paper.txt,2024-10-14\nc_page.html,2024-10-14\n", encoding="utf-8"
    )
    result = build(tmp_path)
    assert len(result.events) and (result.events["sources"] == 1).all(), result.events[["title", "sources"]]
    assert result.events["articles"].str.contains("b_paper.txt").any()  # the reprint's evidence is kept
    joined = "\n".join(result.problems)
    assert "b_paper.txt: a reprint of a_wire.txt" in joined and "c_page.html: a reprint of a_wire.txt" in joined


def test_shingles_from_marked_blocks_are_those_of_the_text():
    from pipeline.clean import mark_blocks
    from pipeline.reprints import sample_blocks, sample_shingles

    page = "World News\nShare this article\n" + BYLINE + STORY + "A soldier at the border (AP Photo/Wire)\n" + FOOTER
    texts = _frame({"a.txt": page, "b.txt": OTHER, "c.txt": "", "d.txt": "Ünïcode wörds in İstanbul, ça va très bien."})
    sampled = sample_blocks(texts, mark_blocks(texts))
    assert sampled == {name: sample_shingles(text) for name, text in zip(texts["article"], texts["text"])}
    assert sampled["a.txt"][0] and sampled["c.txt"] == (frozenset(), 0)


def test_reprint_notices_keep_their_place_among_the_problems(tmp_path):
    texts = {"a_wire.txt": STORY, "b_other.txt": OTHER, "c_paper.txt": BYLINE + STORY + FOOTER}
    texts |= {"d_paper.txt": STORY + FOOTER, "e_empty.txt": "", "f_extra.txt": EXTRA, "g_copy.txt": EXTRA + FOOTER}
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    def order(result):
        return [p.split(":")[0] + (" reprint" if "a reprint of" in p else "") for p in result.problems[1:]]

    # Per chunk of two files: its files' problems and reprints, then its undated articles.
    assert order(build(tmp_path, chunk_size=2)) == (
        ["a_wire.txt", "b_other.txt", "c_paper.txt reprint", "d_paper.txt reprint", "c_paper.txt", "d_paper.txt"]
        + ["e_empty.txt", "f_extra.txt", "g_copy.txt reprint", "g_copy.txt"]
    )
    # With workers, up to two chunks per worker are read before the first comes back.
    assert order(build(tmp_path, workers=2, chunk_size=2)) == (
        ["c_paper.txt reprint", "d_paper.txt reprint", "e_empty.txt", "g_copy.txt reprint"]
        + ["a_wire.txt", "b_other.txt", "c_paper.txt", "d_paper.txt", "f_extra.txt", "g_copy.txt"]
    )
