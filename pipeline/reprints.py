"""Near-duplicate articles: the same story reprinted with a byline or a footer, or saved as a page and as text.

Byte-identical copies are dropped at ingest (`ingest.text_key`). A reprint
differs a little, so it is kept, but it is not an independent source: each
article gets an original (itself, or the earlier article it reprints) and
`merge` counts distinct originals as an event's `sources`.

Method: word 5-shingles of the lowercased body text (lines `pipeline.clean` keeps), hashed (CRC-32, so the same
on every run and in every process); only hashes divisible by SAMPLE are kept
(a fixed, content-defined sample: two copies keep the same shingles). An
article reprints an earlier one when at least CONTAINMENT of the sampled
shingles of the shorter of the two are in the other and the shorter has at
least MIN_LENGTH_RATIO of the longer's words, so an added byline, dateline or
footer does not hide a copy, and a long article quoting a short one is not
its reprint. A shingle found in COMMON_DF earlier articles is ignored:
it is furniture the cleaner missed, shared by unrelated pages. The index keeps only the samples (about one shingle in SAMPLE),
so memory grows slowly with the corpus.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.casing import lower
from pipeline.clean import mark_text

SHINGLE_WORDS = 5
SAMPLE = 8
CONTAINMENT = 0.9
MIN_LENGTH_RATIO = 0.5
MIN_SHARED = 3  # fewer sampled shingles in common is no evidence (very short texts)
COMMON_DF = 3
_WORD = re.compile(r"\w+")


def body_text(text: str) -> str:
    """The body lines of an article (no page furniture, captions or boilerplate: `pipeline.clean`)."""
    return "\n".join(text[s:e] for s, e, kind, _ in mark_text(text) if kind == "body")


def sample_shingles(text: str) -> tuple[frozenset[int], int]:
    """The sampled shingle hashes of an article's body text and its number of words."""
    return _sample(body_text(text))


def sample_blocks(articles: pd.DataFrame, blocks: pd.DataFrame) -> dict[str, tuple[frozenset[int], int]]:
    """`sample_shingles` of every article text, from the blocks `pipeline.clean` marked in it (not cleaned again)."""
    body = blocks[blocks["kind"] == "body"]
    spans = defaultdict(list)
    for article, start, end in zip(body["article"].tolist(), body["start"].tolist(), body["end"].tolist()):
        spans[article].append((start, end))
    return {
        article: _sample("\n".join(text[s:e] for s, e in spans.get(article, ())))
        for article, text in zip(articles["article"].tolist(), articles["text"].tolist())
        if isinstance(text, str)
    }


def _sample(body: str) -> tuple[frozenset[int], int]:
    words = _WORD.findall(lower(body))
    kept = set()
    for i in range(max(len(words) - SHINGLE_WORDS + 1, 0)):
        h = zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode())
        if h % SAMPLE == 0:
            kept.add(h)
    return frozenset(kept), len(words)


