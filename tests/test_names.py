"""Names the gazetteer does not list: every rule of pipeline/names.py, on sentences written for the test."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.actors import find_mentions, match_actors
from pipeline.gazetteer import load_gazetteer
from pipeline.names import ArticleNames, find_names, load_name_rules


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _found(sentences: list[str], gaz, ref="1999-05-04") -> list[list[tuple]]:
    """(text, name, kind, affiliation, rule) per mention, per sentence of one article."""
    article = ArticleNames()
    out = []
    for s in sentences:
        ms = find_names(s, find_mentions(s, gaz, ref), article)
        out.append([(s[m[0] : m[1]], m[2], m[3], m[4], m[5]) for m in ms])
    return out


def _person(found, name):
    return next((m for m in found if m[1] == name and m[2] == "person"), None)


def test_title_gives_the_person_and_the_demonym_their_side(gaz):
    (found,) = _found(["Moldovan Prime Minister Ion Vatra met the envoy in Chisinau on Tuesday."], gaz)
    vatra = _person(found, "Ion Vatra")
    assert vatra is not None and vatra[3] == "Moldova"
    assert "title 'Prime Minister'" in vatra[4]


def test_organization_before_a_lower_case_role(gaz):
    (found,) = _found(["On Monday, Green Harbour chairman Tomas Reilly said the group would appeal."], gaz)
    reilly = _person(found, "Tomas Reilly")
    assert reilly is not None and reilly[3] == "Green Harbour"
    assert any(m[1] == "Green Harbour" and m[2] == "actor" for m in found)


def test_apposition_gives_the_affiliation(gaz):
    (found,) = _found(["Karim Oudaifi, Algeria's ambassador to the United Nations, rejected the report."], gaz)
    assert _person(found, "Karim Oudaifi")[3] == "Algeria"
    assert "apposition" in _person(found, "Karim Oudaifi")[4]


def test_surname_and_mr_refer_to_the_person_named_earlier(gaz):
    first, later = _found(
        [
            "Chilean Foreign Minister Rodrigo Valdes arrived in Lima on Monday.",
            "Mr. Valdes said the talks were useful, and Valdes left on Tuesday.",
        ],
        gaz,
    )
    assert _person(first, "Rodrigo Valdes")[3] == "Chile"
    people = [m for m in later if m[2] == "person"]
    assert [m[1] for m in people] == ["Rodrigo Valdes", "Rodrigo Valdes"]
    assert all(m[3] == "Chile" for m in people)


def test_an_honorific_alone_gives_no_side(gaz):
    (found,) = _found(["Mr. Okafor declined to comment on Sunday."], gaz)
    assert _person(found, "Okafor")[3] is None


def test_organization_from_its_head_word(gaz):
    (found,) = _found(["The Baltic Fisheries Council protested the quota on Friday."], gaz)
    assert ("Baltic Fisheries Council", "actor") in [(m[1], m[2]) for m in found]
    assert any("organization head 'Council'" in m[4] for m in found)


def test_a_country_s_ministry_is_the_country(gaz):
    (found,) = _found(["The Peruvian Interior Ministry said on Friday it had detained four men."], gaz)
    assert [m[1] for m in found if m[2] == "actor"] == ["Peru"]


def test_organization_written_x_of_y(gaz):
    (found,) = _found(["The Organization of Coastal States met in Accra on Friday."], gaz)
    assert "Organization of Coastal States" in [m[1] for m in found]


def test_acronym_defined_in_the_article_is_the_same_actor(gaz):
    first, later = _found(
        [
            "The National Water Safety Board (NWSB) opened an inquiry on Monday.",
            "The NWSB said on Tuesday that it had found no fault.",
        ],
        gaz,
    )
    assert "National Water Safety Board" in [m[1] for m in first]
    nwsb = next(m for m in later if m[0] == "NWSB")
    assert nwsb[1] == "National Water Safety Board" and "acronym" in nwsb[4]


def test_government_bodies_are_their_state(gaz):
    (found,) = _found(["The FBI and the Pentagon said on Friday that the State Department was told."], gaz)
    assert {m[1] for m in found if m[2] == "actor"} == {"United States"}


def test_leaders_known_by_surname(gaz):
    (found,) = _found(["Yeltsin telephoned Kohl on Thursday."], gaz, ref="1995-03-02")
    assert {(m[1], m[3]) for m in found if m[2] == "person"} == {
        ("Boris Yeltsin", "Russia"),
        ("Helmut Kohl", "Germany"),
    }


def test_national_groups_are_not_the_state(gaz):
    (found,) = _found(
        ["Hundreds of Haitian exiles marched past the Canadian consulate, paying in Canadian cents."], gaz
    )
    actors = [m[1] for m in found if m[2] == "actor"]
    assert "Haitian exiles" in actors
    assert "Haiti" not in actors
    assert actors.count("Canada") == 1  # the consulate, not the cents


def test_a_language_is_not_its_country(gaz):
    (found,) = _found(["The father told a Portuguese-language radio station and the Dutch language press."], gaz)
    assert not [m for m in found if m[2] == "actor"]


def test_troops_of_a_demonym_stay_the_state(gaz):
    (found,) = _found(["Soviet troops crossed the river on Tuesday."], gaz, ref="1979-12-25")
    assert [m[1] for m in found if m[2] == "actor"] == ["Soviet Union"]


def test_news_agency_is_a_source_not_an_actor(gaz):
    (found,) = _found(["The embassy told Reuters on Monday that its staff were safe."], gaz)
    assert [(m[1], m[2]) for m in found if m[1] == "Reuters"] == [("Reuters", "source")]


def test_dateline_place_is_no_actor(gaz):
    (found,) = _found(["LISBON, Portugal _ Angola's rebels agreed on Sunday to a truce."], gaz)
    assert ("Portugal", "location") in [(m[1], m[2]) for m in found]
    assert ("Angola", "actor") in [(m[1], m[2]) for m in found]


def test_country_look_alikes_are_places(gaz):
    (found,) = _found(["The talks in Northern Ireland and British Columbia resumed on Monday."], gaz)
    assert not [m for m in found if m[2] == "actor"]


def test_capitalized_sequence_of_rare_words_is_a_person(gaz):
    (found,) = _found(["Only Dariusz Kowalczyk objected on Friday."], gaz)
    assert _person(found, "Dariusz Kowalczyk")[4] == "names: capitalized sequence"


def test_ordinary_capitalized_words_are_not_a_name(gaz):
    (found,) = _found(["Prime Time Radio Hour aired on Friday."], gaz)
    assert not [m for m in found if m[2] == "person"]


def test_every_mention_names_its_rule(gaz):
    sents = pd.DataFrame(
        {
            "article": ["a.txt", "a.txt"],
            "sentence_id": [0, 1],
            "start": [0, 60],
            "text": [
                "Kenyan President Daniel Moiben met Mr. Otieno on Monday.",
                "Moiben said the Harambee Party had won.",
            ],
        }
    )
    out = match_actors(sents)
    assert out["source"].notna().all() and (out["source"].str.len() > 0).all()
    moiben = out[(out["name"] == "Daniel Moiben")]
    assert len(moiben) == 2 and set(moiben["affiliation"]) == {"Kenya"}


def test_rules_load_from_data_files():
    rules = load_name_rules()
    assert "president" in rules.titles.pattern.lower()
    assert "ministry" in rules.org_heads and "the" in rules.common


def test_an_ignored_phrase_is_no_name(gaz):
    sents = pd.DataFrame(
        {
            "article": ["a.txt"],
            "sentence_id": [0],
            "start": [0],
            "text": ["Crowds gathered in Little Havana on Monday."],
        }
    )
    out = match_actors(sents, gaz)
    assert out.empty  # not Cuba, and not a person called Little Havana


def test_a_plural_title_is_not_part_of_the_names(gaz):
    (found,) = _found(["Presidents Ion Vatra of Moldova and Petru Lucan met in Chisinau on Tuesday."], gaz)
    assert _person(found, "Ion Vatra") is not None
    assert not any(m[1].startswith("Presidents") for m in found)


def test_an_office_without_nationality_belongs_to_the_dateline_country(gaz):
    _first, later = _found(
        [
            "WELLINGTON, New Zealand (AP)_ Parliament voted Tuesday to hold a referendum.",
            "Prime Minister Aroha Tane said the vote was a turning point, and Treasurer Liam Ostry agreed.",
        ],
        gaz,
    )
    assert _person(later, "Aroha Tane")[3] == "New Zealand"
    assert _person(later, "Liam Ostry")[3] == "New Zealand"


def test_the_dateline_does_not_claim_envoys_or_qualified_offices(gaz):
    (_, later) = _found(
        [
            "NAIROBI, Kenya (AP) _ Bombs exploded on Friday.",
            "Ambassador Ruth Kell and Ugandan President Tom Beya visited the site.",
        ],
        gaz,
    )
    assert _person(later, "Ruth Kell")[3] is None
    assert _person(later, "Tom Beya")[3] == "Uganda"


def test_without_a_dateline_an_office_keeps_no_side(gaz):
    (found,) = _found(["Prime Minister Aroha Tane said the vote was a turning point."], gaz)
    assert _person(found, "Aroha Tane")[3] is None


def test_a_title_of_two_capitalized_words_is_not_part_of_the_name(gaz):
    (found,) = _found(["Attorney General Daryl Wirth voted for the motion on Friday."], gaz)
    assert _person(found, "Daryl Wirth") is not None
    assert not any("General" in m[1] for m in found)


def test_a_listed_surname_inside_another_name_is_not_the_listed_person(gaz):
    (found,) = _found(["Jeb Bush spoke on Friday, campaign director Kerry Jones said; Mr. Bush left."], gaz)
    assert not any(m[1] == "John Kerry" for m in found)
    assert _person(found, "Kerry Jones") is not None
    assert _person(found, "Jeb Bush")[3] is None


def test_a_listed_surname_with_a_title_or_an_office_is_the_listed_person(gaz):
    (found,) = _found(["President Clinton met Albright Administration critics, and Clinton said so."], gaz)
    assert [m[1] for m in found if m[2] == "person"].count("Bill Clinton") == 2


def test_a_listed_surname_after_a_possessive_country_is_the_listed_person(gaz):
    (found,) = _found(["The king carried a message from Iraq's Saddam on Monday."], gaz)
    assert _person(found, "Saddam Hussein")[3] == "Iraq"


def test_the_government_of_a_datelined_story_is_the_dateline_country(gaz):
    _, later, other = _found(
        [
            "SUVA, Fiji (AP)_ Floods closed the airport on Monday.",
            "The government exhorted citizens to stay home, and the police closed the roads.",
            "The government of Tonga sent aid.",
        ],
        gaz,
    )
    assert [m[1] for m in later if m[2] == "actor"] == ["Fiji", "Fiji"]
    assert "dateline country" in later[0][4]
    assert [m[1] for m in other if m[2] == "actor"] == ["Tonga"]


def test_the_government_without_a_dateline_is_nobody_in_particular(gaz):
    (found,) = _found(["The government exhorted citizens to stay home on Monday."], gaz)
    assert not [m for m in found if m[2] == "actor"]


def test_a_dateline_written_as_its_own_paragraph_still_says_whose_offices_are(gaz):
    _, later = _found(["SUVA, Fiji (AP) _", "Trade Minister Ratu Vosa met the envoy on Monday."], gaz)
    assert _person(later, "Ratu Vosa")[3] == "Fiji"


@pytest.mark.parametrize(
    "sentence,org",
    [
        ("Dana Ruiz, the founder of Green Dawn, praised the verdict on Monday.", "Green Dawn"),
        ("WebNest, which hosted the site, closed it on Thursday.", "WebNest"),
        ("Pedro Alves, a spokesman of Brasilnet, said so.", "Brasilnet"),
    ],
)
def test_names_after_a_role_or_before_which_are_organizations(gaz, sentence, org):
    (found,) = _found([sentence], gaz)
    assert any(m[1] == org and m[2] == "actor" for m in found)
    assert not any(m[1] == org and m[2] == "person" for m in found)


@pytest.mark.parametrize(
    "sentence,person",
    [
        ("The founder, Dana Ruiz, praised the verdict on Monday.", "Dana Ruiz"),
        ("A lawyer for Dana Ruiz spoke on Monday.", "Dana Ruiz"),  # people have lawyers
        ("An aide of Dana Ruiz spoke on Monday.", "Dana Ruiz"),  # and aides
        ("The court met in Marlton, which lies north of the city.", None),  # a town, not the subject
    ],
)
def test_a_person_or_place_in_other_roles_is_no_organization(gaz, sentence, person):
    (found,) = _found([sentence], gaz)
    assert not any("organization" in m[4] for m in found)
    if person:
        assert _person(found, person) is not None


def test_two_names_joined_by_and_are_two_people(gaz):
    _first, later = _found(
        [
            "Presidents Leonid Kavun of Molvania and Boris Yeltsin of Russia met on Friday.",
            "Yeltsin and Kavun called for a treaty.",
        ],
        gaz,
        ref="1998-02-27",
    )
    assert {m[1] for m in later if m[2] == "person"} == {"Boris Yeltsin", "Leonid Kavun"}


def test_the_president_is_the_president_named_earlier(gaz):
    _first, later, other = _found(
        [
            "Peruvian President Ivo Brask arrived in Vienna on Monday.",
            "The president and his aides decided to stay.",
            "The president of the bank, the president's son and the president Tomas Ek said so.",
        ],
        gaz,
    )
    assert _person(later, "Ivo Brask")[3] == "Peru"
    assert "'the president' named earlier" in _person(later, "Ivo Brask")[4]
    assert _person(other, "Ivo Brask") is None


def test_a_former_office_holder_is_not_the_office_holder(gaz):
    _, later = _found(["Former Prime Minister Ana Lupu spoke on Monday.", "The prime minister stayed home."], gaz)
    assert not [m for m in later if m[2] == "person"]
