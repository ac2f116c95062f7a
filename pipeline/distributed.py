"""The build on a Dask cluster: stages 1-7 as a bag over the file list, stage 8 as a shuffle on the blocking key.

    python -m pipeline build --engine dask                            # a LocalCluster on this machine
    python -m pipeline build --engine dask --scheduler tcp://host:8786  # a running cluster

Needs the `dask` extra (`pip install .[dask]`). Workers read the articles and
any extra actor file by the same paths as this process (a shared folder).

1. The file list is cut into the chunks a local build uses (`build.CHUNK_SIZE`
   files each); each chunk is one task: read, ingest and extract it
   (`build.process_articles`), keeping each file's text hash.
2. Duplicates are found here, in file order, from the hashes only, exactly as
   `ingest.iter_articles` finds them; their rows are dropped in the cluster.
3. Candidates are shuffled so that all candidates of one date (date, end
   date: `merge.UNIT`, the only candidates `merge.merge_events` ever compares
   or joins; a restatement joins reports of two quad classes) land in one
   partition; each partition runs `merge_events` itself.
   Merged events and evidence are put back in the order a local build gives
   (by the position of each cluster's first candidate), so the tables are
   identical; salience (stage 9) is scored here over the whole table. If candidates cannot be told apart by their article and offsets,
   the partitioned merge could not be reordered exactly and the merge runs once
   over all candidates instead.

A worker that dies is replaced and its tasks run again (Dask retries a task
up to `distributed.scheduler.allowed-failures` times); past that the build
stops with an error and returns nothing, never a partial table.
"""

from __future__ import annotations

import datetime as dt
import operator
import time
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from pipeline import ingest, merge, reprints
from pipeline.build import CHUNK_SIZE, BuildResult, _process_one_safely, finish_build
from pipeline.gazetteer import load_gazetteer
from pipeline.schema import ARTICLES, CANDIDATES, EVENTS, EVIDENCE, conform, empty

#: Merge partitions per extraction chunk (at least one): blocks are small, so few partitions do.
MERGE_PARTITIONS_PER_CHUNK = 0.25
#: ... and at most this many per worker thread: the shuffle has a task per (chunk, partition) pair, so
#: partitions that grow with the corpus make the scheduler's work grow with its square.
MERGE_PARTITIONS_PER_THREAD = 4
_BLOCK = merge.UNIT


def extract_chunk(
    index: int, paths: list[str], entries: dict[str, dict], listed: bool, extra: tuple[str, ...], keep_text: bool
) -> dict:
    """Stages 1-7 on one chunk of files (a task): per-file problems and text hashes, candidates, articles."""
    # Per file: name, text hash (None: not read), problems, publication date as given, text.
    files: list[tuple[str, str | None, list[str], str | None, str | None]] = []
    rows = []
    for p in paths:
        path = Path(p)
        try:
            raw = path.read_bytes()
        except OSError as err:
            files.append((path.name, None, [f"{path.name}: cannot be read ({err.strerror}); skipped"], None, None))
            continue
        entry = entries.get(path.name)
        found = [f"{path.name}: not in {ingest.MANIFEST}; read it without title or manifest date"]
        found = found if entry is None and listed else []
        try:
            row, more = ingest.make_article(path.name, raw, entry)
        except Exception as err:  # as `ingest.iter_articles`: a parser bug on one odd file must not stop the build
            row, more = None, [f"{path.name}: could not be read ({type(err).__name__}: {err}); skipped"]
        if row is None:
            files.append((path.name, None, found + more, None, None))
            continue
        files.append((path.name, ingest.text_key(row["text"]), found + more, row["published"], row["text"]))
        rows.append(row)
    arts = ingest.to_frame(rows)
    if len(arts):
        cands, arts, counts = _process_one_safely(arts, extra, True)
    else:
        cands, counts = empty(CANDIDATES), {"undated": [], "failed": [], "by_article": {}}
    if not keep_text:
        arts = arts.assign(text=pd.NA)
    cands = conform(cands, CANDIDATES).assign(_chunk=index, _row=range(len(cands)))
    return {"index": index, "files": files, "cands": cands, "articles": arts, "counts": counts}


def _drop(result: dict, dropped: frozenset[str]) -> pd.DataFrame:
    cands = result["cands"]
    return cands[~cands["article"].isin(dropped)] if dropped else cands


def _partition_of(cands: pd.DataFrame, n: int) -> list[int]:
    keys = cands[_BLOCK].astype(object).where(cands[_BLOCK].notna(), None).itertuples(index=False, name=None)
    return [zlib.crc32(repr(k).encode("utf-8")) % n for k in keys]


def split_for_merge(cands: pd.DataFrame, n: int) -> list[tuple[int, pd.DataFrame]]:
    """(merge partition, candidates) pieces: a block's candidates always go to the same partition."""
    if not len(cands):
        return []
    part = pd.Series(_partition_of(cands, n), index=cands.index)
    return [(int(p), piece) for p, piece in cands.groupby(part, sort=True)]