@dataclass
class ReprintIndex:
    """Articles seen so far, by sampled shingle; `originals` maps every reprint to the article it copies."""

    originals: dict[str, str] = field(default_factory=dict)
    notices: dict[str, str] = field(default_factory=dict)  # article -> the notice `add_articles` gave it
    _postings: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    _names: list[str] = field(default_factory=list)
    _sizes: list[tuple[int, int]] = field(default_factory=list)  # (sampled shingles, words)
    failed: bool = False  # some article's check raised (it is not in the index): the index cannot be resumed

    def add(
        self, article: str, text: str, sampled: tuple[frozenset[int], int] | None = None
    ) -> tuple[str, float] | None:
        """Index one article; (original, share of text in common) when it reprints an earlier one, else None.

        `sampled` is `sample_shingles(text)` when already known (an incremental build keeps it).
        """
        shingles, n_words = sampled if sampled is not None else sample_shingles(text)
        found = self._best_match(shingles, n_words)
        k = len(self._names)
        self._names.append(article)
        self._sizes.append((len(shingles), n_words))
        if found is not None:
            original, share = found
            self.originals[article] = self.originals.get(original, original)
            return self.originals[article], share
        for h in shingles:
            self._postings[h].append(k)
        return None

    def __len__(self) -> int:
        """Articles indexed so far."""
        return len(self._names)

    def _best_match(self, shingles: frozenset[int], n_words: int) -> tuple[str, float] | None:
        # A shingle already in COMMON_DF articles is page furniture ("Share your images and videos"), not a story.
        shingles = frozenset(h for h in shingles if len(self._postings.get(h, ())) < COMMON_DF)
        shared = Counter(j for h in shingles for j in self._postings.get(h, ()))
        best = None
        for j, common in shared.most_common(5):
            if common < MIN_SHARED:
                break
            size, words = self._sizes[j]
            if min(words, n_words) < MIN_LENGTH_RATIO * max(words, n_words):
                continue
            share = common / max(min(size, len(shingles)), 1)
            if share >= CONTAINMENT and (best is None or share > best[1]):
                best = (self._names[j], share)
        return best

    def add_articles(
        self, articles: pd.DataFrame, sampled: dict[str, tuple[frozenset[int], int]] | None = None
    ) -> list[str]:
        """Index a chunk of `articles` (article, text) in order; a notice line for each reprint.

        `sampled`: article -> `sample_shingles` of its text, for the articles where it is known.
        """
        notices = []
        sampled = sampled or {}
        for article, text in zip(articles["article"], articles["text"]):
            if not isinstance(text, str):
                continue
            try:
                found = self.add(article, text, sampled.get(article))
            except Exception as err:  # never lose an article to the reprint check
                notices.append(f"{article}: reprint check failed ({type(err).__name__}: {err}); counted on its own")
                self.failed = True
                continue
            if found:
                original, share = found
                notices.append(
                    f"{article}: a reprint of {original} ({share:.0%} of its text in common); "
                    "kept, but counted with it as one source"
                )
                self.notices[article] = notices[-1]
        return notices


def index_tables(
    index: ReprintIndex, stored: pd.DataFrame | None = None, resumed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The index as two tables, to resume it in another process (`resume_index`).

    `articles`: article, sampled shingles, words, original (None: itself) and notice, in the order
    added; `postings`: (hash, position of the article) pairs. `stored`: the postings of the first
    `resumed` articles, when it was resumed (`resume_index` keeps only the postings it needs).
    """
    names = index._names
    articles = pd.DataFrame(
        {
            "article": pd.Series(names, dtype="string"),
            "shingles": pd.Series([s for s, _ in index._sizes], dtype="int64"),
            "words": pd.Series([w for _, w in index._sizes], dtype="int64"),
            "original": pd.Series([index.originals.get(n) for n in names], dtype="string"),
            "notice": pd.Series([index.notices.get(n) for n in names], dtype="string"),
        }
    )
    new = [(h, k) for h, ks in index._postings.items() for k in ks if k >= resumed]
    postings = pd.DataFrame(
        {
            "hash": pd.Series([h for h, _ in new], dtype="int64"),
            "article": pd.Series([k for _, k in new], dtype="int64"),
        }
    )
    if stored is not None:
        postings = pd.concat([stored, postings], ignore_index=True)
    return articles, postings


def resume_index(
    index: ReprintIndex, articles: pd.DataFrame, postings: pd.DataFrame, count: int, wanted: set[int]
) -> pd.DataFrame:
    """Make the empty `index` what it was after adding the first `count` articles of `index_tables`.

    Only the postings of the `wanted` hashes (those of the articles still to add) are loaded: an
    article is only ever compared on its own shingles. Returns the postings table cut to the first
    `count` articles (for `index_tables`).
    """
    postings = postings[postings["article"].to_numpy() < count]
    index._names = articles["article"].iloc[:count].tolist()
    index._sizes = list(zip(articles["shingles"].iloc[:count].tolist(), articles["words"].iloc[:count].tolist()))
    for column, kept in (("original", index.originals), ("notice", index.notices)):
        values = articles[column].iloc[:count]
        kept.update(zip(articles["article"].iloc[:count][values.notna()].tolist(), values.dropna().tolist()))
    hashes = postings["hash"].to_numpy()
    needed = postings[np.isin(hashes, np.fromiter(wanted, dtype=np.int64, count=len(wanted)))]
    for h, k in zip(needed["hash"].tolist(), needed["article"].tolist()):  # in the order they were added
        index._postings[h].append(k)
    return postings.reset_index(drop=True)


def find_reprints(articles: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    """Article -> original for every reprint in `articles` (in order), and one notice line per reprint."""
    index = ReprintIndex()
    notices = index.add_articles(articles)
    return index.originals, notices
