"""Read a folder of articles (*.txt, *.html, *.htm + manifest.csv) into `articles`.

Writes `articles`: article (file name), title, source, url, published
(YYYY-MM-DD or <NA>), published_basis ('manifest', 'manifest (estimated)',
'page metadata' or 'missing'), published_note, format ('txt' | 'html'), text.
All later offsets point into `text`, which is the decoded file (line endings
made '\\n') or, for a web page, the main text trafilatura extracts.

`read_articles` / `iter_articles` are the only functions here that touch
files; decoding, HTML extraction and manifest checks are pure functions.
Bad input never stops the build: each file that cannot be used is skipped or
repaired, with a one-line message "<file>: <what happened>; <what we did>"
in `problems`. A missing publication date stays <NA>; `resolve.infer_published`
infers it later from the dates in the text.

Web pages go through `pipeline.webpage.extract_html` (main text, title, site,
URL and the publication date with a note on which source gave it). No network:
trafilatura and htmldate get the page as a string and no URL, so neither ever
fetches anything.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import io
import os
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from pipeline.schema import ARTICLES
from pipeline.webpage import extract_html

SUFFIXES = {".txt": "txt", ".html": "html", ".htm": "html"}
MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ["file", "title", "source", "url", "published", "published_note"]
#: Longer texts are cut at the last line break before this many characters:
#: later stages are linear, but one runaway file (a log, a dump) should not
#: dominate a build. 1,000,000 characters is ~200 long news articles.
MAX_CHARS = 1_000_000
#: A file with a NUL byte, or more than this share of control characters in its
#: first 8 KB, is binary (an image, a PDF, a zip saved as .txt).
MAX_CONTROL_RATIO = 0.10
_SNIFF_BYTES = 8192
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Punctuation ignored when comparing texts (a str.translate table: ~8x faster
# than a regex substitution over the whole text).
_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation + "“”‘’«»„‹›–—…\u00a0"})
# Some prose: four words, then sentence punctuation. trafilatura falls back to a
# page's whole visible text when it finds no article, which can be menu labels.
_PROSE = re.compile(r"(?:\w+[^\w\n]+){3,}\w+[^\n.!?]*[.!?]")


# --- pure parts -------------------------------------------------------------------


def binary_reason(raw: bytes) -> str | None:
    """Why `raw` looks like a binary file rather than text, or None if it looks like text."""
    head = raw[:_SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text: NUL bytes are expected
    if b"\x00" in head:
        return "binary file (NUL bytes)"
    if head and (len(head) - len(head.translate(None, _CONTROL))) / len(head) > MAX_CONTROL_RATIO:
        return "binary file (control characters)"
    return None


def decode(raw: bytes) -> tuple[str, str | None]:
    """Decode file bytes to text without ever failing: (text, note on the encoding used or None).

    Tries UTF-8 (with or without a BOM), UTF-16 with a BOM, then the code
    page charset-normalizer detects when the text is in a non-Latin script
    (Windows-1251 or KOI8-R Russian, Greek, Arabic, ...), then cp1252
    (Windows "smart quotes"), then latin-1, which accepts every byte.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "decoded as UTF-16"
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    detected = _detect_script_encoding(raw)
    if detected:
        return raw.decode(detected, errors="replace"), f"not valid UTF-8, decoded as {detected} (detected)"
    try:
        return raw.decode("cp1252"), "not valid UTF-8, decoded as cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "not valid UTF-8 or cp1252, decoded as latin-1"


#: A detected code page is trusted when the text it gives has at least this many
#: non-ASCII letters and nearly all of them are of one non-Latin script: Latin
#: code pages (cp1250, cp1252, cp1254) are too alike to tell apart on short texts.
_MIN_SCRIPT_LETTERS = 20
_SCRIPT_SHARE = 0.9


