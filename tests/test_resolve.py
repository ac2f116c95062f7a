"""pipeline.resolve and value spans, with fixed publication dates."""

from datetime import date

import pandas as pd
import pytest

from pipeline.resolve import infer_published, resolve_dates, resolve_values, value_span


@pytest.mark.parametrize(
    "value,start,end,precision",
    [
        ("2024-12-08", "2024-12-08", "2024-12-08", "day"),
        ("1998-02-13T14:00", "1998-02-13", "1998-02-13", "day"),
        ("2024-12", "2024-12-01", "2024-12-31", "month"),
        ("2024-02", "2024-02-01", "2024-02-29", "month"),
        ("2024-W50", "2024-12-09", "2024-12-15", "week"),
        ("2024-Q4", "2024-10-01", "2024-12-31", "quarter"),
        ("2024-SU", "2024-06-01", "2024-08-31", "season"),
        ("2024-WI", "2024-12-01", "2025-02-28", "season"),
        ("2024", "2024-01-01", "2024-12-31", "year"),
        ("201", "2010-01-01", "2019-12-31", "decade"),
        ("20", "2000-01-01", "2099-12-31", "century"),
    ],
)
def test_value_span(value, start, end, precision):
    assert value_span(value) == (date.fromisoformat(start), date.fromisoformat(end), precision)


@pytest.mark.parametrize("value", ["P3D", "PRESENT_REF", "PAST_REF", "XXXX-07", "BC0218", "2024-02-30"])
def test_value_span_none(value):
    assert value_span(value) is None


def _timexes(rows):
    cols = ["article", "sentence_id", "start", "end", "text", "type", "value", "mod", "rule"]
    return pd.DataFrame(rows, columns=cols)


ARTICLES = pd.DataFrame(
    {
        "article": ["a.txt", "b.txt"],
        "published": ["2025-02-02", None],
        "published_basis": ["manifest", "missing"],
        "published_note": [None, None],
    }
)


def test_resolve_dates_bases_and_notes():
    tx = _timexes(
        [
            ("a.txt", 0, 40, 52, "last Tuesday", "DATE", "UNDEF-weekday-2-last", None, "date_weekday_rel"),
            ("a.txt", 1, 80, 97, "December 8, 2024", "DATE", "2024-12-08", None, "date_mdy"),
            ("a.txt", 2, 120, 127, "3 years", "DURATION", "P3Y", None, "duration"),
        ]
    )
    out = resolve_dates(tx, ARTICLES)
    assert list(out["value"]) == ["2025-01-28", "2024-12-08", "P3Y"]
    assert list(out["date_basis"])[:2] == ["relative to publication", "explicit"]
    assert out.loc[0, "date_note"] == "'last Tuesday', relative to publication 2025-02-02"
    assert (out.loc[0, "date"], out.loc[0, "date_end"], out.loc[0, "precision"]) == ("2025-01-28", "2025-01-28", "day")
    assert pd.isna(out.loc[2, "date"])


def test_infer_published_then_resolve_is_inferred():
    tx = _timexes(
        [
            ("b.txt", 0, 0, 12, "Dec. 3, 2024", "DATE", "2024-12-03", None, "date_mdy"),
            ("b.txt", 1, 30, 42, "Dec. 7, 2024", "DATE", "2024-12-07", None, "date_mdy"),
            ("b.txt", 2, 50, 56, "Sunday", "DATE", "UNDEF-weekday-7-past", None, "date_weekday"),
        ]
    )
    arts = infer_published(tx, ARTICLES)
    b = arts.set_index("article").loc["b.txt"]
    assert (b["published"], b["published_basis"]) == ("2024-12-07", "inferred from text")
    assert arts.set_index("article").loc["a.txt", "published"] == "2025-02-02"
    out = resolve_dates(tx, arts)
    assert (out.loc[2, "value"], out.loc[2, "date_basis"]) == ("2024-12-01", "inferred")


def test_missing_publication_date_leaves_unknown_digits():
    tx = _timexes([("b.txt", 0, 0, 4, "July", "DATE", "UNDEF-month-07-past", None, "date_month")])
    out = resolve_dates(tx, ARTICLES)
    assert out.loc[0, "value"] == "XXXX-07" and pd.isna(out.loc[0, "date"])


def test_a_year_in_the_text_cannot_place_a_weekday():
    """No publication date, the last date in the text is a year: 'on Sunday' stays unknown, not a fake day."""
    from pipeline.dates import find_timexes

    text = "Moscow intervened in the Syrian civil war in 2015. HTS captured Damascus on Sunday."
    values = {t["text"]: t["value"] for t in find_timexes(text, None)}
    assert values["2015"] == "2015"
    assert values["Sunday"].startswith("XXXX")


@pytest.mark.parametrize("dct", ["0001-01-01", "0001-12-31", "9999-12-31", "9999-01-01"])
def test_relative_dates_at_the_ends_of_the_calendar_never_raise(dct):
    from pipeline.dates import find_timexes

    text = (
        "Officials said on Sunday that the talks of last week, yesterday and tomorrow would go on next month, "
        "next year, next decade and in the coming century; last winter, this summer, at Thanksgiving, in May, "
        "in the fourth quarter and a year ago, next quarter and the second half, and in the 1990s."
    )
    for t in find_timexes(text, dct):
        assert value_span(t["value"]) is not None or "X" in t["value"] or not t["value"][:1].isdigit(), t
        span = value_span(t["value"])
        if span:
            assert date(1, 1, 1) <= span[0] <= span[1] <= date(9999, 12, 31)


def test_a_weekday_before_year_one_is_unknown_not_an_error():
    from pipeline.dates import find_timexes

    assert [t["value"] for t in find_timexes("Rebels attacked on Sunday.", "0001-01-01")] == ["XXXX-WXX-7"]
    assert [t["value"] for t in find_timexes("Rebels attacked on Sunday.", "9999-12-31")] == ["9999-12-26"]


def test_february_29_of_a_common_year_is_not_a_date():
    from pipeline.dates import find_timexes

    # Written without a year, seen from 1995: that February has no 29th.
    assert [t["value"] for t in find_timexes("The ceasefire began on February 29.", "1995-03-10")] == ["XXXX-02-29"]
    assert [t["value"] for t in find_timexes("The ceasefire began on February 29.", "2024-03-10")] == ["2024-02-29"]


@pytest.mark.parametrize("dct,value", [("1917-06-01", "1899"), ("1998-05-01", "1999"), ("2003-01-01", "1999")])
def test_a_two_digit_year_is_the_one_nearest_the_anchor(dct, value):
    (res,) = resolve_values([{"text": "'99", "type": "DATE", "value": "UNDEF-yy-99"}], dct)
    assert res.value == value
