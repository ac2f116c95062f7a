"""The actor gazetteer: every name, alias and color the actor stage matches.

Countries come from maintained packages, so an article about any war gets its
states without curation: pycountry (codes, names, historic states such as the
Soviet Union), babel's CLDR English short names ("Russia", not "Russian
Federation"), countrynames (aliases) and `resources/capitals_demonyms.csv`
(capitals as metonyms, demonyms). `resources/actors.yaml` adds organizations,
armed groups, people, places, colors and period-bound aliases; an analyst's
own YAML can be merged on top. Everything is validated once, at load.

When sources disagree about an alias, the more curated one wins: actors.yaml,
then package names, then capitals/demonyms, then countrynames. Inside one
package source an alias claimed by two countries ("Congolese") is ambiguous
and dropped (listed in `Gazetteer.notes`); inside the YAML it is an error.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from pipeline import loading

RESOURCES = loading.RESOURCES
ACTORS_YAML = RESOURCES / "actors.yaml"
CAPITALS_CSV = RESOURCES / "capitals_demonyms.csv"
#: Government bodies named without their country (FBI, Pentagon, Foreign Office), in actors.yaml's format.
GOVERNMENT_YAML = RESOURCES / "government_bodies.yaml"
#: Leaders news names by surname alone, and the organizations they lead.
LEADERS_YAML = RESOURCES / "leaders.yaml"
#: News agencies (sources, not participants: see pipeline/names.py).
AGENCIES_YAML = RESOURCES / "news_agencies.yaml"
CATEGORIES = ("country", "organization", "armed group", "person", "location")
_KIND = {
    "country": "actor",
    "organization": "actor",
    "armed group": "actor",
    "person": "person",
    "location": "location",
}
_APOSTROPHES = "\u2019\u2018\u02bc\u02bb\u0060\u00b4\u2032"
_HYPHENS = "\u2010\u2011\u2012"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class GazetteerError(loading.ResourceError):
    """A gazetteer file is wrong; the message names the file, the entry and the problem."""

    def __init__(self, message: str, path: str | Path = "") -> None:
        # The messages here already name their file ("actors.yaml: people[3]: ...").
        ValueError.__init__(self, message)
        self.path, self.entry = str(path), None


def _fold_char(ch: str) -> str:
    low = ch.lower()
    if len(low) != 1:  # e.g. 'İ'.lower() has two code points; offsets must not move
        low = ch
    if low in _APOSTROPHES:
        return "'"
    if low in _HYPHENS:
        return "-"
    if low.isascii():
        return low
    base = unicodedata.normalize("NFD", low)[0]
    return base if base.isascii() and base.isalpha() else low


class _FoldTable(dict):
    def __missing__(self, code: int) -> str:
        self[code] = value = _fold_char(chr(code))
        return value


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lowercase, strip accents, unify apostrophes/hyphens; one char out per char in, so offsets hold."""
    return text.lower() if text.isascii() else text.translate(_FOLD)


@dataclass(frozen=True)
class Sense:
    """One meaning of one alias: which entry it names, when, and where the mapping comes from."""

    alias: str
    name: str
    source: str
    valid_from: str | None = None
    valid_to: str | None = None
    capital: str | None = None  # a capital: the place's name when the mention is a location

    @property
    def upper(self) -> tuple[int, ...]:
        """Positions the text must write in capitals ('US' vs 'us', 'Turkey' vs 'turkey')."""
        return tuple(i for i, ch in enumerate(self.alias) if ch.isupper())


@dataclass
class Entry:
    name: str
    category: str
    source: str
    affiliation: str | None = None
    color: str | None = None
    aliases: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return _KIND[self.category]


@dataclass
class Gazetteer:
    entries: dict[str, Entry]
    senses: dict[str, list[Sense]]  # folded alias -> meanings
    location_after: frozenset[str]
    locative_before: frozenset[str]
    actor_after: frozenset[str]
    palette: tuple[str, ...]
    notes: list[str]

    @cached_property
    def automaton(self):
        """The Aho-Corasick automaton over every folded alias, built once per gazetteer."""
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for key, senses in self.senses.items():
            automaton.add_word(key, (len(key), tuple(senses), tuple(s.upper for s in senses)))
        automaton.make_automaton()
        return automaton