def _detect_script_encoding(raw: bytes) -> str | None:
    """The encoding of non-UTF-8 bytes in a non-Latin script (charset-normalizer), or None."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:65536]).best()
    if best is None:
        return None
    letters = [ch for ch in str(best) if ord(ch) > 127 and ch.isalpha()]
    if len(letters) < _MIN_SCRIPT_LETTERS:
        return None
    scripts = Counter(unicodedata.name(ch, "?").split(" ")[0] for ch in letters)
    script, count = scripts.most_common(1)[0]
    if script == "LATIN" or count < _SCRIPT_SHARE * len(letters):
        return None
    return best.encoding


def printable(line: str) -> str:
    """A problem line safe for a terminal and a one-line-per-problem file: control characters escaped.

    A file name can hold a newline or an ANSI escape ("\\x1b[2J" clears a terminal); they are shown as
    `\\n`, `\\x1b`, never sent as they are.
    """
    if line.isprintable():
        return line
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in line)


def normalize_newlines(text: str) -> str:
    """'\\r\\n' and lone '\\r' become '\\n', so every line split agrees on offsets."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_manifest_text(text: str) -> tuple[pd.DataFrame, list[str]]:
    """Parse manifest CSV text into a frame of strings; bad rows are dropped with a problem."""
    problems: list[str] = []
    lines = text.splitlines()
    rows: list[tuple[int, int, list[str]]] = []  # (first line, last line, fields)
    reader = csv.reader(io.StringIO(text))
    try:
        last = 0
        for row in reader:
            rows.append((last + 1, reader.line_num, row))
            last = reader.line_num
    except csv.Error as err:
        return pd.DataFrame(), [f"{MANIFEST}: unreadable CSV ({err}); treated every file as unlisted"]
    rows = [r for r in rows if any(cell.strip() for cell in r[2])]
    if not rows:
        return pd.DataFrame(), [f"{MANIFEST}: empty; treated every file as unlisted"]
    header = [h.strip().lower() for h in rows[0][2]]
    good = []
    for first, last, row in rows[1:]:
        if len(row) == len(header):
            good.append([cell.strip() for cell in row])
        elif last > first and any('"' in line for line in lines[first - 1 : last]):
            # An unbalanced quote makes the CSV reader run on to the next quote (or the end):
            # every line it swallowed is a row lost, and each is named.
            names = [line.split(",", 1)[0].strip().strip('"') for line in lines[first - 1 : last]]
            problems.append(
                f'{MANIFEST}: lines {first}-{last} were read as one row (an unbalanced quote " in line {first}); '
                f"{last - first + 1} rows ignored: {', '.join(n for n in names if n)}"
            )
        else:
            problems.append(f"{MANIFEST}: row {first} has {len(row)} fields, the header {len(header)}; row ignored")
    return pd.DataFrame(good, columns=header, dtype=object), problems


def _valid_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_manifest(df: pd.DataFrame) -> tuple[dict[str, dict], list[str]]:
    """Check a manifest frame: {file: {title, source, url, published, published_note}}, problems.

    Unknown columns are ignored; missing optional columns are empty; a bad date
    becomes None with a problem; without a `file` column nothing can be matched.
    """
    if df.empty and not len(df.columns):
        return {}, []
    if "file" not in df.columns:
        return {}, [
            f"{MANIFEST}: no 'file' column (columns: {', '.join(map(str, df.columns))}); treated every file as unlisted"
        ]
    problems: list[str] = []
    entries: dict[str, dict] = {}
    # Column by column: a manifest of 100,000 rows reads in a fraction of a second.
    given = [c for c in MANIFEST_COLUMNS[1:] if c in df.columns]
    cells = [df[c].tolist() for c in given]
    for n, file_cell in enumerate(df["file"].tolist()):
        name = str(file_cell or "").strip()
        if not name:
            problems.append(f"{MANIFEST}: a row has no file name; row ignored")
            continue
        if name in entries:
            problems.append(f"{MANIFEST}: {name} is listed twice; kept the first row")
            continue
        entry = dict.fromkeys(MANIFEST_COLUMNS[1:])
        for c, column in zip(given, cells):
            if column[n] is not None:
                entry[c] = str(column[n]).strip() or None
        if entry["published"] and not _valid_date(entry["published"]):
            problems.append(
                f"{name}: manifest date {entry['published']!r} is not a YYYY-MM-DD date; left published empty"
            )
            entry["published"] = None
        entries[name] = entry
    return entries, problems


