"""Names the gazetteer does not list: people by title and apposition, organizations by head and acronym.

Runs after the gazetteer match of each sentence (`pipeline.actors`), article by
article in reading order, and adds mentions in the MENTIONS shape
(start, end, name, kind, affiliation, source). Every mention says which rule
found it in `source`:

- ``names: acronym defined``: "the Immigration and Naturalization Service (INS)"
  makes INS, for the rest of the article, the same actor as the long form;
- ``names: organization head 'X'``: a capitalized sequence ending in a head
  word from names.yaml ("... Ministry", "... Council", "... Party", ...), or
  starting "Organization of"; one that starts with a country or demonym and
  has a government head is that state's body, and the state is the actor;
- ``names: title 'X'``: "President Fidel Castro", "INS Commissioner Doris
  Meissner"; the affiliation is the country, demonym or organization in the
  title phrase ("Cuban President ...", "Sinn Fein chairman ...");
- ``names: apposition``: "Abdul Amir al-Anbari, Iraq's ambassador ..." and
  "X, the Syrian president";
- ``names: surname of 'X'``: a later "Castro" or "Mr. Baker" is the person of
  that surname named earlier in the article (with their affiliation);
- ``names: capitalized sequence``: two to four capitalized words, one of them
  not an ordinary English word (`common_words.txt`), are a person;
- ``names: group``: "Cuban exiles" is a group of its own, not Cuba; "Canadian
  cents" names no actor;
- ``names: news agency``: TASS, Reuters, AP (news_agencies.yaml, matched by the
  gazetteer) report; their mentions have the kind 'source', which no event takes
  as a participant.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import loading

NAMES_YAML = loading.RESOURCES / "names.yaml"
COMMON_WORDS = loading.RESOURCES / "common_words.txt"


class NamesError(loading.ResourceError):
    """names.yaml or common_words.txt is malformed."""


@dataclass(frozen=True)
class NameRules:
    titles: re.Pattern  # a chain of titles right before a name
    honorifics: frozenset[str]
    org_heads: frozenset[str]
    government_heads: frozenset[str]
    org_starts: tuple[str, ...]
    particles: frozenset[str]
    not_names: frozenset[str]
    acting: frozenset[str]
    not_the_state: frozenset[str]
    no_actor: frozenset[str]
    agencies: frozenset[str]
    common: frozenset[str]
    ordinary: frozenset[str] = frozenset()  # common words and not_names: no name starts with one
    title_affiliation: dict[str, str] = field(default_factory=dict)
    home_institutions: re.Pattern = re.compile(r"(?!)")  # "the government": the dateline country's
    home_titles: frozenset[str] = frozenset()  # offices that, unqualified, are the dateline country's
    org_roles: frozenset[str] = frozenset()  # "the founder of X": X is an organization
    unique_offices: frozenset[str] = frozenset()  # one holder at a time: "the president" is the one named
    title_set: frozenset[str] = frozenset()  # every title, lowercased, words joined by one space
    title_last: frozenset[str] = frozenset()  # the last word of a title: where a look-back starts
    title_longest: int = 1
    org_words: frozenset[str] = frozenset()  # head words and first words of "X of Y" names
    title_words: re.Pattern = re.compile(r"(?!)")


@dataclass
class ArticleNames:
    """What an article has named so far: surnames and acronyms, for later sentences."""

    people: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # surname -> (name, affiliation)
    acronyms: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)  # INS -> (name, kind, aff)
    offices: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # "president" -> (name, aff)
    home: str | None = None  # the actor of the wire dateline ("CANBERRA, Australia (AP)_"): whose a bare office is


_WORD = r"[A-Z][\w'’.&-]*"
_CAPSEQ = re.compile(rf"{_WORD}(?:\s+(?:(?:of|and|for|on|de)\s+)?{_WORD})*")
_ACRONYM_DEF = re.compile(rf"((?:{_WORD}\s+(?:(?:of|and|for|on|the|de)\s+)?)*{_WORD})\s*\(([A-Z][A-Z.&]{{1,7}})\)")
_ACRONYM = re.compile(r"\b[A-Z][A-Z&]{1,7}\b")
_RUN_WORD = re.compile(r"[\w'’.&-]+")
_POSSESSIVE = re.compile(r"(?:'s|’s|'+)$")
#: A wire dateline with its place: "ADDIS ABABA, Ethiopia_ ", "DOHA, Nov 27 (Reuters) - ", "O'SMACH, Cambodia (AP)_",
#: or a paragraph of its own ("NAIROBI, Kenya (AP) _" before a blank line).
DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{2,}(?:,[^()\n_—–]{0,40}?)?\s*(?:\([A-Za-z ]+\))?\s*(?:_|—|–|--|-)(?:\s+|$)")


@loading.cached()
def load_name_rules(
    path: Path = NAMES_YAML,
    common_path: Path = COMMON_WORDS,
    agencies_path: Path = loading.RESOURCES / "news_agencies.yaml",
) -> NameRules:
    data = loading.read_yaml(path)
    if not isinstance(data, dict):
        raise NamesError(path, "the top level must be a mapping")
    try:
        listed = {str(t).lower() for t in data["titles"]}
        # A title's plural stands before several names ("Presidents Boris Yeltsin and Leonid Kuchma").
        plurals = {t + "s" for t in listed if t[-1:].isalpha() and t[-1] not in "sxy"}
        titles = sorted(listed | plurals, key=len, reverse=True)
        groups = data["groups"]
        words = Path(common_path).read_text(encoding="utf-8").split("\n")
    except KeyError as exc:
        raise NamesError(path, f"missing section {exc}") from exc
    except OSError as exc:
        raise NamesError(common_path, f"cannot read: {exc.strerror or exc}") from exc
    alternation = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in titles)
    # A title chain ("Deputy Foreign Minister") ending where a capitalized name starts.
    title_re = re.compile(rf"(?<![\w.])((?:(?:{alternation})(?![\w])\.?\s+)+)(?=[A-Z])", re.I)
    return NameRules(
        titles=title_re,
        honorifics=frozenset(str(t).lower() for t in data.get("honorifics") or ()),
        org_heads=frozenset(str(t).lower().rstrip(".") for t in data["org_heads"]),
        government_heads=frozenset(str(t).lower() for t in data["government_heads"]),
        org_starts=tuple(str(t).lower() for t in data.get("org_starts") or ()),
        particles=frozenset(str(t).lower() for t in data.get("name_particles") or ()),
        not_names=frozenset(str(t).lower() for t in data.get("not_names") or ()),
        acting=frozenset(str(t).lower() for t in groups.get("acting") or ()),
        not_the_state=frozenset(str(t).lower() for t in groups.get("not_the_state") or ()),
        no_actor=frozenset(str(t).lower() for t in groups.get("no_actor") or ()),
        home_institutions=re.compile(
            r"\b(?:[Tt]he|[Ii]ts|[Ii]ts own) ("
            + ("|".join(re.escape(str(t)).replace(r"\ ", r"\s+") for t in groups.get("home") or ()) or "(?!)")
            + r")\b(?!['’]?s?\s+of\b)"
        ),
        agencies=frozenset(str(a["name"]) for a in loading.read_yaml(agencies_path)["actors"]),
        common=(common := frozenset(w.strip() for w in words if w and not w.startswith("#"))),
        ordinary=common | frozenset(str(t).lower() for t in data.get("not_names") or ()),
        title_affiliation={str(k).lower(): str(v) for k, v in (data.get("title_affiliation") or {}).items()},
        home_titles=frozenset(str(t).lower() for t in data.get("home_titles") or ()),
        org_roles=frozenset(str(t).lower() for t in data.get("org_roles") or ()),
        unique_offices=frozenset(str(t).lower() for t in data.get("unique_offices") or ()),
        title_words=re.compile(rf"\b(?:{alternation})\b", re.I),
        title_set=frozenset(titles),
        title_last=frozenset(t.split()[-1] for t in titles),
        title_longest=max(len(t.split()) for t in titles),
        org_words=frozenset(str(t).lower().rstrip(".") for t in data["org_heads"])
        | frozenset(str(t).split()[0].lower() for t in data.get("org_starts") or ()),
    )


def find_names(text: str, known: list[tuple], article: ArticleNames, rules: NameRules | None = None) -> list[tuple]:
    """The sentence's mentions: the gazetteer's (`known`) plus the names found here, in text order.

    `known` and the result hold (start, end, name, kind, affiliation, source)
    with offsets into `text`; `article` is updated with the people and acronyms
    found, for the next sentences of the same article.
    """
    rules = rules or load_name_rules()
    mentions = [m for m in known if not _part_of_another_name(text, m, known, rules)]
    dateline = DATELINE.match(text)
    if dateline and article.home is None:
        article.home = dateline_home(text, known, rules)
    _groups(text, mentions, rules)
    if article.home:
        _home_institutions(text, mentions, article.home, rules)
    _acronyms(text, mentions, article)
    runs = list(_CAPSEQ.finditer(text))
    _organizations(text, runs, mentions, rules)
    if rules.title_last.intersection(text.lower().split()):  # most sentences hold no title at all
        _titled_people(text, list(_RUN_WORD.finditer(text)), mentions, article, rules)
    _bare_names(text, runs, mentions, article, rules)
    if article.offices:
        _office_holders(text, mentions, article)
    mentions = [_as_source(m, rules) for m in mentions]
    if dateline:  # the place a story was filed from is no actor
        mentions = [
            (m[0], m[1], m[2], "location", None, f"{m[5]}; names: dateline")
            if m[1] <= dateline.end() and m[3] != "ignored"
            else m
            for m in mentions
        ]
    mentions.sort()
    return mentions


def dateline_home(text: str, known: list[tuple], rules: NameRules | None = None) -> str | None:
    """The actor a wire dateline names ("CANBERRA, Australia (AP)_" -> Australia), or None."""
    rules = rules or load_name_rules()
    dateline = DATELINE.match(text)
    if not dateline:
        return None
    placed = [m for m in known if m[1] <= dateline.end() and m[3] == "actor" and m[2] not in rules.agencies]
    return placed[-1][2] if placed else None


def _part_of_another_name(text: str, m: tuple, known: list[tuple], rules: NameRules) -> bool:
    """Is this listed surname ("Kerry", "Bush") a part of someone else's name ("Kerry Jones", "Jeb Bush")?

    A surname alone names the listed person only when no other name word is
    written next to it: a capitalized word after it that is no title,
    organization word or other mention, or one before it that is no title
    (and, at the start of a sentence, no ordinary word).
    """
    if m[3] != "person" or " " in text[m[0] : m[1]]:
        return False
    after = re.match(r" ([A-Z][\w'’-]*)", text[m[1] :])
    if after and not any(k[0] <= m[1] + 1 < k[1] for k in known):
        word = _POSSESSIVE.sub("", after.group(1)).lower()
        if word not in rules.title_set and word not in rules.org_words and word not in rules.not_names:
            return True
    before = re.search(r"(?:^|\s)([A-Z][\w'’-]*) $", text[: m[0]])
    if before and not any(k[0] <= before.start(1) < k[1] for k in known):
        word = before.group(1).lower()
        opening = before.start(1) == 0
        if word not in rules.title_set and word not in rules.not_names and not (opening and word in rules.ordinary):
            return True
    return False


def _as_source(m: tuple, rules: NameRules) -> tuple:
    """A news agency reports: it is the event's source, not a participant."""
    if m[3] == "actor" and m[2] in rules.agencies:
        return (m[0], m[1], m[2], "source", None, f"{m[5]}; names: news agency")
    return m


