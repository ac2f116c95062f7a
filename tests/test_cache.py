"""Incremental builds: same bytes as a clean build, after additions, edits, removals and a damaged cache."""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

import pipeline.cache as cache_module
from pipeline.__main__ import main
from pipeline.build import build
from pipeline.cache import ArticleCache, cache_dir, settings_key
from pipeline.store import writer_lock
from pipeline.write import read_table, sibling, write_table

SEEDS = Path(__file__).resolve().parents[1] / "data" / "articles"
TABLES = ("events.csv", "events_evidence.csv", "events_articles.csv", "events_problems.txt")

# Short articles written for these tests (publication dates fixed in the manifest).
EXTRA = {
    "x01_port.txt": "Turkish officials said on Monday that Turkey reopened the border crossing at Bab al-Hawa.\n\n"
    "Iran condemned the Israeli strikes near Damascus on Sunday, the foreign ministry said.",
    "x02_talks.txt": "Russian and Turkish diplomats met in Ankara on Tuesday to discuss the future of Syria.\n\n"
    "Syrian rebels seized the town of Hama last week, witnesses said.",
    "x03_nodate.txt": "Officials in the region said talks would continue, without naming a date.",
    # A reprint (the same story with a byline): kept, counted with x02 as one source.
    "x07_reprint.txt": "Russian and Turkish diplomats met in Ankara on Tuesday to discuss the future of Syria.\n\n"
    "Syrian rebels seized the town of Hama last week, witnesses said.\n\nReporting by the wire desk in Ankara.",
    "x04_copy.txt": "Turkish officials said on Monday that Turkey reopened the border crossing at Bab al-Hawa.\n\n"
    "Iran condemned the Israeli strikes near Damascus on Sunday, the foreign ministry said.",
}
PUBLISHED = {"x01_port.txt": "2024-12-10", "x02_talks.txt": "2024-12-11", "x03_nodate.txt": "2024-12-12"}


def _folder(path: Path) -> Path:
    shutil.copytree(SEEDS, path)
    for name, text in EXTRA.items():
        (path / name).write_text(text + "\n", encoding="utf-8")
    with open(path / "manifest.csv", "a", encoding="utf-8") as f:
        f.writelines(f"{name},,,,{day},\n" for name, day in PUBLISHED.items())
    return path


def _cli(folder: Path, out: Path, *flags: str) -> int:
    return main(["build", "--articles", str(folder), "--out", str(out / "events.csv"), *flags])


def _same_bytes(a: Path, b: Path) -> None:
    for name in TABLES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture()
def folder(tmp_path):
    return _folder(tmp_path / "articles")


def test_second_build_reuses_every_article_and_writes_the_same_bytes(folder, tmp_path, capsys):
    clean, inc = tmp_path / "clean", tmp_path / "inc"
    assert _cli(folder, clean, "--no-cache") == 0
    assert "x07_reprint.txt: a reprint of x02_talks.txt" in (clean / "events_problems.txt").read_text()
    assert not (clean / ".cache").exists()  # --no-cache neither reads nor writes a cache
    assert _cli(folder, inc) == 0
    assert "0 articles reused, 9 extracted, 0 removed" in capsys.readouterr().out
    assert _cli(folder, inc) == 0
    assert "9 articles reused, 0 extracted, 0 removed" in capsys.readouterr().out
    _same_bytes(clean, inc)


def test_added_changed_and_removed_articles_give_a_clean_builds_bytes(folder, tmp_path, capsys):
    inc, clean = tmp_path / "inc", tmp_path / "clean"
    assert _cli(folder, inc) == 0
    (folder / "x05_new.txt").write_text("Israel struck targets in Syria on Wednesday, the army said.\n")
    with open(folder / "manifest.csv", "a", encoding="utf-8") as f:
        f.write("x05_new.txt,,,,2024-12-12,\n")
    (folder / "x02_talks.txt").write_text("Russian and Iranian envoys met in Tehran on Friday about Syria.\n")
    (folder / "x01_port.txt").unlink()  # its copy x04 is no longer a duplicate: it is read now
    capsys.readouterr()
    assert _cli(folder, inc) == 0
    out = capsys.readouterr().out
    assert "7 articles reused, 3 extracted, 1 removed" in out  # x02 (changed), x04 (was a copy), x05 (new)
    assert _cli(folder, clean, "--no-cache") == 0
    _same_bytes(clean, inc)


