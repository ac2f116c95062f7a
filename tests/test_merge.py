"""Merging: the same event reported by several articles is one row, every source kept."""

import pandas as pd
from conftest import ARTICLES as SEEDS

from pipeline.build import process_articles
from pipeline.gazetteer import load_gazetteer
from pipeline.ingest import iter_articles
from pipeline.merge import cluster, merge_events, merge_reusing
from pipeline.schema import CANDIDATES, EVENTS, EVIDENCE


def _cand(
    article,
    evidence,
    event_type,
    quad,
    actors,
    locations="",
    date="2024-12-08",
    people="",
    precision="day",
    basis="relative to publication",
    certainty="asserted",
    start=0,
):
    row = dict.fromkeys(CANDIDATES)
    row.update(
        article=article,
        sentence_id=0,
        char_start=start,
        char_end=start + len(evidence),
        evidence=evidence,
        caption=False,
        published="2024-12-10",
        date=date,
        date_end=date,
        precision=precision,
        timex=date,
        date_text="on Sunday",
        date_basis=basis,
        date_note="'on Sunday', relative to publication",
        rule="test",
        event_type=event_type,
        quad_class=quad,
        trigger="x",
        actors=actors,
        people=people,
        locations=locations,
        certainty=certainty,
        title=evidence[:40],
    )
    return row


FALL = [
    _cand(
        "000.txt",
        "Islamist rebels declared on Sunday that they had ousted Assad after seizing control of Damascus.",
        "COERCE",
        "material conflict",
        "Syria",
        "Damascus",
        people="Bashar al-Assad (Syria)",
    ),
    _cand("003.txt", "HTS captured Damascus on Sunday.", "ASSAULT", "material conflict", "HTS", "Damascus"),
    _cand(
        "001.txt",
        "Following the abrupt collapse of Assad’s government on Dec. 8 due to the advancement of armed "
        "groups, notably the Hayat Tahrir al-Sham (HTS) terrorist organization, in Damascus and other key cities.",
        "COERCE",
        "material conflict",
        "Syria;HTS",
        "Damascus",
        people="Bashar al-Assad (Syria)",
        basis="relative to publication",
    ),
]


def test_three_reports_of_the_fall_of_damascus_are_one_event():
    events, evidence = merge_events(pd.DataFrame(FALL))
    assert len(events) == 1
    row = events.iloc[0]
    assert row.sources == 3 and row.articles == "000.txt;001.txt;003.txt"
    assert set(row.actors.split(";")) == {"Syria", "HTS"}
    assert len(evidence) == 3 and set(evidence["event_id"]) == {row.event_id}
    assert list(events.columns) == list(EVENTS) and list(evidence.columns) == list(EVIDENCE)


def test_talks_on_the_same_day_stay_separate():
    talks = _cand(
        "003.txt",
        "On Sunday, Russia held talks in Qatar with Iran and Turkey.",
        "CONSULT",
        "verbal cooperation",
        "Russia;Qatar;Iran;Turkey",
    )
    events, _ = merge_events(pd.DataFrame(FALL + [talks]))
    assert len(events) == 2


def test_attacks_on_different_places_the_same_day_stay_separate():
    a = _cand("a.txt", "Russian drones struck Kharkiv on Sunday.", "ASSAULT", "material conflict", "Russia", "Kharkiv")
    b = _cand("b.txt", "Israeli jets struck Beirut on Sunday.", "ASSAULT", "material conflict", "Israel", "Beirut")
    events, _ = merge_events(pd.DataFrame([a, b]))
    assert len(events) == 2


def test_different_dates_never_merge():
    a = _cand("a.txt", "HTS captured Damascus on Sunday.", "ASSAULT", "material conflict", "HTS", "Damascus")
    b = _cand(
        "b.txt",
        "HTS captured Damascus in 2024.",
        "ASSAULT",
        "material conflict",
        "HTS",
        "Damascus",
        date="2024-01-01",
        precision="year",
    )
    assert len(merge_events(pd.DataFrame([a, b]))[0]) == 2


def test_event_ids_are_stable_and_order_independent():
    ids1 = set(merge_events(pd.DataFrame(FALL))[0]["event_id"])
    ids2 = set(merge_events(pd.DataFrame(FALL[::-1]))[0]["event_id"])
    assert ids1 == ids2