# --- loading ---------------------------------------------------------------


def load_gazetteer(extra_paths=()) -> Gazetteer:
    """Build the gazetteer from the packages, actors.yaml, government_bodies.yaml, leaders.yaml and any extra
    YAML files (merged in order)."""
    return _load(tuple(str(p) for p in extra_paths))


def forget_loaded() -> None:
    """Drop cached gazetteers, so edited actor files are read again (the dashboard's rebuild)."""
    _load.cache_clear()  # type: ignore[attr-defined]
    _default.cache_clear()  # type: ignore[attr-defined]


@loading.cached(maxsize=8)
def _load(extra_paths: tuple[str, ...]) -> Gazetteer:
    docs = [(ACTORS_YAML.name, _read_yaml(ACTORS_YAML)), (GOVERNMENT_YAML.name, _read_yaml(GOVERNMENT_YAML))]
    docs.append((LEADERS_YAML.name, _read_yaml(LEADERS_YAML)))
    docs.append((AGENCIES_YAML.name, _read_yaml(AGENCIES_YAML)))
    docs += [(Path(p).name, _read_yaml(Path(p))) for p in extra_paths]
    entries: dict[str, Entry] = {}
    tiers: list[list[Sense]] = [[], [], [], []]  # yaml, package names, capitals/demonyms, countrynames
    _add_countries(entries, tiers, docs)
    for fname, doc in docs:
        _add_curated(entries, tiers[0], fname, doc)
    _check_affiliations(entries, docs)
    for fname, doc in docs:  # phrases that win the longest match and then name nothing
        tiers[0] += [Sense(str(p), "", f"{fname}:ignore_phrases") for p in doc.get("ignore_phrases") or []]
    excluded = {fold(a) for _, doc in docs for a in doc.get("exclude_aliases") or []}
    notes: list[str] = []
    senses = _merge_tiers(tiers, excluded, notes)
    rule: dict[str, set[str]] = {}
    for fname, doc in docs:
        for key, words in (doc.get("capital_rule") or {}).items():
            if key not in ("location_after", "locative_before", "actor_after"):
                raise GazetteerError(f"{fname}: capital_rule: unknown key {key!r}")
            rule.setdefault(key, set()).update(fold(str(w)) for w in words)
    palette = next((tuple(d["palette"]) for _, d in reversed(docs) if d.get("palette")), ())
    for color in palette:
        if not _COLOR.match(str(color)):
            raise GazetteerError(f"palette: {color!r} is not a '#rrggbb' color")
    if not palette:
        raise GazetteerError(f"{ACTORS_YAML.name}: palette is missing")
    return Gazetteer(
        entries,
        senses,
        frozenset(rule.get("location_after", ())),
        frozenset(rule.get("locative_before", ())),
        frozenset(rule.get("actor_after", ())),
        tuple(c.lower() for c in palette),
        notes,
    )


