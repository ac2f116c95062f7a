"""The event store: events, evidence and articles as a versioned Parquet dataset, one writer, many readers.

Layout of a store folder:

    CURRENT                         the name of the version readers use (replaced atomically)
    v-<time>-<id>/events/year=YYYY/part-0.parquet   events, partitioned by the year of `date`
    v-<time>-<id>/evidence.parquet
    v-<time>-<id>/articles.parquet
    .lock                           held by the one build writing (see `writer_lock`)

`write_store` writes a complete new version folder, then points CURRENT at it
with `os.replace`; a reader resolves CURRENT once and reads only that version,
so it never sees half a build, and a build killed at any point leaves the
previous version as CURRENT. Older versions are removed after the switch, all
but the newest `keep` (a dashboard that opened one a moment ago can finish).

Queries (`pipeline.query`) run the dashboard's filters in DuckDB over
the current version and return only what a chart draws.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.schema import ARTICLES, EVENTS, EVIDENCE, conform
from pipeline.write import TextSource, write_table

CURRENT = "CURRENT"
LOCK = ".lock"
#: Versions kept besides the current one, for readers that resolved CURRENT just before a switch.
KEEP = 1


class StoreLocked(RuntimeError):
    """Another build holds the writer lock of this output."""


@contextmanager
def writer_lock(path: Path | str, wait: float = 0.0) -> Iterator[Path]:
    """Hold the one-writer lock of an output (a store folder, or an output file's lock file beside it).

    The lock is an `flock` on a lock file, so the kernel releases it when the
    holder exits, even when killed: no stale lock to clean up by hand. A second
    writer waits up to `wait` seconds, then raises `StoreLocked` naming the holder.
    """
    path = Path(path)
    lock_file = path / LOCK if path.is_dir() or not path.suffix else path.with_name(f".{path.name}.lock")
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
                    raise StoreLocked(
                        f"{path}: another build is writing this output ({holder}); "
                        "wait for it to finish or write to another output"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}, since {time.strftime('%H:%M:%S')}".encode(), 0)
        yield lock_file
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def current_version(store: Path | str) -> Path | None:
    """The folder of the version readers should use, or None when nothing was written yet."""
    store = Path(store)
    try:
        name = (store / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return store / name


def write_store(
    store: Path | str,
    events: pd.DataFrame,
    evidence: pd.DataFrame,
    articles: pd.DataFrame,
    keep: int = KEEP,
    texts: TextSource | None = None,
) -> Path:
    """Write the three tables as a new version and make it current; returns its folder.

    The caller holds `writer_lock(store)` (the build does). `texts`: the articles' texts, when
    `articles` holds none (`write.TextSource`).
    """
    store = Path(store)
    store.mkdir(parents=True, exist_ok=True)
    name = f"v-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    tmp = store / f".{name}.tmp"
    try:
        tmp.mkdir()
        _write_events(conform(events, EVENTS), conform(evidence, EVIDENCE), tmp / "events")
        conform(evidence, EVIDENCE).to_parquet(tmp / "evidence.parquet", index=False)
        write_table(conform(articles, ARTICLES), tmp / "articles.parquet", texts)
        _fsync_tree(tmp)
        os.rename(tmp, store / name)
        pointer = store / f".{CURRENT}.{uuid.uuid4().hex[:8]}.tmp"
        pointer.write_text(name + "\n", encoding="utf-8")
        os.replace(pointer, store / CURRENT)  # the switch: readers see the old version or the new one
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(store, name, keep)
    return store / name


#: Helper columns computed once per version, so a query filters without parsing strings.
#: They mirror `ui.filters.prepare`: involved = actors + people, search = title and every
#: source's sentence (lowercase), an unparsable start date is not shown, rank 1 is the most
#: salient event (ties: more sources, then earlier, then table order) for "key events only".
_SPLIT = "list_filter(list_transform(string_split(coalesce({0}, ''), ';'), lambda x: trim(x)), lambda x: x <> '')"
_EVENTS_SQL = f"""
COPY (
    SELECT e.*,
        try_cast(e.date AS DATE) AS _start,
        coalesce(try_cast(e.date_end AS DATE), try_cast(e.date AS DATE)) AS _end,
        {_SPLIT.format("e.actors")} AS _actors,
        list_concat({_SPLIT.format("e.actors")}, {_SPLIT.format("e.people")}) AS _involved,
        {_SPLIT.format("e.articles")} AS _articles,
        lower(concat_ws(' ', coalesce(e.title, ''), s.texts)) AS _search,
        coalesce(e.caption, false) AS _caption,
        coalesce(e.precision IN ('year', 'decade', 'century'), false) AS _background,
        row_number() OVER (
            ORDER BY coalesce(TRY_CAST(e.salience AS DOUBLE), 0.0) DESC, greatest(coalesce(e.sources, 1), 1) DESC,
                try_cast(e.date AS DATE), coalesce(try_cast(e.date_end AS DATE), try_cast(e.date AS DATE)), e._row
        ) AS _rank,
        coalesce(substr(e.date, 1, 4), 'none') AS year
    FROM events_df e
    LEFT JOIN (
        SELECT event_id, string_agg(coalesce(evidence, ''), ' ' ORDER BY _row) AS texts
        FROM evidence_df GROUP BY event_id
    ) s USING (event_id)
) TO '{{folder}}' (FORMAT parquet, PARTITION_BY (year))
"""


def _write_events(events: pd.DataFrame, evidence: pd.DataFrame, folder: Path) -> None:
    """Events with helper columns, partitioned by the year of `date` (a date filter reads only its years)."""
    import duckdb

    events_df = events.assign(_row=np.arange(len(events)))  # noqa: F841 (read by DuckDB by name)
    evidence_df = evidence[["event_id", "evidence"]].assign(_row=np.arange(len(evidence)))  # noqa: F841
    with duckdb.connect() as con:
        if len(events):
            con.execute(_EVENTS_SQL.format(folder=str(folder).replace("'", "''")))
        else:  # an empty table still gets one (empty) file, so readers find the columns
            (folder / "year=none").mkdir(parents=True)
            con.execute(
                _EVENTS_SQL.replace("PARTITION_BY (year)", "").format(
                    folder=str(folder / "year=none" / "part-0.parquet").replace("'", "''")
                )
            )


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*.parquet"):
        with open(path, "rb") as f:
            os.fsync(f.fileno())


def _prune(store: Path, current: str, keep: int) -> None:
    """Remove old versions (all but `keep` besides the current) and leftovers of killed builds."""
    versions = sorted(p for p in store.glob("v-*") if p.is_dir() and p.name != current)
    for old in versions[: max(len(versions) - keep, 0)]:
        shutil.rmtree(old, ignore_errors=True)
    for leftover in store.glob(".v-*.tmp"):
        shutil.rmtree(leftover, ignore_errors=True)