def merge_partition(pieces: list[pd.DataFrame], originals: dict[str, str] | None = None) -> dict:
    """`merge.merge_events` on whole blocks, with each cluster's first candidate position for reordering."""
    cands = pd.concat(pieces, ignore_index=True).sort_values(["_chunk", "_row"], kind="stable")
    ident = ["article", "char_start", "char_end"]
    if cands.duplicated(ident).any():
        return {"exact": False}
    events, evidence = merge.merge_events(cands.drop(columns=["_chunk", "_row"]).reset_index(drop=True), originals)
    # Local order is global order within the partition: a cluster's first candidate is its least position.
    position = {key: i for i, key in enumerate(zip(*(cands[c].tolist() for c in ident)))}
    local = pd.Series([position[k] for k in zip(*(evidence[c].tolist() for c in ident))], index=evidence.index)
    first_of = local.groupby(evidence["event_id"]).transform("min").to_numpy()
    global_pos = cands[["_chunk", "_row"]].to_numpy()
    evidence = evidence.assign(_chunk=global_pos[first_of, 0], _row=global_pos[first_of, 1])
    firsts = evidence.drop_duplicates("event_id").set_index("event_id")[["_chunk", "_row"]]
    events = events.join(firsts, on="event_id")
    return {"exact": True, "events": events, "evidence": evidence}


def _connect(scheduler: str | None, n_workers: int):
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:  # pragma: no cover - depends on the install
        raise RuntimeError("--engine dask needs Dask: pip install '.[dask]'") from err
    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster), cluster


def build_on_dask(
    articles_dir: Path | str,
    scheduler: str | None = None,
    *,
    actor_files: Iterable[str | Path] = (),
    keep_text: bool = True,
    chunk_size: int = CHUNK_SIZE,
    n_workers: int = 2,
    client=None,
    extract: Callable[..., dict] = extract_chunk,
    today: dt.date | None = None,
) -> BuildResult:
    """Build the events table on a Dask cluster; the same tables as `build.build`.

    `client` uses an open `distributed.Client`; `scheduler` connects to one; with
    neither a `LocalCluster` of `n_workers` processes is started and stopped.
    """
    import dask.bag as db
    from distributed import KilledWorker

    started = time.perf_counter()
    folder = Path(articles_dir)
    extra = tuple(str(Path(p).resolve()) for p in actor_files)
    load_gazetteer(extra)  # fail fast on a broken actor file, before any work
    entries, files, problems = ingest.list_folder(folder)
    chunks = [files[i : i + chunk_size] for i in range(0, len(files), chunk_size)]
    own = None
    if client is None:
        client, own = _connect(scheduler, n_workers)
    try:
        results = _run(client, db, chunks, entries, extra, keep_text, extract, problems, today or dt.date.today())
    except KilledWorker as err:
        raise RuntimeError(
            f"Dask workers died repeatedly running {err.task!r} (a worker is killed, e.g. out of memory, "
            "each time it runs it); the build stopped and nothing was written"
        ) from err
    finally:
        if own is not None:
            client.close()
            own.close()
    events, evidence, arts, totals = results
    candidates = totals.pop("candidates")
    return finish_build(events, evidence, arts, problems, totals, started, candidates=candidates, engine=" on Dask")


def _split_partitions(gone: frozenset[str], n: int, *parts: list[dict]) -> tuple[pd.DataFrame, ...]:
    """Some extraction partitions' candidates as `n` pieces, piece p holding the blocks of merge partition p."""
    frames = [_drop(r, gone) for part in parts for r in part]
    cands = pd.concat(frames, ignore_index=True) if frames else empty(CANDIDATES)
    pieces = dict(split_for_merge(cands, n))
    return tuple(pieces.get(p, cands.iloc[:0]) for p in range(n))


def _merge_pieces(originals: dict[str, str], *pieces: pd.DataFrame) -> dict:
    found = [p for p in pieces if len(p)]
    return merge_partition(found, originals) if found else {"exact": True, "events": None, "evidence": None}


