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


def test_a_rule_folder_without_tense_cues_is_rejected(tmp_path):
    folder = _rule_folder(
        tmp_path, "- id: m\n  pattern: '(?P<m>%month)'\n  value: 'XXXX-{m|month}'\n  examples: [May]\n"
    )
    (folder / "patterns.yaml").write_text("x: ['a']\n")
    with pytest.raises(RuleError, match="future_cue and past_cue missing"):
        load_rules(folder)