def test_a_new_reprint_of_an_old_article_is_found_by_the_resumed_reprint_index(folder, tmp_path, capsys):
    inc, clean = tmp_path / "inc", tmp_path / "clean"
    assert _cli(folder, inc) == 0
    (folder / "x09_reprint.txt").write_text(EXTRA["x02_talks.txt"] + "\n\nFiled by our Ankara bureau.\n")
    with open(folder / "manifest.csv", "a", encoding="utf-8") as f:
        f.write("x09_reprint.txt,,,,2024-12-11,\n")
    assert _cli(folder, inc) == 0
    assert "x09_reprint.txt: a reprint of x02_talks.txt" in (inc / "events_problems.txt").read_text()
    assert _cli(folder, clean, "--no-cache") == 0
    _same_bytes(clean, inc)
    (folder / "x01_port.txt").unlink()  # the index is resumed after the articles before it only
    assert _cli(folder, inc) == 0
    assert _cli(folder, clean, "--no-cache") == 0
    _same_bytes(clean, inc)


def test_small_chunks_and_two_workers_keep_the_order_of_a_clean_build(folder, tmp_path):
    cache = ArticleCache(tmp_path / "cache", settings_key())
    build(folder, chunk_size=3, cache=cache)
    (folder / "x03_nodate.txt").write_text("The Kremlin said on Thursday that Putin met Erdogan.\n")
    cached = build(folder, chunk_size=3, workers=2, cache=ArticleCache(tmp_path / "cache", settings_key()))
    assert (cached.stats["reused"], cached.stats["extracted"]) == (8, 1)
    _same_bytes(_tables(cached, tmp_path / "a"), _tables(build(folder, chunk_size=3), tmp_path / "b"))


