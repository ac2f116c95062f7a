"""Atomic output: a table is complete on disk or not there, and a build's tables are one set.

Each file is written to a temporary file in the target folder and moved into
place with `os.replace`, so a crash or a full disk never leaves a half-written
table. A build writes four files (events, `_evidence`, `_articles`,
`_problems`) that only make sense together (offsets point into the articles
of the same build), so `write_output_set` writes them as one version:

1. the four files go into a new folder `.<stem>.sets/<version>/` next to `--out`;
2. a pointer, `<stem>_set.json` (file names, sizes, SHA-256), is switched to
   that version in one `os.replace`: this is the moment the new set exists;
3. the plain files `<out>`, `<out>_evidence`, ... (what a spreadsheet opens) are
   hard links to the version's files, replaced one by one;
4. versions other than the current and the previous one, and the `.tmp`
   leftovers of a killed build, are removed.

`read_output_set` reads the version the pointer names and checks every hash:
a reader sees the old set or the new one, never a mix, and an inconsistent
set raises `OutputSetError` with what is wrong. `read_table` reads one plain file.
Files get the permissions of the umask (0644 under umask 022), like any file.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd

FORMATS = {".csv", ".parquet"}
#: Rows per Parquet row group: a fixed count, so the bytes do not depend on how the table was put
#: together, and a group is what writing holds in memory ...
ROW_GROUP = 10_000
#: ... fewer for a table of article texts (`text`): 10,000 news texts are 25-50 MB to copy and encode.
TEXT_ROW_GROUP = 1_000
#: The tables of one build, by role; the events table is `--out` itself.
SET_TABLES = ("events", "evidence", "articles", "problems")


class OutputSetError(RuntimeError):
    """The files of an output set do not belong together (or are missing); the message says which."""


class TextSource(Protocol):
    """Where the article texts of a table whose `text` column is left empty are read from (`cache.PackTexts`).

    A big build keeps its texts on disk, not in memory: a table is written a row group at a
    time, each group's texts read as it is written.
    """

    def __len__(self) -> int: ...

    def slice(self, start: int, stop: int) -> list[str | None]:
        """The texts of rows `start` to `stop` (not included)."""
        ...


def row_batches(df: pd.DataFrame, texts: TextSource | None = None, size: int | None = None) -> Iterator[pd.DataFrame]:
    """`df` in slices of `size` rows (default: its row group, `row_group`), each with its `text` column
    filled from `texts` if given."""
    size = size or row_group(df)
    if texts is not None and len(texts) != len(df):
        raise ValueError(f"{len(texts)} texts for {len(df)} rows")
    for start in range(0, max(len(df), 1), size):
        part = df.iloc[start : start + size]
        if texts is not None:
            part = part.assign(text=pd.Series(texts.slice(start, start + len(part)), index=part.index, dtype="string"))
        yield part


def row_group(df: pd.DataFrame) -> int:
    """Rows per Parquet row group (and CSV batch) of a table: fewer when it holds article texts."""
    return TEXT_ROW_GROUP if "text" in df.columns else ROW_GROUP


def sibling(out: Path, table: str) -> Path:
    """Where a companion table goes: data/events.csv -> data/events_evidence.csv."""
    return out.with_name(f"{out.stem}_{table}{out.suffix}")


def problems_path(out: Path) -> Path:
    """The problems list of a build: data/events.csv -> data/events_problems.txt."""
    return out.with_name(f"{out.stem}_problems.txt")


def set_pointer(out: Path) -> Path:
    """The file that names the current set: data/events.csv -> data/events_set.json."""
    return out.with_name(f"{out.stem}_set.json")


def _versions_dir(out: Path) -> Path:
    return out.with_name(f".{out.stem}.sets")


def _plain(out: Path, role: str) -> Path:
    if role == "events":
        return out
    return problems_path(out) if role == "problems" else sibling(out, role)


def write_table(df: pd.DataFrame, path: Path, texts: TextSource | None = None) -> Path:
    """Write `df` as CSV or Parquet (by extension) atomically; its `text` column read from `texts` if given."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"{path}: output must end in .csv or .parquet")
    return _atomic(path, lambda tmp: _write_frame(df, tmp, path.suffix.lower(), texts))