def text_key(text: str) -> str:
    """Hash of the text with case, punctuation and spacing ignored: equal keys are the same article."""
    words = " ".join(text.lower().translate(_PUNCTUATION).split())
    return hashlib.blake2b(words.encode(), digest_size=16).hexdigest()


def cap_text(text: str, limit: int = MAX_CHARS) -> str:
    """The text cut to at most `limit` characters, at the last line break if there is one."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip()


def make_article(name: str, raw: bytes, entry: dict | None) -> tuple[dict | None, list[str]]:
    """One `articles` row from a file's bytes and its manifest entry, or None if unusable."""
    fmt = SUFFIXES[Path(name).suffix.lower()]
    if not raw.strip():
        return None, [f"{name}: empty file; skipped"]
    reason = binary_reason(raw)
    if reason:
        return None, [f"{name}: {reason}; skipped"]
    problems = []
    text, note = decode(raw)
    if note:
        problems.append(f"{name}: {note}; kept the text")
    page = {}
    if fmt == "html":
        page = extract_html(text)
        text = page["text"]
    else:
        text = normalize_newlines(text)
    if not text.strip() or (fmt == "html" and not _PROSE.search(text)):
        what = "no article text found in the page" if fmt == "html" else "only whitespace"
        return None, problems + [f"{name}: {what}; skipped"]
    if len(text) > MAX_CHARS:
        kept = cap_text(text)
        problems.append(f"{name}: {len(text):,} characters, over the {MAX_CHARS:,} cap; kept the first {len(kept):,}")
        text = kept
    entry = entry or {}
    published, basis, note = entry.get("published"), "missing", entry.get("published_note")
    if published:
        estimated = (entry.get("published_note") or "").lower().startswith("estimated")
        basis = "manifest (estimated)" if estimated else "manifest"
    elif page.get("published"):
        published, basis, note = page["published"], "page metadata", page.get("published_note")
    row = {
        "article": name,
        "title": entry.get("title") or page.get("title"),
        "source": entry.get("source") or page.get("source"),
        "url": entry.get("url") or page.get("url"),
        "published": published,
        "published_basis": basis,
        "published_note": note,
        "format": fmt,
        "text": text,
    }
    return row, problems


def future_published(articles: pd.DataFrame | dict[str, list], today: dt.date) -> list[str]:
    """A problem line for each article whose given publication date is after `today` (a typo, or a wrong clock).

    `articles`: the table, or its `article` and `published` columns as lists.
    """
    out = []
    for name, published in zip(articles["article"], articles["published"]):
        if isinstance(published, str) and published > today.isoformat():
            out.append(
                f"{name}: publication date {published} is after today ({today.isoformat()}); "
                "kept it, relative dates count from it (check manifest.csv)"
            )
    return out


def to_frame(rows: list[dict]) -> pd.DataFrame:
    """The `articles` table from row dicts, with the schema's columns and dtypes."""
    df = pd.DataFrame(rows, columns=list(ARTICLES))
    return df.astype({name: dtype for name, (dtype, _) in ARTICLES.items()})


# --- file I/O ---------------------------------------------------------------------


def _refuse_entry(path: Path, folder: Path, entry: os.DirEntry | None = None) -> str | None:
    """Why a folder entry is not read as an article (a link leaving the folder, a loop, a subfolder), or None.

    A symbolic link is followed only to a file inside the articles folder: the
    `_articles` table copies every text it reads, and it is shared. `entry`: the
    folder listing's entry for `path`, which knows a plain file's type without a
    system call per test (100,000 files list in 1.5 s instead of 2.4).
    """
    if entry is not None and not entry.is_symlink():
        if entry.is_dir(follow_symlinks=False):
            return "a subfolder; its files are not read (put articles directly in the folder)"
        return None if entry.is_file(follow_symlinks=False) else "not a regular file; skipped"
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except RuntimeError:  # Python < 3.13 reports a loop this way
            return "symbolic link loop; skipped"
        except OSError as err:
            if err.errno == errno.ELOOP:
                return "symbolic link loop; skipped"
            return "symbolic link to a missing file; skipped"
        if target.is_dir() and folder.resolve().is_relative_to(target):
            return "symbolic link loop (to a folder that contains it); skipped"
        if not target.is_relative_to(folder.resolve()):
            return "symbolic link to a file outside the articles folder; not followed, skipped"
        path = target
    if path.is_dir():
        return "a subfolder; its files are not read (put articles directly in the folder)"
    if not path.is_file():
        return "not a regular file; skipped"
    return None


