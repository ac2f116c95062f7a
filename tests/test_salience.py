"""Key events: salience rises with attention to the date, corroboration and directness."""

import pandas as pd

from pipeline.salience import score_salience
from pipeline.schema import EVENTS, EVIDENCE, empty


def _tables(rows):
    """rows: (event_id, date, precision, certainty, quad_class, [(article, published, source)])."""
    events, evidence, articles = [], [], {}
    for event_id, date, precision, certainty, quad, reports in rows:
        events.append(
            {
                "event_id": event_id,
                "date": date,
                "date_end": date,
                "precision": precision,
                "date_basis": "explicit",
                "certainty": certainty,
                "quad_class": quad,
                "sources": len({a for a, _, _ in reports}),
            }
        )
        for article, published, source in reports:
            evidence.append(
                {"event_id": event_id, "article": article, "date": date, "date_end": date, "precision": precision}
            )
            articles[article] = {"article": article, "published": published, "source": source}
    return pd.DataFrame(events), pd.DataFrame(evidence), pd.DataFrame(list(articles.values()))


def _scores(rows) -> dict[str, float]:
    events, evidence, articles = _tables(rows)
    out = score_salience(events, evidence, articles)
    return dict(zip(out["event_id"], out["salience"]))


def test_a_date_later_reports_look_back_to_outranks_a_one_day_story():
    s = _scores(
        [
            (
                "ceasefire",
                "2024-03-04",
                "day",
                "asserted",
                "material cooperation",
                [("a.txt", "2024-03-04", "Reuters"), ("b.txt", "2024-03-09", "AP"), ("c.txt", "2024-03-20", "BBC")],
            ),
            (
                "visit",
                "2024-03-06",
                "day",
                "asserted",
                "material cooperation",
                [("d.txt", "2024-03-06", "Reuters"), ("e.txt", "2024-03-06", "AP"), ("f.txt", "2024-03-06", "BBC")],
            ),
        ]
    )
    assert s["ceasefire"] > s["visit"] > 0


def test_on_one_day_the_corroborated_asserted_act_leads_and_minor_reports_share():
    reports = [("a.txt", "2024-05-02", "Reuters"), ("b.txt", "2024-05-02", "AP")]
    s = _scores(
        [
            ("strike", "2024-05-01", "day", "asserted", "material conflict", reports),
            ("denial", "2024-05-01", "day", "negated", "verbal conflict", reports[:1]),
            ("rumour", "2024-05-01", "day", "hedged", "neutral", reports[:1]),
        ]
    )
    assert s["strike"] > s["rumour"] and s["strike"] > s["denial"]
    # Three events on one day: the day's weight is not tripled by its minor reports.
    assert s["denial"] + s["rumour"] < 2 * s["strike"]


def test_a_day_outranks_a_month_with_the_same_reports():
    reports = [("a.txt", "2024-07-30", "Reuters"), ("b.txt", "2024-08-02", "AP")]
    s = _scores(
        [
            ("talks-day", "2024-07-12", "day", "asserted", "verbal cooperation", reports),
            ("talks-month", "2024-07-01", "month", "asserted", "verbal cooperation", reports),
        ]
    )
    assert s["talks-day"] > s["talks-month"] > 0


def test_one_publisher_reprinted_counts_less_than_several_publishers():
    s = _scores(
        [
            (
                "reprint",
                "2024-02-09",
                "day",
                "asserted",
                "material conflict",
                [("a.txt", "2024-02-10", "Reuters"), ("b.txt", "2024-02-10", "Reuters")],
            ),
            (
                "wide",
                "2024-02-09",
                "day",
                "asserted",
                "material conflict",
                [("c.txt", "2024-02-10", "Reuters"), ("d.txt", "2024-02-10", "AP")],
            ),
        ]
    )
    assert s["wide"] > s["reprint"] > 0


def test_empty_tables_get_an_empty_float_column():
    out = score_salience(empty(EVENTS), empty(EVIDENCE), pd.DataFrame(columns=["article", "source", "published"]))
    assert "salience" in out and out["salience"].dtype == "float64" and out.empty