# --- helpers ---------------------------------------------------------------


def _free(mentions: list[tuple], start: int, end: int) -> bool:
    return all(end <= m[0] or m[1] <= start for m in mentions)


def _actor_at(mentions: list[tuple], start: int, end: int) -> tuple | None:
    """The actor (country, organization) mention inside [start, end), last one first."""
    inside = [m for m in mentions if start <= m[0] and m[1] <= end and m[3] == "actor"]
    return inside[-1] if inside else None


def _groups(text: str, mentions: list[tuple], rules: NameRules) -> None:
    """'Cuban exiles' is a group of its own; 'Canadian cents' names nobody. 'Soviet troops' stays the state."""
    for m in list(mentions):
        if m[3] != "actor":
            continue
        nxt = re.match(r"(?:-American)?(?:\s+|-)([a-z]+)", text[m[1] :])
        if not nxt or nxt.group(1) not in rules.not_the_state | rules.no_actor:
            continue
        mentions.remove(m)
        word = nxt.group(1)
        if word in rules.no_actor:
            continue
        end = m[1] + nxt.end()
        mentions.append((m[0], end, f"{text[m[0] : m[1]]} {word}", "actor", None, f"names: group '{word}'"))


def _home_institutions(text: str, mentions: list[tuple], home: str, rules: NameRules) -> None:
    """'the government', 'the police' in a story filed from a country: that country's, acting."""
    for m in rules.home_institutions.finditer(text):
        if _free(mentions, m.start(1), m.end(1)):
            word = " ".join(m.group(1).split())
            mentions.append((m.start(1), m.end(1), home, "actor", None, f"names: '{word}' of the dateline country"))