def _read_manifest(folder: Path) -> tuple[dict[str, dict], list[str]]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}, [f"{MANIFEST}: not found; every article is unlisted (no titles, dates from pages or text)"]
    raw = path.read_bytes()
    if binary_reason(raw):
        return {}, [f"{MANIFEST}: not a text file; treated every file as unlisted"]
    text, note = decode(raw)
    df, problems = read_manifest_text(text)
    if note:
        problems.insert(0, f"{MANIFEST}: {note}; read it anyway")
    entries, more = parse_manifest(df)
    if not df.empty and "published" not in df.columns:
        more.append(f"{MANIFEST}: no 'published' column; publication dates come from pages or the text")
    return entries, problems + more


def list_folder(folder: Path) -> tuple[dict[str, dict], list[Path], list[str]]:
    """The manifest entries, the article files in name order and the folder's problems (manifest, other files)."""
    entries, problems = _read_manifest(folder)
    files, names = [], set()
    with os.scandir(folder) as listing:
        found = sorted(listing, key=lambda e: e.name)
    for entry in found:
        if entry.name == MANIFEST or entry.name.startswith("."):
            continue
        path = folder / entry.name
        refused = _refuse_entry(path, folder, entry)
        if refused:
            problems.append(f"{path.name}: {refused}")
            continue
        if path.suffix.lower() in SUFFIXES:
            files.append(path)
            names.add(path.name)
        else:
            problems.append(f"{path.name}: not an article type (.txt, .html, .htm); ignored")
    problems += [
        f"{name}: listed in {MANIFEST} but not in the folder; skipped its row" for name in entries if name not in names
    ]
    return entries, files, problems


def iter_articles(folder: Path, chunk_size: int = 500) -> Iterator[tuple[pd.DataFrame, list[str]]]:
    """Yield (articles chunk, problems) so a large folder never holds every text at once.

    The manifest is read first; files are read in name order, `chunk_size` at a
    time. Duplicates are found across chunks (only text hashes are kept).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder}: not a folder")
    entries, files, problems = list_folder(folder)
    seen: dict[str, str] = {}
    for i in range(0, max(len(files), 1), chunk_size):
        rows = []
        for path in files[i : i + chunk_size]:
            try:
                raw = path.read_bytes()
            except OSError as err:
                problems.append(f"{path.name}: cannot be read ({err.strerror}); skipped")
                continue
            entry = entries.get(path.name)
            if entry is None and entries:
                problems.append(f"{path.name}: not in {MANIFEST}; read it without title or manifest date")
            try:
                row, found = make_article(path.name, raw, entry)
            except Exception as err:  # a parser bug on one odd file must not stop the build
                row, found = None, [f"{path.name}: could not be read ({type(err).__name__}: {err}); skipped"]
            problems += found
            if row is None:
                continue
            key = text_key(row["text"])
            if key in seen:
                problems.append(f"{path.name}: same text as {seen[key]}; kept {seen[key]}, skipped {path.name}")
                continue
            seen[key] = path.name
            rows.append(row)
        yield to_frame(rows), problems
        problems = []


def read_articles(folder: Path) -> tuple[pd.DataFrame, list[str]]:
    """The whole `articles` table of a folder and every problem met while reading it."""
    frames, problems = [], []
    for frame, found in iter_articles(folder):
        frames.append(frame)
        problems += found
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0], problems
