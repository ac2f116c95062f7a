"""Figures as data: the right events on the right tracks, spans for coarse dates, stable colors."""

import pandas as pd
import pytest

from ui import charts, filters
from ui.filters import Filters


def _ids(fig, meta):
    return [i for t in fig.data if t.meta == meta for i in (t.customdata if t.customdata is not None else [])]


def test_day_events_are_points_and_coarse_events_spans(seed_events):
    view = filters.apply(seed_events, Filters(background=True))
    fig = charts.timeline(view)
    points, spans = set(_ids(fig, "point")), set(_ids(fig, "span-hover"))
    assert points | spans == set(view["event_id"]) and not points & spans
    month = view[view["precision"] == "month"].iloc[0]
    assert month["event_id"] in spans
    span_x = [x for t in fig.data if t.meta == "span" for x in t.x if x is not None]
    assert pd.Timestamp(month["date"]) in [pd.Timestamp(x) for x in span_x]
    assert pd.Timestamp(month["date_end"]) + pd.Timedelta(days=1) in [pd.Timestamp(x) for x in span_x]


def test_labels_do_not_overlap(synthetic):
    events, _, _ = synthetic
    fig = charts.timeline(events, label_k=40)
    labels = [(y, x) for t in fig.data if t.name == "labels" for x, y in zip(t.x, t.y)]
    assert labels and len(labels) == len(set(labels))
    assert fig.layout.height <= 760


def test_tracks_put_each_event_on_every_actor_and_join_them(seed_events):
    view = filters.apply(seed_events, Filters())
    doha = view[view["_actors"].map(lambda a: {"Russia", "Iran", "Turkey"} <= set(a))].iloc[0]
    fig = charts.actor_tracks(view)
    names = list(fig.layout.yaxis.ticktext)
    tracks = charts.tracks_of(view)
    on_tracks = {
        tracks[int(y)]
        for t in fig.data
        if t.customdata is not None
        for y, i in zip(t.y, t.customdata)
        if i == doha["event_id"]
    }
    assert {"Russia", "Iran", "Turkey"} <= on_tracks
    connectors = [t for t in fig.data if t.meta == "connector"]
    assert connectors and len(names) == len(tracks)


def test_tracks_are_ordered_by_activity_or_by_choice(seed_events):
    view = filters.apply(seed_events, Filters())
    counts = view["_actors"].explode().value_counts()
    assert charts.tracks_of(view)[0] == counts.index[0]
    assert charts.tracks_of(view, order=("Turkey", "Iran"))[:2] == ["Turkey", "Iran"]


def test_people_sub_tracks_sit_under_their_affiliation(seed_events):
    view = filters.apply(seed_events, Filters())
    tracks = charts.tracks_of(view, people=True)
    bogdanov = tracks.index("Mikhail Bogdanov (Russia)")
    assert tracks.index("Russia") < bogdanov


def test_colors_are_stable_and_from_the_actor_data():
    a = charts.actor_colors(["Russia", "Iran", "Some New Militia"])
    b = charts.actor_colors(["Some New Militia", "Iran", "Russia"])
    assert a == b
    from pipeline.gazetteer import actor_color

    assert a["Russia"] == actor_color("Russia")
    assert charts.actor_colors(["Vladimir Putin (Russia)"])["Vladimir Putin (Russia)"] == a["Russia"]


def test_hover_shows_the_date_as_written_and_escapes(seed_events):
    view = filters.apply(seed_events, Filters())
    text = " ".join(charts.hover_texts(view))
    assert "'last Tuesday' → 2025-01-28" in text
    hostile = view.head(1).assign(title="<img src=x onerror=alert(1)>")
    assert "<img" not in charts.hover_texts(hostile)[0]


@pytest.mark.slow
def test_twenty_thousand_events_are_aggregated():
    from synthetic import make_events

    events, evidence, _ = make_events(20000, seed=2)
    view = filters.apply(filters.prepare(events, evidence), Filters(background=True, captions=True))
    fig = charts.timeline(view)
    assert any(t.type == "bar" for t in fig.data)
    assert sum(len(t.x) for t in fig.data if t.type == "scattergl") < 500
    tracks = charts.actor_tracks(view)
    assert len(tracks.data) < 200


@pytest.mark.parametrize("view_name", ["timeline", "actor_tracks"])
def test_empty_view_gives_an_empty_figure(seed_events, view_name):
    fig = getattr(charts, view_name)(seed_events.head(0))
    assert len(fig.data) == 0


def test_briefing_figure_has_title_subtitle_and_footnote(seed_events):
    fig = charts.brief(
        charts.timeline(filters.apply(seed_events, Filters())), "Events", "any of: Russia", "Sources: 5 articles"
    )
    assert fig.layout.title.text == "Events" and "Russia" in fig.layout.title.subtitle.text
    assert any("Sources" in a.text for a in fig.layout.annotations)


def test_rows_past_the_cap_are_shared_or_dropped_without_blocking_later_items():
    import numpy as np

    starts, ends = np.array([0.0, 0.0, 0.0, 5.0]), np.array([4.0, 4.0, 9.0, 6.0])
    rows, shared = charts.pack_rows(starts, ends, max_rows=2)
    assert list(rows) == [0, 1, 0, 1] and list(shared) == [False, False, True, False]
    # A dropped item takes no room: the fourth item fits in row 0 again.
    rows, shared = charts.pack_rows(starts, ends, max_rows=2, drop=True)
    assert list(shared) == [False, False, True, False] and rows[3] == 0


@pytest.mark.slow
def test_highlights_over_aggregated_counts_spread_over_the_whole_span():
    from synthetic import make_events

    events, evidence, _ = make_events(6000, seed=3)
    view = filters.apply(filters.prepare(events, evidence), Filters())
    fig = charts.timeline(view, aggregate_above=1000)
    marks = [x for t in fig.data if t.meta == "point" for x in t.x]
    span = view["_end"].max() - view["_start"].min()
    assert max(pd.to_datetime(marks)) - min(pd.to_datetime(marks)) > span / 2
