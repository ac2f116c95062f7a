"""Actor colors: computed once with the tables, at most eight on a chart plus "other".

`table_colors` asks the gazetteer (`pipeline.gazetteer.actor_color`: the actor
file's color, else a hash into its palette) once per build for every actor in
the events. A chart then colors only its eight most active actors and draws
the rest grey as "other actors": more hues than that cannot be told apart, least
of all by color-blind readers. An actor keeps its own color on every chart;
when two of the eight would look alike, the less active one takes the first
free color of the Okabe-Ito set.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from pipeline.schema import split_person

MAX_COLORS = 8
OTHER = "other actors"
OTHER_COLOR = "#9a9a9a"
#: Okabe & Ito (2008), distinguishable with every common color-vision deficiency (yellow left out: unreadable on white).
SAFE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#882255", "#332288", "#117733", "#000000")


def table_colors(events: pd.DataFrame) -> dict[str, str]:
    """'#rrggbb' for every actor of the events table (people: their affiliation's color)."""
    names: set[str] = set()
    for col in ("actors", "people"):
        if col in events:
            for cell in events[col].dropna().astype(str):
                names.update(x.strip() for x in cell.split(";") if x.strip())
    keys = {split_person(n)[1] or n for n in names}
    try:
        from pipeline.gazetteer import actor_color

        table = {k: actor_color(k) for k in sorted(keys)}
    except Exception:  # a broken actor file is reported by the build; draw in the safe set
        table = {k: SAFE[i % len(SAFE)] for i, k in enumerate(sorted(keys))}
    return table | {n: table[split_person(n)[1] or n] for n in names}


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _close(a: str, b: str) -> bool:
    """Too alike to tell apart at a glance (redmean distance)."""
    (r1, g1, b1), (r2, g2, b2) = _rgb(a), _rgb(b)
    rm = (r1 + r2) / 2
    d2 = (2 + rm / 256) * (r1 - r2) ** 2 + 4 * (g1 - g2) ** 2 + (2 + (255 - rm) / 256) * (b1 - b2) ** 2
    return d2 < 90**2


def legend_colors(names: Iterable[str], colors: dict[str, str], max_colors: int = MAX_COLORS) -> dict[str, str]:
    """The first `max_colors` names (most active first) with distinct colors; the rest are left out ("other")."""
    out: dict[str, str] = {}
    for name in names:
        if len(out) >= max_colors:
            break
        color = str(colors.get(name) or "").lower()
        if not color.startswith("#") or len(color) != 7 or any(_close(color, c) for c in out.values()):
            color = next((c for c in SAFE if not any(_close(c, u) for u in out.values())), OTHER_COLOR)
        out[name] = color
    return out
