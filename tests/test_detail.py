"""Provenance: the evidence highlighted in its paragraph, article text never rendered as markup."""

from conftest import HOSTILE

from ui import detail


def test_highlight_marks_the_sentence_in_its_paragraph():
    text = "Title\n\nFirst sentence. HTS captured Damascus on Sunday. Last one.\n\nNext paragraph."
    start = text.index("HTS")
    html = detail.highlight(text, start, start + len("HTS captured Damascus on Sunday."))
    assert "<mark" in html and "HTS captured Damascus on Sunday.</mark>" in html
    assert "First sentence." in html and "Next paragraph" not in html and "Title" not in html


def test_article_markup_is_shown_as_text():
    start = HOSTILE.index("Rebels")
    html = detail.highlight(HOSTILE, start, len(HOSTILE) - 1)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "[click here](javascript:alert(1))" in html  # literal text, and st.html runs no Markdown


def test_bad_offsets_do_not_crash():
    assert "not available" in detail.highlight(None, 0, 5)
    assert "not available" in detail.highlight("short", 3, 99)


def test_sources_lists_every_evidence_of_the_fall_of_damascus(seed_tables):
    event = seed_tables.events[seed_tables.events["sources"] >= 3].iloc[0]
    found = detail.sources(event["event_id"], seed_tables.evidence, seed_tables.articles)
    assert len({s["article"] for s in found}) >= 3
    assert all("<mark" in s["html"] and s["published"] for s in found)
    assert any("relative to publication" in s["date_note"] for s in found)
