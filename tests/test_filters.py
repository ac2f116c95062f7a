"""Sidebar filters as functions: the right events survive, an empty view says what to loosen."""

from datetime import date

from ui import days, filters
from ui.filters import Filters


def _names(view, col="_actors"):
    return [set(x) for x in view[col]]


def test_default_view_hides_captions_and_background(seed_events):
    view = filters.apply(seed_events, Filters())
    assert not view["_caption"].any() and not view["_background"].any()
    everything = filters.apply(seed_events, Filters(captions=True, background=True))
    assert len(everything) == len(seed_events)


def test_actor_any_of_and_all_of(seed_events):
    f = Filters(actors=("Iran", "Turkey"), background=True)
    any_of = filters.apply(seed_events, f)
    assert all({"Iran", "Turkey"} & s for s in _names(any_of))
    all_of = filters.apply(seed_events, Filters(actors=("Iran", "Turkey"), actor_mode="all of", background=True))
    assert all({"Iran", "Turkey"} <= s for s in _names(all_of))
    assert 0 < len(all_of) < len(any_of)


def test_people_are_filterable_like_actors(seed_events):
    assert "Mikhail Bogdanov (Russia)" in filters.people_options(seed_events)
    assert not any("(" in a for a in filters.actor_options(seed_events))
    view = filters.apply(seed_events, Filters(people=("Mikhail Bogdanov (Russia)",)))
    assert len(view) and all("Mikhail Bogdanov (Russia)" in p for p in view["_people"])


def test_date_range_keeps_overlapping_spans(seed_events):
    view = filters.apply(seed_events, Filters(date_from=date(2024, 12, 8), date_to=date(2024, 12, 8)))
    day = days.from_date(date(2024, 12, 8))
    assert len(view) and (view["_start"] <= day).all() and (view["_end"] >= day).all()


def test_min_sources_and_search_over_every_source(seed_events):
    multi = filters.apply(seed_events, Filters(min_sources=3))
    assert len(multi) and (multi["sources"] >= 3).all()
    # "collapse" is in a second source's sentence of the fall of Damascus, not in its title.
    found = filters.apply(seed_events, Filters(text="abrupt collapse"))
    assert "HTS captured Damascus" in set(found["title"])


def test_event_types_and_articles(seed_events):
    view = filters.apply(seed_events, Filters(event_types=("CONSULT",)))
    assert len(view) and set(view["event_type"]) == {"CONSULT"}
    art = "004_b60f9c2ce802a8c2.txt"
    view = filters.apply(seed_events, Filters(articles=(art,)))
    assert len(view) and all(art in a for a in view["_articles"])


def test_empty_result_names_the_filter_to_loosen(seed_events):
    f = Filters(actors=("Iran",), text="zzz-no-such-words")
    assert filters.apply(seed_events, f).empty
    message = filters.empty_message(seed_events, f)
    assert "search" in message
    assert filters.suggest_loosening(seed_events, f)[0][0] == "search"


def test_spans_for_coarse_dates(synthetic):
    events, _, _ = synthetic
    coarse = events[events["precision"] != "day"]
    single_days = events[(events["precision"] == "day") & (events["date"] == events["date_end"])]
    ranges = events[events["date"] != events["date_end"]]
    assert coarse["_span"].all() and ranges["_span"].all() and not single_days["_span"].any()


def test_describe_states_filters_and_span(seed_events):
    f = Filters(actors=("Russia",), min_sources=2)
    text = filters.describe(f, filters.apply(seed_events, f))
    assert "involving Russia" in text and "at least 2 articles" in text and "2024" in text
    assert "photo captions" in text and "left out" in text


def test_title_says_the_filters_in_words(seed_events):
    f = Filters(actors=("Russia", "Iran"), actor_mode="all of", date_from=date(2024, 12, 6), date_to=date(2024, 12, 16))
    title = filters.title(f, filters.apply(seed_events, f))
    assert title.startswith("Russia and Iran, ") and "Dec 2024" in title
    assert filters.title(Filters(people=("Mikhail Bogdanov (Russia)",)), seed_events).startswith("Mikhail Bogdanov,")


def test_top_n_keeps_the_most_salient(seed_events):
    view = filters.apply(seed_events, Filters(top=3))
    everything = filters.apply(seed_events, Filters())
    assert len(view) == 3
    assert set(view["event_id"]) == set(everything.nsmallest(3, "_rank")["event_id"])
    assert view["_salience"].min() >= everything["_salience"].median()
