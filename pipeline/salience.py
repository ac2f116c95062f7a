"""Key events: how much each merged event matters in the pile of news it came from.

Reads the events table (`date`, `precision`, `sources`, `articles`,
`certainty`, `date_basis`, `quad_class`), the evidence table (`event_id`,
`article`, `date`, `precision`) and the articles table (`article`, `source`,
`published`); writes `salience`. The score is a product of what an analyst
would weigh, none of it specific to a corpus:

* corroboration: independent articles and distinct publishers that report it
  (logarithmic: the tenth reprint adds less than the second);
* attention to the date: how many articles mention that very day in any event
  sentence, and how many of those were published later (a day that later
  reports look back to is a turning point, not only breaking news);
* how directly it is stated: certainty (asserted > attributed > hedged >
  future > negated) and how the date was found (explicit > relative > inferred
  > caption);
* how precise the date is (a day beats a month beats a year);
* the kind of act (a material act weighs more than a statement).

The weights are tables below; `salience` is comparable within one build only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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

    # Attention to the date: articles whose event sentences name it, plus those among them published
    # after it (counted twice: a date that later reports look back to is a turning point).
    named = ev.dropna(subset=["date"]).drop_duplicates(["date", "precision", "article"])
    looked_back = named["article"].map(published).astype(str) > named["date_end"].fillna(named["date"]).astype(str)
    attention = named.assign(_n=1 + looked_back.astype(int)).groupby(["date", "precision"])["_n"].sum()
    key = pd.MultiIndex.from_arrays([out["date"].astype(object), out["precision"].astype(object)])
    att = np.maximum(attention.reindex(key).fillna(0).to_numpy(float), 1.0)

    # The date's best-attested event carries its whole attention, the others their share of it,
    # so a busy day does not outweigh a turning point by the sheer number of its minor events.
    best = pd.Series(weight).groupby([key.get_level_values(0), key.get_level_values(1)], dropna=False).transform("max")
    share = weight / np.maximum(best.to_numpy(float), 1e-9)
    precision = _weights(out["precision"], PRECISION_WEIGHT, 0.1)
    out["salience"] = np.round(att * share * precision, 4)
    return out