def test_representative_is_the_most_certain_precise_report():
    hedged = _cand(
        "a.txt",
        "HTS reportedly captured Damascus on Sunday.",
        "ASSAULT",
        "material conflict",
        "HTS",
        "Damascus",
        certainty="hedged",
    )
    plain = _cand("b.txt", "HTS captured Damascus on Sunday.", "ASSAULT", "material conflict", "HTS", "Damascus")
    events, _ = merge_events(pd.DataFrame([hedged, plain]))
    assert events.iloc[0].article == "b.txt" and events.iloc[0].certainty == "asserted"


def test_no_candidates_gives_empty_tables_with_the_schema():
    events, evidence = merge_events(pd.DataFrame(columns=list(CANDIDATES)))
    assert events.empty and list(events.columns) == list(EVENTS)
    assert evidence.empty and list(evidence.columns) == list(EVIDENCE)


def test_different_statements_the_same_day_stay_separate():
    a = _cand(
        "000.txt",
        "The Russian Embassy in Damascus told the state TASS news agency on Sunday that its staff were “fine.”",
        "STATEMENT",
        "neutral",
        "Russia;TASS",
        "Damascus",
    )
    b = _cand(
        "003.txt",
        "The Russian Foreign Ministry said on Sunday that “Russian military bases in Syria are in "
        "heightened combat readiness.”",
        "STATEMENT",
        "neutral",
        "Russia;Syria",
    )
    assert len(merge_events(pd.DataFrame([a, b]))[0]) == 2


def test_the_same_statement_in_two_articles_is_one_event():
    a = _cand(
        "000.txt",
        "The Russian Embassy in Damascus told the state TASS news agency on Sunday that its staff were “fine.”",
        "STATEMENT",
        "neutral",
        "Russia;TASS",
        "Damascus",
    )
    b = _cand(
        "003.txt",
        "The Russian embassy in Syria told The state news agency TASS said all employees were safe "
        "after the offensive.",
        "STATEMENT",
        "neutral",
        "Russia;TASS;Syria",
    )
    assert len(merge_events(pd.DataFrame([a, b]))[0]) == 1


def test_a_different_act_sharing_only_states_stays_separate():
    alert = _cand(
        "000.txt",
        "Moscow said Sunday that Russia’s two military facilities in Syria had been put on a state "
        "of high alert, but played down an immediate risk to them.",
        "MOBILIZE",
        "material conflict",
        "Russia;Syria",
    )
    events, _ = merge_events(pd.DataFrame(FALL + [alert]))
    assert len(events) == 2


def test_a_reprinted_wire_story_is_one_event_with_every_copy_as_evidence():
    copies = [
        _cand(f"{k}.txt", "HTS captured Damascus on Sunday.", "ASSAULT", "material conflict", "HTS", "Damascus")
        for k in range(50)
    ]
    events, evidence = merge_events(pd.DataFrame(copies))
    assert len(events) == 1 and events.iloc[0].sources == 50 and len(evidence) == 50


def test_a_release_is_not_the_truce_deal_that_mentions_releases():
    deal = _cand(
        "gaza.txt",
        "Israel and Hamas agreed on Monday to extend their four-day truce in Gaza by two more days, "
        "mediator Qatar said, as more hostages and Palestinian prisoners were expected to be released.",
        "AGREE",
        "verbal cooperation",
        "Israel;Hamas;Qatar;Palestine",
        "Gaza",
    )
    release = _cand(
        "gaza.txt",
        "Hamas released 11 Israeli hostages on Monday evening, the Israeli military said.",
        "CONCEDE",
        "verbal cooperation",
        "Hamas;Israel",
    )
    assert len(merge_events(pd.DataFrame([deal, release]))[0]) == 2


def test_two_parties_condemning_the_same_act_are_two_events():
    cands = pd.DataFrame(
        [
            _cand(
                "a.txt",
                "Ruritania condemned the shelling of the port on Sunday.",
                "ACCUSE",
                "verbal conflict",
                "Ruritania;Borduria",
            ),
            _cand(
                "b.txt",
                "Syldavia condemned the shelling of the port on Sunday.",
                "ACCUSE",
                "verbal conflict",
                "Syldavia;Borduria",
            ),
        ]
    )
    events, evidence = merge_events(cands)
    assert len(events) == 2 and len(evidence) == 2


