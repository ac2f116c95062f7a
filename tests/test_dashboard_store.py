"""The page on an event store (TIMELINE_STORE): filters run in DuckDB, only what the chart draws comes back."""

import base64
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from test_dashboard_app import PAGE

from pipeline.store import write_store


@pytest.fixture(scope="module")
def small_store(tmp_path_factory, seed_tables):
    folder = tmp_path_factory.mktemp("store")
    write_store(folder, seed_tables.events, seed_tables.evidence, seed_tables.articles)
    return folder


@pytest.fixture(scope="module")
def large_store(tmp_path_factory):
    from synthetic import make_events

    folder = tmp_path_factory.mktemp("large")
    events, evidence, articles = make_events(4000, seed=3)
    write_store(folder, events, evidence, articles)
    return folder, events


def _app(monkeypatch, store, **params):
    monkeypatch.setenv("TIMELINE_STORE", str(store))
    monkeypatch.delenv("TIMELINE_EVENTS_FILE", raising=False)
    monkeypatch.delenv("TIMELINE_ARTICLES", raising=False)
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


def _values(array) -> list[float]:
    """A figure array as numbers (plotly sends long numeric arrays base64-encoded)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return [float(v) for v in array]


def test_first_run_on_a_store_shows_the_chart(monkeypatch, small_store, seed_events):
    at = _app(monkeypatch, small_store)
    assert not at.exception
    shown, total = _count(at)
    assert total == len(seed_events)  # every event with a readable date (the store's DATE has no BC years)
    assert 0 < shown <= total
    ids = {i for t in _figure(at)["data"] if t.get("customdata") for i in t["customdata"]}
    assert len(ids) == shown
    assert len(at.dataframe[0].value) == shown


def test_an_actor_changes_the_count_as_the_pandas_filters_do(monkeypatch, small_store, seed_events):
    from ui import filters

    at = _app(monkeypatch, small_store)
    before = _count(at)[0]
    at.multiselect(key="actors").set_value(["HTS"]).run()
    assert not at.exception
    shown = _count(at)[0]
    assert 0 < shown < before
    assert shown == len(filters.apply(seed_events, filters.Filters(actors=("HTS",))))
    assert at.dataframe[0].value["Actors"].str.contains("HTS").all()


def test_key_events_only_on_a_store_are_the_pandas_filters_ones(monkeypatch, small_store, seed_events):
    from ui import filters

    at = _app(monkeypatch, small_store)
    at.number_input(key="top").set_value(3).run()
    assert not at.exception
    assert _count(at)[0] == 3
    expected = filters.apply(seed_events, filters.Filters(top=3))
    assert sorted(at.dataframe[0].value["Event"]) == sorted(expected["title"])


def test_an_event_link_opens_its_sources_from_the_store(monkeypatch, small_store, seed_tables):
    event = seed_tables.events[seed_tables.events["sources"] >= 3].iloc[0]
    at = _app(monkeypatch, small_store, event=event["event_id"])
    assert not at.exception
    bodies = [h.proto.body for h in at.get("html")]
    evidence = seed_tables.evidence[seed_tables.evidence["event_id"] == event["event_id"]]
    assert sum("<mark" in b for b in bodies) == len(evidence)


def test_an_empty_result_says_which_filter_to_loosen(monkeypatch, small_store):
    at = _app(monkeypatch, small_store)
    at.text_input(key="text").set_value("zzqx not a word in any article").run()
    assert not at.exception
    assert "Loosening **search** would bring back" in at.info[0].value
    assert not at.get("plotly_chart")


def test_past_the_threshold_the_store_sends_counts_not_every_event(monkeypatch, large_store):
    from ui import charts

    folder, events = large_store
    at = _app(monkeypatch, folder)
    assert not at.exception
    shown, total = _count(at)
    assert charts.AGGREGATE_ABOVE < shown <= total <= len(events)
    fig = _figure(at)
    bars = [t for t in fig["data"] if t.get("type") == "bar"]
    assert bars
    assert sum(sum(_values(t["y"])) for t in bars) == pytest.approx(shown, rel=0.01)  # every event counted once
    marks = {i for t in fig["data"] if t.get("type") != "bar" and t.get("customdata") for i in t["customdata"]}
    assert 0 < len(marks) <= charts.TOP_IN_AGGREGATE * 2
    at.multiselect(key="actors").set_value(["Iran"]).run()
    assert not at.exception
    assert _count(at)[0] < shown