def _long_form(words: list[re.Match], acr: str) -> tuple[int, int] | None:
    """The span of the words before '(ACR)' whose capitals spell the acronym ("Immigration and ... Service")."""
    caps = [w for w in words if w.group()[:1].isupper()]
    for k in range(1, len(caps) + 1):
        tail = caps[-k:]
        if "".join(w.group()[0] for w in tail) == acr:
            return tail[0].start(), words[-1].end()
    return None


def _acronyms(text: str, mentions: list[tuple], article: ArticleNames) -> None:
    for d in _ACRONYM_DEF.finditer(text) if "(" in text else ():
        acr = d.group(2).replace(".", "")
        words = list(re.finditer(r"[\w'’.&-]+", text[: d.end(1)]))
        words = [w for w in words if w.start() >= d.start(1)]
        span = _long_form(words, acr)
        if span is None:
            continue
        long_start, long_end = span
        long = text[long_start:long_end]
        actor = next((m for m in mentions if m[0] <= long_start < m[1] or long_start <= m[0] < long_end), None)
        if actor is not None and actor[3] in ("actor", "person"):
            article.acronyms.setdefault(acr, (actor[2], actor[3], actor[4]))
        else:
            article.acronyms.setdefault(acr, (long, "actor", None))
            if _free(mentions, long_start, long_end):
                mentions.append((long_start, long_end, long, "actor", None, "names: acronym defined"))
    if not article.acronyms:
        return
    for a in _ACRONYM.finditer(text):
        hit = article.acronyms.get(a.group())
        if hit and _free(mentions, *a.span()):
            name, kind, aff = hit
            mentions.append((a.start(), a.end(), name, kind, aff, f"names: acronym {a.group()} defined earlier"))


