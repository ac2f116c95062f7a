"""Briefing outputs: CSV safe for spreadsheets, TimelineJS precision, standalone HTML, PNG."""

import csv
import io
import json
import shutil

import pandas as pd
import pytest

from ui import charts, exports, filters
from ui.filters import Filters


@pytest.mark.parametrize(
    "value,expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Russia", "Russia"),
        (3, 3),
    ],
)
def test_escape_formula(value, expected):
    assert exports.escape_formula(value) == expected


def test_csv_escapes_formulas_and_drops_helper_columns(seed_events):
    view = filters.apply(seed_events, Filters()).head(2).copy()
    view.loc[view.index[0], "title"] = "=cmd|' /C calc'!A0"
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(view).decode("utf-8"))))
    assert rows[0]["title"].startswith("'=")
    assert not any(c.startswith("_") for c in rows[0])


def test_timelinejs_keeps_precision_and_escapes(seed_events):
    view = filters.apply(seed_events, Filters(background=True)).copy()
    view.loc[view.index[0], "title"] = "<b>bold</b>"
    doc = json.loads(exports.to_timelinejs(view, "Seeds"))
    slides = {s["unique_id"]: s for s in doc["events"]}
    assert len(slides) == len(view)
    month = view[view["precision"] == "month"].iloc[0]
    assert slides[month["event_id"]]["start_date"] == {"year": 2024, "month": 7}
    day = view[view["precision"] == "day"].iloc[0]
    assert set(slides[day["event_id"]]["start_date"]) == {"year", "month", "day"}
    year = view[view["precision"] == "year"].iloc[0]
    assert slides[year["event_id"]]["start_date"] == {"year": int(year["date"][:4])}
    assert "<b>" not in json.dumps(doc)


def test_timelinejs_has_display_dates_and_cites_publishers(seed_tables, seed_events):
    view = filters.apply(seed_events, Filters())
    articles = seed_tables.articles.assign(url=[f"https://news.example/{i}" for i in range(len(seed_tables.articles))])
    doc = json.loads(exports.to_timelinejs(view, "Seeds", articles=articles))
    assert all(s["display_date"] for s in doc["events"])
    relative = view[view["date_text"].fillna("").str.contains("Tuesday")].iloc[0]
    slide = next(s for s in doc["events"] if s["unique_id"] == relative["event_id"])
    assert "Tuesday" in slide["display_date"] and relative["date"] in slide["display_date"]
    meta = articles.set_index("article")
    known = meta[meta["source"].notna() & meta["url"].notna()]
    event = view[view["article"].isin(known.index) & view["sources"].eq(1)].iloc[0]
    text = next(s for s in doc["events"] if s["unique_id"] == event["event_id"])["text"]["text"]
    row = known.loc[event["article"]]
    assert row["source"] in text and row["url"] in text and event["article"] not in text


def test_timelinejs_with_blank_sources_and_odd_years(seed_events):
    view = filters.apply(seed_events, Filters()).head(3).copy()
    view["sources"] = pd.NA
    view["articles"] = None
    view.loc[view.index[0], "date"] = "1577-03-01"
    doc = json.loads(exports.to_timelinejs(view, "Blank"))
    assert len(doc["events"]) == 3
    assert doc["events"][0]["start_date"]["year"] == 1577
    assert "1 source" in doc["events"][1]["text"]["text"]


def test_html_export_works_offline_and_carries_the_dressed_figure(seed_events):
    fig = charts.dress(
        charts.timeline(filters.apply(seed_events, Filters())), "Russia & Iran", "18 events", "Sources: AFP"
    )
    page = exports.to_html(fig, "Russia & Iran")
    assert "<html>" in page and "plotly" in page.lower()
    assert 'src="https://cdn' not in page
    assert "<title>Russia &amp; Iran</title>" in page and "Sources: AFP" in page and "18 events" in page


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("chromium"), reason="PNG export needs Chromium (apt-get install chromium)")
def test_png_export_is_high_resolution(seed_events):
    png = exports.to_png(charts.dress(charts.timeline(filters.apply(seed_events, Filters())), "T", "S", "F"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (exports.PNG_WIDTH * exports.PNG_SCALE, exports.PNG_HEIGHT * exports.PNG_SCALE)
