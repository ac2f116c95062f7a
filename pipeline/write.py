"""Atomic output: a table is complete on disk or not there at all.

Each table is written to a temporary file in the target folder and moved into
place with `os.replace`, so a crash or a full disk never leaves a half-written
table for the dashboard to read.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

FORMATS = {".csv", ".parquet"}


def sibling(out: Path, table: str) -> Path:
    """Where a companion table goes: data/events.csv -> data/events_evidence.csv."""
    return out.with_name(f"{out.stem}_{table}{out.suffix}")


def write_table(df: pd.DataFrame, path: Path) -> Path:
    """Write `df` as CSV or Parquet (by extension) atomically."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"{path}: output must end in .csv or .parquet")
    if path.suffix.lower() == ".csv":
        return _atomic(path, lambda tmp: df.to_csv(tmp, index=False, encoding="utf-8"))
    return _atomic(path, lambda tmp: df.to_parquet(tmp, index=False))


def write_text(text: str, path: Path) -> Path:
    """Write a text file (the problems list) atomically."""
    return _atomic(Path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _atomic(path: Path, write) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_table(path: Path) -> pd.DataFrame:
    """Read a table written by `write_table`, keeping text columns as text."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