def _organizations(text: str, runs: list[re.Match], mentions: list[tuple], rules: NameRules) -> None:
    for seq in runs:
        # Cheap test first: most capitalized runs hold no head word and start no "X of Y".
        if " " not in seq.group():
            continue  # a head alone ("Council") is no name
        plain = seq.group().lower().replace("’s", " ").replace("'s", " ").replace(".", " ").replace("'", " ")
        if rules.org_words.isdisjoint(plain.split()):
            continue
        words = [
            (w.group(), seq.start() + w.start(), seq.start() + w.end())
            for w in re.finditer(r"[^\s.]+(?:\.[^\s.]+)*", seq.group())
        ]
        while words and words[0][0].lower() in ("the", "a", "an"):
            words = words[1:]
        if not words:
            continue
        lowered = [_POSSESSIVE.sub("", w[0]).lower().rstrip(".") for w in words]
        starts_org = any(" ".join(lowered).startswith(s) for s in rules.org_starts)
        heads = [i for i, w in enumerate(lowered) if w in rules.org_heads and words[i][0][:1].isupper()]
        if not heads and not starts_org:
            continue
        last = len(words) - 1 if starts_org else heads[-1]
        if any(m[0] <= words[last][1] < m[1] for m in mentions):
            continue  # the head is part of a known name ("Soviet Union")
        while last > 0 and lowered[0] in rules.common and lowered[0] not in rules.org_heads and not starts_org:
            if any(m[0] <= words[0][1] < m[1] for m in mentions):
                break  # "Soviet Foreign Ministry": the demonym stays
            words, lowered, last = words[1:], lowered[1:], last - 1
        if last == 0:
            continue  # a head alone ("Council") is no name
        start, end = words[0][1], words[last][2] - (len(words[last][0]) - len(_POSSESSIVE.sub("", words[last][0])))
        if not any(m[0] <= start and end <= m[1] for m in mentions) and not starts_org:
            state = _actor_at(mentions, start, words[0][2] + 1)
        else:
            state = None
        if any(m[0] <= start and end <= m[1] for m in mentions):
            continue  # the gazetteer knows the whole name
        head = lowered[last]
        if state is not None and state[4] is None and head in rules.government_heads:
            continue  # "the Soviet Foreign Ministry": the state's own mention stands for it
        name = text[start:end]
        mentions[:] = [m for m in mentions if m[1] <= start or end <= m[0]]
        mentions.append((start, end, name, "actor", None, f"names: organization head '{words[last][0]}'"))


