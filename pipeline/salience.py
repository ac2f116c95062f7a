"""Key events: how much each merged event matters in the pile of news it came from.

Reads the events table (`date`, `precision`, `sources`, `articles`,
`certainty`, `date_basis`, `quad_class`), the evidence table (`event_id`,
`article`, `date`, `precision`) and the articles table (`article`, `source`,
`published`, `named_days`); writes `salience`. The score is a product of what
an analyst would weigh, none of it specific to a corpus:

* attention to the date: how many articles name that very day in any sentence
  of their body (`named_days`, kept by the build from stages 4-5: an event
  sentence or not, photo captions left out), and how many of those were
  published later (a day that later reports look back to is a turning point,
  not only breaking news). This is the MENTIONCOUNT signal of timeline
  summarization (news-tls), and it beats counting event sentences only: a day
  that matters is named in background, quotes and recaps too. A coarser date
  (a month, a year), or a table written without `named_days`, counts the
  articles whose event sentences name it;
* corroboration: independent articles and distinct publishers that report it
  (logarithmic: the tenth reprint adds less than the second);
* how directly it is stated: certainty (asserted > attributed > hedged >
  future > negated) and how the date was found (explicit > relative > inferred
  > caption);
* how precise the date is (a day beats a month beats a year);
* the kind of act (a material act weighs more than a statement).

Attention belongs to the date; the other signals pick the date's key event,
which carries all of it. The date's other events carry `FOLLOWING_SHARE` of
their share, so they rank after the key events of less attended days and a
busy day does not outweigh a turning point by the sheer number of its minor
events (summed over a date, salience is about its attention).

The weights are tables below; `salience` is comparable within one build only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.resolve import read_named_days

#: How directly the source states it.
CERTAINTY_WEIGHT = {"asserted": 1.0, "attributed": 0.85, "hedged": 0.6, "future": 0.5, "negated": 0.3}
#: How the date was found.
BASIS_WEIGHT = {
    "explicit": 1.0,
    "relative to publication": 0.95,
    "relative to text": 0.8,
    "inferred": 0.7,
    "caption": 0.4,
}
#: How exact the date is.
PRECISION_WEIGHT = {
    "day": 1.0,
    "week": 0.6,
    "month": 0.45,
    "season": 0.35,
    "quarter": 0.35,
    "year": 0.2,
    "decade": 0.1,
    "century": 0.05,
}
#: What a date's events after its key event carry of their share of its attention.
FOLLOWING_SHARE = 0.01
#: A mention of a date by an article published after it counts this many times.
LOOK_BACK_WEIGHT = 2
#: The kind of act (PLOVER quad class).
KIND_WEIGHT = {
    "material conflict": 1.0,
    "material cooperation": 1.0,
    "verbal conflict": 0.85,
    "verbal cooperation": 0.85,
    "neutral": 0.75,
}


def _weights(values: pd.Series, table: dict[str, float], default: float) -> np.ndarray:
    return values.astype(object).map(table).fillna(default).to_numpy(float)


def score_salience(events: pd.DataFrame, evidence: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """`events` with a `salience` column (> 0; higher is more of a key event)."""
    out = events.copy()
    if out.empty:
        out["salience"] = pd.Series(dtype="float64")
        return out
    meta = articles.drop_duplicates("article").set_index("article")
    publisher, published = meta["source"].astype(object), meta["published"].astype(object)

    # Corroboration: distinct articles and distinct publishers (an unknown publisher counts as its own).
    ev = evidence[["event_id", "article", "date", "date_end", "precision"]].astype(object)
    pub_of = ev["article"].map(publisher)
    ev = ev.assign(_publisher=pub_of.where(pub_of.notna() & pub_of.ne(""), "file:" + ev["article"].astype(str)))
    n_publishers = out["event_id"].map(ev.groupby("event_id")["_publisher"].nunique()).fillna(1).clip(lower=1)
    sources = pd.to_numeric(out["sources"], errors="coerce").fillna(1).clip(lower=1)
    weight = (1 + np.log(sources.to_numpy(float)) + np.log(n_publishers.to_numpy(float))) * (
        _weights(out["certainty"], CERTAINTY_WEIGHT, 0.5)
        * _weights(out["date_basis"], BASIS_WEIGHT, 0.5)
        * _weights(out["quad_class"], KIND_WEIGHT, 0.75)
    )

    key = pd.MultiIndex.from_arrays([out["date"].astype(object), out["precision"].astype(object)])
    att = np.maximum(_event_attention(ev, published, key), _day_attention(articles, published, out))

    # The date's best-attested event carries its whole attention, the others a small part of their share.
    groups = pd.Series(weight).groupby([key.get_level_values(0), key.get_level_values(1)], dropna=False)
    best = groups.transform("max").to_numpy(float)
    first = groups.rank(ascending=False, method="first").to_numpy() == 1
    share = np.where(first, 1.0, FOLLOWING_SHARE * weight / np.maximum(best, 1e-9))
    precision = _weights(out["precision"], PRECISION_WEIGHT, 0.1)
    out["salience"] = np.round(np.maximum(att, 1.0) * share * precision, 6)
    return out


def _looked_back(published: pd.Series, last_day: pd.Series) -> np.ndarray:
    """1 for a mention by an article published after the date's last day, else 0 (unknown: 0)."""
    return (published.astype(str).where(published.notna(), "") > last_day.astype(str)).to_numpy(int)


def _event_attention(ev: pd.DataFrame, published: pd.Series, key: pd.MultiIndex) -> np.ndarray:
    """Per event: the articles whose event sentences name its (date, precision), later ones counted twice."""
    named = ev.dropna(subset=["date"]).drop_duplicates(["date", "precision", "article"])
    later = _looked_back(named["article"].map(published), named["date_end"].fillna(named["date"]))
    weight = 1 + (LOOK_BACK_WEIGHT - 1) * later
    attention = named.assign(_n=weight).groupby(["date", "precision"])["_n"].sum()
    return attention.reindex(key).fillna(0).to_numpy(float)


def _day_attention(articles: pd.DataFrame, published: pd.Series, events: pd.DataFrame) -> np.ndarray:
    """Per event: the articles whose body names its day (`named_days`), later ones counted twice; 0 if not a day."""
    if "named_days" not in articles:  # a table written before the build kept them
        return np.zeros(len(events))
    named = read_named_days(articles.drop_duplicates("article"))
    weight = 1 + (LOOK_BACK_WEIGHT - 1) * _looked_back(named["article"].map(published), named["date"])
    attention = named.assign(_n=weight).groupby("date")["_n"].sum()
    day = events["precision"].eq("day").fillna(False).to_numpy(bool)
    return np.where(day, events["date"].astype(object).map(attention).fillna(0).to_numpy(float), 0.0)
