"""End to end on the shipped corpus (data/articles) and on a folder of bad input."""

from pathlib import Path

import pandas as pd
import pytest

from pipeline.__main__ import main
from pipeline.build import build
from pipeline.resolve import read_named_days
from pipeline.schema import CERTAINTIES, DATE_BASES, EVENTS, EVIDENCE, PRECISIONS, QUAD_CLASSES
from pipeline.write import read_table, sibling

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"


@pytest.fixture(scope="module")
def seeds():
    return build(ARTICLES)


def _names(cell) -> set[str]:
    return set(cell.split(";")) if isinstance(cell, str) and cell else set()


def _find(events, date, *, actors=(), locations=(), people=()):
    rows = events[events["date"] == date]

    def has(cell, wanted):  # "Hmeimim" finds "Hmeimim Air Base"
        return all(any(w in name for name in _names(cell)) for w in wanted)

    return rows[
        rows.apply(
            lambda r: set(actors) <= _names(r.actors) and has(r.locations, locations) and has(r.people, people), axis=1
        )
    ]


def test_doha_forum_talks_of_russia_iran_turkey(seeds):
    assert len(_find(seeds.events, "2024-12-07", actors={"Russia", "Iran", "Turkey"}))


def test_fall_of_damascus_is_one_event_with_three_sources(seeds):
    rows = _find(seeds.events, "2024-12-08", locations={"Damascus"})
    rows = rows[rows["quad_class"] == "material conflict"]
    assert len(rows) == 1, rows[["title", "articles"]]
    assert rows.iloc[0].sources >= 3


def test_bogdanov_statement_on_talks_with_hts(seeds):
    rows = _find(seeds.events, "2024-12-12", actors={"HTS"}, people={"Bogdanov"})
    assert len(rows)


def test_evacuation_via_hmeimim(seeds):
    assert len(_find(seeds.events, "2024-12-15", actors={"Russia"}, locations={"Hmeimim"}))


def test_delegation_visit_to_damascus_last_tuesday(seeds):
    rows = _find(seeds.events, "2025-01-28", actors={"Russia"}, locations={"Damascus"})
    assert len(rows)
    assert "'last Tuesday'" in rows.iloc[0].date_note and "2025-02-02" in rows.iloc[0].date_note


def test_no_event_after_its_publication_unless_planned(seeds):
    ev = seeds.evidence
    late = ev[(ev["date"] > ev["published"]) & (ev["certainty"] != "future")]
    assert late.empty, late[["article", "date", "evidence"]]


def test_related_posts_and_comment_prompts_are_not_events(seeds):
    text = " ".join(seeds.evidence["evidence"])
    assert "Ayurveda" not in text and "Leave a" not in text and "Tulsi" not in text
    assert not seeds.events["date"].isin(["2024-11-14", "2024-11-10"]).any()


def test_every_value_is_in_its_vocabulary(seeds):
    ev = seeds.events
    assert ev["precision"].isin(PRECISIONS).all()
    assert ev["date_basis"].isin(DATE_BASES).all()
    assert ev["certainty"].isin(CERTAINTIES).all()
    assert ev["quad_class"].isin(QUAD_CLASSES).all()
    assert ev["date_note"].str.len().gt(0).all()
    assert (ev["date"] <= ev["date_end"]).all()
    assert list(ev.columns) == list(EVENTS) and list(seeds.evidence.columns) == list(EVIDENCE)


def test_evidence_offsets_point_into_the_article_text(seeds):
    texts = dict(zip(seeds.articles["article"], seeds.articles["text"]))
    for row in seeds.evidence.itertuples():
        assert texts[row.article][row.char_start : row.char_end] == row.evidence


def test_event_ids_are_stable_across_rebuilds(seeds):
    assert list(build(ARTICLES).events["event_id"]) == list(seeds.events["event_id"])


def test_cli_build_writes_three_tables_atomically(tmp_path, capsys):
    out = tmp_path / "out" / "events.parquet"
    assert main(["build", "--articles", str(ARTICLES), "--out", str(out)]) == 0
    summary = capsys.readouterr().out
    assert "events" in summary and str(out) in summary
    events = read_table(out)
    assert len(events) and list(events.columns) == list(EVENTS)
    assert read_table(sibling(out, "evidence"))["event_id"].isin(events["event_id"]).all()
    assert len(read_table(sibling(out, "articles"))) == 5
    assert (out.parent / "events_problems.txt").read_text(encoding="utf-8") == ""
    assert not list(out.parent.glob("*.tmp"))


