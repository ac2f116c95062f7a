"""The page driven through Streamlit's AppTest: widgets by key, the URL, the chart's figure JSON."""

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[1] / "dashboard.py")


def _app(monkeypatch, folder=None, **params):
    if folder is not None:
        monkeypatch.setenv("TIMELINE_ARTICLES", str(folder))
    else:
        monkeypatch.delenv("TIMELINE_ARTICLES", raising=False)
    monkeypatch.delenv("TIMELINE_EVENTS_FILE", raising=False)
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _count(at) -> tuple[int, int]:
    text = " ".join(h.proto.body for h in at.get("html"))
    shown, total = re.search(r"<b>([\d,]+) of ([\d,]+) events</b>", text).groups()
    return int(shown.replace(",", "")), int(total.replace(",", ""))


def _figure(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _chart_ids(at) -> set[str]:
    return {i for t in _figure(at)["data"] if t.get("customdata") for i in t["customdata"]}


def test_first_run_shows_the_seed_timeline(monkeypatch, seed_tables):
    at = _app(monkeypatch)
    assert not at.exception
    shown, total = _count(at)
    assert 0 < shown <= total == len(seed_tables.events)
    assert len(_chart_ids(at)) == shown
    assert len(at.dataframe[0].value) == shown


def test_choosing_an_actor_filters_count_table_chart_and_url(monkeypatch, seed_tables):
    at = _app(monkeypatch)
    at.multiselect(key="actors").set_value(["HTS"]).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) and table["Actors"].str.contains("HTS").all()
    assert _count(at)[0] == len(table)
    hts = set(seed_tables.events.loc[seed_tables.events["actors"].str.contains("HTS"), "event_id"])
    assert _chart_ids(at) <= hts
    assert at.query_params["actor"] == ["HTS"] or at.query_params["actor"] == "HTS"


def test_query_parameters_set_the_filters(monkeypatch):
    at = _app(monkeypatch, actor=["Iran", "Turkey"], match="all of", view="Actor tracks")
    assert not at.exception
    assert at.multiselect(key="actors").value == ["Iran", "Turkey"]
    assert at.radio(key="actor_mode").value == "all of"
    assert at.radio(key="view").value == "Actor tracks"
    ticks = " ".join(_figure(at)["layout"]["yaxis"]["ticktext"])
    assert "Iran" in ticks and "Turkey" in ticks
    assert all("Iran" in a and "Turkey" in a for a in at.dataframe[0].value["Actors"])


def test_an_empty_result_says_which_filter_to_loosen(monkeypatch):
    at = _app(monkeypatch, q="no such words anywhere")
    assert not at.exception
    assert _count(at)[0] == 0
    assert "search" in at.info[0].value
    at.button(key="reset").click().run()
    assert _count(at)[0] > 0 and at.text_input(key="text").value == ""


def test_an_event_link_opens_its_sources(monkeypatch, seed_tables):
    event = seed_tables.events[seed_tables.events["sources"] >= 3].iloc[0]
    at = _app(monkeypatch, event=event["event_id"])
    assert not at.exception
    bodies = [h.proto.body for h in at.get("html")]
    assert sum("<mark" in b for b in bodies) == len(
        seed_tables.evidence[seed_tables.evidence["event_id"] == event["event_id"]]
    )


def test_article_markup_stays_text_in_the_page(monkeypatch, hostile_folder):
    built = _app(monkeypatch, folder=hostile_folder)
    assert not built.exception
    table = built.dataframe[0].value
    assert len(table) == 1
    from ui import data

    event_id = data.load(str(hostile_folder)).events["event_id"].iloc[0]
    at = _app(monkeypatch, folder=hostile_folder, event=event_id)
    bodies = " ".join(h.proto.body for h in at.get("html"))
    assert "&lt;script&gt;" in bodies and "<script" not in bodies
    assert not any("javascript:" in m.value for m in at.markdown)


def test_briefing_mode_titles_the_chart(monkeypatch):
    at = _app(monkeypatch, brief="1", actor=["Russia"])
    assert not at.exception
    layout = _figure(at)["layout"]
    assert layout["title"]["text"].startswith("Russia, ") and "Russia" in layout["title"]["subtitle"]["text"]
    assert any(a["text"].startswith("Sources: ") and "articles" in a["text"] for a in layout["annotations"])
    assert layout["height"] <= 700  # fits a 1280x720 screen
    # The title is editable, and the link keeps it.
    at.text_input(key="brief_title").set_value("Moscow after Assad").run()
    assert _figure(at)["layout"]["title"]["text"] == "Moscow after Assad"
    assert at.query_params["title"] in ("Moscow after Assad", ["Moscow after Assad"])


def test_top_n_key_events_and_the_people_filter(monkeypatch, seed_tables):
    at = _app(monkeypatch)
    assert not any("(" in o for o in at.multiselect(key="actors").options)
    assert any(o.endswith("(Russia)") for o in at.multiselect(key="people").options)
    at.number_input(key="top").set_value(3).run()
    assert not at.exception and _count(at)[0] == 3 and len(_chart_ids(at)) == 3
    assert at.query_params["top"] in ("3", ["3"])


