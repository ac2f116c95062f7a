"""The browser's reports as the page reads them: chart width, window size, a zoom, with fallbacks."""

from ui import figures, viewport
from ui.viewport import Viewport


def test_a_report_gives_the_width_the_chart_is_drawn_for():
    session = {"viewport": {"size": {"width": 836, "vw": 900, "vh": 700, "brief": False}}}
    assert Viewport.of(session) == Viewport(836, 900, 700)
    # Measured outside briefing mode: briefing mode estimates its own column from the same window.
    assert Viewport.of(session, brief=True) == Viewport(900 - viewport.BRIEF_PADDING_PX, 900, 700)


def test_before_any_report_a_cookie_or_a_default_window():
    assert Viewport.of({}, cookies={viewport.COOKIE: "1280x720"}) == Viewport(1280 - 64 - 300, 1280, 720)
    assert Viewport.of({}, cookies={viewport.COOKIE: "1000x720"}).width == 1000 - 64  # the sidebar folds below 1100
    assert Viewport.of({}) == Viewport.estimate(1600, 900, False)
    assert Viewport.of({}, brief=True).vh == 720  # a slide must fit the smallest screen
    assert Viewport.of({"viewport": {"size": "garbage"}}, cookies={viewport.COOKIE: "wide"}) == Viewport.of({})


def test_a_zoom_holds_only_for_the_chart_it_was_made_on():
    token = viewport.token("Russia", "Timeline")
    session = {"viewport": {"range": {"token": token, "range": ["2024-12-07 06:00", "2024-12-09"]}}}
    assert viewport.zoomed(session, token) == ("2024-12-07 06:00", "2024-12-09")
    assert viewport.zoomed(session, viewport.token("Iran", "Timeline")) is None
    reset = {"viewport": {"range": {"token": token, "range": None}}}  # a double click: back to the opening view
    assert viewport.zoomed(reset, token) is None


def test_a_narrow_chart_labels_fewer_events_and_the_detail_panel_narrows_it():
    values = {"brief": False, "view": "Timeline", "subtracks": False, "event": ""}
    wide = figures.Look.of(values, Viewport(1236, 1600, 900), detail_open=False)
    narrow = figures.Look.of(values, Viewport(520, 584, 700), detail_open=False)
    assert wide.label_k == 12 and 4 <= narrow.label_k < wide.label_k
    beside = figures.Look.of(values | {"event": "e1"}, Viewport(1236, 1600, 900), detail_open=True)
    assert beside.width < 0.8 * wide.width and beside.selected == "e1"
    brief = figures.Look.of(values | {"brief": True}, Viewport(1241, 1280, 720), detail_open=True)
    assert brief.width == 1241 and brief.height is not None and brief.height <= 720 and brief.font > wide.font
