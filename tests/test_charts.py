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


def _labels(fig):
    return [a for a in fig.layout.annotations if (a.name or "").startswith("label:")]


def test_labels_do_not_overlap(synthetic):
    events, _, _ = synthetic
    fig = charts.timeline(events, label_k=40)
    boxes = []
    for a in _labels(fig):
        lines = a.text.split("<br>")
        x = pd.Timestamp(a.x).value / 86_400e9
        y0 = a.y - (len(lines) - 1) / 2
        boxes.append((a.xanchor, x, y0, y0 + len(lines) - 1, max(map(len, lines))))
    assert len(boxes) >= 10
    # Same lanes, same side: their x positions are apart by more than the first one's text (at 760 px).
    lo, hi = (pd.Timestamp(x).value / 86_400e9 for x in fig.layout.xaxis.range)
    px = (hi - lo) / 760
    for i, (side, x, a0, a1, n) in enumerate(boxes):
        for side2, x2, b0, b1, n2 in boxes[i + 1 :]:
            if a0 <= b1 and b0 <= a1 and side == side2 == "left":
                assert abs(x2 - x) > min(n, n2) * 12 * 0.5 * px
    assert fig.layout.height <= charts.MAX_HEIGHT


def test_labels_are_whole_titles_wrapped_of_the_most_salient_events(seed_events):
    view = filters.apply(seed_events, Filters())
    fig = charts.timeline(view, label_k=5)
    labelled = {a.name.split(":", 1)[1]: a.text for a in _labels(fig)}
    top5 = set(view.sort_values("_rank")["event_id"].head(5))
    assert set(labelled) <= top5 and len(labelled) >= 3
    for event_id, text in labelled.items():
        title = view.loc[view["event_id"] == event_id, "title"].iloc[0]
        assert " ".join(text.replace("<br>", " ").split()) == " ".join(title.split()).replace("&", "&amp;")


def test_wrap_never_cuts_a_title():
    long = "Ministers of the three guarantor states met in Doha and agreed to keep talking about the ceasefire"
    lines = charts.wrap(long, 28, 3)
    assert len(lines) <= 3 and " ".join(lines) == long
    assert charts.wrap("HTS captured Damascus") == ["HTS captured Damascus"]


def test_axis_opens_on_the_busy_window_and_says_what_lies_outside():
    rows = [(f"2024-12-{d:02d}", f"2024-12-{d:02d}", "day") for d in range(6, 17)] * 2
    rows += [("2024-07-01", "2024-07-31", "month"), ("2025-01-28", "2025-01-28", "day")]
    view = _frame(rows)
    fig = charts.timeline(view)
    lo, hi = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert pd.Timestamp("2024-11-20") < lo <= pd.Timestamp("2024-12-06") and pd.Timestamp("2024-12-17") <= hi
    assert hi < pd.Timestamp("2025-01-01")
    notes = [a.text for a in fig.layout.annotations if a.name == "outside"]
    assert any("+1 event in July 2024" in n for n in notes) and any("+1 event in January 2025" in n for n in notes)
    assert fig.layout.xaxis.rangeslider.visible
    # A short span gets a tick per day.
    assert fig.layout.xaxis.dtick == 86_400_000


def test_title_names_the_days_the_axis_opens_on():
    rows = [(f"2024-12-{d:02d}", f"2024-12-{d:02d}", "day") for d in range(6, 17)] * 2
    rows += [("2024-07-01", "2024-07-31", "month"), ("2025-01-28", "2025-01-28", "day")]
    view = _frame(rows)
    opening = charts.opening_days(view)
    assert filters.title(Filters(), view, opening) == "Key events, 6–16 Dec 2024"
    assert filters.title(Filters(), view) == "Key events, 1 Jul 2024 – 28 Jan 2025"  # the whole span
    # A span the chart shows whole opens on all of it: 6-11 Dec as day numbers.
    assert charts.opening_days(_frame(rows[:6])) == (20063, 20068)
    assert charts.opening_days(view.iloc[:0]) is None


def _frame(rows, actors="Russia", titles=None):
    from ui import filters as f

    n = len(rows)
    events = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(n)],
            "date": [r[0] for r in rows],
            "date_end": [r[1] for r in rows],
            "precision": [r[2] for r in rows],
            "timex": [r[0] for r in rows],
            "date_text": ["" for _ in rows],
            "title": titles or [f"Event number {i} happened" for i in range(n)],
            "event_type": "ASSAULT",
            "actors": actors if isinstance(actors, str) else None,
            "people": None,
            "certainty": "asserted",
            "caption": False,
            "sources": 1,
            "articles": "a.txt",
        }
    )
    if not isinstance(actors, str):
        events["actors"] = actors
    evidence = pd.DataFrame({"event_id": events["event_id"], "evidence": events["title"]})
    return f.prepare(events, evidence)