def _read_yaml(path: Path) -> dict:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=loading.SAFE_LOADER) or {}
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise GazetteerError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise GazetteerError(f"{path.name}: the top level must be a mapping")
    allowed = {
        "palette",
        "capital_rule",
        "exclude_aliases",
        "ignore_phrases",
        "countries",
        "actors",
        "people",
        "locations",
    }
    unknown = set(doc) - allowed
    if unknown:
        raise GazetteerError(f"{path.name}: unknown section(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    return doc


def _date(value, where: str) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if not _DATE.match(text):
        raise GazetteerError(f"{where}: date {value!r} is not YYYY-MM-DD")
    return text


def _aliases(raw, name: str, source: str, where: str) -> list[Sense]:
    """The senses of one entry's alias list (strings or {text, valid_from, valid_to, capital})."""
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise GazetteerError(f"{where}: aliases must be a list")
    out = [Sense(name, name, source)]
    for item in raw:
        if isinstance(item, str):
            out.append(Sense(item, name, source))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            unknown = set(item) - {"text", "valid_from", "valid_to", "capital"}
            if unknown:
                raise GazetteerError(f"{where}: alias {item['text']!r}: unknown key(s) {sorted(unknown)}")
            sense = Sense(
                item["text"],
                name,
                source,
                _date(item.get("valid_from"), where),
                _date(item.get("valid_to"), where),
                item.get("capital"),
            )
            if sense.valid_from and sense.valid_to and sense.valid_from > sense.valid_to:
                raise GazetteerError(f"{where}: alias {sense.alias!r}: valid_from is after valid_to")
            out.append(sense)
        else:
            raise GazetteerError(f"{where}: alias {item!r} must be a string or a mapping with 'text'")
    return out


def _country_names(code: str, country, cldr) -> list[str]:
    """English names of a country: CLDR short name first, then pycountry's."""
    names: list[str] = []
    short = cldr.get(code[:2]) if len(code) == 2 else None
    if short and " - " not in short and "SAR" not in short:
        short = short.replace(" & ", " and ")
        paren = re.match(r"^(.*) \((.*)\)$", short)
        names += [paren.group(1), paren.group(2)] if paren else [short]
    for attr in ("common_name", "name", "official_name"):
        value = getattr(country, attr, None)
        if value and "," not in value and "(" not in value:
            names.append(value)
        elif value and attr == "name" and len(code) == 4:  # historic: 'USSR, Union of Soviet ...'
            first, _, rest = (part.strip() for part in value.partition(","))
            names += [first] + ([rest] if rest and not rest.endswith(" of") and "(" not in rest else [])
    return list(dict.fromkeys(names))


def _add_countries(entries: dict[str, Entry], tiers: list[list[Sense]], docs) -> None:
    import countrynames.data
    import pycountry
    from babel import Locale

    cldr = Locale("en").territories
    overrides: dict[str, dict] = {}
    for fname, doc in docs:
        for code, spec in (doc.get("countries") or {}).items():
            if not isinstance(spec, dict):
                raise GazetteerError(f"{fname}: countries: {code}: must be a mapping")
            merged = overrides.setdefault(str(code), {"_aliases": []})
            merged.update({k: v for k, v in spec.items() if k != "aliases"})
            merged.setdefault("_file", fname)  # the first file that names the country
            # Every file adds its aliases (actors.yaml's Moscow, government_bodies.yaml's Pentagon).
            merged["_aliases"].append((fname, spec.get("aliases")))
    countries = {c.alpha_2: c for c in pycountry.countries}
    countries.update({c.alpha_4: c for c in pycountry.historic_countries})
    unknown = set(overrides) - set(countries)
    if unknown:
        raise GazetteerError(
            f"countries: unknown code(s) {sorted(unknown)} (use ISO alpha-2 or pycountry historic alpha-4)"
        )
    capitals = _read_capitals(set(countries))
    for code, country in countries.items():
        names = _country_names(code, country, cldr)
        spec = overrides.get(code, {})
        name = spec.get("name") or (names[0] if names else code)
        source = f"pycountry:{code}"
        if name in entries:  # e.g. a historic 'Burma' next to modern Myanmar: the modern state keeps the name
            continue
        color = spec.get("color")
        if color is not None and not _COLOR.match(str(color)):
            raise GazetteerError(f"{spec['_file']}: countries: {code}: color {color!r} is not '#rrggbb'")
        entries[name] = Entry(name, "country", source, color=color)
        tiers[1] += [Sense(n, name, source) for n in names if n != name]
        tiers[0].append(Sense(name, name, source))
        for fname, aliases in spec.get("_aliases", ()):
            tiers[0] += _aliases(aliases, name, f"{fname}:{code}", f"{fname}: countries: {code}")[1:]
        capital, demonyms = capitals.get(code, ([], []))
        for cap in capital:
            entries.setdefault(cap, Entry(cap, "location", f"{CAPITALS_CSV.name}:{code} capital"))
            tiers[2].append(Sense(cap, name, f"{CAPITALS_CSV.name}:{code} capital", capital=cap))
        for dem in demonyms:
            plural = [dem + "s"] if dem[-1] in "naiou" else []
            tiers[2] += [Sense(d, name, f"{CAPITALS_CSV.name}:{code} demonym") for d in [dem, *plural]]
        tiers[3] += [
            Sense(a, name, f"countrynames:{code}")
            for a in _english_like(countrynames.data.DATA.get(code, []), names + demonyms)
        ]


def _english_like(aliases: list[str], names: list[str]) -> list[str]:
    """countrynames aliases that can be trusted in English text.

    The package mixes languages, regions and case-folded forms ('iran', 'Iron',
    'Norfolk'): keep capitalized Latin-script aliases of 4+ letters, not all
    capitals, that contain a word of the country's English names or demonyms,
    or are one word of 6+ letters starting with the same four letters as one
    ('Turkiye'; shorter ones such as 'Malt', 'Indie' are English words).
    """
    words = {fold(w) for n in names for w in re.findall(r"\w{4,}", n)}
    prefixes = {w[:4] for w in words}
    kept = []
    for alias in aliases:
        if not alias[:1].isupper() or alias.isupper():
            continue
        alias_words = [fold(w) for w in re.findall(r"\w+", alias)]
        if not words.intersection(alias_words) and not (
            len(alias_words) == 1 and len(alias_words[0]) >= 6 and alias_words[0][:4] in prefixes
        ):
            continue
        # Last, as it is the dearest test (a Unicode name per letter): most aliases fail the word test first.
        letters = [c for c in alias if c.isalpha()]
        if len(letters) >= 4 and all("LATIN" in unicodedata.name(c, "") for c in letters):
            kept.append(alias)
    return kept


def _read_capitals(codes: set[str]) -> dict[str, tuple[list[str], list[str]]]:
    lines = [ln for ln in CAPITALS_CSV.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    out = {}
    for n, row in enumerate(csv.DictReader(lines), start=2):
        if row.get("iso2") not in codes:
            raise GazetteerError(f"{CAPITALS_CSV.name}: row {n}: unknown country code {row.get('iso2')!r}")
        split = lambda v: [x.strip() for x in (v or "").split("|") if x.strip()]  # noqa: E731
        out[row["iso2"]] = (split(row["capital"]), split(row["demonym"]))
    return out


_SECTION_CATEGORY = {"people": "person", "locations": "location"}


def _add_curated(entries: dict[str, Entry], senses: list[Sense], fname: str, doc: dict) -> None:
    for section in ("actors", "people", "locations"):
        items = doc.get(section) or []
        if not isinstance(items, list):
            raise GazetteerError(f"{fname}: {section} must be a list")
        for i, item in enumerate(items):
            where = f"{fname}: {section}[{i}]"
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
                raise GazetteerError(f"{where}: an entry needs a 'name'")
            name = item["name"]
            where = f"{where} {name!r}"
            allowed = {"name", "aliases", "color", "category", "affiliation"}
            if set(item) - allowed:
                raise GazetteerError(f"{where}: unknown key(s) {sorted(set(item) - allowed)}")
            category = _SECTION_CATEGORY.get(section) or item.get("category")
            if category not in ("organization", "armed group", "person", "location"):
                raise GazetteerError(f"{where}: category must be 'organization' or 'armed group', not {category!r}")
            if section == "people" and not item.get("affiliation"):
                raise GazetteerError(f"{where}: a person needs an 'affiliation'")
            if item.get("color") is not None and not _COLOR.match(str(item["color"])):
                raise GazetteerError(f"{where}: color {item['color']!r} is not '#rrggbb'")
            entry = entries.get(name)
            if entry is None:
                entry = entries[name] = Entry(name, category, f"{fname}:{name}")
            elif entry.category != category and section != "actors":
                raise GazetteerError(f"{where}: {name!r} is already a {entry.category}")
            entry.category = category if section == "actors" and entry.category != "country" else entry.category
            entry.color = item.get("color") or entry.color
            entry.affiliation = item.get("affiliation") or entry.affiliation
            senses += _aliases(item.get("aliases"), name, f"{fname}:{name}", where)


def _check_affiliations(entries: dict[str, Entry], docs) -> None:
    for name, entry in entries.items():
        if entry.affiliation and (entry.affiliation not in entries or entries[entry.affiliation].kind != "actor"):
            raise GazetteerError(
                f"{entry.source.split(':')[0]}: people: {name!r}: affiliation "
                f"{entry.affiliation!r} is not a known actor (a country, organization or armed group)"
            )


def _overlap(a: Sense, b: Sense) -> bool:
    return (a.valid_from or "0000") <= (b.valid_to or "9999") and (b.valid_from or "0000") <= (a.valid_to or "9999")


def _merge_tiers(tiers: list[list[Sense]], excluded: set[str], notes: list[str]) -> dict[str, list[Sense]]:
    """One list of senses per folded alias; a more curated tier replaces the others for that alias."""
    merged: dict[str, list[Sense]] = {}
    for level, tier in enumerate(tiers):
        claimed = set(merged)
        grouped: dict[str, list[Sense]] = {}
        for sense in tier:
            key = fold(sense.alias)
            if key in claimed or (level > 0 and key in excluded):
                continue
            group = grouped.setdefault(key, [])
            if any(
                s.name == sense.name and s.valid_from == sense.valid_from and s.valid_to == sense.valid_to
                for s in group
            ):
                continue
            group.append(sense)
        for key, group in grouped.items():
            clash = [(a, b) for i, a in enumerate(group) for b in group[i + 1 :] if a.name != b.name and _overlap(a, b)]
            if clash and level == 0:
                a, b = clash[0]
                raise GazetteerError(
                    f"{b.source.split(':')[0]}: alias {a.alias!r} maps to both {a.name!r} "
                    f"({a.source}) and {b.name!r} ({b.source}) in overlapping periods; "
                    "give them valid_from/valid_to or remove one"
                )
            if clash:
                notes.append(f"ambiguous alias {group[0].alias!r} dropped: {sorted({s.name for s in group})}")
                continue
            merged[key] = group
    return merged


# --- what the dashboard needs ------------------------------------------------


@loading.cached(maxsize=1)
def _default() -> Gazetteer:
    return load_gazetteer()


def actor_color(name: str, gazetteer: Gazetteer | None = None) -> str:
    """The actor's color: its YAML color, else a hash of its name into the palette (never order-dependent)."""
    gaz = gazetteer or _default()
    entry = gaz.entries.get(name)
    if entry is not None and entry.color:
        return entry.color.lower()
    digest = hashlib.sha1(name.encode("utf-8")).digest()
    return gaz.palette[int.from_bytes(digest[:4], "big") % len(gaz.palette)]


def gazetteer_table(gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Every entry as a row: name, kind, category, affiliation, color, aliases (';'-joined)."""
    gaz = gazetteer or _default()
    aliases: dict[str, set[str]] = {}
    for senses in gaz.senses.values():
        for s in senses:
            if s.name:
                aliases.setdefault(s.name, set()).add(s.alias)
    rows: dict[str, list] = {"name": [], "kind": [], "category": [], "affiliation": [], "color": [], "aliases": []}
    for name, entry in sorted(gaz.entries.items()):
        rows["name"].append(name)
        rows["kind"].append(entry.kind)
        rows["category"].append(entry.category)
        rows["affiliation"].append(entry.affiliation)
        rows["color"].append(actor_color(name, gaz))
        rows["aliases"].append(";".join(sorted(aliases.get(name, set()) - {name})))
    return pd.DataFrame(rows).astype("string")
