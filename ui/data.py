"""What the dashboard shows: a build of the articles folder, or tables written earlier.

`fingerprint` changes exactly when the inputs of a build change (articles,
manifest, and every resource file: actors, rules, event types), so the page's
`st.cache_data` rebuilds only then. A table written earlier is checked when it
is read: a file that is not a table, missing columns or wrong types are one
clear problem line, never a traceback on the page. Actor colors are computed
here, once per build, and handed to the charts.
TIMELINE_ARTICLES points the page at another folder; TIMELINE_EVENTS_FILE at an
events table written by `python -m pipeline build` (its `_evidence` and
`_articles` siblings next to it), which skips the build.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipeline import loading
from pipeline.build import BuildResult
from pipeline.schema import ARTICLES, EVENTS, EVIDENCE, empty
from pipeline.write import read_output_set, read_table, set_pointer, sibling
from ui.colors import table_colors

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = ROOT / "data" / "articles"
#: Columns without which the dashboard cannot place or describe an event.
REQUIRED = ("event_id", "date", "title")


@dataclass
class Tables(BuildResult):
    """A build's tables, with when it was made and from what (for the briefing footnote)."""

    built_at: str = ""
    source: str = ""
    colors: dict = field(default_factory=dict)


def source() -> str:
    """The folder or events file the page shows (environment, else data/articles)."""
    return os.environ.get("TIMELINE_EVENTS_FILE") or os.environ.get("TIMELINE_ARTICLES") or str(DEFAULT_ARTICLES)


def fingerprint(src: str) -> str:
    """Names, sizes and modification times of the inputs, and the contents of every resource file."""
    path = Path(src)
    files = (
        [path, sibling(path, "evidence"), sibling(path, "articles")]
        if path.is_file()
        else (sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [])
    )
    digest = hashlib.sha1(src.encode())
    for p in files:
        if p.exists():
            st = p.stat()
            digest.update(f"{p.name}|{st.st_size}|{st.st_mtime_ns}".encode())
    digest.update(loading.fingerprint().encode())
    return digest.hexdigest()


def _read(path: Path, table: dict, required: tuple[str, ...] = ()) -> tuple[pd.DataFrame, list[str]]:
    """A table written earlier, conformed to the schema: missing optional columns empty, bad values blank."""
    try:
        df = read_table(path)
    except FileNotFoundError:
        return empty(table), [f"{path.name}: not found"]
    except Exception as exc:  # garbage Parquet, a binary file named .csv, ...
        return empty(table), [f"{path.name}: cannot be read as a table ({type(exc).__name__}: {str(exc)[:120]})"]
    return _conform(df, table, path.name, required)


def _conform(
    df: pd.DataFrame, table: dict, name: str, required: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, list[str]]:
    path = Path(name)
    problems = []
    missing = [c for c in required if c not in df.columns]
    if missing:
        return empty(table), [f"{path.name}: missing required column(s) {', '.join(missing)}"]
    absent = [c for c in table if c not in df.columns]
    if absent:
        problems.append(
            f"{path.name}: no column(s) {', '.join(absent)} (shown empty: a table from an older build; "
            "`python -m pipeline build` fills them)"
        )
    out = pd.DataFrame(index=df.index)
    for name, (dtype, _) in table.items():
        col = df[name] if name in df.columns else pd.Series(pd.NA, index=df.index)
        if dtype in ("Int64", "float64"):
            num = pd.to_numeric(col, errors="coerce")
            bad = int((num.isna() & col.notna()).sum())
            if bad:
                problems.append(f"{path.name}: {bad} value(s) of {name} are not numbers (left blank)")
            out[name] = num.round().astype("Int64") if dtype == "Int64" else num.astype("float64")
        elif dtype == "boolean":
            out[name] = col.astype(str).str.lower().isin(["true", "1"])
        else:
            out[name] = col.astype(object).where(col.notna(), None).map(lambda v: v if v is None else str(v))
            out[name] = out[name].astype("string")
    return out, problems


def load(src: str) -> Tables:
    """Read prebuilt tables, or build them from the folder (problems reported, never raised)."""
    tables = _load(src)
    tables.colors = table_colors(tables.events)
    return tables


def _load(src: str) -> Tables:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    path = Path(src)
    if path.is_file():
        if set_pointer(path).is_file():  # a build's output set: its files are read together, as one version
            try:
                out = read_output_set(path)
            except Exception as exc:
                return Tables(empty(EVENTS), empty(EVIDENCE), empty(ARTICLES), [str(exc)], "cannot read", built_at=now)
            events, problems = _conform(out.events, EVENTS, path.name, REQUIRED)
            evidence, p2 = _conform(out.evidence, EVIDENCE, sibling(path, "evidence").name)
            articles, p3 = _conform(out.articles, ARTICLES, sibling(path, "articles").name)
            problems = list(out.problems) + problems
        else:
            events, problems = _read(path, EVENTS, REQUIRED)
            evidence, p2 = _read(sibling(path, "evidence"), EVIDENCE)
            articles, p3 = _read(sibling(path, "articles"), ARTICLES)
        problems += p2 + p3
        from ui import days

        undated = int(pd.isna(days.parse(events["date"])).sum()) if len(events) else 0
        if undated:
            problems.append(f"{path.name}: {undated} event(s) without a readable date are not shown")
        return Tables(
            events,
            evidence,
            articles,
            problems,
            f"{len(events)} events read from {path.name}" + (f"; {len(problems)} problems" if problems else ""),
            built_at=now,
            source=src,
        )
    from pipeline import gazetteer
    from pipeline.build import build

    if not path.is_dir():
        return Tables(
            empty(EVENTS), empty(EVIDENCE), empty(ARTICLES), [f"{src}: no such folder"], built_at=now, source=src
        )
    loading.clear_caches()  # the fingerprint changed: a resource file may have too
    gazetteer.forget_loaded()  # (its loaders predate `loading.cached`)
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


def store_source() -> str | None:
    """The event store folder the page queries (TIMELINE_STORE), or None: the page holds its own table."""
    return os.environ.get("TIMELINE_STORE") or None


def store_tables(db, opts: dict) -> Tables:
    """What the page needs of a store version besides its queries: articles' metadata, actor colors."""
    articles = db.articles(text=False)
    names = pd.DataFrame({"actors": [";".join(opts["actors"])], "people": [";".join(opts["people"])]})
    version = db.version.name if db.version is not None else ""
    return Tables(
        empty(EVENTS),
        empty(EVIDENCE),
        articles,
        [],
        f"event store {db.store}, version {version}",
        built_at=version.split("-")[1] if version.count("-") >= 2 else "",
        source=str(db.store),
        colors=table_colors(names),
    )


def prepared(rows: pd.DataFrame) -> pd.DataFrame:
    """A store query's rows with the helper columns the charts and the table read (`ui.filters.prepare`)."""
    from ui import filters

    return filters.prepare(rows[list(EVENTS)], empty(EVIDENCE))
