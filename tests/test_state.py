"""The URL holds the view: query parameters <-> widgets <-> filters."""

from datetime import date

from ui import state

OPTIONS = {
    "actors": ["Russia", "Iran", "HTS"],
    "people": ["Mikhail Bogdanov (Russia)"],
    "event_types": ["CONSULT", "ASSAULT"],
    "articles": ["a.txt"],
}


def test_round_trip_keeps_every_filter():
    params = {
        "actor": ["Iran", "HTS"],
        "person": ["Mikhail Bogdanov (Russia)"],
        "match": ["all of"],
        "type": ["ASSAULT"],
        "article": ["a.txt"],
        "min_sources": ["2"],
        "q": ["Damascus"],
        "captions": ["1"],
        "background": ["1"],
        "subtracks": ["1"],
        "brief": ["1"],
        "from": ["2024-12-01"],
        "to": ["2024-12-31"],
        "on": ["2024-12-08"],
        "top": ["10"],
        "title": ["Russia in Syria"],
        "view": ["Actor tracks"],
        "event": ["abc123"],
    }
    values = state.widgets_from_params(params, OPTIONS)
    assert values["actors"] == ["Iran", "HTS"] and values["date_from"] == date(2024, 12, 1)
    back = state.params_from_widgets(values)
    assert {k: v if isinstance(v, list) else [v] for k, v in back.items()} == params
    f = state.filters_from_widgets(values)
    assert f.actors == ("Iran", "HTS") and f.actor_mode == "all of" and f.min_sources == 2 and f.captions
    assert f.people == ("Mikhail Bogdanov (Russia)",) and f.top == 10 and values["goto"] == date(2024, 12, 8)


def test_defaults_make_an_empty_query():
    assert state.params_from_widgets(state.widgets_from_params({}, OPTIONS)) == {}


def test_bad_values_are_dropped_not_fatal():
    values = state.widgets_from_params(
        {
            "actor": ["Atlantis", "Iran"],
            "min_sources": ["many"],
            "from": ["soon"],
            "view": ["3D"],
            "match": ["whatever"],
        },
        OPTIONS,
    )
    assert values["actors"] == ["Iran"] and values["min_sources"] == 1 and values["date_from"] is None
    assert values["view"] == "Timeline" and values["actor_mode"] == "any of"


def test_a_rebuild_keeps_actor_and_article_filters_and_clamps_dates(seed_events):
    from ui import page

    options = {"actors": ["Russia", "Iran"], "people": [], "event_types": [], "articles": ["a.txt"]}
    session = {
        "actors": ["Russia", "Gone Militia"],
        "articles": ["a.txt"],
        "date_from": date(1990, 1, 1),
        "date_to": date(2030, 1, 1),
        "goto": None,
    }
    notes = page.keep_valid(session, seed_events, options)
    lo, hi = seed_events["_start"].min(), seed_events["_end"].max()
    from ui import days

    assert session["actors"] == ["Russia"] and session["articles"] == ["a.txt"]
    assert session["date_from"] == days.to_date(lo) and session["date_to"] == days.to_date(hi)
    assert any("Gone Militia" in n for n in notes) and any("2030-01-01" in n for n in notes)