_NAME_TOKEN = re.compile(r"[A-Z]\.(?=\s)|[A-Za-z][\w’'-]*")


def _name_end(text: str, start: int, rules: NameRules) -> int:
    """End of a capitalized person name starting at `start` (at most four words), or `start`."""
    end, count = start, 0
    for w in _NAME_TOKEN.finditer(text, start):
        if w.start() != (end + 1 if count else start) or (count and text[end] != " "):
            break
        word = w.group()
        bare = _POSSESSIVE.sub("", word)
        lower = bare.lower()
        if len(bare) > 1 and bare.isupper() and "." not in bare:
            break  # an acronym is no part of a person's name
        is_particle = lower in rules.particles or (lower.split("-")[0] in rules.particles and "-" in lower)
        if not (bare[:1].isupper() or is_particle) or lower in rules.not_names:
            break
        end = w.start() + len(bare)
        count += 1
        if bare != word or count == 4:
            break
    # A name ends on a capitalized word, not a particle.
    while count and text[start:end].split()[-1].lower() in rules.particles:
        end = start + text[start:end].rstrip().rfind(" ")
        count -= 1
        if end <= start:
            return start
    return end


def _person(text, start, end, aff, source, mentions, article, rules, honorific=False) -> None:
    name = " ".join(text[start:end].split())
    parts = name.split()
    surname = parts[-1]
    earlier = article.people.get(surname)
    if earlier and (len(parts) == 1 or honorific or earlier[0].startswith(parts[0])):
        name, aff = earlier[0], aff or earlier[1]
        source = f"{source}; surname of '{earlier[0]}'"
    elif len(parts) == 1 and honorific:
        pass
    if not _free(mentions, start, end):
        return
    mentions.append((start, end, name, "person", aff, source))
    if len(name.split()) > 1:
        article.people.setdefault(surname, (name, aff))
        if aff and article.people[surname][1] is None and article.people[surname][0] == name:
            article.people[surname] = (name, aff)


def _titles_before(text: str, words: list[re.Match], k: int, rules: NameRules) -> int | None:
    """Start offset of the chain of titles that ends right before word k ("Deputy Foreign Minister"), or None."""
    first = None
    while k > 0:
        for n in range(min(rules.title_longest, k), 0, -1):
            chunk = words[k - n : k + 1]
            # titles and the name are separated by plain spaces only
            if any(text[a.end() : b.start()].strip() for a, b in itertools.pairwise(chunk)):
                continue
            if " ".join(w.group().lower() for w in chunk[:-1]) in rules.title_set:
                first, k = k - n, k - n
                break
        else:
            break
    return words[first].start() if first is not None else None


def _titled_people(
    text: str, words: list[re.Match], mentions: list[tuple], article: ArticleNames, rules: NameRules
) -> None:
    for k in range(1, len(words)):
        w = words[k]
        if not w.group()[:1].isupper() or words[k - 1].group().lower() not in rules.title_last:
            continue
        if w.group().lower() in rules.title_set and k + 1 < len(words) and words[k + 1].group()[:1].isupper():
            continue  # "Attorney General Daryl Williams": the title goes on, the name starts later
        title_start = _titles_before(text, words, k, rules)
        if title_start is None:
            continue
        start = w.start()
        title = " ".join(text[title_start:start].split())
        if not _free(mentions, start, start + 1):
            known = next((m for m in mentions if m[0] == start and m[3] == "person"), None)
            if known is not None:  # "President Bush": a listed leader holds the office
                _hold_office(text, title_start, title, known, article, rules)
            continue
        end = _name_end(text, start, rules)
        if end <= start:
            continue
        t_start = title_start
        # Affiliation: the actor written in or just before the title phrase ("Cuban President", "INS Commissioner").
        actor = _actor_at(mentions, max(0, t_start - 25), start)
        aff = actor[2] if actor is not None and _only_words_between(text, actor[1], t_start) else None
        if aff is None and title[:1].islower():
            aff = _organization_before(text, t_start, mentions, rules)
        if aff is None:
            aff = _of_after(text, end, mentions) or _apposition(text, end, mentions, rules)
        if aff is None and article.home and _home_title(title, rules):
            aff = article.home
        if aff is None:
            aff = next((a for k, a in rules.title_affiliation.items() if title.lower().endswith(k)), None)
        honorific = title.lower() in rules.honorifics
        _person(text, start, end, aff, f"names: title '{title}'", mentions, article, rules, honorific)
        if mentions[-1][0] == start:
            _hold_office(text, title_start, title, mentions[-1], article, rules)