def _write_frame(df: pd.DataFrame, tmp: str, suffix: str, texts: TextSource | None = None) -> None:
    """Write a table a row group at a time (see `row_batches`): the bytes do not depend on where its texts are."""
    if suffix == ".csv":
        # pandas leaves a cell with a lone carriage return unquoted, and every reader then splits the row
        # there: such a table quotes all its text cells. (Texts on disk are read twice: to look, then to write.)
        lone_cr = any(_lone_cr(part) for part in row_batches(df, texts))
        quoting = csv.QUOTE_NONNUMERIC if lone_cr else csv.QUOTE_MINIMAL
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            for n, part in enumerate(row_batches(df, texts)):
                part.to_csv(f, index=False, header=n == 0, quoting=quoting, lineterminator=os.linesep)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        # Row groups of `row_group(df)` rows, each put in one chunk per column: a table put together from many
        # pieces (an incremental build's cached rows, a clean build's chunks) is then written in the same
        # pages, so the bytes are the same; and only one group's text is in memory at a time.
        schema = pa.Schema.from_pandas(df, preserve_index=False)
        with pq.ParquetWriter(tmp, schema) as writer:
            for part in row_batches(df, texts):
                if len(part):
                    table = pa.Table.from_pandas(part, schema=schema, preserve_index=False).combine_chunks()
                    writer.write_table(table, row_group_size=row_group(df))


def _lone_cr(df: pd.DataFrame) -> bool:
    text_columns = [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]
    return any(df[c].astype(str).str.contains("\r", regex=False).any() for c in text_columns)


def write_text(text: str, path: Path) -> Path:
    """Write a text file (the problems list) atomically."""
    return _atomic(Path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def write_bytes(data: bytes, path: Path) -> Path:
    """Write a binary file atomically."""
    return _atomic(Path(path), lambda tmp: Path(tmp).write_bytes(data))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic(path: Path, write) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a written table is an ordinary file
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _fsync(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MB blocks (output sets and cache packs record it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_output_set(
    out: Path,
    events: pd.DataFrame,
    evidence: pd.DataFrame,
    articles: pd.DataFrame,
    problems: list[str],
    texts: TextSource | None = None,
) -> Path:
    """Write a build's four files as one set (see the module docstring); returns the pointer file.

    `texts`: the articles' texts, when `articles` holds none (a cached build reads them from its packs).
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{out}: output must end in .csv or .parquet")
    out.parent.mkdir(parents=True, exist_ok=True)
    versions = _versions_dir(out)
    versions.mkdir(exist_ok=True)
    clean_leftovers(out)
    version = f"{time.time_ns():020d}-{os.urandom(3).hex()}"  # sorts in write order
    staging = versions / f"{version}.tmp"
    staging.mkdir()
    try:
        names = {role: _plain(out, role).name for role in SET_TABLES}
        for role, frame in (("events", events), ("evidence", evidence), ("articles", articles)):
            target = staging / names[role]
            _write_frame(frame, str(target), suffix, texts if role == "articles" else None)
        (staging / names["problems"]).write_text("".join(f"{p}\n" for p in problems), encoding="utf-8")
        mode = 0o666 & ~_umask()
        files = {}
        for role in SET_TABLES:
            path = staging / names[role]
            os.chmod(path, mode)
            _fsync(path)
            files[role] = {"file": names[role], "bytes": path.stat().st_size, "sha256": file_sha256(path)}
        final = versions / version
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    pointer = {"version": version, "format": suffix.lstrip("."), "files": files}
    # The switch: from here on, readers get the new set.
    write_text(json.dumps(pointer, indent=1) + "\n", set_pointer(out))
    for role in SET_TABLES:
        _link_or_copy(final / names[role], _plain(out, role))
    clean_leftovers(out, keep=version)
    return set_pointer(out)


def _link_or_copy(source: Path, target: Path) -> None:
    """Replace `target` with a hard link to `source` (a copy where links are not possible), atomically."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(3).hex()}.tmp")
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o666 & ~_umask())
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def clean_leftovers(out: Path, keep: str | None = None) -> list[Path]:
    """Remove the `.tmp` files and folders of interrupted writes of `out`, and old versions.

    With `keep` (the current version), every other version but the newest
    older one is removed: a reader that opened the previous set a moment ago
    can still finish.
    """
    out = Path(out)
    removed = []
    prefixes = tuple(f".{_plain(out, role).name}." for role in SET_TABLES) + (f".{set_pointer(out).name}.",)
    if out.parent.is_dir():
        for p in out.parent.iterdir():
            if p.name.startswith(prefixes) and p.name.endswith(".tmp") and p.is_file():
                p.unlink(missing_ok=True)
                removed.append(p)
    versions = _versions_dir(out)
    if versions.is_dir():
        done = sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.endswith(".tmp"))
        for p in versions.iterdir():
            if p.name.endswith(".tmp"):
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
                removed.append(p)
        if keep is not None:
            older = [p for p in done if p.name != keep]
            for p in older[:-1]:  # the newest older one stays for readers in flight
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    return removed


