"""The page driven through Streamlit's AppTest: widgets by key, the URL, the chart's figure JSON."""

import json
import re
from pathlib import Path

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
    assert len(table) and table["actors"].str.contains("HTS").all()
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
    assert all("Iran" in a and "Turkey" in a for a in at.dataframe[0].value["actors"])


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
    assert layout["title"]["text"] and "Russia" in layout["title"]["subtitle"]["text"]
    assert any("Sources" in a["text"] for a in layout["annotations"])


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
