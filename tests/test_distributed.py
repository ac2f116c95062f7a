"""The Dask engine: the same tables as a local build, a partitioned merge equal to one merge, dead workers."""

import os
from pathlib import Path

import pandas as pd
import pytest

from pipeline.build import build
from pipeline.distributed import _reassemble, merge_partition, split_for_merge
from pipeline.merge import merge_events

SEEDS = Path(__file__).resolve().parents[1] / "data" / "articles"
ACTORS = ["Russia", "Turkey", "Iran", "Qatar", "Israel", "Jordan", "Hezbollah", "the United States"]
ACTS = [
    "held talks with",
    "accused",
    "sent aid to",
    "signed an agreement with",
    "condemned",
    "threatened",
    "met officials from",
]
PLACES = ["Damascus", "Doha", "Ankara", "Aleppo", "Tehran", "Amman"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def write_corpus(folder: Path, n: int) -> Path:
    """`n` short articles written for this test, with reprints (same sentence, two papers) and odd files."""
    folder.mkdir()
    rows = ["file,title,source,url,published,published_note"]
    for i in range(n):
        a, b = ACTORS[i % len(ACTORS)], ACTORS[(i * 3 + 1) % len(ACTORS)]
        lines = [
            f"{a} {ACTS[i % len(ACTS)]} {b} in {PLACES[i % len(PLACES)]} on {DAYS[i % len(DAYS)]}, officials said.",
            f"Officials said {b} {ACTS[(i + 2) % len(ACTS)]} {a} last week.",
            # Every tenth story carries the same wire sentence: one event, many sources, across chunks.
            "Turkey and Russia held talks in Ankara on December 3, 2024, the ministry said."
            if i % 10 == 0
            else f"Story number {i} was filed from {PLACES[(i + 1) % len(PLACES)]}.",
        ]
        (folder / f"{i:04d}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        rows.append(f"{i:04d}.txt,Story {i},Wire,,2024-12-{1 + i % 27:02d},")
    (folder / "9998_copy.txt").write_text((folder / "0001.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "9999_unlisted.txt").write_text("Qatar said on Monday it hosted talks with Iran.\n", encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / "manifest.csv").write_text("\n".join(rows + ["9998_copy.txt,,,,2024-12-05,"]) + "\n", encoding="utf-8")
    return folder


def _equal(a, b) -> None:
    for name in ("events", "evidence", "articles"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    assert a.problems == b.problems
    for key in ("articles", "candidates", "events", "sentences", "timexes", "mentions"):
        assert a.stats[key] == b.stats[key], key


def test_partitioned_merge_equals_one_merge_over_all_candidates(tmp_path):
    """Blocks never split across partitions; reassembled tables equal merge_events' own, row for row."""
    from pipeline import build as build_module

    seen = []
    original = build_module.merge.merge_positions
    # A copy: the build empties its candidates as it takes the evidence table from them.
    build_module.merge.merge_positions = lambda c, originals=None: seen.append(c.copy()) or original(c, originals)
    try:
        build(write_corpus(tmp_path / "a", 60), chunk_size=7)
    finally:
        build_module.merge.merge_positions = original
    cands = seen[0].assign(_chunk=0, _row=range(len(seen[0])))
    want_events, want_evidence = merge_events(seen[0])
    assert (want_events["sources"] > 3).any()  # the wire sentence is one event of many sources
    for n in (1, 3, 8):
        groups: dict[int, list] = {}
        for p, piece in split_for_merge(cands, n):
            groups.setdefault(p, []).append(piece)
        merged = [merge_partition(pieces) for _, pieces in sorted(groups.items(), reverse=True)]
        assert all(m["exact"] for m in merged)
        events, evidence = _reassemble(merged)
        pd.testing.assert_frame_equal(events, want_events)
        pd.testing.assert_frame_equal(evidence, want_evidence)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed", reason="the Dask engine needs the dask extra")
    import dask

    # One retry is enough to show a dead worker's task runs again, and keeps the failing case short.
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c,
        distributed.Client(c) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("dask") / "articles", 300)


@pytest.mark.slow
def test_dask_build_on_two_workers_equals_the_local_build(cluster, corpus):
    from pipeline.distributed import build_on_dask

    local = build(corpus)
    on_dask = build_on_dask(corpus, client=cluster, chunk_size=40)
    _equal(on_dask, local)
    assert len(local.events) > 50 and any("same text as 0001.txt" in p for p in local.problems)


@pytest.mark.slow
def test_a_worker_that_dies_mid_build_is_replaced_and_the_build_finishes(cluster, corpus, tmp_path):
    from pipeline.distributed import build_on_dask, extract_chunk

    marker = str(tmp_path / "died-once")

    def dies_once(index, *args):
        if index == 2 and not os.path.exists(marker):
            open(marker, "w").close()
            os._exit(1)  # the worker process dies in the middle of its task
        return extract_chunk(index, *args)

    result = build_on_dask(corpus, client=cluster, chunk_size=40, extract=dies_once)
    assert os.path.exists(marker)
    _equal(result, build(corpus))


@pytest.mark.slow
def test_a_task_that_kills_every_worker_fails_the_build_clearly(cluster, corpus):
    from pipeline.distributed import build_on_dask, extract_chunk

    def always_dies(index, *args):
        if index == 1:
            os._exit(1)
        return extract_chunk(index, *args)

    with pytest.raises(RuntimeError, match=r"Dask workers died repeatedly .* nothing was written"):
        build_on_dask(corpus, client=cluster, chunk_size=40, extract=always_dies)
    # The nannies start fresh workers; on a loaded 2-core machine that can take a minute or more.
    cluster.wait_for_workers(2, timeout=300)