@dataclass
class OutputSet:
    """The four files of one build, read together."""

    events: pd.DataFrame
    evidence: pd.DataFrame
    articles: pd.DataFrame
    problems: list[str]
    version: str


def read_output_set(out: Path) -> OutputSet:
    """Read the set `out` belongs to, checking that its files are the ones its pointer names.

    Without a pointer (tables written by an older version, or by hand) the
    plain files are read as they are. Raises OutputSetError when the set is
    incomplete or its files do not match their recorded hashes.
    """
    out = Path(out)
    pointer_file = set_pointer(out)
    if not pointer_file.is_file():
        missing = [p.name for p in (out, sibling(out, "evidence"), sibling(out, "articles")) if not p.is_file()]
        if missing:
            raise OutputSetError(f"{out}: incomplete output, missing {', '.join(missing)}")
        problems_file = problems_path(out)
        problems = problems_file.read_text(encoding="utf-8").splitlines() if problems_file.is_file() else []
        return OutputSet(
            read_table(out), read_table(sibling(out, "evidence")), read_table(sibling(out, "articles")), problems, ""
        )
    try:
        pointer = json.loads(pointer_file.read_text(encoding="utf-8"))
        version, files = pointer["version"], pointer["files"]
        entries = [files[role] for role in SET_TABLES]
    except (ValueError, KeyError, TypeError) as err:
        raise OutputSetError(f"{pointer_file}: not a valid output set pointer ({err}); rebuild") from err
    folder = _versions_dir(out) / version
    paths = {}
    for role, entry in zip(SET_TABLES, entries):
        path = folder / entry["file"]
        if not path.is_file():
            raise OutputSetError(f"{out}: output set {version} is incomplete: {entry['file']} is missing; rebuild")
        if path.stat().st_size != entry["bytes"] or file_sha256(path) != entry["sha256"]:
            raise OutputSetError(
                f"{out}: output set {version} is inconsistent: {entry['file']} is not the file written with it; rebuild"
            )
        paths[role] = path
    return OutputSet(
        read_table(paths["events"]),
        read_table(paths["evidence"]),
        read_table(paths["articles"]),
        paths["problems"].read_text(encoding="utf-8").splitlines(),
        version,
    )


def read_table(path: Path) -> pd.DataFrame:
    """Read a table written by `write_table`, keeping text columns as text."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