_FORMER = re.compile(r"\b(?:former|ex-|late|then-|acting|outgoing|deputy|vice)\s*$", re.I)


def _hold_office(
    text: str, title_start: int, title: str, person: tuple, article: ArticleNames, rules: NameRules
) -> None:
    """Remember who holds an office ('President Fidel Castro'), so a later 'the president' is that person."""
    office = title.lower()
    if office in rules.unique_offices and not _FORMER.search(text, max(0, title_start - 12), title_start):
        article.offices[office] = (person[2], person[4])


def _office_holders(text: str, mentions: list[tuple], article: ArticleNames) -> None:
    """'the president' is the office's holder named earlier (not 'the president of X', 'the president Y',
    or 'the president's son', who is someone else)."""
    offices = "|".join(re.escape(o).replace(r"\ ", r"\s+") for o in sorted(article.offices, key=len, reverse=True))
    for m in re.finditer(rf"\b[Tt]he\s+({offices})\b(?!\s+of\b)(?!\s+[A-Z])(?!['’]s\b)", text):
        if _free(mentions, m.start(1), m.end(1)):
            name, aff = article.offices[" ".join(m.group(1).lower().split())]
            mentions.append((m.start(1), m.end(1), name, "person", aff, f"names: 'the {m.group(1)}' named earlier"))


def _home_title(title: str, rules: NameRules) -> bool:
    """Is this an office of the country a story is filed from, when written without a nationality?"""
    words = title.lower().split()
    return words[-1] == "minister" or any(" ".join(words[k:]) in rules.home_titles for k in range(len(words)))


def _organization_before(text: str, at: int, mentions: list[tuple], rules: NameRules) -> str | None:
    """'Sinn Fein chairman X': the capitalized words before a lower-case role are the person's organization."""
    m = re.search(rf"((?:{_WORD}\s+){{1,4}})$", text[:at])
    if not m:
        return None
    start, end = m.start(1), m.start(1) + len(m.group(1).rstrip())
    words = text[start:end].split()
    while words and (words[0].lower() in rules.not_names or (start == 0 and words[0].lower() in rules.common)):
        start = text.index(words[1], start) if len(words) > 1 else end
        words = words[1:]
    # Ordinary words written in capitals mid-sentence are a name too ("Green Harbour chairman").
    if not words or (all(w.lower() in rules.common for w in words) and start == 0) or not _free(mentions, start, end):
        return None
    name = text[start:end]
    mentions.append((start, end, name, "actor", None, "names: organization before a role"))
    return name


def _only_words_between(text: str, a: int, b: int) -> bool:
    """Between an actor and a title only possessives, hyphens and plain words ("Iraq's", "U.N.")."""
    gap = text[a:b]
    return not re.search(r"[,;:()\"“”]|\b(?:and|or|with|to|by|from|said|says)\b", gap)


_APPOSITION = re.compile(r",\s+(?:the\s+|a\s+|an\s+)?([^,]{2,60}?)(?:,|$|\s+(?:said|says|told))")


_AND = re.compile(r"\s+and\s+")
_WHOLE = re.compile(r".+", re.S)


def _split_at_and(text: str, runs: list[re.Match]) -> list[re.Match]:
    """'Yeltsin and Kuchma' are two names: people's runs split at 'and' (organizations keep it, see above)."""
    out: list[re.Match | None] = []
    for seq in runs:
        if " and " not in seq.group():
            out.append(seq)
            continue
        at = seq.start()
        for sep in _AND.finditer(text, seq.start(), seq.end()):
            out.append(_WHOLE.match(text, at, sep.start()))
            at = sep.end()
        out.append(_WHOLE.match(text, at, seq.end()))
    return [m for m in out if m]


