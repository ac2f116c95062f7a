"""Run the stages in order over a folder of articles (see `pipeline.__init__`).

Articles are processed in chunks, optionally in worker processes: only
candidate events and the articles' rows are kept (through the cache, the rows
without their texts, which stay in the cache's packs until the tables are
written). Merging needs every candidate and runs last.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import itertools
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import get_context
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline import actors, clean, events, ingest, merge, reprints, resolve, salience, sentences, timex
from pipeline.cache import ArticleCache
from pipeline.gazetteer import load_gazetteer
from pipeline.schema import ARTICLES, CANDIDATES, conform, empty
from pipeline.write import TextSource

CHUNK_SIZE = 100
_WARM_UP = pd.DataFrame(
    [
        {
            "article": "warm-up.txt",
            "title": None,
            "source": None,
            "url": None,
            "published": "2024-12-08",
            "published_basis": "manifest",
            "published_note": None,
            "format": "txt",
            "text": "Officials in Kyiv said on Sunday that Russia attacked the city last week.",
        }
    ]
)


@dataclass
class BuildResult:
    """A build's tables. With `texts` (a build through the cache), `articles` holds no texts: they are
    read from the cache's packs as the tables are written (`write.TextSource`), or by `articles_with_text`."""

    events: pd.DataFrame
    evidence: pd.DataFrame
    articles: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    summary: str = ""
    stats: dict = field(default_factory=dict)
    texts: TextSource | None = None

    def articles_with_text(self) -> pd.DataFrame:
        """The articles table with its texts, read into memory (every text at once)."""
        if self.texts is None:
            return self.articles
        return self.articles.assign(text=pd.Series(self.texts.slice(0, len(self.texts)), dtype="string"))