def test_dates_before_1677_and_bc_are_drawn_where_they_belong():
    view = _frame(
        [
            ("1577-03-01", "1577-03-01", "day"),
            ("1450-01-01", "1450-12-31", "year"),
            ("-0490-09-12", "-0490-09-12", "day"),
        ]
    )
    assert len(view) == 3  # none lost to pandas' 1677-2262 timestamps
    fig = charts.timeline(view)
    xs = [x for t in fig.data if t.meta in ("point", "span-hover") for x in t.x]
    assert any(str(x).startswith("1577-03-01") for x in xs)
    assert any(str(x).startswith("1450-07") for x in xs)  # the middle of the year 1450
    assert any(str(x).startswith("-0490-09-12") for x in xs)
    spans = [x for t in fig.data if t.meta == "span" for x in t.x if x is not None]
    assert "1450-01-01" in spans and "1451-01-01" in spans
    tracks = charts.actor_tracks(view)
    assert any(str(x).startswith("1577-03-01") for t in tracks.data if t.meta == "point" for x in t.x)


def test_actor_names_never_render_as_markup_in_the_legend():
    hostile = "<a href='https://evil.example'>Click</a>"
    view = _frame([("2024-12-08", "2024-12-08", "day")] * 3, actors=[hostile, hostile, "Russia"])
    fig = charts.timeline(view)
    names = [t.name for t in fig.data if t.showlegend]
    assert names and all("<a" not in n for n in names)
    assert any("&lt;a href" in n for n in names)
    from ui import exports

    page = exports.to_html(charts.dress(fig, "t", "s", "f"))
    assert "<a href='https://evil.example'>" not in page


def test_at_most_eight_colors_plus_other(synthetic):
    events, _, _ = synthetic
    fig = charts.timeline(events)
    legend = {t.name: t.marker.color for t in fig.data if t.showlegend}
    named = {k: v for k, v in legend.items() if k not in ("other actors", "no actor")}
    assert len(named) <= 8 and len(set(named.values())) == len(named)
    assert len(events["_actors"].explode().dropna().unique()) > 8 and "other actors" in legend


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


def test_colors_are_computed_once_from_the_actor_data_and_stable(seed_tables):
    from pipeline.gazetteer import actor_color
    from ui.colors import legend_colors, table_colors

    table = table_colors(seed_tables.events)
    assert table["Russia"] == actor_color("Russia")
    people = [p for p in table if p.endswith("(Russia)")]
    assert people and table[people[0]] == table["Russia"]
    a = legend_colors(["Russia", "Iran", "HTS"], table)
    b = legend_colors(["HTS", "Russia", "Iran"], table)
    assert a == {k: b[k] for k in a}


def test_hover_shows_the_date_as_written_and_escapes(seed_events):
    view = filters.apply(seed_events, Filters())
    text = " ".join(charts.hover_texts(view))
    assert "'last Tuesday' → 28 Jan 2025" in text
    hostile = view.head(1).assign(title="<img src=x onerror=alert(1)>")
    assert "<img" not in charts.hover_texts(hostile)[0]


@pytest.mark.slow
def test_twenty_thousand_events_are_aggregated():
    from synthetic import make_events

    events, evidence, _ = make_events(20000, seed=2)
    view = filters.apply(filters.prepare(events, evidence), Filters(background=True, captions=True))
    fig = charts.timeline(view)
    assert any(t.type == "bar" for t in fig.data)
    assert sum(len(t.x) for t in fig.data if t.type in ("scatter", "scattergl") and t.meta == "point") < 500
    assert "first-named actor" in fig.layout.yaxis.title.text
    tracks = charts.actor_tracks(view)
    assert len(tracks.data) < 200


@pytest.mark.parametrize("view_name", ["timeline", "actor_tracks"])
def test_empty_view_gives_an_empty_figure(seed_events, view_name):
    fig = getattr(charts, view_name)(seed_events.head(0))
    assert len(fig.data) == 0


def test_briefing_figure_has_title_subtitle_and_footnote(seed_events):
    fig = charts.dress(
        charts.timeline(filters.apply(seed_events, Filters())), "Events", "any of: Russia", "Sources: 5 articles"
    )
    assert fig.layout.title.text == "Events" and "Russia" in fig.layout.title.subtitle.text
    assert any("Sources" in a.text for a in fig.layout.annotations)


def test_packing_gives_tall_labels_several_lanes_and_shares_past_the_cap():
    import numpy as np

    ext0, ext1 = np.array([0.0, 1.0, 2.0, 5.0]), np.array([4.0, 4.0, 9.0, 6.0])
    lanes, shared, _ = charts.pack(ext0, ext1, np.array([2, 1, 1, 1]), max_lanes=3)
    assert list(lanes[:2]) == [0, 2] and list(shared) == [False, False, True, False]
    assert lanes[3] == 0  # free again after the first item ends
    # A label with no room falls back to its bare mark.
    lanes, shared, fell = charts.pack(
        np.array([0.0, 3.0]), np.array([5.0, 9.0]), np.array([1, 1]), 1, np.array([0.0, 8.0]), np.array([1.0, 9.0])
    )
    assert list(fell) == [False, True] and not shared.any()


