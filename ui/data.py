"""What the dashboard shows: a build of the articles folder, or tables written earlier.

`fingerprint` changes exactly when the inputs of a build change (articles,
manifest, actor files), so the page's `st.cache_data` rebuilds only then.
TIMELINE_ARTICLES points the page at another folder; TIMELINE_EVENTS_FILE at an
events table written by `python -m pipeline build` (its `_evidence` and
`_articles` siblings next to it), which skips the build.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipeline.build import BuildResult
from pipeline.write import read_table, sibling

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = ROOT / "data" / "articles"
ACTOR_FILES = sorted((ROOT / "pipeline" / "resources").glob("actors*.yaml")) + [
    ROOT / "pipeline" / "resources" / "capitals_demonyms.csv"
]


@dataclass
class Tables(BuildResult):
    """A build's tables, with when it was made and from what (for the briefing footnote)."""

    built_at: str = ""
    source: str = ""


def source() -> str:
    """The folder or events file the page shows (environment, else data/articles)."""
    return os.environ.get("TIMELINE_EVENTS_FILE") or os.environ.get("TIMELINE_ARTICLES") or str(DEFAULT_ARTICLES)


def fingerprint(src: str) -> str:
    """Names, sizes and modification times of everything a build reads."""
    path = Path(src)
    files = (
        [path, sibling(path, "evidence"), sibling(path, "articles")]
        if path.is_file()
        else (sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [])
    )
    digest = hashlib.sha1(src.encode())
    for p in [*files, *ACTOR_FILES]:
        if p.exists():
            st = p.stat()
            digest.update(f"{p.name}|{st.st_size}|{st.st_mtime_ns}".encode())
    return digest.hexdigest()


def load(src: str) -> Tables:
    """Read prebuilt tables, or build them from the folder (problems reported, never raised)."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    path = Path(src)
    if path.is_file():
        events = read_table(path)
        evidence, articles = read_table(sibling(path, "evidence")), read_table(sibling(path, "articles"))
        for table in (events, evidence):
            for col in ("sources", "char_start", "char_end"):
                if col in table:
                    table[col] = pd.to_numeric(table[col], errors="coerce").astype("Int64")
            table["caption"] = table["caption"].astype(str).str.lower().isin(["true", "1"])
        return Tables(
            events, evidence, articles, [], f"{len(events)} events read from {path.name}", built_at=now, source=src
        )
    from pipeline import gazetteer
    from pipeline.build import build
    from pipeline.schema import ARTICLES, EVENTS, EVIDENCE, empty
    from ui import charts

    if not path.is_dir():
        return Tables(
            empty(EVENTS), empty(EVIDENCE), empty(ARTICLES), [f"{src}: no such folder"], built_at=now, source=src
        )
    gazetteer.forget_loaded()  # the fingerprint changed: actor files may have too
    charts.gazetteer.cache_clear()
    try:
        result = build(path)
    except Exception as exc:
        return Tables(
            empty(EVENTS),
            empty(EVIDENCE),
            empty(ARTICLES),
            [f"build failed: {exc}"],
            "build failed",
            built_at=now,
            source=src,
        )
    return Tables(
        result.events,
        result.evidence,
        result.articles,
        result.problems,
        result.summary,
        result.stats,
        built_at=now,
        source=src,
    )