def test_cli_rejects_a_missing_folder(tmp_path, capsys):
    assert main(["build", "--articles", str(tmp_path / "nope"), "--out", str(tmp_path / "e.csv")]) == 2
    assert "not found" in capsys.readouterr().err


def test_bad_input_is_reported_and_the_rest_is_built(tmp_path):
    good = (ARTICLES / "003_8ecce001b37ddfde.txt").read_bytes()
    (tmp_path / "a_good.txt").write_bytes(good)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "latin1.txt").write_bytes(
        "Le Kremlin a déclaré dimanche 8 décembre 2024 que la Russie…".encode("cp1252")
    )
    (tmp_path / "copy.txt").write_bytes(good)
    (tmp_path / "nodates.txt").write_text("Russia and Iran are neighbours of the Caspian Sea.\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        'file,published\na_good.txt,2024-12-08\nmissing.txt,2024-12-01\nlatin1.txt,not a date\n"broken,row\n',
        encoding="utf-8",
    )
    result = build(tmp_path)
    joined = "\n".join(result.problems)
    for name in ("empty.txt", "image.txt", "copy.txt", "missing.txt", "nodates.txt", "latin1.txt"):
        assert name in joined, joined
    assert set(result.articles["article"]) >= {"a_good.txt", "latin1.txt", "nodates.txt"}
    assert len(result.events) > 0 and set(result.events["articles"].str.split(";").explode()) <= {
        "a_good.txt",
        "latin1.txt",
    }


def test_empty_folder_gives_empty_tables(tmp_path):
    result = build(tmp_path)
    assert result.events.empty and list(result.events.columns) == list(EVENTS)
    assert isinstance(result.summary, str) and "0 events" in result.summary


def test_two_workers_give_the_same_table(seeds):
    two = build(ARTICLES, workers=2, chunk_size=2)
    assert list(two.events["event_id"]) == list(seeds.events["event_id"])
    assert two.events["sources"].tolist() == seeds.events["sources"].tolist()


def test_publication_date_inferred_from_the_body_not_from_captions(tmp_path):
    (tmp_path / "kharkiv.txt").write_text(
        "Russian drones attacked Kharkiv on Dec. 3, 2024, officials said.\n\n"
        "Ukraine's foreign ministry condemned the attack on Friday.\n\n"
        "Firefighters work at a damaged building in Kharkiv, Ukraine, March 12, 2025 (AP Photo/Andrii Marienko)\n",
        encoding="utf-8",
    )
    result = build(tmp_path)
    art = result.articles.iloc[0]
    assert (art["published"], art["published_basis"]) == ("2024-12-03", "inferred from text")
    friday = result.evidence[result.evidence["date_text"] == "Friday"]
    assert len(friday) and friday.iloc[0]["date_basis"] == "inferred"
    assert friday.iloc[0]["date"] == "2024-11-29"


def test_named_days_count_body_sentences_naming_a_day_not_months_or_captions(tmp_path):
    (tmp_path / "port.txt").write_text(
        "The port closed on Monday and reopened on Dec. 4, 2024.\n\n"
        "Since Monday, no ship has docked; on Monday, Monday's convoy turned back.\n\n"
        "Talks are due in January.\n\n"
        "Dock workers wait in the port, Dec. 5, 2024 (AP Photo/Jane Doe)\n",
        encoding="utf-8",
    )
    (tmp_path / "manifest.csv").write_text("file,published\nport.txt,2024-12-06\n", encoding="utf-8")
    (tmp_path / "quiet.txt").write_text("Nothing happened this winter.\n", encoding="utf-8")
    result = build(tmp_path)
    named = dict(zip(result.articles["article"], result.articles["named_days"]))
    # Monday (Dec. 2) in two sentences, however often each names it; Dec. 4 once; the caption's
    # Dec. 5 and the month "January" name no day.
    assert named["port.txt"] == "2024-12-02:2;2024-12-04:1"
    assert pd.isna(named["quiet.txt"])
    assert read_named_days(result.articles).values.tolist() == [
        ["port.txt", "2024-12-02", 2],
        ["port.txt", "2024-12-04", 1],
    ]


