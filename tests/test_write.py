"""pipeline.write: one build's files are one set, read whole or refused; permissions; leftovers."""

import json
import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import pipeline.write as write_module
from pipeline.write import (
    OutputSetError,
    read_output_set,
    read_table,
    set_pointer,
    sibling,
    write_output_set,
    write_table,
)

ROOT = Path(__file__).resolve().parents[1]


def _tables(tag: str, n: int = 5):
    events = pd.DataFrame({"event_id": [f"{tag}-{i}" for i in range(n)], "date": ["2024-12-08"] * n})
    evidence = pd.DataFrame({"event_id": events["event_id"], "char_start": [str(i) for i in range(n)]})
    articles = pd.DataFrame({"article": [f"{tag}.txt"], "text": [f"text of build {tag}"]})
    return events, evidence, articles, [f"{tag}.txt: a problem of build {tag}"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_set_reads_back_whole_and_the_plain_files_stay_readable(tmp_path, suffix):
    out = tmp_path / "out" / f"events{suffix}"
    events, evidence, articles, problems = _tables("a")
    write_output_set(out, events, evidence, articles, problems)
    got = read_output_set(out)
    assert got.events["event_id"].tolist() == events["event_id"].tolist()
    assert got.articles["text"].tolist() == ["text of build a"] and got.problems == problems
    assert read_table(out)["event_id"].tolist() == events["event_id"].tolist()  # what a spreadsheet opens
    assert read_table(sibling(out, "articles"))["article"].tolist() == ["a.txt"]
    assert (out.parent / "events_problems.txt").read_text(encoding="utf-8") == problems[0] + "\n"
    assert json.loads(set_pointer(out).read_text())["version"] == got.version


def test_a_file_that_does_not_belong_to_the_set_is_refused(tmp_path):
    out = tmp_path / "events.csv"
    write_output_set(out, *_tables("a"))
    pointer = json.loads(set_pointer(out).read_text())
    version_dir = tmp_path / ".events.sets" / pointer["version"]
    (version_dir / "events_articles.csv").write_text("article,text\na.txt,edited since\n", encoding="utf-8")
    with pytest.raises(OutputSetError, match=r"inconsistent: events_articles\.csv"):
        read_output_set(out)
    (version_dir / "events_evidence.csv").unlink()
    with pytest.raises(OutputSetError, match="incomplete"):
        read_output_set(out)


def test_tables_without_a_pointer_are_read_as_they_are(tmp_path):
    out = tmp_path / "events.csv"
    events, evidence, articles, _ = _tables("old")
    write_table(events, out)
    write_table(evidence, sibling(out, "evidence"))
    with pytest.raises(OutputSetError, match=r"missing events_articles\.csv"):
        read_output_set(out)
    write_table(articles, sibling(out, "articles"))
    assert read_output_set(out).events["event_id"].tolist() == events["event_id"].tolist()


def test_leftovers_of_killed_writes_and_old_versions_are_removed(tmp_path):
    out = tmp_path / "events.csv"
    write_output_set(out, *_tables("a"))
    (tmp_path / ".events.csv.x1y2.tmp").write_bytes(b"x" * 1000)
    (tmp_path / ".events_evidence.csv.zz.tmp").write_bytes(b"x")
    (tmp_path / ".events.sets" / "0001-dead.tmp").mkdir()
    (tmp_path / ".events.sets" / "0001-dead.tmp" / "events.csv").write_bytes(b"half")
    (tmp_path / "notes.tmp").write_text("not ours")
    write_output_set(out, *_tables("b"))
    write_output_set(out, *_tables("c"))
    assert not list(tmp_path.glob(".events*.tmp")) and (tmp_path / "notes.tmp").exists()
    versions = sorted(p.name for p in (tmp_path / ".events.sets").iterdir())
    assert len(versions) == 2 and not any(v.endswith(".tmp") for v in versions)  # current and previous
    assert read_output_set(out).events["event_id"].iloc[0] == "c-0"


def test_outputs_get_the_umask_permissions(tmp_path):
    out = tmp_path / "events.csv"
    out.write_text("old\n")
    os.chmod(out, 0o644)
    old = os.umask(0o022)
    try:
        write_output_set(out, *_tables("a"))
        write_table(_tables("b")[0], tmp_path / "single.csv")
    finally:
        os.umask(old)
    for path in [out, sibling(out, "evidence"), sibling(out, "articles"), tmp_path / "events_problems.txt"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    assert stat.S_IMODE((tmp_path / "single.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE(set_pointer(out).stat().st_mode) == 0o644


# The child writes the new set with each step slowed down a little, so that a
# kill at a random moment lands anywhere in the write phase.
_CHILD = textwrap.dedent(
    """
    import os, sys, time
    import pandas as pd
    import pipeline.write as w
    real_replace, real_fsync = os.replace, w._fsync
    def slow_replace(a, b):
        time.sleep(0.02)
        real_replace(a, b)
    def slow_fsync(p):
        time.sleep(0.02)
        real_fsync(p)
    w.os.replace, w._fsync = slow_replace, slow_fsync
    n = 2000
    events = pd.DataFrame({"event_id": [f"new-{i}" for i in range(n)], "date": ["2024-12-09"] * n})
    evidence = pd.DataFrame({"event_id": events["event_id"], "char_start": [str(i) for i in range(n)]})
    articles = pd.DataFrame({"article": ["new.txt"], "text": ["text of the new build"]})
    print("writing", flush=True)
    started = time.perf_counter()
    w.write_output_set(sys.argv[1], events, evidence, articles, ["new.txt: a problem of the new build"])
    print(time.perf_counter() - started, flush=True)
    """
)


def _run_child(out: Path, kill_after: float | None) -> float | None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(out)], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "writing"
    if kill_after is None:
        seconds = float(proc.stdout.readline())
        assert proc.wait(timeout=60) == 0
        return seconds
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stdout.close()
    return None


@pytest.mark.parametrize("trials", [4, pytest.param(24, marks=pytest.mark.slow)])
def test_a_build_killed_while_writing_leaves_the_old_set_or_the_new_one(tmp_path, trials):
    rng = random.Random(8)
    reference = tmp_path / "reference" / "events.csv"
    duration = _run_child(reference, None)
    new_ids = read_output_set(reference).events["event_id"].tolist()
    outcomes = []
    for trial in range(trials):
        out = tmp_path / f"trial{trial}" / "events.csv"
        events, evidence, articles, problems = _tables("old")
        write_output_set(out, events, evidence, articles, problems)
        _run_child(out, rng.uniform(0, duration * 1.1))
        got = read_output_set(out)  # never raises, never mixes
        ids = got.events["event_id"].tolist()
        if ids == new_ids:
            assert got.articles["article"].tolist() == ["new.txt"] and got.problems[0].startswith("new.txt")
            assert got.evidence["event_id"].tolist() == new_ids
            outcomes.append("new")
        else:
            assert ids == events["event_id"].tolist()
            assert got.articles["article"].tolist() == ["old.txt"] and got.problems == problems
            assert got.evidence["event_id"].tolist() == ids
            outcomes.append("old")
        write_output_set(out, events, evidence, articles, problems)  # the next build cleans up
        assert not list(out.parent.glob(".*.tmp")) and not list((out.parent / ".events.sets").glob("*.tmp"))
    print("outcomes:", outcomes)
    if trials > 10:  # kills spread over the write phase hit both sides of the switch
        assert {"old", "new"} <= set(outcomes)


def test_a_full_disk_while_writing_keeps_the_old_set_and_leaves_nothing_behind(tmp_path, monkeypatch):
    import errno

    out = tmp_path / "events.csv"
    old = _tables("old")
    write_output_set(out, *old)
    real = write_module._write_frame
    calls = []

    def disk_full_on_the_second_table(df, tmp, suffix, texts=None):
        calls.append(tmp)
        if len(calls) == 2:
            Path(tmp).write_bytes(b"partial")
            raise OSError(errno.ENOSPC, "No space left on device")
        real(df, tmp, suffix, texts)

    monkeypatch.setattr(write_module, "_write_frame", disk_full_on_the_second_table)
    with pytest.raises(OSError, match="No space left"):
        write_output_set(out, *_tables("new"))
    got = read_output_set(out)
    assert got.events["event_id"].tolist() == old[0]["event_id"].tolist() and got.problems == old[3]
    assert read_table(out)["event_id"].tolist() == old[0]["event_id"].tolist()
    assert not list(tmp_path.glob(".*.tmp")) and not list((tmp_path / ".events.sets").glob("*.tmp"))


def test_a_parquet_table_has_the_same_bytes_whatever_pieces_it_was_put_together_from(tmp_path):
    texts = pd.Series(
        [f"Article {i}: " + "Officials said talks would go on. " * 60 for i in range(2000)], dtype="string"
    )
    whole = pd.DataFrame({"article": texts, "n": range(2000)})
    pieces = pd.concat([whole.iloc[i : i + 100] for i in range(0, 2000, 100)], ignore_index=True)
    write_table(whole, tmp_path / "whole.parquet")
    write_table(pieces, tmp_path / "pieces.parquet")
    assert (tmp_path / "whole.parquet").read_bytes() == (tmp_path / "pieces.parquet").read_bytes()


class _Texts:
    """A `TextSource` over a list, counting what it is asked for."""

    def __init__(self, texts: list[str | None]) -> None:
        self.texts, self.asked = texts, []

    def __len__(self) -> int:
        return len(self.texts)

    def slice(self, start: int, stop: int) -> list[str | None]:
        self.asked.append((start, stop))
        return self.texts[start:stop]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_table_whose_texts_are_read_a_row_group_at_a_time_has_the_bytes_of_the_whole_table(
    tmp_path, monkeypatch, suffix
):
    monkeypatch.setattr(write_module, "TEXT_ROW_GROUP", 7)
    texts = [f"Talks in Ankara, day {i}.\nThe ministry said so." for i in range(30)]
    texts[11] = "A line ending in a lone carriage return\r which a reader would split there"
    texts[20] = None
    whole = pd.DataFrame({"article": [f"{i:02d}.txt" for i in range(30)], "text": texts}).astype("string")
    source = _Texts(texts)
    write_table(whole, tmp_path / f"whole{suffix}")
    write_table(whole.assign(text=pd.NA).astype("string"), tmp_path / f"streamed{suffix}", source)
    assert (tmp_path / f"whole{suffix}").read_bytes() == (tmp_path / f"streamed{suffix}").read_bytes()
    assert max(stop - start for start, stop in source.asked) == 7  # never more than one row group's texts
    with pytest.raises(ValueError, match="29 texts for 30 rows"):
        write_table(whole, tmp_path / f"short{suffix}", _Texts(texts[:29]))
