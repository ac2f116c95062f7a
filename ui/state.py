"""The page state in the URL: query parameters <-> widget values <-> `Filters`.

A link reproduces the view: on the first run the widgets take their values
from the query parameters; after every run the parameters are rewritten from
the widgets, listing only what differs from the defaults so links stay short.
Pure functions over plain dicts, so tests need no Streamlit.
"""

from __future__ import annotations

from datetime import date

from ui.filters import Filters

#: Widget key -> query parameter name. List-valued widgets repeat the parameter.
LISTS = {"actors": "actor", "people": "person", "event_types": "type", "articles": "article"}
SCALARS = {
    "actor_mode": "match",
    "text": "q",
    "min_sources": "min_sources",
    "top": "top",
    "view": "view",
    "event": "event",
    "brief_title": "title",
}
FLAGS = {"captions": "captions", "background": "background", "subtracks": "subtracks", "brief": "brief"}
DATES = {"date_from": "from", "date_to": "to", "goto": "on"}
DEFAULTS = {
    "actors": [],
    "people": [],
    "event_types": [],
    "articles": [],
    "actor_mode": "any of",
    "text": "",
    "min_sources": 1,
    "top": 0,
    "view": "Timeline",
    "captions": False,
    "background": False,
    "subtracks": False,
    "brief": False,
    "date_from": None,
    "date_to": None,
    "goto": None,
    "event": "",
    "brief_title": "",
}
VIEWS = ("Timeline", "Actor tracks")


def widgets_from_params(params: dict[str, list[str]], options: dict[str, list[str]]) -> dict:
    """Widget values from query parameters; unknown values are dropped, bad numbers ignored."""
    out = dict(DEFAULTS)
    for key, name in LISTS.items():
        allowed = set(options.get(key, []))
        out[key] = [v for v in params.get(name, []) if v in allowed]
    for key, name in SCALARS.items():
        if params.get(name):
            out[key] = params[name][-1]
    for key, low in (("min_sources", 1), ("top", 0)):
        try:
            out[key] = max(low, int(out[key]))
        except (TypeError, ValueError):
            out[key] = low
    if out["actor_mode"] not in ("any of", "all of"):
        out["actor_mode"] = "all of" if out["actor_mode"] == "all" else "any of"
    if out["view"] not in VIEWS:
        out["view"] = VIEWS[0]
    for key, name in FLAGS.items():
        out[key] = params.get(name, ["0"])[-1] in ("1", "true", "yes")
    for key, name in DATES.items():
        out[key] = _date(params.get(name, [None])[-1])
    return out


def params_from_widgets(values: dict) -> dict[str, list[str] | str]:
    """Query parameters for the current widget values (defaults left out)."""
    out: dict[str, list[str] | str] = {}
    for key, name in LISTS.items():
        if values.get(key):
            out[name] = list(values[key])
    for key, name in SCALARS.items():
        if values.get(key) not in (None, "", DEFAULTS[key]):
            out[name] = str(values[key])
    for key, name in FLAGS.items():
        if values.get(key):
            out[name] = "1"
    for key, name in DATES.items():
        if values.get(key) is not None:
            out[name] = values[key].isoformat()
    return out


def filters_from_widgets(values: dict) -> Filters:
    return Filters(
        actors=tuple(values.get("actors") or ()),
        people=tuple(values.get("people") or ()),
        actor_mode=values.get("actor_mode") or "any of",
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
        event_types=tuple(values.get("event_types") or ()),
        articles=tuple(values.get("articles") or ()),
        min_sources=int(values.get("min_sources") or 1),
        text=values.get("text") or "",
        captions=bool(values.get("captions")),
        background=bool(values.get("background")),
        top=int(values.get("top") or 0),
    )


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