def _run(client, db, chunks, entries, extra, keep_text, extract, problems, today):
    from dask import delayed

    listed = bool(entries)
    phases: dict[str, float] = {}
    clock = time.perf_counter()
    work = [
        (i, [str(p) for p in chunk], {p.name: entries[p.name] for p in chunk if p.name in entries})
        for i, chunk in enumerate(chunks)
    ]
    bag = db.from_sequence(work, npartitions=max(len(work), 1))
    extracted = bag.map(lambda w: extract(w[0], w[1], w[2], listed, extra, keep_text)).persist()
    # Only the small per-file part comes back here to find duplicates in file order.
    meta = extracted.map(
        lambda r: (
            r["index"],
            r["files"],
            r["counts"]["undated"],
            r["counts"].get("failed", []),
            r["counts"]["by_article"],
        )
    ).compute()
    phases["extract"] = time.perf_counter() - clock
    seen: dict[str, str] = {}
    dropped: set[str] = set()
    totals = {"sentences": 0, "timexes": 0, "mentions": 0}
    copies = reprints.ReprintIndex()  # in file order, as a local build: reprints span the corpus
    # Problems in a local build's order: per chunk, each file's, publication dates and reprints, failures, undated.
    for _, file_rows, undated, failed, by_article in sorted(meta, key=lambda m: m[0]):
        chunk_dropped, kept = set(), []
        for name, key, found, given, text in file_rows:
            problems.extend(found)
            if key is None:
                continue
            if key in seen:
                problems.append(f"{name}: same text as {seen[key]}; kept {seen[key]}, skipped {name}")
                chunk_dropped.add(name)
            else:
                seen[key] = name
                kept.append((name, given, text))
        frame = pd.DataFrame(kept, columns=["article", "published", "text"])
        problems += ingest.future_published(frame, today) + copies.add_articles(frame)
        names = sorted({row[0] for row in file_rows}, key=len, reverse=True)

        def owner(line: str, names=names) -> str | None:
            return next((n for n in names if line.startswith(f"{n}: ")), None)

        problems += [line for line in failed if owner(line) not in chunk_dropped]
        problems += [line for line in undated if owner(line) not in chunk_dropped]
        for k in totals:
            totals[k] += sum(v for a, v in by_article.get(k, {}).items() if a not in chunk_dropped)
        dropped |= chunk_dropped
    gone = frozenset(dropped)
    clock = time.perf_counter()
    threads = max(1, sum(client.nthreads().values()))
    n_parts = max(1, min(int(len(chunks) * MERGE_PARTITIONS_PER_CHUNK), MERGE_PARTITIONS_PER_THREAD * threads))
    # The shuffle: each extraction partition is cut into one piece per merge partition, and
    # merge partition p reads piece p of every extraction partition (all-to-all, in the cluster).
    # It is submitted in three rounds of futures, not as one graph, and a split task cuts a group of
    # partitions: with a task per (chunk, partition) pair, ordering the graph (and then the workers'
    # bookkeeping of its tasks) took minutes at 100,000 articles while the work itself took seconds.
    parts = extracted.to_delayed()
    group = max(1, -(-len(parts) // n_parts))  # as many split tasks as merge partitions
    split = client.compute(
        [delayed(_split_partitions)(gone, n_parts, *parts[i : i + group]) for i in range(0, len(parts), group)]
    )
    # Every merge partition reads the reprint map: sent to the workers once, not copied into each task.
    originals = copies.originals
    # (In a list: `scatter` sends a dict's values as one future each, 100,000 of them here.)
    (shared,) = client.scatter([originals], broadcast=True)
    merging = []
    for p in range(n_parts):
        pieces = client.map(operator.getitem, split, [p] * len(split))
        merging.append(client.submit(_merge_pieces, shared, *pieces))
    merged = client.gather(merging)
    phases["merge"] = time.perf_counter() - clock
    clock = time.perf_counter()
    arts_parts = extracted.map(lambda r: r["articles"]).compute()
    arts = pd.concat(arts_parts, ignore_index=True) if arts_parts else empty(ARTICLES)
    arts = arts[~arts["article"].isin(gone)].reset_index(drop=True)
    n_cands = sum(extracted.map(lambda r: len(_drop(r, gone))).compute())
    if not all(m["exact"] for m in merged):
        cands = pd.concat(extracted.map(lambda r: _drop(r, gone)).compute(), ignore_index=True)
        cands = cands.sort_values(["_chunk", "_row"], kind="stable").drop(columns=["_chunk", "_row"])
        events, evidence = merge.merge_events(cands.reset_index(drop=True), originals)
    else:
        events, evidence = _reassemble(merged)
    phases["gather"] = time.perf_counter() - clock
    return events, evidence, arts, {**totals, "candidates": n_cands, "phases": phases}


def _reassemble(merged: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events and evidence of every partition in the order one merge over all candidates gives."""
    merged = [m for m in merged if m["events"] is not None]
    if not merged:
        return empty(EVENTS), empty(EVIDENCE)
    events = pd.concat([m["events"] for m in merged], ignore_index=True)
    evidence = pd.concat([m["evidence"] for m in merged], ignore_index=True)
    # A merge sorts events by date and id, ties in cluster order; evidence is in cluster order.
    events = events.sort_values(["date", "event_id", "_chunk", "_row"], kind="stable")
    evidence = evidence.sort_values(["_chunk", "_row"], kind="stable")
    return (
        conform(events.reset_index(drop=True), EVENTS),
        conform(evidence.reset_index(drop=True), EVIDENCE),
    )
