"""load_gazetteer: coverage from the packages, curated entries, merging, colors and validation errors."""

from __future__ import annotations

import re

import pytest

from pipeline.gazetteer import GazetteerError, actor_color, fold, gazetteer_table, load_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="module")
def table(gaz):
    return gazetteer_table(gaz).set_index("name")


@pytest.mark.parametrize(
    "name, category",
    [
        # Common short English names, not pycountry's official ones.
        ("Russia", "country"),
        ("Iran", "country"),
        ("Syria", "country"),
        ("Turkey", "country"),
        ("United States", "country"),
        ("United Kingdom", "country"),
        ("South Korea", "country"),
        ("Sudan", "country"),
        ("Ethiopia", "country"),
        ("Armenia", "country"),
        ("Azerbaijan", "country"),
        ("Soviet Union", "country"),
        ("Czechoslovakia", "country"),
        ("HTS", "armed group"),
        ("Hezbollah", "armed group"),
        ("RSF", "armed group"),
        ("Wagner Group", "armed group"),
        ("UN", "organization"),
        ("NATO", "organization"),
        ("ICC", "organization"),
        ("Vladimir Putin", "person"),
        ("Hmeimim Air Base", "location"),
        ("Damascus", "location"),
    ],
)
def test_entries(table, name, category):
    assert table.loc[name, "category"] == category


def test_no_official_long_names(table):
    assert "Russian Federation" not in table.index
    assert "Iran, Islamic Republic of" not in table.index
    assert len(table[table["category"] == "country"]) >= 249  # every ISO 3166 country


@pytest.mark.parametrize(
    "person, affiliation",
    [
        ("Vladimir Putin", "Russia"),
        ("Sergei Lavrov", "Russia"),
        ("Dmitry Peskov", "Russia"),
        ("Mikhail Bogdanov", "Russia"),
        ("Alexander Yefimov", "Russia"),
        ("Konstantin Kosachev", "Russia"),
        ("Ahmed al-Sharaa", "HTS"),
        ("Bashar al-Assad", "Syria"),
    ],
)
def test_affiliations(table, person, affiliation):
    assert table.loc[person, "affiliation"] == affiliation


def test_colors_stable_and_valid(gaz):
    assert actor_color("Russia", gaz) == "#d55e00"  # curated
    hashed = actor_color("Burkina Faso", gaz)
    assert re.fullmatch(r"#[0-9a-f]{6}", hashed)
    assert hashed == actor_color("Burkina Faso", gaz) == actor_color("Burkina Faso")
    assert hashed in gaz.palette
    assert actor_color("Some Actor Not In The Gazetteer", gaz) in gaz.palette


def test_table_columns(table):
    assert list(table.reset_index().columns) == ["name", "kind", "category", "affiliation", "color", "aliases"]
    assert "Hayat Tahrir al-Sham" in table.loc["HTS", "aliases"].split(";")


def test_fold_keeps_offsets():
    text = "Hayʼat Tahrir al‑Sham, Türkiye’s İstanbul"
    assert len(fold(text)) == len(text)
    assert fold(text).startswith("hay'at tahrir al-sham, turkiye's")


def test_extra_yaml_is_merged(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "actors:\n  - {name: Syrian Salvation Government, category: organization, aliases: [SSG]}\n"
        "people:\n  - {name: Mohammed al-Bashir, affiliation: Syrian Salvation Government, "
        "aliases: [al-Bashir]}\n",
        encoding="utf-8",
    )
    gaz = load_gazetteer([extra])
    assert gaz.entries["Mohammed al-Bashir"].affiliation == "Syrian Salvation Government"
    assert "ssg" in gaz.senses


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "people:\n  - {name: Jane Doe, affiliation: Atlantis, aliases: [Doe]}\n",
            r"mine\.yaml: people: 'Jane Doe': affiliation 'Atlantis' is not a known actor",
        ),
        (
            "people:\n  - {name: Jane Doe, aliases: [Doe]}\n",
            r"mine\.yaml: people\[0\] 'Jane Doe': a person needs an 'affiliation'",
        ),
        (
            "actors:\n  - {name: Group A, category: armed group, aliases: [The Front]}\n"
            "  - {name: Group B, category: armed group, aliases: [The Front]}\n",
            r"alias 'The Front' maps to both 'Group A' .* and 'Group B'",
        ),
        ("actors:\n  - {name: Group A, category: militia}\n", r"mine\.yaml: actors\[0\] 'Group A': category"),
        ("actors:\n  - {name: Group A, category: organization, color: red}\n", r"color 'red' is not '#rrggbb'"),
        (
            "actors:\n  - {name: Group A, category: organization, aliases: [{text: GA, valid_to: 2020-13}]}\n",
            r"date '2020-13' is not YYYY-MM-DD",
        ),
        ("countries:\n  XX: {name: Nowhere}\n", r"unknown code\(s\) \['XX'\]"),
        ("actor:\n  - {name: Typo}\n", r"mine\.yaml: unknown section"),
        ("actors: [unclosed\n", r"mine\.yaml: not valid YAML"),
    ],
)
def test_validation_errors(tmp_path, content, message):
    bad = tmp_path / "mine.yaml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(GazetteerError, match=message):
        load_gazetteer([bad])


def test_period_alias_without_overlap_is_allowed(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "actors:\n  - {name: Old Front, category: armed group, aliases: [{text: The Front, valid_to: 1999-12-31}]}\n"
        "  - {name: New Front, category: armed group, aliases: [{text: The Front, valid_from: 2000-01-01}]}\n",
        encoding="utf-8",
    )
    gaz = load_gazetteer([extra])
    assert {s.name for s in gaz.senses["the front"]} == {"Old Front", "New Front"}
