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


def _with_named_days(rows, named: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, float]:
    """Scores when the articles table holds `named_days` (article -> 'YYYY-MM-DD:N;...').

    `extra`: articles (name -> published) that report no event but may name days.
    """
    events, evidence, articles = _tables(rows)
    more = [{"article": a, "published": p, "source": "BBC"} for a, p in (extra or {}).items()]
    articles = pd.concat([articles, pd.DataFrame(more)], ignore_index=True)
    articles["named_days"] = articles["article"].map(named)
    out = score_salience(events, evidence, articles)
    return dict(zip(out["event_id"], out["salience"]))


def test_a_day_that_articles_name_outside_its_event_sentences_outranks_one_they_do_not():
    reports = {"quake": [("a.txt", "2024-03-04", "Reuters")], "visit": [("b.txt", "2024-03-06", "AP")]}
    rows = [
        ("quake", "2024-03-04", "day", "asserted", "material conflict", reports["quake"]),
        ("visit", "2024-03-06", "day", "asserted", "material conflict", reports["visit"]),
    ]
    # Three recaps name March 4 in background sentences that are no event of their own.
    recaps = {"c.txt": "2024-03-10", "d.txt": "2024-03-11", "e.txt": "2024-03-12"}
    named = {"a.txt": "2024-03-04:1", "b.txt": "2024-03-06:1", **{r: "2024-03-04:1" for r in recaps}}
    s = _with_named_days(rows, named, recaps)
    assert s["quake"] > s["visit"] > 0
    # Counterexample: recaps that name no day (only "March", which `named_days` never holds), or a
    # table without `named_days`, leave the two days as attended as each other.
    no_day = {"a.txt": "2024-03-04:1", "b.txt": "2024-03-06:1"}
    s = _with_named_days(rows, no_day, recaps)
    assert s["quake"] == s["visit"]
    assert _scores(rows)["quake"] == _scores(rows)["visit"]


def test_a_day_s_key_event_carries_its_attention_and_its_minor_events_do_not_add_up():
    busy = [
        (f"busy{i}", "2024-06-02", "day", "hedged", "neutral", [(f"b{i}.txt", "2024-06-02", "AP")]) for i in range(6)
    ]
    rows = [("vote", "2024-06-05", "day", "asserted", "verbal cooperation", [("v.txt", "2024-06-05", "Reuters")])]
    named = {**{f"b{i}.txt": "2024-06-02:1" for i in range(6)}, "v.txt": "2024-06-05:1"}
    recaps = {"r1.txt": "2024-06-07", "r2.txt": "2024-06-08"}  # two later articles look back to the vote
    s = _with_named_days(busy + rows, {**named, "r1.txt": "2024-06-05:1", "r2.txt": "2024-06-05:2"}, recaps)
    # The vote: 1 article + 2 later ones counted twice = 5; the busy day: 6 articles, each event its own.
    busy_scores = sorted((v for k, v in s.items() if k.startswith("busy")), reverse=True)
    # The busier day's key event leads; its five other events rank after the other day's key event
    # and add almost nothing to their day.
    assert busy_scores[0] > s["vote"] > busy_scores[1]
    assert sum(busy_scores) < 1.1 * busy_scores[0]
