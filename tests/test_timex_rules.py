"""Every rule's examples and counterexamples in resources/timex/en/rules.yaml run as tests."""

import pytest

from pipeline.dates import find_timexes
from pipeline.timex import RuleError, load_rules, scan

RULES = load_rules().rules
DEFAULT_DCT = "2024-12-10"  # fixed; an example that needs another date says so


def _examples():
    for rule in RULES:
        for ex in rule.examples:
            yield pytest.param(rule, ex, id=f"{rule.id}: {ex['text']}")


def _counterexamples():
    for rule in RULES:
        for text in rule.counterexamples:
            yield pytest.param(rule, text, id=f"{rule.id}: {text}")


@pytest.mark.parametrize("rule,example", list(_examples()))
def test_rule_example(rule, example):
    text = example["text"]
    if rule.value == "REMOVE":
        removed = []
        found = scan(text, removed=removed)
        assert any(r[2] == rule.id for r in removed), f"{rule.id} did not fire on {text!r}"
        assert not any(c.start < r[1] and r[0] < c.end for c in found for r in removed)
        return
    dct = str(example.get("dct", DEFAULT_DCT))
    found = find_timexes(text, dct)
    by_rule = [t for t in found if t["rule"] == rule.id]
    assert by_rule, f"{rule.id} did not fire on {text!r}; found {found}"
    if "value" in example:
        assert str(example["value"]) in [t["value"] for t in by_rule], found


@pytest.mark.parametrize("rule,text", list(_counterexamples()))
def test_rule_counterexample(rule, text):
    assert not [t for t in find_timexes(text, DEFAULT_DCT) if t["rule"] == rule.id]


def _rule_folder(tmp_path, rules_yaml: str):
    folder = tmp_path / "xx"
    folder.mkdir()
    (folder / "normalizations.yaml").write_text("month: {May: '05'}\n")
    (folder / "patterns.yaml").write_text("x: ['a']\nfuture_cue: ['will']\npast_cue: ['was']\n")
    (folder / "words.yaml").write_text("triggers: [may]\nprefixes: [in]\n")
    (folder / "rules.yaml").write_text(rules_yaml)
    return folder


def test_a_rule_without_examples_is_rejected(tmp_path):
    folder = _rule_folder(tmp_path, "- id: bare\n  pattern: 'in (?P<m>%month)'\n  value: 'XXXX-{m|month}'\n")
    with pytest.raises(RuleError, match=r"bare.*example"):
        load_rules(folder)


def test_bad_rule_file_names_the_rule(tmp_path):
    folder = _rule_folder(tmp_path, "- id: broken\n  pattern: '%nosuch'\n  value: '1'\n  examples: [a]\n")
    with pytest.raises(RuleError, match="broken"):
        load_rules(folder)


def test_a_rule_folder_of_ones_own_is_used(tmp_path):
    folder = _rule_folder(
        tmp_path, "- id: may_only\n  pattern: '(?P<m>%month)'\n  value: 'XXXX-{m|month}'\n  examples: [May]\n"
    )
    rules = load_rules(folder)
    assert [(c.value, c.rule) for c in scan("It rained in May.", rules)] == [("XXXX-05", "may_only")]


def test_ordered_is_only_for_a_span_of_parts(tmp_path):
    folder = _rule_folder(
        tmp_path,
        "- id: one\n  pattern: '(?P<m>%month)'\n  value: 'XXXX-{m|month}'\n  ordered: true\n  examples: [May]\n",
    )
    with pytest.raises(RuleError, match=r"one.*ordered"):
        load_rules(folder)


@pytest.mark.parametrize(
    "text,values",
    [
        ("The blockade held from November to March 1950.", ["1949-11", "1950-03"]),
        ("Talks ran from 28 December to 2 January 1990.", ["1989-12-28", "1990-01-02"]),
        ("The strike lasted from October 30 to November 2, 1990.", ["1990-10-30", "1990-11-02"]),
    ],
)
def test_a_span_with_one_year_crosses_new_year_when_its_months_go_backwards(text, values):
    assert [t["value"] for t in find_timexes(text, DEFAULT_DCT)] == values


def test_a_rule_folder_without_tense_cues_is_rejected(tmp_path):
    folder = _rule_folder(
        tmp_path, "- id: m\n  pattern: '(?P<m>%month)'\n  value: 'XXXX-{m|month}'\n  examples: [May]\n"
    )
    (folder / "patterns.yaml").write_text("x: ['a']\n")
    with pytest.raises(RuleError, match="future_cue and past_cue missing"):
        load_rules(folder)


def test_compiled_date_rules_are_kept_between_processes_and_damage_is_refused(monkeypatch):
    import pipeline.timex.compile as compile_module
    from pipeline.timex.compile import Dispatch

    rs = load_rules()
    rs.by_char.compile_all()
    data = rs.by_char.export()
    again = Dispatch([r.pattern for r in rs.rules], rs.by_char._alternation)
    again.preload(data)
    again.compile_all()
    assert again.parsed == 0  # every alternation rebuilt from the kept code, none parsed
    for char in "0123456789JjMmLlTt":
        kept, fresh = again.get(char), rs.by_char.get(char)
        assert kept is not None and fresh is not None
        assert (kept.pattern, kept.flags, kept.groupindex) == (fresh.pattern, fresh.flags, fresh.groupindex)
    assert [c.value for c in scan("He left on 12 March 2024.", rs)] == ["2024-03-12"]
    with pytest.raises(ValueError):
        Dispatch([], []).preload(data[:-10])  # a partial write
    monkeypatch.setattr(compile_module, "_ENGINE", "another Python")
    other = Dispatch([r.pattern for r in rs.rules], rs.by_char._alternation)
    other.preload(data)  # made by another regex engine: ignored, compiled from the patterns
    assert other.get("1") is not None and other.parsed == 1