def test_named_days_read_from_an_articles_table_of_an_older_or_hand_made_build():
    # A count left out is one sentence; empty items and missing cells name nothing.
    articles = pd.DataFrame(
        {
            "article": ["a.txt", "b.txt", "c.txt", "d.txt"],
            "named_days": [None, "", "2024-12-08:2;2024-12-09", ";2025-01-03:3;"],
        },
        dtype="string",
    )
    assert read_named_days(articles).values.tolist() == [
        ["c.txt", "2024-12-08", 2],
        ["c.txt", "2024-12-09", 1],
        ["d.txt", "2025-01-03", 3],
    ]
    assert read_named_days(articles.iloc[:0]).empty


def test_cli_names_a_broken_actor_file(tmp_path, capsys):
    bad = tmp_path / "actors.yaml"
    bad.write_text("people:\n  - {name: Jane Doe, affiliation: Atlantis}\n", encoding="utf-8")
    out = tmp_path / "events.csv"
    assert main(["build", "--articles", str(ARTICLES), "--out", str(out), "--actors", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "actors.yaml" in err and "Jane Doe" in err and "Atlantis" in err
    assert not out.exists()


TURKISH = (
    "İstanbul and İzmir sent aid convoys to the border. The mayor of İstanbul met Turkish officials in İzmir.\n"
    "Turkey attacked Kurdish positions near Kobani on Sunday, the ministry in Ankara said.\n"
)


def test_article_with_dotted_capital_i_keeps_its_dates_and_offsets(tmp_path):
    (tmp_path / "tr.txt").write_text(TURKISH, encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,published\ntr.txt,2024-12-10\n", encoding="utf-8")
    result = build(tmp_path)
    assert "2024-12-08" in set(result.events["date"]), result.problems
    text = result.articles["text"].iloc[0]
    for row in result.evidence.itertuples():
        assert text[row.char_start : row.char_end] == row.evidence


@pytest.mark.parametrize("workers", [1, 2])
def test_an_article_that_raises_is_reported_and_the_rest_is_built(tmp_path, monkeypatch, workers):
    import pipeline.build as build_module

    for name, place in (("a.txt", "Kyiv"), ("b_bad.txt", "Kharkiv"), ("c.txt", "Odesa")):
        (tmp_path / name).write_text(f"Russia attacked {place} on Sunday, Ukrainian officials said.\n", "utf-8")
    (tmp_path / "manifest.csv").write_text(
        "file,published\na.txt,2024-12-10\nb_bad.txt,2024-12-10\nc.txt,2024-12-10\n", encoding="utf-8"
    )
    real = build_module.process_articles

    def fails_on_one_article(articles, gazetteer):
        if "b_bad.txt" in set(articles["article"]):
            raise IndexError("string index out of range")
        return real(articles, gazetteer)

    monkeypatch.setattr(build_module, "process_articles", fails_on_one_article)
    result = build(tmp_path, workers=workers, chunk_size=3)
    assert set(result.articles["article"]) == {"a.txt", "c.txt"}
    assert set(result.evidence["article"]) == {"a.txt", "c.txt"}
    failed = [p for p in result.problems if p.startswith("b_bad.txt:")]
    assert len(failed) == 1 and "IndexError" in failed[0] and "skipped" in failed[0], result.problems


def test_publication_dates_at_the_ends_of_the_calendar_and_in_the_future(tmp_path):
    import datetime as dt

    for name, actor in (("a_year_one.txt", "Russia"), ("b_year_9999.txt", "Turkey"), ("c_future.txt", "Iran")):
        (tmp_path / name).write_text(f"{actor} attacked the border posts on Sunday, officials said.\n", "utf-8")
    (tmp_path / "manifest.csv").write_text(
        "file,published\na_year_one.txt,0001-01-01\nb_year_9999.txt,9999-12-31\nc_future.txt,2030-05-05\n",
        encoding="utf-8",
    )
    result = build(tmp_path, today=dt.date(2025, 1, 15))
    dates = dict(zip(result.events["articles"], result.events["date"]))
    assert dates == {"b_year_9999.txt": "9999-12-26", "c_future.txt": "2030-05-05"}
    joined = "\n".join(result.problems)
    assert "a_year_one.txt: no date could be placed" in joined
    assert "c_future.txt: publication date 2030-05-05 is after today (2025-01-15)" in joined
    assert "b_year_9999.txt: publication date 9999-12-31 is after today" in joined


def test_cli_writes_one_set_and_refuses_an_out_inside_the_articles_folder(tmp_path, capsys):
    from pipeline.write import read_output_set

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Russia attacked Kyiv on Sunday, Ukrainian officials said.\n", encoding="utf-8")
    manifest = "file,published\na.txt,2024-12-10\n"
    (folder / "manifest.csv").write_text(manifest, encoding="utf-8")
    for out in (folder / "manifest.csv", folder / "sub" / "events.csv"):
        assert main(["build", "--articles", str(folder), "--out", str(out)]) == 2
        assert "inside the articles folder" in capsys.readouterr().err
    assert (folder / "manifest.csv").read_text(encoding="utf-8") == manifest
    out = tmp_path / "out" / "events.csv"
    assert main(["build", "--articles", str(folder), "--out", str(out)]) == 0
    got = read_output_set(out)
    assert got.articles["article"].tolist() == ["a.txt"] and len(got.events) == 1


def test_cli_checks_that_out_is_writable_before_building(tmp_path, capsys, monkeypatch):
    import pipeline.build as build_module

    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(build_module, "build", lambda *a, **k: pytest.fail("built before checking --out"))
    assert main(["build", "--articles", str(ARTICLES), "--out", str(blocker / "events.csv")]) == 2
    err = capsys.readouterr().err
    assert "cannot write there" in err and "Traceback" not in err


@pytest.mark.slow
def test_killing_a_two_worker_build_leaves_no_worker_running(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "articles"
    folder.mkdir()
    for k in range(12):
        for p in ARTICLES.glob("*.txt"):
            (folder / f"{k}_{p.name}").write_text(p.read_text(encoding="utf-8") + f"\nCopy {k}.\n", encoding="utf-8")
    root = ARTICLES.parents[1]
    cmd = [sys.executable, "-m", "pipeline", "build", "--articles", str(folder), "--out", str(tmp_path / "e.csv")]
    proc = subprocess.Popen(
        [*cmd, "--workers", "2"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers = [int(x) for x in children.read_text().split()] if children.exists() else []
        time.sleep(0.1)
    assert len(workers) == 2, "the build never started its workers"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    def running(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 10
    while any(running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [w for w in workers if running(w)]
    for w in left:  # do not leave them behind if the test fails
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers {left} outlived the build"


def test_the_command_line_takes_arrow_buffers_from_malloc_unless_the_user_chose_a_pool():
    import os
    import subprocess
    import sys

    root = ARTICLES.parents[1]
    probe = "import pipeline.__main__, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    env["PYTHONPATH"] = str(root)

    def pool(**extra: str) -> str:
        out = subprocess.run(
            [sys.executable, "-c", probe], cwd=root, env={**env, **extra}, capture_output=True, check=True
        )
        return out.stdout.decode().strip()

    assert pool() == "system"
    assert pool(ARROW_DEFAULT_MEMORY_POOL="mimalloc") == "mimalloc"


def test_memory_a_stage_freed_goes_back_to_the_system_before_the_next_allocates():
    import platform
    import subprocess
    import sys

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        pytest.skip("malloc_trim is glibc's")
    # In a fresh process: many blocks (past what Python pools itself), one in fifty kept, the rest freed (as a stage's rows are).
    probe = (
        "import psutil\n"
        "from pipeline.build import release_memory\n"
        "rows = [bytes(1500) for _ in range(100_000)]\n"
        "kept = rows[::50]\n"
        "del rows\n"
        "before = psutil.Process().memory_info().rss\n"
        "print(release_memory(), (before - psutil.Process().memory_info().rss) >> 20)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ARTICLES.parents[1], capture_output=True, check=True, text=True
    ).stdout.split()
    assert out[0] == "True" and int(out[1]) > 40, out  # about 150 MB were freed: most of it goes back
