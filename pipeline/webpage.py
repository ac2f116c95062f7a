"""Main text, metadata and publication date of one saved web page (used by `ingest`).

`extract_html(html)` returns dict(text, title, published, published_note, url,
source); it reads no file and opens no connection: trafilatura and htmldate get
the page as a string and no URL, so neither ever fetches anything.

The publication date is chosen from three pieces of evidence, all read by
maintained libraries (htmldate, trafilatura, lxml), never by patterns over the
HTML:

- declared: the publisher's own publication field (`article:published_time`
  and its variants, `itemprop="datePublished"`, JSON-LD `datePublished`).
  htmldate reads these from a copy of the page that holds nothing else, so a
  generic `<meta name="date">` (often the last update) or a teaser cannot win.
- markup: htmldate over the whole page (`original_date=True`, no extensive
  search). When a page declares nothing, htmldate falls back to dates in the
  markup, which can belong to a related-article teaser.
- text years: the years the main text mentions (19xx/20xx). A page date more
  than `YEAR_GAP` years after the latest or before the earliest of them is
  doubtful: a 2013 article about events up to 2011 is not published in 2019.

Rule, in order (the winner is named in `published_note`):
1. the declared date, whenever there is one: it is the publisher's own field;
2. else htmldate's markup date, if it is within the text's years (± `YEAR_GAP`);
3. else htmldate again, limited to that window (its `min_date`/`max_date`),
   first in the markup, then with its extensive search;
4. else htmldate's markup date, with a note that it is outside the text's years.
trafilatura's own metadata date is not a fourth source: it is htmldate with the
extensive search (and today as the latest date), so it adds no evidence.
"""

from __future__ import annotations

import copy
import re
from typing import Any

#: How many years a publication date may lie outside the years its text mentions.
YEAR_GAP = 2
# Years a news text mentions. Stray numbers ("2000 people") only widen the window,
# which makes the check more lenient, never stricter.
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
# The publisher's declaration of the original publication date, and nothing else.
_DECLARED = (
    "//meta[@property='article:published_time' or @property='og:article:published_time'"
    " or @property='og:published_time' or @itemprop='datePublished' or @name='parsely-pub-date']"
    " | //script[@type='application/ld+json']"
)
# Lists of other posts ("next post", "related", "recommended", teasers) inside the
# article container: trafilatura keeps them even when favoring precision, and
# their snippets ("On April 13, 2019, ... […]") would become events.
_TEASERS = [
    "//*[contains(@class, 'nextstory') or contains(@class, 'next-post') or contains(@id, 'next-post')"
    " or contains(@class, 'related') or contains(@id, 'related')"
    " or contains(@class, 'teaser') or contains(@class, 'recommend')]"
]
_FORMAT = "%Y-%m-%d"


def extract_html(html: str) -> dict:
    """Main text and metadata of a saved web page: dict(text, title, published, published_note, url, source).

    trafilatura keeps the article body and drops navigation, comments and
    teaser lists (favoring precision); the date follows the rule in the module
    docstring. Missing values are None.
    """
    import trafilatura  # imported here: loading it costs ~0.5 s, plain-text builds never need it

    doc: Any = trafilatura.bare_extraction(  # a Document (as_dict=False is the default in trafilatura 2)
        html,
        include_comments=False,
        favor_precision=True,
        include_tables=False,
        with_metadata=True,
        deduplicate=False,
        prune_xpath=_TEASERS,
    )
    text = (doc.text or "") if doc is not None else ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    published, note = choose_published(html, text)
    page = {"text": text, "title": None, "published": published, "published_note": note, "url": None, "source": None}
    if doc is not None:
        page.update(title=doc.title or None, url=doc.url or None, source=doc.sitename or None)
    return page


def text_years(text: str) -> tuple[int, int] | None:
    """(earliest, latest) year the text mentions, or None if it mentions none."""
    years = [int(y) for y in _YEAR.findall(text)]
    return (min(years), max(years)) if years else None


def choose_published(html: str, text: str) -> tuple[str | None, str | None]:
    """(YYYY-MM-DD or None, note naming the source that won) for a page and its main text."""
    tree = _parse(html)
    if tree is None:
        return None, None
    declared = _declared_date(tree)
    markup = _find_date(html)
    if declared:
        note = "page's declared publication date (article:published_time / datePublished)"
        if markup and markup != declared:
            note += f"; htmldate's page date {markup} differs (an update or a teaser)"
        return declared, note
    span = text_years(text)
    if markup and _within(markup, span):
        return markup, "htmldate (page markup)"
    if span:
        low, high = f"{span[0] - YEAR_GAP}-01-01", f"{span[1] + YEAR_GAP}-12-31"
        years = f"{span[0] - YEAR_GAP}-{span[1] + YEAR_GAP}"
        for extensive in (False, True):
            found = _find_date(html, extensive_search=extensive, min_date=low, max_date=high)
            if found:
                unrestricted = f"; unrestricted it gave {markup}" if markup else ""
                return found, f"htmldate limited to {years}, the years the text mentions (± {YEAR_GAP}){unrestricted}"
    if markup and span:
        return markup, f"htmldate (page markup); outside the years the text mentions ({span[0]}-{span[1]})"
    return None, None


def _within(date: str, span: tuple[int, int] | None) -> bool:
    return span is None or span[0] - YEAR_GAP <= int(date[:4]) <= span[1] + YEAR_GAP


def _parse(html: str):
    import lxml.html

    try:
        return lxml.html.fromstring(html)
    except Exception:  # lxml raises on empty or unparsable documents; no date then
        return None


def _declared_date(tree) -> str | None:
    """htmldate's reading of the page's publication declarations alone."""
    import lxml.html

    found = tree.xpath(_DECLARED)
    if not found:
        return None
    page = lxml.html.fromstring("<html><head><title></title></head><body><p></p></body></html>")
    head = page.find("head")
    for elem in found:
        head.append(copy.deepcopy(elem))
    return _find_date(page)


def _find_date(page, extensive_search: bool = False, **bounds) -> str | None:
    from htmldate import find_date

    try:
        return find_date(page, original_date=True, extensive_search=extensive_search, outputformat=_FORMAT, **bounds)
    except Exception:  # htmldate raises on markup it cannot parse; a missing date is fine
        return None