def test_one_article_restating_an_act_under_another_type_is_one_event():
    cands = pd.DataFrame(
        [
            _cand(
                "a.txt",
                "The Bordurian leader called the Syldavian king a liar and a thief on Sunday.",
                "ACCUSE",
                "verbal conflict",
                "Borduria;Syldavia",
            ),
            _cand(
                "a.txt",
                "On Sunday the Bordurian leader called the Syldavian king a liar and a thief.",
                "STATEMENT",
                "neutral",
                "Borduria;Syldavia",
                start=300,
            ),
        ]
    )
    events, evidence = merge_events(cands)
    assert len(events) == 1 and len(evidence) == 2


def test_a_shared_date_alone_joins_nothing():
    cands = pd.DataFrame(
        [
            _cand("a.txt", "Ruritania signed a trade deal on Sunday.", "AGREE", "verbal cooperation", "Ruritania"),
            _cand("b.txt", "Syldavia signed a fishing accord on Sunday.", "AGREE", "verbal cooperation", "Syldavia"),
        ]
    )
    assert len(merge_events(cands)[0]) == 2


def _restated(article, date="2024-12-08"):
    return [
        _cand(
            article,
            "The Bordurian leader called the Syldavian king a liar on Sunday.",
            "ACCUSE",
            "verbal conflict",
            "Borduria;Syldavia",
            date=date,
        ),
        _cand(
            article,
            "On Sunday the Bordurian leader called the Syldavian king a liar.",
            "STATEMENT",
            "neutral",
            "Borduria;Syldavia",
            date=date,
            start=300,
        ),
    ]


def test_merging_again_only_the_changed_dates_gives_a_full_merges_tables():
    talks = _cand(
        "002.txt",
        "On Sunday, Russia held talks in Qatar with Iran.",
        "CONSULT",
        "verbal cooperation",
        "Russia;Qatar;Iran",
    )
    monday = _cand(
        "004.txt",
        "Israeli jets struck Beirut on Monday.",
        "ASSAULT",
        "material conflict",
        "Israel",
        "Beirut",
        date="2024-12-09",
    )
    before = pd.DataFrame([*FALL, talks, monday, *_restated("005.txt", "2024-12-07")])
    _, _, state, merged = merge_reusing(before, {}, None)
    assert merged == len(before)
    # A new article on a new date (with a restatement across quad classes), one report removed, one added
    # to an old date: only the candidates of the dates that changed are merged again.
    tuesday = _restated("003b.txt", "2024-12-10")
    after = pd.DataFrame(
        [
            FALL[0],
            FALL[1],
            *tuesday,
            talks,
            monday,
            *_restated("005.txt", "2024-12-07"),
            _cand(
                "006.txt",
                "Israel struck Beirut on Monday.",
                "ASSAULT",
                "material conflict",
                "Israel",
                "Beirut",
                date="2024-12-09",
            ),
        ]
    )
    events, evidence, _, merged = merge_reusing(after, {"006.txt": "004.txt"}, state)
    full_events, full_evidence = merge_events(after, {"006.txt": "004.txt"})
    pd.testing.assert_frame_equal(events, full_events)
    pd.testing.assert_frame_equal(evidence, full_evidence)
    # The restated act of 2024-12-07 is reused, and of 2024-12-09 only the report added after Monday's is compared.
    assert merged == len(after) - 3
    assert len(events[events["date"] == "2024-12-10"]) == 1


# --- incremental merges: merge_reusing chained over builds equals merge_events on each ------------------------

MONDAY = "2024-12-09"
SHELLING = "Ruritanian artillery shelled the port of Zenta on Sunday."
TALKS = "Ruritania and Syldavia held talks in Klow on Sunday."
ARRESTS = "Syldavian police arrested twelve protesters in Klow on Monday."


def _shelling(article, **extra):
    return {**_cand(article, SHELLING, "ASSAULT", "material conflict", "Ruritania", "Zenta"), **extra}


def _talks(article, start=200):
    return _cand(article, TALKS, "CONSULT", "verbal cooperation", "Ruritania;Syldavia", "Klow", start=start)


def _arrests(article):
    return _cand(article, ARRESTS, "COERCE", "material conflict", "Syldavia", "Klow", date=MONDAY)