def process_articles(articles: pd.DataFrame, gazetteer) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Stages 2-7 on one chunk of articles: returns (candidate events, articles, counts)."""
    blocks = clean.mark_blocks(articles)  # 2. body / caption / boilerplate
    shingles = reprints.sample_blocks(articles, blocks)  # for the reprint check: no second cleaning pass
    sents = sentences.split_sentences(articles, blocks)  # 3. sentences with offsets
    tagged = timex.tag_timexes(sents)  # 4. temporal expressions
    captions = events.sentence_keys(sents[sents["caption"].astype(bool)])  # never inferred from a caption:
    body_dates = events.select_sentences(tagged, captions, inside=False)
    if not len(body_dates.columns):  # no dates in the chunk at all: an empty table, with its columns
        body_dates = tagged.iloc[:0]
    articles = resolve.infer_published(body_dates, articles)  # 5. publication date if missing,
    tagged = resolve.resolve_dates(tagged, articles)  #    then relative dates resolved
    articles = resolve.count_named_days(events.select_sentences(tagged, captions, inside=False), articles)
    sents = sents.assign(ref_date=_reference_dates(sents, tagged, articles))
    names = actors.match_actors(sents, gazetteer, articles)  # 6. actors, people, places
    cands = events.extract_events(sents, tagged, names, articles)  # 7. candidate events
    counts = {
        "shingles": shingles,
        "sentences": len(sents),
        "timexes": len(tagged),
        "mentions": len(names),
        "undated": _undated(tagged, articles),
        # Per article too, so an incremental build (pipeline.cache) keeps each article's share.
        "by_article": {
            "sentences": sents["article"].value_counts().to_dict(),
            "timexes": tagged["article"].value_counts().to_dict(),
            "mentions": names["article"].value_counts().to_dict(),
        },
    }
    return cands, articles, counts


def _undated(tagged: pd.DataFrame, articles: pd.DataFrame) -> list[str]:
    """A problem line for each article whose dates could not (all) be placed on the calendar."""
    dated = set(tagged.loc[tagged["date"].notna(), "article"])
    unplaced = set(tagged.loc[tagged["date"].isna() & tagged["type"].isin(["DATE", "TIME"]), "article"])
    out = []
    for art, published in zip(articles["article"], articles["published"]):
        if art in unplaced and pd.isna(published):
            used = "only its explicit dates are used" if art in dated else "it contributes no events"
            out.append(
                f"{art}: relative dates ('on Sunday') but no publication date to count from; "
                f"add it to manifest.csv; {used}"
            )
        elif art in unplaced and art not in dated:
            out.append(
                f"{art}: no date could be placed on the calendar (0001-9999) counting from publication "
                f"{published}; it contributes no events"
            )
        elif art not in dated:
            out.append(f"{art}: no dates found; it contributes no events")
    return out


def _reference_dates(sents: pd.DataFrame, tagged: pd.DataFrame, articles: pd.DataFrame) -> pd.Series:
    """The date a sentence speaks of (its first resolved date, else publication), for period-bound aliases."""
    first = tagged.dropna(subset=["date"]).groupby(["article", "sentence_id"])["date"].first()
    published = articles.set_index("article")["published"]
    keys = pd.MultiIndex.from_frame(sents[["article", "sentence_id"]])
    ref = pd.Series(first.reindex(keys).to_numpy(), index=sents.index)
    return ref.fillna(sents["article"].map(published))


def _process_chunk(chunk: pd.DataFrame, extra_actor_files: tuple[str, ...], keep_text: bool):
    """Stages 2-7 on a chunk; if it raises, article by article, so one bad article costs only itself.

    The article that still raises on its own is left out, with a problem line
    naming it and the error (counts["failed"]); the build goes on.
    """
    gazetteer = load_gazetteer(extra_actor_files)
    try:
        cands, arts, counts = process_articles(chunk, gazetteer)
        counts["failed"] = []
    except Exception:  # any failure inside one article must not stop the build
        if len(chunk) == 1:
            raise
        results, failed = [], []
        for i in range(len(chunk)):
            one = chunk.iloc[i : i + 1]
            try:
                results.append(process_articles(one, gazetteer))
            except Exception as err:
                failed.append(_failure(one["article"].iloc[0], err))
        cands, arts, counts = _combine(results)
        counts["failed"] = failed
    if not keep_text:
        arts = arts.assign(text=pd.NA)
    return cands, arts, counts


def _process_one_safely(chunk: pd.DataFrame, extra_actor_files: tuple[str, ...], keep_text: bool):
    """`_process_chunk`, with a one-article chunk that raises reported instead of raised."""
    try:
        return _process_chunk(chunk, extra_actor_files, keep_text)
    except Exception as err:
        counts = {"sentences": 0, "timexes": 0, "mentions": 0, "undated": []}
        counts["failed"] = [_failure(chunk["article"].iloc[0], err)]
        return empty(CANDIDATES), empty(ARTICLES), counts


def _warm_up(extra_actor_files: tuple[str, ...]) -> None:
    """Load and compile every rule set the stages use (the date rules compile on first use otherwise)."""
    process_articles(_WARM_UP, load_gazetteer(extra_actor_files))
    timex.load_rules().by_char.compile_all()


def _libc() -> ctypes.CDLL:
    """The C library (raises OSError where there is none to load by that name)."""
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _die_with_parent(parent: int) -> None:
    """Worker start-up: end this worker when the build process dies, even by SIGKILL (no orphans left running).

    Linux delivers SIGKILL to the worker when its parent ends (PR_SET_PDEATHSIG); elsewhere a
    thread checks every second that the parent is still the one that started it.
    """
    try:
        libc = _libc()
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) != 0:  # 1 = PR_SET_PDEATHSIG
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def release_memory() -> bool:
    """Give the pages the C allocator keeps after frees back to the system (glibc's `malloc_trim`); False elsewhere.

    A build frees a stage's tables (the extraction's chunks, the candidates after the merge) and then
    allocates the next stage's; glibc keeps the freed pages for itself, scattered between live ones,
    so without this the next stage's memory comes on top of the last one's.
    """
    # The CLI gives Arrow the C allocator; a library caller's Arrow may use its own (mimalloc), which keeps pages too.
    pa.default_memory_pool().release_unused()
    try:
        return bool(_libc().malloc_trim(0))
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim this way
        return False


def _failure(article: str, err: BaseException) -> str:
    where = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
    at = f" in {Path(where.filename).name}:{where.lineno}" if where else ""
    return f"{article}: processing failed ({type(err).__name__}: {err}{at}); skipped, the rest was built"


def _combine(results: list[tuple[pd.DataFrame, pd.DataFrame, dict]]) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    counts: dict = {"sentences": 0, "timexes": 0, "mentions": 0, "undated": []}
    by_article: dict[str, dict] = {"sentences": {}, "timexes": {}, "mentions": {}}
    shingles: dict = {}
    for _, _, c in results:
        for k in counts:
            counts[k] += c[k]
        for k, per in c.get("by_article", {}).items():
            by_article[k].update(per)
        shingles.update(c.get("shingles", {}))
    counts["by_article"] = by_article
    counts["shingles"] = shingles
    cands = [c for c, _, _ in results]
    arts = [a for _, a, _ in results]
    return (
        pd.concat(cands, ignore_index=True) if cands else empty(CANDIDATES),
        pd.concat(arts, ignore_index=True) if arts else empty(ARTICLES),
        counts,
    )


def build(
    articles_dir: Path | str,
    progress: Callable[[int, int], None] | None = None,
    *,
    workers: int = 1,
    actor_files: Iterable[str | Path] = (),
    keep_text: bool = True,
    chunk_size: int = CHUNK_SIZE,
    today: dt.date | None = None,
    cache: ArticleCache | None = None,
) -> BuildResult:
    """Build the events table from a folder of articles and a manifest.

    `today` (default: the system date) is only used to warn about publication dates in the future.
    With a `cache` (`pipeline.cache.ArticleCache`) only articles it does not hold are
    ingested and extracted, and they are added to it; the output is the same.
    """
    today = today or dt.date.today()
    started = time.perf_counter()
    extra = tuple(str(p) for p in actor_files)
    load_gazetteer(extra)  # fail fast on a broken actor file, before any work
    if cache is not None:
        return _build_cached(Path(articles_dir), cache, progress, workers, extra, keep_text, chunk_size, today, started)
    # Problems in reading order: per chunk, its files', publication dates' and reprints' lines, then
    # (when it comes back from processing) its failed and undated articles. The reprint check uses the
    # shingles processing sampled, so its lines go into a slot kept at their place until then.
    problems: list[list[str]] = []
    copies = reprints.ReprintIndex()  # near-duplicate articles count as one source
    chunks = ingest.iter_articles(Path(articles_dir), chunk_size=chunk_size)
    all_cands, all_articles, totals = [], [], {"sentences": 0, "timexes": 0, "mentions": 0}
    done = 0
    total = sum(1 for p in Path(articles_dir).iterdir() if p.suffix.lower() in ingest.SUFFIXES)

    def read(chunk: pd.DataFrame, chunk_problems: list[str]) -> list[str]:
        problems.append(chunk_problems + ingest.future_published(chunk, today))
        problems.append([])
        return problems[-1]

    def collect(chunk: pd.DataFrame, reprint_lines: list[str], result) -> None:
        nonlocal done
        cands, arts, counts = result
        # In reading order: the index holds every earlier chunk. An article that failed has no shingles
        # and is sampled from its text.
        reprint_lines.extend(copies.add_articles(chunk, counts.get("shingles")))
        all_cands.append(cands)
        all_articles.append(arts)
        for k in totals:
            totals[k] += counts[k]
        problems.append(counts["failed"] + counts["undated"])
        done += len(arts)
        if progress:
            progress(done, total)

    if workers > 1:
        # Compile every rule set here first (about a second): forked workers inherit
        # them instead of each compiling its own.
        _warm_up(extra)
        # At most two chunks per worker in flight, so reading never runs far ahead of processing.
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=get_context("fork"), initializer=_die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            pending: deque = deque()
            for chunk, chunk_problems in chunks:
                slot = read(chunk, chunk_problems)
                if len(chunk):
                    pending.append((chunk, slot, pool.submit(_process_one_safely, chunk, extra, keep_text)))
                while len(pending) >= 2 * workers:
                    chunk, slot, future = pending.popleft()
                    collect(chunk, slot, future.result())
            while pending:
                chunk, slot, future = pending.popleft()
                collect(chunk, slot, future.result())
    else:
        for chunk, chunk_problems in chunks:
            slot = read(chunk, chunk_problems)
            if len(chunk):
                collect(chunk, slot, _process_one_safely(chunk, extra, keep_text))

    if progress:
        progress(done, done)  # skipped files were counted in the total: close the bar at 100%
    cands = pd.concat(all_cands, ignore_index=True) if all_cands else empty(CANDIDATES)
    arts = pd.concat(all_articles, ignore_index=True) if all_articles else empty(ARTICLES)
    all_cands.clear()  # the chunks' frames: `cands` alone holds their columns now
    all_articles.clear()
    release_memory()  # what extraction freed, before the merge allocates its tables
    ev, order, ids = merge.merge_positions(cands, copies.originals)  # 8. one row per real-world event
    n_candidates = len(cands)
    evidence = merge.take_evidence(cands, order, ids)  # empties `cands` as it goes
    del cands
    release_memory()
    lines = [line for part in problems for line in part]
    return finish_build(ev, evidence, arts, lines, totals, started, candidates=n_candidates)


def finish_build(
    events: pd.DataFrame,
    evidence: pd.DataFrame,
    arts: pd.DataFrame,
    problems: list[str],
    totals: dict,
    started: float,
    *,
    candidates: int,
    engine: str = "",
    extra: dict | None = None,
    tail: str = "",
) -> BuildResult:
    """Stage 9 (salience) and the build's counts and one-line summary: the same for every engine."""
    events = salience.score_salience(events, evidence, arts)  # 9. how much each event matters
    problems = [ingest.printable(p) for p in problems]  # file names may hold newlines or terminal escapes
    seconds = time.perf_counter() - started
    stats = {
        "articles": len(arts),
        "candidates": candidates,
        "events": len(events),
        "multi_source": int((events["sources"] > 1).sum()) if len(events) else 0,
        "problems": len(problems),
        "seconds": round(seconds, 3),
        **totals,
        **(extra or {}),
    }
    summary = (
        f"{stats['events']} events ({stats['multi_source']} reported by 2+ articles) from {stats['articles']} articles, "
        f"{stats['sentences']} sentences, {stats['timexes']} temporal expressions in {seconds:.1f} s{engine}; "
        f"{len(problems)} problem{'s' if len(problems) != 1 else ''}{tail}"
    )
    return BuildResult(events, evidence, conform(arts, ARTICLES), problems, summary, stats)


