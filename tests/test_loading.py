"""The resource convention: one error type, one cache reset, a fingerprint of every resource file."""

import pytest

from pipeline import clean, loading, sentences
from pipeline.timex import load_rules


def test_fingerprint_changes_when_any_resource_file_changes(tmp_path, monkeypatch):
    (tmp_path / "timex" / "en").mkdir(parents=True)
    rules = tmp_path / "timex" / "en" / "rules.yaml"
    rules.write_text("- id: a\n", encoding="utf-8")
    (tmp_path / "event_types.yaml").write_text("types: {}\n", encoding="utf-8")
    monkeypatch.setattr(loading, "RESOURCES", tmp_path)
    before = loading.fingerprint()
    rules.write_text("- id: b\n", encoding="utf-8")
    assert loading.fingerprint() != before
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "make.py").write_text("print()\n", encoding="utf-8")
    after = loading.fingerprint()
    assert loading.fingerprint() == after  # stable, and generator scripts do not count
    assert tmp_path / "tools" / "make.py" not in loading.resource_files()


def test_fingerprint_covers_extra_actor_files(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text("actors: []\n", encoding="utf-8")
    before = loading.fingerprint([extra])
    extra.write_text("actors: [{name: X, category: organization}]\n", encoding="utf-8")
    assert loading.fingerprint([extra]) != before


def test_clear_caches_reads_edited_files_again(tmp_path):
    own = tmp_path / "abbr.yaml"
    own.write_text(
        "titles: [Mr]\nbefore_number: ['No']\nbefore_word: {abbreviations: [St], next_words: [Petersburg]}\n",
        encoding="utf-8",
    )
    assert sentences.load_merge_rules(own).titles == frozenset({"Mr"})
    own.write_text(own.read_text(encoding="utf-8").replace("[Mr]", "[Dr]"), encoding="utf-8")
    assert sentences.load_merge_rules(own).titles == frozenset({"Mr"})  # cached
    loading.clear_caches()
    assert sentences.load_merge_rules(own).titles == frozenset({"Dr"})


@pytest.mark.parametrize(
    "loader, text, named",
    [
        (clean.load_boilerplate, "whole_line: [", r"boilerplate\.yaml: not valid YAML"),
        (sentences.load_merge_rules, "titles: {a: 1}\n", r"abbreviations\.yaml: 'titles'"),
    ],
)
def test_every_loader_raises_a_resource_error_naming_the_file(tmp_path, loader, text, named):
    name = "boilerplate.yaml" if loader is clean.load_boilerplate else "abbreviations.yaml"
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(loading.ResourceError, match=named):
        loader(bad)


def test_a_missing_rule_folder_is_a_resource_error(tmp_path):
    with pytest.raises(loading.ResourceError, match=r"normalizations\.yaml: cannot read"):
        load_rules(tmp_path / "nowhere")


def test_a_key_given_twice_is_refused_not_silently_replaced(tmp_path):
    # YAML would keep the second table and drop the first without a word.
    twice = tmp_path / "boilerplate.yaml"
    twice.write_text("whole_line: [Advertisement]\nprefix: [Read more]\nwhole_line: [Share this]\n", encoding="utf-8")
    with pytest.raises(loading.ResourceError, match=r"(?s)boilerplate\.yaml: .*the key 'whole_line' is given twice"):
        clean.load_boilerplate(twice)
    once = tmp_path / "other.yaml"
    once.write_text("a: {x: 1}\nb: {x: 2}\n", encoding="utf-8")  # the same key in two mappings is fine
    assert loading.read_yaml(once) == {"a": {"x": 1}, "b": {"x": 2}}


def test_an_actor_file_with_a_key_given_twice_names_the_file(tmp_path):
    from pipeline.gazetteer import GazetteerError, load_gazetteer

    mine = tmp_path / "mine.yaml"
    mine.write_text("actors:\n  - {name: Atlantis, category: state, name: Lemuria}\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"(?s)mine\.yaml.*given twice"):
        load_gazetteer((str(mine),))