#: Articles, each a list of candidates: copies of one sentence in several articles, restatements,
#: two blocks (quad classes) on one date, and two acts that only a later report joins.
ARTICLES = {
    "a01.txt": [_shelling("a01.txt"), _talks("a01.txt")],
    "a02.txt": [_shelling("a02.txt"), *_restated("a02.txt")],
    "a03.txt": [
        _cand(
            "a03.txt",
            "Ruritanian gunners hit the harbour of Brod on Sunday.",
            "ASSAULT",
            "material conflict",
            "Ruritania",
            "Brod",
        ),
    ],
    "a04.txt": [
        _arrests("a04.txt"),
    ],
    "a05.txt": [_talks("a05.txt", start=0), _shelling("a05.txt", char_start=90)],
    # Joins the shelling of Zenta and the shelling of Brod: no place, the same party and act.
    "a06.txt": [
        _cand(
            "a06.txt",
            "Ruritania and Borduria traded artillery fire on Sunday.",
            "ASSAULT",
            "material conflict",
            "Ruritania;Borduria",
        ),
    ],
    # A copy whose date is explicit: it becomes the representative.
    "a07.txt": [_shelling("a07.txt", date_basis="explicit")],
    "a08.txt": [
        _arrests("a08.txt"),
        _cand(
            "a08.txt",
            "Borduria recalled its ambassador from Klow on Monday.",
            "REDUCE",
            "verbal conflict",
            "Borduria;Syldavia",
            "Klow",
            date=MONDAY,
            start=120,
        ),
    ],
}
#: Said again in its own article, under another type and quad class: a restatement.
RESTATED_SHELLING = _cand(
    "a07.txt",
    "On Sunday Ruritanian artillery shelled the port of Zenta.",
    "STATEMENT",
    "neutral",
    "Ruritania",
    "Zenta",
    start=400,
)


def _frame(names, extra=()):
    return pd.DataFrame([c for name in names for c in ARTICLES[name]] + list(extra), columns=list(CANDIDATES))


def _through_parquet(state):
    """The state as the next build reads it back from the cache."""
    import io

    from pipeline.merge import MergeState

    def again(df):
        buffer = io.BytesIO()
        df.to_parquet(buffer)
        return pd.read_parquet(buffer)

    return MergeState(again(state.events), again(state.evidence))


def _chain(steps):
    """merge_reusing over (candidates, originals) builds; each build's tables are a full merge's. Returns the counts."""
    state, counts = None, []
    for cands, originals in steps:
        events, evidence, state, merged = merge_reusing(cands, originals, state)
        full_events, full_evidence = merge_events(cands, originals)
        pd.testing.assert_frame_equal(events, full_events)
        pd.testing.assert_frame_equal(evidence, full_evidence)
        state = _through_parquet(state)
        counts.append(merged)
    return counts


def test_appended_articles_are_compared_alone_and_give_a_full_merges_tables():
    first = ["a01.txt", "a02.txt", "a03.txt", "a04.txt"]
    steps = [
        (_frame(first), {}),
        (_frame([*first, "a05.txt"]), {}),  # a copy of each old sentence of Sunday
        (_frame([*first, "a05.txt", "a06.txt"]), {}),  # joins two old events
        (_frame([*first, "a05.txt", "a06.txt", "a07.txt"]), {}),  # a new representative
        (_frame([*first, "a05.txt", "a06.txt", "a07.txt"], [RESTATED_SHELLING]), {}),  # an old article grows
        (_frame([*first, "a05.txt", "a06.txt", "a07.txt", "a08.txt"], [RESTATED_SHELLING]), {}),  # on Monday too
    ]
    assert _chain(steps) == [len(steps[0][0]), 2, 1, 1, 1, 2]
    joined = merge_events(steps[2][0])[0]
    assert joined["articles"].str.contains("a03.txt").sum() == 1  # Brod's shelling ...
    assert set(joined[joined["articles"].str.contains("a03.txt")].iloc[0].articles.split(";")) == {
        "a01.txt",  # ... and Zenta's are one event
        "a02.txt",
        "a03.txt",
        "a05.txt",
        "a06.txt",
    }
    assert len(joined) == len(merge_events(steps[1][0])[0]) - 1
    assert "a07.txt" in set(merge_events(steps[3][0])[0]["article"])