@pytest.mark.slow
def test_highlights_over_aggregated_counts_spread_over_the_whole_span():
    from synthetic import make_events

    events, evidence, _ = make_events(6000, seed=3)
    view = filters.apply(filters.prepare(events, evidence), Filters())
    fig = charts.timeline(view, aggregate_above=1000)
    marks = [x for t in fig.data if t.meta == "point" for x in t.x]
    span = view["_end"].max() - view["_start"].min()
    marks = pd.to_datetime(pd.Series(marks))
    assert (marks.max() - marks.min()).days > span / 2


def _label_boxes(fig, plot_px: float, font_size: int) -> list[tuple[float, float, float, float]]:
    """Each label's box in px (x0, x1, y0, y1 in lanes) at the figure's drawn range, as the packer estimates text."""
    lo, hi = (pd.Timestamp(x).value / 86_400e9 for x in fig.layout.xaxis.range)
    px_per_day = plot_px / (hi - lo)
    boxes = []
    for a in _labels(fig):
        lines = a.text.split("<br>")
        x = (pd.Timestamp(a.x).value / 86_400e9 - lo) * px_per_day + a.xshift
        w = charts._text_px([line.replace("&amp;", "&") for line in lines], font_size) - font_size
        x0, x1 = (x, x + w) if a.xanchor == "left" else (x - w, x)
        half = (len(lines) - 1) / 2
        boxes.append((x0, x1, a.y - half - 0.45, a.y + half + 0.45))
    return boxes


@pytest.mark.parametrize("width", [520, 760, 1240])
def test_labels_do_not_overlap_at_the_width_they_are_drawn(width):
    # Twelve days of events with long titles: the labels push the range out, and must be packed at that scale.
    rows = [(f"2024-12-{d:02d}", f"2024-12-{d:02d}", "day") for d in range(6, 18)] * 2
    titles = [f"Ministers of country {i} met their counterparts and agreed on a ceasefire plan" for i in range(24)]
    fig = charts.timeline(_frame(rows, titles=titles), label_k=12, width_px=width)
    boxes = _label_boxes(fig, charts.plot_width(width), 12)
    assert boxes
    for i, (a0, a1, b0, b1) in enumerate(boxes):
        for c0, c1, d0, d1 in boxes[i + 1 :]:
            assert not (a0 < c1 - 1 and c0 < a1 - 1 and b0 < d1 and d0 < b1), (a0, a1, c0, c1)


def test_a_zoomed_range_is_kept_and_labels_events_inside_it():
    rows = [(f"2024-12-{d:02d}", f"2024-12-{d:02d}", "day") for d in range(1, 31)]
    view = _frame(rows, titles=[f"Talks round {i} ended" for i in range(30)])
    lo, hi = 20064.0, 20067.0  # 7-10 Dec 2024
    fig = charts.timeline(view, label_k=12, width_px=900, window=(lo, hi))
    assert [pd.Timestamp(x) for x in fig.layout.xaxis.range] == [pd.Timestamp("2024-12-07"), pd.Timestamp("2024-12-10")]
    labelled = {pd.Timestamp(a.x).normalize() for a in _labels(fig)}
    assert labelled and all(pd.Timestamp("2024-12-07") <= d < pd.Timestamp("2024-12-10") for d in labelled)
    # Counterexample: without the zoom the busy window opens, labelled across the month.
    wide = {pd.Timestamp(a.x).normalize() for a in _labels(charts.timeline(view, label_k=12, width_px=900))}
    assert max(wide) - min(wide) > pd.Timedelta(days=10)
    tracks = charts.actor_tracks(view, width_px=900, window=(lo, hi))
    assert pd.Timestamp(tracks.layout.xaxis.range[1]) == pd.Timestamp("2024-12-10")


def test_track_names_and_labels_are_large_and_dark_enough_to_read(seed_events):
    view = filters.apply(seed_events, Filters())
    fig = charts.actor_tracks(view, font_size=15)
    assert fig.layout.yaxis.tickfont.size >= 16
    labels = _labels(fig)
    assert labels and all(a.font.size >= 15 and a.font.color == charts.INK for a in labels)
    # A light actor color is darkened for its name until it reads on white (WCAG 4.5:1).
    assert charts._readable("#e69f00") != "#e69f00" and charts._readable("#1f1f1f") == "#1f1f1f"


def test_briefing_drops_the_range_slider_and_enlarges_the_ticks(seed_events):
    fig = charts.timeline(filters.apply(seed_events, Filters()))
    assert fig.layout.xaxis.rangeslider.visible  # the seed has events outside the busy window
    brief = charts.dress(fig, "t", "s", "Sources: x", brief=True)
    assert not brief.layout.xaxis.rangeslider.visible and brief.layout.xaxis.tickfont.size >= 15
    assert any(a.name == "outside" for a in brief.layout.annotations)  # what lies outside is still said
