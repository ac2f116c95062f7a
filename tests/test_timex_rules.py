"""Every rule's examples and counterexamples in resources/timex/en/rules.yaml run as tests."""

import pytest

from pipeline.timex import find_timexes, scan
from pipeline.timex_rules import RuleError, load_rules

RULES = load_rules("en").rules
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


def test_every_rule_has_an_example():
    assert all(r.examples for r in RULES)


def test_bad_rule_file_names_the_rule(tmp_path, monkeypatch):
    import pipeline.timex_rules as tr

    lang = tmp_path / "xx"
    lang.mkdir()
    (lang / "normalizations.yaml").write_text("month: {May: '05'}\n")
    (lang / "patterns.yaml").write_text("x: ['a']\n")
    (lang / "rules.yaml").write_text("- id: broken\n  pattern: '%nosuch'\n  value: '1'\n  examples: [a]\n")
    monkeypatch.setattr(tr, "RESOURCES", tmp_path)
    tr.load_rules.cache_clear()
    try:
        with pytest.raises(RuleError, match="broken"):
            tr.load_rules("xx")
    finally:
        tr.load_rules.cache_clear()
