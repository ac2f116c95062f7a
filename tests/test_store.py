"""The event store: versions switched atomically, one writer, and DuckDB filters equal to the dashboard's."""

import threading
import time
from datetime import date

import numpy as np
import pandas as pd
import pytest
from synthetic import make_events

from pipeline.query import EventStore, Query
from pipeline.store import StoreLocked, current_version, write_store, writer_lock
from ui import density
from ui.filters import Filters, apply, prepare, suggest_loosening


@pytest.fixture(scope="module")
def tables():
    return make_events(3000, seed=7)


@pytest.fixture(scope="module")
def db(tables, tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    write_store(folder, *tables)
    with EventStore(folder) as store:
        yield store


@pytest.fixture(scope="module")
def prepared(tables):
    events, evidence, _ = tables
    return prepare(events, evidence)


CASES = [
    Filters(),
    Filters(actors=("Russia",)),
    Filters(actors=("Russia", "Iran"), actor_mode="all of"),
    Filters(actors=("Qatar",), people=("Vladimir Putin (Russia)",)),
    Filters(date_from=date(2024, 12, 10), date_to=date(2025, 1, 5)),
    Filters(date_to=date(2024, 11, 30), background=True),
    Filters(event_types=("ASSAULT", "CONSULT"), min_sources=2),
    Filters(text="damascus", captions=True),
    Filters(text="Held talks", actors=("Turkey",), captions=True, background=True),
]


@pytest.mark.parametrize("f", CASES, ids=range(len(CASES)))
def test_store_filters_select_the_same_events_as_the_dashboard(db, prepared, f):
    expected = apply(prepared, f)
    got = db.events(Query.of(f), limit=None)
    assert db.count(Query.of(f)) == len(expected)
    assert got["event_id"].tolist() == expected["event_id"].tolist()  # same rows, same (date) order


@pytest.mark.parametrize("f", [Filters(top=10), Filters(top=25, actors=("Russia",)), Filters(top=1, text="talks")])
def test_key_events_only_are_the_dashboards(db, prepared, f):
    expected = apply(prepared, f)
    got = db.events(Query.of(f), limit=None)
    assert len(expected) == f.top and db.count(Query.of(f)) == f.top
    assert got["event_id"].tolist() == expected["event_id"].tolist()


def test_filtered_rows_come_back_whole(db):
    """A filter's copy keeps only a few columns: the rows it returns still carry every column."""
    q = Query(actors=("Russia",))
    got = db.events(q, limit=7, order="sources").set_index("event_id")
    whole = db.events(Query(), limit=None).set_index("event_id").loc[got.index]
    pd.testing.assert_frame_equal(got, whole)


def test_span_of_the_matching_events(db, prepared):
    view = apply(prepared, Filters(actors=("Qatar",)))
    day = pd.Timestamp("1970-01-01")
    first, last = view["_start"].min(), view["_end"].max()  # day numbers in the dashboard
    assert db.span(Query(actors=("Qatar",))) == (day + pd.Timedelta(days=first), day + pd.Timedelta(days=last))
    assert db.span(Query(text="no such words anywhere")) == (None, None)


def test_rows_come_back_limited_and_most_corroborated_first(db, prepared):
    got = db.events(Query(), limit=50, order="sources")
    assert len(got) == 50
    assert got["sources"].is_monotonic_decreasing
    assert got["sources"].iloc[0] == apply(prepared, Filters())["sources"].max()


@pytest.mark.parametrize("unit", ["day", "week", "month"])
def test_counts_per_bin_equal_the_dashboards_spread(db, prepared, unit):
    view = apply(prepared, Filters(actors=("Syria",)))
    first = view["_actors"].map(lambda a: a[0] if a else "no actor")
    want = density.spread(view.assign(_key=first), "_key", unit)
    # The dashboard counts in day numbers (days since 1970-01-01); the store returns dates.
    want = want.assign(bin_start=pd.to_datetime(density.bin_start(want["bin"].to_numpy(), unit), unit="D"))
    want = want.sort_values(["bin_start", "_key"]).reset_index(drop=True)
    got = db.counts(Query(actors=("Syria",)), unit=unit, by="actor")
    assert got["bin_start"].tolist() == want["bin_start"].tolist()
    assert got["key"].tolist() == want["_key"].tolist()
    np.testing.assert_allclose(got["weight"].to_numpy(), want["weight"].to_numpy())
    assert db.counts(Query(actors=("Syria",)), unit=unit)["weight"].sum() == pytest.approx(len(view))


def test_loosening_names_the_same_filter_as_the_dashboard(db, prepared):
    f = Filters(actors=("Jordan", "Hezbollah"), actor_mode="all of", text="aid")
    assert db.count(Query.of(f)) == len(apply(prepared, f))
    assert db.loosening(Query.of(f)) == suggest_loosening(prepared, f)


def test_one_event_with_its_evidence(db, tables):
    events, evidence, articles = tables
    event_id = events.loc[events["sources"].idxmax(), "event_id"]
    row, ev = db.event(event_id)
    assert row["event_id"].tolist() == [event_id]
    assert sorted(ev["article"]) == sorted(evidence.loc[evidence["event_id"] == event_id, "article"])
    assert db.article_text(ev["article"].iloc[0]) == articles.set_index("article").loc[ev["article"].iloc[0], "text"]


def test_options_for_the_sidebar(db, tables):
    options = db.options()
    assert options["actors"][0] in ("Russia", "Syria")  # the most active first
    assert set(options["event_types"]) == set(tables[0]["event_type"].dropna())


def test_a_new_version_switches_atomically_and_old_readers_keep_theirs(tables, tmp_path):
    events, evidence, articles = tables
    write_store(tmp_path, events, evidence, articles)
    reader = EventStore(tmp_path, memory=False)  # reads the files at each query
    first = reader.version
    before = reader.count(Query())
    write_store(tmp_path, events.iloc[:100], evidence, articles)
    assert reader.count(Query()) == before  # still the version it opened
    assert reader.refresh() and reader.version != first
    assert reader.total() <= 100
    write_store(tmp_path, events.iloc[:10], evidence, articles)
    versions = sorted(p.name for p in tmp_path.glob("v-*"))
    assert len(versions) == 2 and current_version(tmp_path).name in versions  # current + one kept


def test_a_filter_is_applied_once_and_its_copy_follows_the_version(tables, tmp_path):
    import pipeline.query as query_module

    events, evidence, articles = tables
    write_store(tmp_path, events, evidence, articles)
    with EventStore(tmp_path) as db:
        q = Query(actors=("Russia",))
        n = db.count(q)

        def temporary() -> int:
            return db._row("SELECT count(*) FROM duckdb_tables() WHERE temporary")[0]

        db.summary(q), db.counts(q, unit="week", by="actor"), db.events(q, limit=10, order="sources")
        assert temporary() == 1  # one filtered copy answers every question about one filter
        db.count(Query())
        assert temporary() == 1  # no filter beyond the defaults: the events table itself
        for actor in ("Iran", "Turkey", "Qatar", "Israel", "Syria"):
            db.count(Query(actors=(actor,)))
        assert temporary() == query_module.KEEP_FILTERED
        write_store(tmp_path, events[events["actors"].fillna("").str.contains("Russia")].iloc[:5], evidence, articles)
        db.refresh()
        assert temporary() == 0 and db.count(q) <= 5 < n  # a new version: no copy of the old one is read


def test_a_write_that_fails_midway_leaves_the_previous_version_current(tables, tmp_path):
    events, evidence, articles = tables
    write_store(tmp_path, events, evidence, articles)
    before = current_version(tmp_path)
    with pytest.raises(KeyError):
        write_store(tmp_path, events.drop(columns="title"), evidence, articles)
    assert current_version(tmp_path) == before
    assert not list(tmp_path.glob(".v-*"))
    with EventStore(tmp_path) as store:
        assert store.total() > 0


def test_second_writer_refuses_or_waits(tmp_path):
    with (
        writer_lock(tmp_path),
        pytest.raises(StoreLocked, match="another build is writing this output"),
        writer_lock(tmp_path),
    ):
        pass

    released = threading.Event()

    def hold():
        with writer_lock(tmp_path):
            released.wait(5)
            time.sleep(0.3)

    t = threading.Thread(target=hold)
    t.start()
    time.sleep(0.2)
    released.set()
    started = time.monotonic()
    with writer_lock(tmp_path, wait=10):
        assert time.monotonic() - started >= 0.2
    t.join()


def test_empty_tables_make_a_readable_store(tables, tmp_path):
    events, evidence, articles = tables
    write_store(tmp_path, events.iloc[:0], evidence.iloc[:0], articles.iloc[:0])
    with EventStore(tmp_path) as store:
        assert store.total() == 0 and store.events(Query()).empty