def test_a_corrupt_pack_is_reported_and_rebuilt_never_used(folder, tmp_path, capsys):
    inc, clean = tmp_path / "inc", tmp_path / "clean"
    assert _cli(folder, inc) == 0
    pack = next((cache_dir(inc / "events.csv") / "packs").glob("*.cands.parquet"))
    data = pack.read_bytes()
    pack.write_bytes(data[: len(data) // 2])  # a partial write
    capsys.readouterr()
    assert _cli(folder, inc) == 0
    captured = capsys.readouterr()
    assert "is corrupt or incomplete (checksum mismatch" in captured.err
    assert "0 articles reused, 9 extracted" in captured.out
    assert _cli(folder, clean, "--no-cache") == 0
    for name in TABLES[:3]:
        assert (inc / name).read_bytes() == (clean / name).read_bytes()
    assert _cli(folder, inc) == 0
    assert "9 articles reused, 0 extracted" in capsys.readouterr().out


def test_damaged_compiled_date_rules_are_reported_and_compiled_again(folder, tmp_path, capsys):
    inc, clean = tmp_path / "inc", tmp_path / "clean"
    assert _cli(folder, inc) == 0
    rules = cache_dir(inc / "events.csv") / cache_module.RULES_FILE
    data = rules.read_bytes()
    rules.write_bytes(data[: len(data) // 2])
    capsys.readouterr()
    assert _cli(folder, inc) == 0
    assert "the date rules are compiled again" in capsys.readouterr().err
    assert rules.read_bytes() == data
    assert _cli(folder, clean, "--no-cache") == 0
    for name in TABLES[:3]:  # the problems file names the damage too
        assert (inc / name).read_bytes() == (clean / name).read_bytes()


def test_a_build_killed_before_its_index_leaves_the_cache_consistent(folder, tmp_path, monkeypatch, capsys):
    inc = tmp_path / "inc"
    assert _cli(folder, inc) == 0
    packs = cache_dir(inc / "events.csv") / "packs"
    before = sorted(p.name for p in packs.iterdir())
    (folder / "x05_new.txt").write_text("Israel struck targets in Syria on Wednesday, the army said.\n")

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies after writing its pack, before the index

    monkeypatch.setattr(cache_module, "write_text", killed)
    with pytest.raises(KeyboardInterrupt):
        _cli(folder, inc)
    monkeypatch.undo()
    assert len(list(packs.iterdir())) > len(before)  # an orphan pack nobody names
    capsys.readouterr()
    assert _cli(folder, inc) == 0
    assert "9 articles reused, 1 extracted, 0 removed" in capsys.readouterr().out
    assert len(list(packs.iterdir())) == len(before) + 2  # the orphan was swept, one new pack


def test_an_edited_resource_file_reextracts_everything(folder, tmp_path, capsys):
    inc = tmp_path / "inc"
    extra = tmp_path / "actors.yaml"
    extra.write_text("actors:\n  - {name: Test Front, category: armed group, aliases: [Test Front]}\n")
    assert _cli(folder, inc, "--actors", str(extra)) == 0
    extra.write_text("actors:\n  - {name: Test Front, category: armed group, aliases: [Test Front, TF]}\n")
    capsys.readouterr()
    assert _cli(folder, inc, "--actors", str(extra)) == 0
    assert "0 articles reused, 9 extracted, 0 removed" in capsys.readouterr().out


def test_a_second_build_on_the_same_output_refuses_with_a_clear_message(folder, tmp_path, capsys):
    out = tmp_path / "out"
    with writer_lock(out / "events.csv"):
        assert _cli(folder, out) == 3
    err = capsys.readouterr().err
    assert "another build is writing this output" in err and "pid " in err
    assert not (out / "events.csv").exists()


def test_cli_writes_a_store_that_queries_read(folder, tmp_path):
    from pipeline.query import EventStore, Query

    out, store = tmp_path / "out", tmp_path / "store"
    assert _cli(folder, out, "--store", str(store)) == 0
    with EventStore(store) as db:
        events = read_table(out / "events.csv")
        assert db.total() == len(events)
        assert set(db.events(Query(captions=True, background=True), limit=None)["event_id"]) == set(events["event_id"])
    with writer_lock(store):  # a build writing the same store is refused too
        assert _cli(folder, tmp_path / "other", "--store", str(store)) == 3


@pytest.mark.slow
def test_a_build_killed_at_any_point_leaves_the_store_readable_and_the_cache_consistent(folder, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from pipeline.query import EventStore

    out, store = tmp_path / "out", tmp_path / "store"
    assert _cli(folder, out, "--store", str(store)) == 0
    root = Path(__file__).resolve().parents[1]
    cmd = [sys.executable, "-m", "pipeline", "build", "--articles", str(folder), "--out", str(out / "events.csv")]
    for i, delay in enumerate((0.5, 1.5, 2.5, 3.5, 5.0)):
        (folder / f"x1{i}_late.txt").write_text(f"Israel struck targets in Syria on Wednesday, report {i} said.\n")
        proc = subprocess.Popen([*cmd, "--store", str(store)], cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with EventStore(store) as db:  # the previous version (or the new one, if it finished) is whole
            assert db.total() > 0
    assert _cli(folder, out) == 0  # the cache is consistent: this build uses what it can, and is right
    assert _cli(folder, tmp_path / "clean", "--no-cache") == 0
    _same_bytes(tmp_path / "clean", out)


def _age(folder: Path, hours: int = 1) -> None:
    """Move every file's modification time back, as for articles added before today's build."""
    for path in folder.iterdir():
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - hours * 3600 * 10**9))


def _tables(result, out: Path) -> Path:
    write_table(result.events, out / "events.csv")
    write_table(result.evidence, sibling(out / "events.csv", "evidence"))
    write_table(result.articles, sibling(out / "events.csv", "articles"), result.texts)
    (out / "events_problems.txt").write_text("\n".join(result.problems))
    return out


def test_files_of_unchanged_size_and_time_are_not_read_again_and_an_edited_one_is(folder, tmp_path, monkeypatch):
    today = dt.date(2025, 1, 15)
    _age(folder)
    build(folder, cache=ArticleCache(tmp_path / "cache", settings_key()), today=today)
    (folder / "x03_nodate.txt").write_text("The Kremlin said on Thursday that Putin met Erdogan in Sochi.\n")
    read, real = [], Path.read_bytes
    article_names = {p.name for p in folder.iterdir() if p.suffix == ".txt"}

    def counted(self):
        if self.name in article_names:
            read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    cached = build(folder, cache=ArticleCache(tmp_path / "cache", settings_key()), today=today)
    assert read == ["x03_nodate.txt"]  # the others' size and time match the index: their bytes are not read
    assert (cached.stats["reused"], cached.stats["extracted"]) == (8, 1)
    monkeypatch.undo()
    _same_bytes(_tables(cached, tmp_path / "a"), _tables(build(folder, today=today), tmp_path / "b"))


def test_a_changed_manifest_row_of_an_unchanged_file_extracts_it_again(folder, tmp_path):
    today = dt.date(2025, 1, 15)
    _age(folder)
    build(folder, cache=ArticleCache(tmp_path / "cache", settings_key()), today=today)
    manifest = folder / "manifest.csv"
    manifest.write_text(manifest.read_text().replace("x02_talks.txt,,,,2024-12-11,", "x02_talks.txt,,,,2024-12-18,"))
    cached = build(folder, cache=ArticleCache(tmp_path / "cache", settings_key()), today=today)
    assert (cached.stats["reused"], cached.stats["extracted"]) == (8, 1)  # its bytes, size and time are the same
    assert cached.articles.set_index("article").loc["x02_talks.txt", "published"] == "2024-12-18"
    _same_bytes(_tables(cached, tmp_path / "a"), _tables(build(folder, today=today), tmp_path / "b"))


def test_an_edit_of_the_same_size_and_time_just_after_a_build_is_still_seen(folder, tmp_path):
    today = dt.date(2025, 1, 15)
    build(folder, cache=ArticleCache(tmp_path / "cache", settings_key()), today=today)
    path = folder / "x02_talks.txt"
    before = path.stat()
    path.write_text(path.read_text().replace("Hama", "Homs"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same time
    cached = build(folder, cache=ArticleCache(tmp_path / "cache", settings_key()), today=today)
    assert (cached.stats["reused"], cached.stats["extracted"]) == (8, 1)  # modified too recently to trust its time
    assert "the town of Homs" in cached.articles_with_text().set_index("article").loc["x02_talks.txt", "text"]


def test_adding_only_articles_without_dates_gives_a_clean_builds_bytes(folder, tmp_path, capsys):
    inc, clean = tmp_path / "inc", tmp_path / "clean"
    assert _cli(folder, inc) == 0
    (folder / "x08_statement.txt").write_text("The ministry said the negotiations would resume soon.\n")
    with open(folder / "manifest.csv", "a", encoding="utf-8") as f:
        f.write("x08_statement.txt,,,,2024-12-13,\n")
    capsys.readouterr()
    assert _cli(folder, inc) == 0  # the new article is a chunk of its own, with no date in it
    assert "9 articles reused, 1 extracted, 0 removed" in capsys.readouterr().out
    assert "x08_statement.txt: no dates found" in (inc / "events_problems.txt").read_text()
    assert _cli(folder, clean, "--no-cache") == 0
    _same_bytes(clean, inc)


def test_a_build_with_nothing_to_extract_starts_no_worker_processes(folder, tmp_path, monkeypatch):
    import pipeline.build as build_module

    today = dt.date(2025, 1, 15)
    first = build(folder, workers=2, cache=ArticleCache(tmp_path / "cache", settings_key()), today=today)

    def no_pool(*args, **kwargs):
        raise AssertionError("a process pool was started with nothing to extract")

    monkeypatch.setattr(build_module, "ProcessPoolExecutor", no_pool)
    again = build(folder, workers=2, cache=ArticleCache(tmp_path / "cache", settings_key()), today=today)
    assert (again.stats["reused"], again.stats["extracted"]) == (9, 0)
    assert again.events.equals(first.events) and again.problems == first.problems


def test_packs_compacted_into_one_keep_every_live_entry_and_drop_the_removed(folder, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cache_module, "MAX_PACKS", 1)  # the second pack makes a build compact them
    inc, clean = tmp_path / "inc", tmp_path / "clean"
    assert _cli(folder, inc) == 0
    (folder / "x05_new.txt").write_text("Israel struck targets in Syria on Wednesday, the army said.\n")
    with open(folder / "manifest.csv", "a", encoding="utf-8") as f:
        f.write("x05_new.txt,,,,2024-12-12,\n")
    (folder / "x03_nodate.txt").unlink()
    assert _cli(folder, inc) == 0
    packs = sorted(p.name for p in (cache_dir(inc / "events.csv") / "packs").glob("*.files.parquet"))
    assert len(packs) == 1  # one pack holds the 8 old files still there and the new one
    assert _cli(folder, clean, "--no-cache") == 0
    _same_bytes(clean, inc)
    capsys.readouterr()
    assert _cli(folder, inc) == 0
    assert "9 articles reused, 0 extracted, 0 removed" in capsys.readouterr().out  # all read from the one pack
    _same_bytes(clean, inc)


def test_files_written_to_packs_during_a_build_give_a_clean_builds_tables_and_are_reused(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "SPILL_FILES", 3)  # a pack each time 3 files are extracted
    spilled = build(folder, chunk_size=2, cache=ArticleCache(tmp_path / "cache", settings_key()))
    assert len(list((tmp_path / "cache" / "packs").glob("*.files.parquet"))) == 3  # 4 + 4 during, 1 at the end
    again = build(folder, chunk_size=2, cache=ArticleCache(tmp_path / "cache", settings_key()))
    assert (again.stats["reused"], again.stats["extracted"]) == (9, 0)
    clean = _tables(build(folder, chunk_size=2), tmp_path / "clean")
    _same_bytes(_tables(spilled, tmp_path / "spilled"), clean)
    _same_bytes(_tables(again, tmp_path / "again"), clean)


def test_packs_written_by_a_build_killed_before_its_index_are_not_used_and_are_removed(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "SPILL_FILES", 3)
    packs = tmp_path / "cache" / "packs"

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies after writing its packs, before the index

    with monkeypatch.context() as m:
        m.setattr(cache_module, "write_text", killed)
        with pytest.raises(KeyboardInterrupt):
            build(folder, chunk_size=2, cache=ArticleCache(tmp_path / "cache", settings_key()))
    assert len(list(packs.glob("*.files.parquet"))) == 3  # orphans: no index names them
    rebuilt = build(folder, chunk_size=2, cache=ArticleCache(tmp_path / "cache", settings_key()))
    assert (rebuilt.stats["reused"], rebuilt.stats["extracted"]) == (0, 9)
    assert len(list(packs.glob("*.files.parquet"))) == 3  # the orphans were removed, three new packs named
    _same_bytes(_tables(rebuilt, tmp_path / "rebuilt"), _tables(build(folder, chunk_size=2), tmp_path / "clean"))


def test_a_cached_build_holds_no_text_and_writes_every_text_even_from_packs_it_compacted_away(
    folder, tmp_path, monkeypatch
):
    monkeypatch.setattr(cache_module, "SPILL_FILES", 3)  # packs written during the build ...
    monkeypatch.setattr(cache_module, "PACK_ROW_GROUP", 2)  # ... each text read from a small row group
    build(folder, chunk_size=2, cache=ArticleCache(tmp_path / "cache", settings_key()))
    (folder / "x05_new.txt").write_text("Israel struck targets in Syria on Wednesday, the army said.\n")
    (folder / "x06_new.txt").write_text("Turkey and Iran agreed on Thursday to reopen the crossing.\n")
    (folder / "x08_new.txt").write_text("Russian envoys arrived in Damascus on Friday, the embassy said.\n")
    with open(folder / "manifest.csv", "a", encoding="utf-8") as f:
        f.write("x05_new.txt,,,,2024-12-12,\nx06_new.txt,,,,2024-12-13,\nx08_new.txt,,,,2024-12-14,\n")
    (folder / "x03_nodate.txt").unlink()
    # ... and this build, which writes a pack of its own, rewrites them all into one (an entry is dead).
    monkeypatch.setattr(cache_module, "MAX_DEAD_SHARE", 0.0)
    cached = build(folder, chunk_size=2, cache=ArticleCache(tmp_path / "cache", settings_key()))
    assert len(list((tmp_path / "cache" / "packs").glob("*.files.parquet"))) == 1  # the ones holding the texts: gone
    assert cached.articles["text"].isna().all() and cached.texts is not None
    clean = build(folder, chunk_size=2)
    _same_bytes(_tables(cached, tmp_path / "cached"), _tables(clean, tmp_path / "clean"))
    assert cached.articles_with_text()["text"].tolist() == clean.articles["text"].tolist()
    again = build(folder, chunk_size=2, cache=ArticleCache(tmp_path / "cache", settings_key()))
    assert (again.stats["reused"], again.stats["extracted"]) == (11, 0)  # every entry in the compacted pack
    _same_bytes(_tables(again, tmp_path / "again"), tmp_path / "clean")
