"""pipeline.timex: real sentences from the seed articles and error classes, fixed DCTs."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from pipeline.__main__ import main as cli
from pipeline.dates import find_timexes
from pipeline.timex import tag_timexes


def _values(text, dct):
    return {t["text"]: t["value"] for t in find_timexes(text, dct)}


# (sentence, publication date, expression, expected TIMEX3 value)
CASES = [
    # seed articles
    (
        "Iran and Russia, once staunch allies of fallen Syrian leader Bashar al-Assad, appeared on Sunday to walk "
        "a fine diplomatic line",
        "2024-12-08",
        "Sunday",
        "2024-12-08",
    ),
    (
        "It said it was also doing all it could to ensure the safety of Russian citizens in Syria, whom the embassy "
        "on Friday advised to leave the country.",
        "2024-12-08",
        "Friday",
        "2024-12-06",
    ),
    ("as declared by Kremlin spokesman Dmitry Peskov on Dec. 16 (source).", "2024-12-17", "Dec. 16", "2024-12-16"),
    ("Since 2015, Russia has provided significant military support to the former regime", "2024-12-17", "2015", "2015"),
    (
        "wave flags in Syria's northwestern city of Idlib, on Aug. 20, 2021.",
        "2024-12-17",
        "Aug. 20, 2021",
        "2021-08-20",
    ),
    (
        "A delegation of Russian diplomats arrived in Damascus last Tuesday to discuss the future",
        "2025-02-02",
        "last Tuesday",
        "2025-01-28",
    ),
    (
        "In July, Russian President Vladimir Putin held a meeting with Syria's former leader",
        "2024-12-10",
        "July",
        "2024-07",
    ),
    ("the sudden collapse of the Damascus government last week, as declared", "2024-12-17", "last week", "2024-W50"),
    (
        "The Kremlin was largely silent on Sunday morning as Islamist-led rebels announced",
        "2024-12-08",
        "Sunday morning",
        "2024-12-08TMO",
    ),
    # error classes, sentences written for the test
    ("Elections will be held in March.", "2024-12-10", "March", "2025-03"),
    ("The company expects a profit in the fourth quarter.", "1989-10-26", "the fourth quarter", "1989-Q4"),
    ("The deal should close by the end of the year.", "2024-12-10", "the end of the year", "2024"),
    ("Prices rose in the 1990s.", "2024-12-10", "the 1990s", "199"),
    ("Sales fell earlier this month.", "2024-12-10", "earlier this month", "2024-12"),
    ("He spoke at 2 p.m. on Feb. 13, 1998.", "1998-02-14", "2 p.m. on Feb. 13, 1998", "1998-02-13T14:00"),
    ("The truce lasted from May 15 to August 16, 1988.", "1990-01-01", "May 15", "1988-05-15"),
    ("The truce lasted from May 15 to August 16, 1988.", "1990-01-01", "August 16, 1988", "1988-08-16"),
    ("It happened three years ago.", "1998-01-08", "three years ago", "1995"),
    ("It happened a decade ago.", "1999-03-12", "a decade ago", "1989"),
    ("In the last twenty four hours, markets fell.", "1998-01-08", "the last twenty four hours", "PT24H"),
    ("We met last summer.", "1998-03-01", "last summer", "1997-SU"),
    ("The plan covers fiscal 1989.", "1989-10-26", "fiscal 1989", "1989"),
    ("Troops left in late 1948.", "1950-01-01", "late 1948", "1948"),
    # weekdays: tense cues count only before the date, within its comma clause
    ("The relatives will look for ways to get around Wednesday's ruling.", "2000-01-07", "Wednesday", "2000-01-05"),
    ("The group would be ready to leave as soon as Tuesday.", "2000-04-03", "Tuesday", "2000-04-04"),
    ("They will appeal the decision, announced Wednesday by the INS.", "2000-01-07", "Wednesday", "2000-01-05"),
    # a deadline put off or given lies ahead; a span that lasted until a day does not
    ("Officials postponed until Tuesday any ruling on the permit.", "2000-03-30", "Tuesday", "2000-04-04"),
    (
        "The agency has given the family until 9 a.m. Tuesday to sign.",
        "2000-04-03",
        "9 a.m. Tuesday",
        "2000-04-04T09:00",
    ),
    ("The fighting lasted until Tuesday.", "2000-04-03", "Tuesday", "2000-03-28"),
    # what is supposed to happen lies ahead; what was supposed to, not
    ("The talks are supposed to conclude by May.", "1998-03-22", "May", "1998-05"),
    ("The talks were supposed to conclude in May.", "1998-03-22", "May", "1997-05"),
    # months without a year: tense, else the nearest, leaning to the past
    ("Sales fell in February.", "1989-10-30", "February", "1989-02"),
    ("The merger is set to close in January.", "1989-10-30", "January", "1990-01"),
    ("The talks resume in November.", "1999-05-06", "November", "1998-11"),
    ("The Times said in an editorial on Monday, Oct. 26:", "1998-10-25", "Monday, Oct. 26", "1998-10-26"),
    # quarters and years
    ("Third-quarter profit rose 5% from a year ago.", "1989-10-26", "a year ago", "1988-Q3"),
    ("Third-quarter profit rose. Last year the company lost money.", "1989-10-26", "Last year", "1988"),
    ("It expects a gain in next year's first quarter.", "1989-10-31", "next year's first quarter", "1990-Q1"),
    ("Throughout 1915-17, the British Empire suffered.", "2009-12-19", "17", "1917"),
    ("Oil fell to the level we saw in nineteen ninety-four.", "1998-02-23", "nineteen ninety-four", "1994"),
    ("The plant closed a decade ago.", "1999-03-12", "a decade ago", "1989"),
    ("Prices doubled several years ago.", "1998-02-13", "several years ago", "PAST_REF"),
    # tense: the cue nearest the date wins, a clause ends before closing quotes,
    # a participle after "be" is no past
    (
        "The agency will take over the boy, who was found at sea in late November.",
        "2000-04-05",
        "late November",
        "1999-11",
    ),
    (
        'Analysts said "demand will weaken in the spring." Exports fell in December.',
        "1998-02-06",
        "December",
        "1997-12",
    ),
    ("A ceremony would still be held on April 24.", "1999-02-10", "April 24", "1999-04-24"),
    # months with a named year, weekends, look-backs with a modifier
    ("The rebels split in June last year.", "1998-02-19", "June last year", "1997-06"),
    ("The treaty was ratified in February this year.", "1998-12-03", "February this year", "1998-02"),
    ("Officials confirmed over the weekend that a carrier had sailed.", "1990-08-13", "the weekend", "1990-W32-WE"),
    ("The vote will be held after the weekend.", "1990-08-13", "the weekend", "1990-W33-WE"),
    ("The border was closed nearly four years ago.", "1998-03-01", "nearly four years ago", "1994"),
    ("Investors sold shares after yesterday's announcement.", "1989-10-26", "yesterday", "1989-10-25"),
    ("The offer was extended until 5 p.m. EST Nov. 9.", "1989-11-02", "5 p.m. EST Nov. 9", "1989-11-09T17:00"),
    # TimeML: the duration before an event, the adjectives current and recent
    ("Police saw the van ten days before the attack.", "1999-04-19", "ten days", "P10D"),
    ("Sales suffered from current market conditions.", "1989-10-30", "current", "PRESENT_REF"),
    ("The recent sale of the unit helped.", "1989-10-30", "recent", "PAST_REF"),
    ("Growth should reach 3% in the current year.", "1989-10-26", "the current year", "1989"),
    # March after a preposition is the month; year-end; spoken years; later in the day
    ("The chairman resigned in March for health reasons.", "1989-11-02", "March", "1989-03"),
    ("The merger should close by year-end.", "1989-11-02", "year-end", "1989"),
    (
        "The pledge to halve unemployment by the year two thousand was dropped.",
        "1998-02-05",
        "the year two thousand",
        "2000",
    ),
    (
        "The minister landed on Tuesday. Later in the day he met the king.",
        "1998-02-13",
        "Later in the day",
        "1998-02-10",
    ),
    # the era written once after a range, BC months, seasons, decades, centuries
    ("The revolt lasted from 499 to 493 BC.", "2009-12-19", "499", "BC0499"),
    ("The army crossed the strait in April 480 BC.", "2009-12-19", "April 480 BC", "BC0480-04"),
    ("The congress met again in the spring of 480 BC.", "2009-12-19", "the spring of 480 BC", "BC0480-SP"),
    ("The league fought on throughout the 470s BC.", "2009-12-19", "the 470s BC", "BC047"),
    ("The city was founded in the 9th century BC.", "2009-12-19", "the 9th century BC", "BC08"),
    ("The last war (149 B.C to 146 B.C) destroyed the city.", "2009-12-19", "149 B.C", "BC0149"),
    ("The revolt lasted from 499 to 493 BC.", "2009-12-19", "493 BC", "BC0493"),
    # a year written once after two months; parts of day of a date or of the text's last day
    ("The armies clashed in August and September 1914.", "2009-12-19", "August", "1914-08"),
    ("Losses between March and April 1918 were heavy.", "2009-12-19", "March", "1918-03"),
    ("Troops marched on the night of April 18, 1775.", "2009-12-19", "the night of April 18, 1775", "1775-04-18TNI"),
    (
        "The president was shot on April 14, 1865, and died early the next morning.",
        "2009-12-19",
        "early the next morning",
        "1865-04-15TMO",
    ),
    (
        "The fortress fell on July 14, 1789. That afternoon the crowd grew.",
        "2009-12-19",
        "That afternoon",
        "1789-07-14TAF",
    ),
    # earnings reports: the latest period is the latest quarter, and the year-ago
    # period is a year before the quarter reported, not before background quarters
    ("Sales in the latest period rose 13%.", "1989-11-02", "the latest period", "1989-Q3"),
    (
        "Third-quarter net rose. After a flat second quarter, costs fell from the year-earlier period.",
        "1989-11-01",
        "the year-earlier period",
        "1988-Q3",
    ),
    # ... but after a longer period ("the first nine months") a year back is a year
    (
        "Third-quarter net rose 5%. In the first nine months, net was $306 million, up from $250 million a year earlier.",
        "1989-11-02",
        "a year earlier",
        "1988",
    ),
    # a schedule ("is to", "set to") puts a bare weekday ahead of the publication date
    ("Trading in the shares is to resume Tuesday in Paris.", "1989-10-27", "Tuesday", "1989-10-31"),
    ("The talks, set to resume Monday in Belfast, were in doubt.", "1998-03-22", "Monday", "1998-03-23"),
    ("Trading resumed Tuesday in Paris.", "1989-10-27", "Tuesday", "1989-10-24"),
    # a scheduling verb in the present right before the day: the coming one
    ("He and Arafat meet separately Monday with the envoy.", "1998-05-01", "Monday", "1998-05-04"),
    ("The talks open on Tuesday in Oslo.", "1998-05-01", "Tuesday", "1998-05-05"),
    ("He and Arafat met separately Monday with the envoy.", "1998-05-01", "Monday", "1998-04-27"),
    # a day just ahead of the publication date in a past clause is a deadline set, not last year's day
    ("The offer was extended to Nov. 16.", "1989-10-30", "Nov. 16", "1989-11-16"),
    ("The offer was made on Dec. 20.", "1989-10-30", "Dec. 20", "1988-12-20"),
    # "of today" after a noun is an age ("the people of tomorrow"), except where it names the day
    ("The new rates apply as of today.", "1989-11-02", "today", "1989-11-02"),
    ("The vote is expected by the end of tomorrow.", "1989-11-02", "tomorrow", "1989-11-03"),
]


@pytest.mark.parametrize("text,dct,expr,value", CASES)
def test_sentence(text, dct, expr, value):
    found = _values(text, dct)
    assert found.get(expr) == value, found


# look-alikes: no timex at all, or none covering this word
@pytest.mark.parametrize(
    "text",
    [
        "In an unexpected turn, it appears that Putin may have brokered a tacit understanding with HTS forces",
        "We march on.",
        "She sat down.",
        "Sun Microsystems said so.",
        "Theresa May said so.",
        "It came second in the vote.",
        "A 9-year-old boy was rescued.",
        "They joined the annual March for Life.",
        "Foreign Minister Jan Kavan signed.",
        "The party daily Granma wrote so.",
        "The quarter-to-quarter comparison improved.",
        "She spoke of the schools of tomorrow.",
    ],
)
def test_look_alikes(text):
    assert find_timexes(text, "2024-12-10") == []


def test_preceding_weeks_is_not_a_day():
    found = find_timexes("Russia repositioned assets in the preceding weeks.", "2024-12-10")
    assert all(len(t["value"]) != 10 for t in found)


def test_mod_is_kept_and_span_includes_it():
    (t,) = find_timexes("By early October, Poland was divided.", "1939-12-01")
    assert (t["text"], t["value"], t["mod"]) == ("early October", "1939-10", "START")


_WAR_1941 = (
    "The war began on June 22, 1941. Kiev fell on September 19, 1941. The siege started on "
    "September 8, 1941. By 1942 the front had moved. "
)


# A history (dates far from its publication date) counts from its own last date.
@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "On September 1, 1939, Germany attacked Poland. On September 17, 1939, the Soviets followed. "
            "Warsaw fell on September 28, 1939. By 1940 it held Denmark. In April, it invaded "
            "Norway. The following year it fell.",
            {"April": "1940-04", "The following year": "1941"},
        ),
        (_WAR_1941 + "In the summer the army attacked the Caucasus.", {"the summer": "1942-SU"}),
        # a history moves on: the month after the turn of the year is the next year's, others its own year's
        (
            _WAR_1941 + "The counter-attack began in December. In January the front held. In November it broke.",
            {"December": "1942-12", "January": "1943-01", "November": "1943-11"},
        ),
        # a look back does not move the story's time
        (
            _WAR_1941 + "Its general had fought there two decades earlier. In March the army attacked.",
            {"two decades earlier": "1922", "March": "1942-03"},
        ),
        # nor does a plan: "a planned campaign in 1976" is not the story's year
        (
            _WAR_1941 + "Its generals planned to win the war in 1943. The army collapsed on 11 March.",
            {"11 March": "1942-03-11"},
        ),
        # nor does the end of a span told in passing ...
        (
            _WAR_1941 + "The siege lasted until the fall of the city in February 1944. In June the army attacked.",
            {"February 1944": "1944-02", "June": "1942-06"},
        ),
        # ... nor the start of one: "since" a date reaches back to background
        (
            _WAR_1941 + "The fort had been held since May 1939. In June the army attacked.",
            {"May 1939": "1939-05", "June": "1942-06"},
        ),
        # ("since" before a comma is not about the date after it)
        (
            _WAR_1941 + "The army, weakened since the winter, attacked in June 1943. In July it advanced.",
            {"June 1943": "1943-06", "July": "1943-07"},
        ),
        # nor does a date that modifies a noun
        (
            _WAR_1941 + "Output passed the May 1939 level. In June the army attacked.",
            {"May 1939": "1939-05", "June": "1942-06"},
        ),
        # nor does one in parentheses
        (
            _WAR_1941 + "The losses (counted as of May 1949) were high. In June the army attacked.",
            {"May 1949": "1949-05", "June": "1942-06"},
        ),
        # ... unless it is the first date of the text
        (
            "The truce held until 14 March 1980, and tension rose in April. The war began on 22 September 1980. "
            "Basra was shelled on 17 October 1980. Khorramshahr fell on 24 October 1980. In May the front held.",
            {"April": "1980-04", "May": "1980-05"},
        ),
        # a history before Christ counts from its own years too (BC years run backwards)
        (
            "The revolt broke out in 499 BC. Sardis burned in 498 BC. The fleet was lost in 494 BC. "
            "Miletus fell in 493 BC. The following year a new army crossed into Thrace. "
            "In the summer it reached Macedon.",
            {"The following year": "BC0492", "the summer": "BC0492-SU"},
        ),
    ],
)
def test_narrative_dates_count_from_the_text(text, expected):
    found = _values(text, "2009-12-19")
    assert {k: found.get(k) for k in expected} == expected


def test_part_of_day_needs_a_day_to_count_from():
    """'the next morning' after a bare year is no day of that year (not '1990TMO')."""
    found = _values("He was arrested in 1990 and appeared in court the next morning.", "2000-02-24")
    assert found["the next morning"] == "XXXX-XX-XXTMO"


def test_tag_timexes_uses_article_offsets():
    sentences = pd.DataFrame(
        {
            "article": ["a.txt"],
            "sentence_id": [3],
            "start": [100],
            "end": [130],
            "text": ["HTS captured Damascus on Sunday."],
            "caption": [False],
        }
    )
    df = tag_timexes(sentences)
    assert list(df.columns) == [
        "article",
        "sentence_id",
        "start",
        "end",
        "text",
        "type",
        "value",
        "mod",
        "rule",
        "tense",
    ]
    row = df.iloc[0]
    assert (row["start"], row["end"], row["value"], row["rule"]) == (125, 131, "UNDEF-weekday-7-past", "date_weekday")


def test_cli_prints_json_lines(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text("Café news: on Dec. 16 the Kremlin spoke.", encoding="utf-8")
    assert cli(["timex", "--dct", "2024-12-17", str(f)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line) == {"start": 14, "end": 21, "text": "Dec. 16", "type": "DATE", "value": "2024-12-16"}


def test_cli_help_names_every_option():
    out = subprocess.run([sys.executable, "-m", "pipeline", "timex", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "--dct" in out.stdout and "--rules" in out.stdout


def test_cli_rules_flag_names_the_rule(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text("Officials met on Sunday.", encoding="utf-8")
    assert cli(["timex", "--rules", "--dct", "2024-12-10", str(f)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["value"] == "2024-12-08" and json.loads(line)["rule"]


@pytest.mark.parametrize("dct", ["2024-13-45", "yesterday", "2024-02-30"])
def test_cli_bad_dct_is_one_clear_line(tmp_path, capsys, dct):
    f = tmp_path / "a.txt"
    f.write_text("Officials met on Sunday.", encoding="utf-8")
    assert cli(["timex", "--dct", dct, str(f)]) == 2
    err = capsys.readouterr().err
    assert "--dct" in err and "Traceback" not in err


def test_cli_non_utf8_file_is_one_clear_line(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_bytes("Le président a parlé dimanche.".encode("cp1252"))
    assert cli(["timex", str(f)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_tag_timexes_keeps_matches_inside_sentences():
    text = "Talks ended in May. 15 people were hurt on Friday."
    sentences = pd.DataFrame(
        {
            "article": ["a.txt", "a.txt", "b.txt"],
            "sentence_id": [0, 1, 0],
            "start": [0, 20, 5],
            "end": [19, 50, 11],
            "text": [text[:19], text[20:], "Monday"],
            "caption": [False] * 3,
        }
    )
    df = tag_timexes(sentences)
    rows = list(zip(df["article"], df["sentence_id"], df["start"], df["end"], df["text"]))
    assert rows == [("a.txt", 0, 15, 18, "May"), ("a.txt", 1, 43, 49, "Friday"), ("b.txt", 0, 5, 11, "Monday")]


def test_irregular_past_verbs_put_a_month_in_the_past():
    """'withdrew ... in February', written in December: last February, not the coming one."""
    text = "Ukrainian forces withdrew from the eastern town of Avdiivka in February after months of fighting."
    assert {t["text"]: t["value"] for t in find_timexes(text, "2023-12-15")}["February"] == "2023-02"


class _CountingPattern:
    """A compiled pattern that adds up how many characters its searches were given."""

    def __init__(self, pattern, counter):
        self.pattern, self.counter = pattern, counter

    def _count(self, text, pos=0, endpos=None):
        self.counter[0] += (len(text) if endpos is None else min(endpos, len(text))) - pos

    def finditer(self, text, pos=0, endpos=None):
        self._count(text, pos, endpos)
        return self.pattern.finditer(text, pos, len(text) if endpos is None else endpos)

    def search(self, text, pos=0, endpos=None):
        self._count(text, pos, endpos)
        return self.pattern.search(text, pos, len(text) if endpos is None else endpos)


@pytest.mark.parametrize("unit", ["Sunday ", "May 5 ", "troops will return on Sunday and left "])
def test_tense_cues_are_scanned_once_on_text_without_sentence_punctuation(unit, monkeypatch):
    from pipeline.timex import Ruleset, load_rules, scan

    counter = [0]
    real = Ruleset.cue
    monkeypatch.setattr(Ruleset, "cue", lambda self, name: _CountingPattern(real(self, name), counter))
    text = unit * (30_000 // len(unit))  # one clause of 30,000 characters, hundreds of dates
    found = scan(text, load_rules())
    assert len(found) > 500
    # Each cue list looks at each character about once: not once per date.
    assert counter[0] <= 4 * len(text), counter[0]


@pytest.mark.slow
def test_a_long_unpunctuated_text_is_tagged_in_linear_time():
    import time

    from pipeline.timex import load_rules, scan

    rs = load_rules()
    scan("on Sunday", rs)
    text = "Sunday May 5 " * (200_000 // 13)
    started = time.perf_counter()
    assert len(scan(text, rs)) > 10_000
    assert time.perf_counter() - started < 30  # was minutes: every date rescanned its whole clause


@pytest.mark.parametrize(
    "text",
    ["signed on 30 February 2024", "on February 29, 2023", "on April 31", "the 31st of June, 1990", "2024-02-30"],
)
def test_impossible_calendar_days_are_not_dates(text):
    assert find_timexes(f"The treaty was {text} in Geneva.", "2024-12-10") == []


@pytest.mark.parametrize(
    "text,value",
    [("on 8 December 2124", "2124-12-08"), ("on December 8, 2124", "2124-12-08"), ("on 1 May 3000", "3000-05-01")],
)
def test_a_full_date_far_in_the_future_keeps_its_year(text, value):
    assert _values(f"The capsule will be opened {text}.", "2024-12-10") == {text[3:]: value}


@pytest.mark.parametrize(
    "text,expected",
    [
        # a day counted from a month: a day of that month, its number unknown
        ("The clinic was attacked in October 1997. The site was taken down that same day.", {"same day": "1997-10-XX"}),
        ("The army crossed the river in June 1812 and the town fell the next day.", {"the next day": "1812-06-XX"}),
        # counted from a day, it is a day
        (
            "The clinic was attacked on October 23, 1997. The site was taken down that same day.",
            {"same day": "1997-10-23"},
        ),
        # counted from a year, the year (as before)
        ("The war began in 1941. That day the city fell.", {"That day": "1941"}),
    ],
)
def test_a_day_counted_from_a_month_is_a_day_of_that_month(text, expected):
    found = _values(text, "1999-02-06")
    assert {k: found.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    "year,sunday",
    [(1916, "1916-04-23"), (1972, "1972-04-02"), (2000, "2000-04-23"), (2024, "2024-03-31"), (2038, "2038-04-25")],
)
def test_easter_sunday_follows_the_gregorian_computus(year, sunday):
    from pipeline.timex.values import easter_sunday

    assert easter_sunday(year).isoformat() == sunday


@pytest.mark.parametrize(
    "year,day", [(2004, "2004-11-02"), (2005, "2005-11-08"), (2006, "2006-11-07"), (2012, "2012-11-06")]
)
def test_a_holiday_can_fall_days_after_an_nth_weekday(year, day):
    from pipeline.timex.values import nth_weekday

    assert nth_weekday(year, 11, "1", 1, days_after=1).isoformat() == day  # Election Day