def test_a_link_with_dates_outside_the_data_is_clamped_with_a_notice(monkeypatch):
    at = _app(monkeypatch, **{"from": "1990-01-01", "to": "2099-12-31", "on": "2150-01-01"})
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    assert "1990-01-01" in notes and "2099-12-31" in notes and "set to" in notes
    lo = at.date_input(key="date_from")
    assert lo.value == lo.min and at.date_input(key="date_to").value == lo.max
    assert _count(at)[0] > 0


def _events_file(tmp_path, monkeypatch, write):
    path = tmp_path / "events.csv"
    write(path)
    monkeypatch.setenv("TIMELINE_EVENTS_FILE", str(path))
    at = AppTest.from_file(PAGE, default_timeout=120)
    return at.run()


def test_an_events_file_that_is_garbage_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    def garbage(path):
        path.with_suffix(".parquet").write_bytes(b"PAR1 this is not parquet at all")

    path = tmp_path / "events.parquet"
    garbage(path)
    monkeypatch.setenv("TIMELINE_EVENTS_FILE", str(path))
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    problems = " ".join(t.value for t in at.text)
    assert "cannot be read as a table" in problems


def test_an_events_file_with_missing_columns_wrong_types_and_old_dates(tmp_path, monkeypatch):
    def write(path):
        path.write_text(
            "event_id,date,title,sources,precision\n"
            "a1,1577-03-01,Drake sailed from Plymouth,many,day\n"
            "a2,1450-01-01,A printing press was built,2,year\n"
            "a3,not a date,Nothing,1,day\n",
            encoding="utf-8",
        )

    at = _app_with = _events_file(tmp_path, monkeypatch, write)
    assert not at.exception
    problems = " ".join(t.value for t in at.text)
    assert "not numbers" in problems and "without a readable date" in problems
    at = _app_with
    at.toggle(key="background").set_value(True).run()
    assert not at.exception and _count(at)[0] == 2
    xs = [x for t in _figure(at)["data"] if t.get("customdata") for x in t["x"]]
    assert any(str(x).startswith("1577-03-01") for x in xs)


def test_a_failing_build_is_a_problem_on_the_page_not_a_crash(monkeypatch, tmp_path):
    import pipeline.build

    def broken(*args, **kwargs):
        raise ValueError("actors.yaml: palette is missing")

    monkeypatch.setattr(pipeline.build, "build", broken)
    (tmp_path / "one.txt").write_text("Russia met Iran on Sunday.", encoding="utf-8")
    at = _app(monkeypatch, folder=tmp_path)
    assert not at.exception
    assert _count(at) == (0, 0)
    problems = " ".join(t.value for t in at.text)
    assert "build failed" in problems and "palette is missing" in problems


@pytest.mark.slow
def test_a_large_view_sends_the_table_its_first_rows_only(tmp_path, monkeypatch):
    from synthetic import write_tables

    from ui import page

    monkeypatch.setenv("TIMELINE_EVENTS_FILE", str(write_tables(tmp_path, page.TABLE_ROWS + 300)))
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not at.exception
    assert _count(at)[0] > page.TABLE_ROWS and len(at.dataframe[0].value) == page.TABLE_ROWS
    assert any("the CSV has all" in c.value for c in at.caption)


def test_an_output_set_is_read_as_one_version_and_a_broken_one_is_a_message(tmp_path, monkeypatch, seed_tables):
    from pipeline.write import write_output_set

    out = tmp_path / "events.csv"
    write_output_set(out, seed_tables.events, seed_tables.evidence, seed_tables.articles, ["one problem"])
    monkeypatch.setenv("TIMELINE_EVENTS_FILE", str(out))
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception and _count(at)[1] == len(seed_tables.events)
    assert "one problem" in " ".join(t.value for t in at.text)
    # A plain file replaced by hand no longer matches the set it belongs to: said, not shown mixed.
    versions = [p for p in tmp_path.rglob("*events*.csv") if p != out and "evidence" not in p.name]
    versions[0].write_text("event_id,date,title\nx,2024-01-01,Changed\n", encoding="utf-8")
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert "rebuild" in " ".join(t.value for t in at.text)


def test_the_page_lays_the_chart_out_for_the_width_the_browser_reports(monkeypatch):
    at = _app(monkeypatch)
    wide = _figure(at)
    # The reporter runs in the browser; AppTest sets its state as the browser would.
    at.session_state["viewport"] = {"size": {"width": 520, "vw": 584, "vh": 700, "brief": False}}
    at.run()
    assert not at.exception
    narrow = _figure(at)
    labels = [a for a in narrow["layout"]["annotations"] if a.get("name", "").startswith("label:")]
    assert 0 < len(labels) < len([a for a in wide["layout"]["annotations"] if a.get("name", "").startswith("label:")])