def _build_cached(folder, cache, progress, workers, extra, keep_text, chunk_size, today, started) -> BuildResult:
    """`build` through an article cache: stages 1-7 only where the cache misses, then the merge."""
    process = partial(_process_one_safely, extra_actor_files=extra, keep_text=True)
    copies = reprints.ReprintIndex()  # every article, cached or not, in order: reprints span the corpus
    args = (folder, process, chunk_size, keep_text, progress)
    if workers > 1:

        def pooled(fn, chunks):
            """`map` on a process pool, started only when the cache misses some article."""
            chunks = iter(chunks)
            first = next(chunks, None)
            if first is None:
                return
            _warm_up(extra)  # compiled once, inherited by forked workers
            with ProcessPoolExecutor(
                max_workers=workers,
                mp_context=get_context("fork"),
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            ) as pool:
                yield from pool.map(fn, itertools.chain([first], chunks))

        cands, arts, problems, totals, texts = cache.build_tables(*args, pooled, today=today, copies=copies)
    else:
        cands, arts, problems, totals, texts = cache.build_tables(*args, today=today, copies=copies)
    release_memory()  # what extraction freed, before the merge allocates its tables
    # 8. one row per real-world event, merging again only the candidates of dates that changed
    ev, order, ids, merged, remerged = merge.merge_positions_reusing(cands, copies.originals, cache.previous_merge())
    cache.keep_merge(merged)
    n_candidates = len(cands)
    del merged
    cached = cache.commit()  # lets go of the cache's references to the candidates' columns
    release_memory()
    # Taken from the candidates after the commit, column by column: the two tables are never whole at once.
    evidence = merge.take_evidence(cands, order, ids)
    del cands, order, ids
    release_memory()
    moved = {"reused": cached.reused, "extracted": cached.extracted, "removed": cached.removed, "remerged": remerged}
    tail = f"; {cached.reused} articles reused, {cached.extracted} extracted, {cached.removed} removed"
    result = finish_build(
        ev, evidence, arts, problems + cached.problems, totals, started, candidates=n_candidates, extra=moved, tail=tail
    )
    result.texts = texts
    return result