def test_a_change_before_the_end_of_a_date_merges_that_date_again():
    first = ["a01.txt", "a02.txt", "a03.txt", "a04.txt", "a05.txt"]
    sunday = len(_frame(first).query("date == '2024-12-08'"))
    steps = [
        (_frame(first), {}),
        (_frame(["a01.txt", "a06.txt", *first[1:]]), {}),  # inserted in the middle
        (_frame(["a01.txt", "a06.txt", "a02.txt", "a04.txt", "a05.txt"]), {}),  # one removed
        (_frame(["a01.txt", "a06.txt", "a02.txt", "a04.txt", "a05.txt"]), {"a05.txt": "a01.txt"}),  # a reprint found
        (_frame(["a01.txt", "a06.txt", "a02.txt", "a04.txt", "a05.txt"]), {"a05.txt": "a01.txt"}),  # nothing changed
    ]
    # Sunday: +1 inserted, -1 removed (a03), the same number with a new original; Monday is reused throughout.
    assert _chain(steps) == [len(steps[0][0]), sunday + 1, sunday, sunday, 0]


def test_any_sequence_of_builds_gives_a_full_merges_tables():
    import random

    names = list(ARTICLES)
    for seed in range(8):
        rng = random.Random(seed)
        built = rng.sample(names, 3)
        originals: dict[str, str] = {}
        steps = [(_frame(built), dict(originals))]
        for _ in range(5):
            unused = [n for n in names if n not in built]
            move = rng.choice(["append", "append", "insert", "remove", "original"])
            if move in ("append", "insert") and unused:
                at = len(built) if move == "append" else rng.randrange(len(built) + 1)
                built.insert(at, rng.choice(unused))
            elif move == "remove" and len(built) > 1:
                built.remove(rng.choice(built))
            else:
                copy, source = rng.sample(names, 2)
                originals[copy] = source
            steps.append((_frame(built), dict(originals)))
        _chain(steps)


def test_a_state_without_first_copies_is_not_reused():
    from pipeline.merge import MergeState

    cands = _frame(["a01.txt", "a02.txt"])
    _, _, state, _ = merge_reusing(cands, {}, None)
    older = MergeState(state.events, state.evidence.drop(columns=["_date", "_hash", "_copy"]))
    events, evidence, _, merged = merge_reusing(_frame(["a01.txt", "a02.txt", "a05.txt"]), {}, older)
    assert merged == len(cands) + 2
    full_events, full_evidence = merge_events(_frame(["a01.txt", "a02.txt", "a05.txt"]))
    pd.testing.assert_frame_equal(events, full_events)
    pd.testing.assert_frame_equal(evidence, full_evidence)


def test_two_sentences_with_one_first_copy_hash_merge_their_date_again(monkeypatch):
    import pipeline.merge.incremental as incremental

    monkeypatch.setattr(incremental, "_copy_hash", lambda key: 7)  # every sentence's key has the same hash
    before = _frame(["a01.txt", "a03.txt"])
    after = _frame(["a01.txt", "a03.txt", "a06.txt"])
    assert _chain([(before, {}), (after, {})]) == [len(before), len(after)]


def test_merging_a_batch_of_dates_at_a_time_gives_one_merges_tables(monkeypatch):
    # The seed corpus's candidates: many dates, some with several reports of one event.
    gazetteer = load_gazetteer(())
    parts = [process_articles(chunk, gazetteer)[0] for chunk, _ in iter_articles(SEEDS)]
    cands = pd.concat(parts, ignore_index=True)
    whole = merge_events(cands)
    monkeypatch.setattr(cluster, "MERGE_BATCH", 7)
    assert len(cluster._unit_batches(cands, 7)) > 5
    for got in (merge_events(cands), merge_reusing(cands, {}, None)[:2]):
        pd.testing.assert_frame_equal(got[0], whole[0])
        pd.testing.assert_frame_equal(got[1], whole[1])
    assert len(whole[0]) < len(cands)  # some reports were joined: the batches kept their clusters


def test_the_evidence_taken_column_by_column_is_the_tables_own_and_empties_the_candidates():
    gazetteer = load_gazetteer(())
    cands = pd.concat([process_articles(chunk, gazetteer)[0] for chunk, _ in iter_articles(SEEDS)], ignore_index=True)
    events, evidence = merge_events(cands)
    got_events, order, ids = cluster.merge_positions(cands)
    taken = cluster.take_evidence(cands, order, ids)
    pd.testing.assert_frame_equal(got_events, events)
    pd.testing.assert_frame_equal(taken, evidence)
    assert len(cands.columns) == 0  # every column was let go once taken
    assert len(evidence) > len(events)  # some events have several reports: the order is not the identity