def _bare_names(
    text: str, runs: list[re.Match], mentions: list[tuple], article: ArticleNames, rules: NameRules
) -> None:
    for seq in _split_at_and(text, runs):
        start = seq.start()
        if _organization_by_context(text, seq, mentions, rules):
            continue
        if " " not in seq.group():  # one word: only a surname named earlier in the article
            word = _POSSESSIVE.sub("", seq.group()).rstrip(".,")
            if word in article.people and _free(mentions, start, start + len(word)):
                _person(text, start, start + len(word), None, "names: surname", mentions, article, rules)
            continue
        # Ordinary words open no name at the start of a sentence ("Then", "Officials"), where every
        # word has a capital; elsewhere a capital is written on purpose ("James E. Ousley").
        skip = rules.ordinary if seq.start() == 0 else rules.not_names
        for w in _RUN_WORD.finditer(text, seq.start(), seq.end()):
            if _POSSESSIVE.sub("", w.group()).rstrip(".").lower() not in skip:
                start = w.start()
                break
        else:
            continue
        if not _free(mentions, start, start + 1):
            continue
        end = _name_end(text, start, rules)
        if end <= start or not _free(mentions, start, end):
            continue
        words = text[start:end].split()
        surname = words[-1]
        if len(words) == 1:
            if surname in article.people:
                _person(text, start, end, None, "names: surname", mentions, article, rules)
            continue
        if (
            all(w.lower().rstrip(".") in rules.common for w in words)
            or words[-1].lower().rstrip(".") in rules.org_heads
        ):
            continue
        if text[max(0, start - 4) : start].lower() == "the ":
            # "the Khmer Rouge": a name written with an article is a group, not a person
            if words[-1].lower() not in rules.common:
                mentions.append((start, end, " ".join(words), "actor", None, "names: capitalized sequence after 'the'"))
            continue
        aff = _apposition(text, end, mentions, rules)
        _person(
            text,
            start,
            end,
            aff,
            "names: apposition" if aff else "names: capitalized sequence",
            mentions,
            article,
            rules,
        )


_WHICH_AFTER = re.compile(r",\s+which\b")
_ROLE_OF_BEFORE = re.compile(r"\b([a-z-]+)\s+of\s+(?:the\s+)?$")


def _organization_by_context(text: str, seq: re.Match, mentions: list[tuple], rules: NameRules) -> bool:
    """A name no person bears: 'the founder of X' (names.yaml: org_roles) and a subject 'X, which ...'."""
    name = _POSSESSIVE.sub("", seq.group()).rstrip(".,")
    start, end = seq.start(), seq.start() + len(name)
    if not name or not _free(mentions, start, end):
        return False
    words = [w.lower() for w in name.split()]
    if words[0] in rules.not_names:
        return False
    # Ordinary words capitalized mid-sentence after "founder of" are written as a name on purpose.
    ordinary = all(w in rules.ordinary for w in words) and (start == 0 or len(words) == 1)
    role = _ROLE_OF_BEFORE.search(text, 0, start)
    if role and role.group(1) in rules.org_roles and not ordinary:
        why = f"organization after '{role.group(1)}'"
    elif start == 0 and _WHICH_AFTER.match(text, end) and not all(w in rules.ordinary for w in words):
        why = "organization before ', which'"
    else:
        return False
    mentions.append((start, end, name, "actor", None, f"names: {why}"))
    return True


def _apposition(text: str, end: int, mentions: list[tuple], rules: NameRules) -> str | None:
    """'X, Iraq's ambassador to the U.N.,' / 'X, deputy director of the Y': the first actor of a role apposition."""
    app = _APPOSITION.match(text, end)
    if not app or not rules.title_words.search(app.group(1)):
        return None
    inside = [m for m in mentions if app.start(1) <= m[0] and m[1] <= app.end(1) and m[3] == "actor"]
    return inside[0][2] if inside else None


def _of_after(text: str, end: int, mentions: list[tuple]) -> str | None:
    """'Bishop Henry Mansell of the Archdiocese of Buffalo': the actor right after 'of (the)'."""
    m = re.match(r"\s+of\s+(?:the\s+)?", text[end:])
    if not m:
        return None
    at = end + m.end()
    hit = next((x for x in mentions if x[0] == at and x[3] == "actor"), None)
    return hit[2] if hit else None


def _word_at(text: str, i: int) -> str:
    m = re.match(r"[\w'’.-]+", text[i:])
    return _POSSESSIVE.sub("", m.group()).rstrip(".") if m else ""
