"""Incremental builds: the per-article results of stages 1-7 kept on disk between builds.

An entry is one file's result: what ingest made of it (its row with the text,
its problems, its text hash for finding duplicates) and, once extracted, its
candidate events, its resolved `articles` row and its counts. It is keyed by
a hash of the file's bytes, its name and manifest row, the fingerprint of
every resource file (`pipeline.loading.fingerprint`), the package version and
the pipeline's own code, so an edit to any of them re-extracts. A build hashes
a file's bytes only when its size or modification time differ from those the
index holds for it (a file modified within `RACY_NS` of the build that looked
at it is always hashed again; an edit that keeps both size and time to the
nanosecond is not seen: touch the file). It reuses what it finds, ingests
and extracts only new or changed files, drops removed ones and merges (stage 8) from all
candidates: the output is the same as a clean build's, byte for byte, problems
file included (`build_tables` keeps a clean build's order).

Layout of a cache folder (`<out-dir>/.cache/<out-stem>/`):

    index.json                   the packs in use, with each file's SHA-256, the
                                 article -> key map of the last build (for "removed")
                                 and each article's [size, mtime_ns, SHA-256 of its bytes]
    packs/<id>.files.parquet     one row per file a build ingested or extracted, in row groups
                                 of 1,000: a build reads the texts from here as it writes the
                                 articles table (`PackTexts`), never all at once
    packs/<id>.cands.parquet     the candidates of the files it extracted
    packs/<id>.merge-*.parquet   the last build's merge (`merge.MergeState`): the clusters of
                                 each unit of candidates, reused where its candidates did not change
    packs/<id>.reprints-*.parquet  the last build's reprint index (`reprints.ReprintIndex`) and
                                 notices: resumed after the articles that come first in both builds
    date-rules.bin               the compiled date rules (`timex.compile.Dispatch.export`):
                                 compiling them costs an incremental build a second or two

A build adds at most one pack. Pack files are written (atomically) before the
index that names them and the index is replaced atomically last, so a build
killed at any point leaves the previous index and every pack it names intact;
files no index names are removed by the next build. A pack whose checksum does
not match its index (a truncated or edited file) is reported and never read:
its files are ingested and extracted again. When most entries belong to files
no longer in the folder, or there are many packs, the live entries are
rewritten into one pack.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import ingest, timex
from pipeline.events import plain_list, records
from pipeline.loading import fingerprint
from pipeline.merge import MergeState
from pipeline.reprints import ReprintIndex, index_tables, resume_index, sample_shingles
from pipeline.schema import ARTICLES, CANDIDATES, conform, empty
from pipeline.write import file_sha256, write_bytes, write_text

FORMAT = 4
#: More packs than this (one per incremental build), besides one per SPILL_FILES entries, are compacted into one.
MAX_PACKS = 16
#: A build writes its extracted files to a pack each time this many are done, not all at its end: their
#: rows are then read from the pack's Arrow columns, not held as Python dicts until the build ends.
SPILL_FILES = 10_000
#: ... and so are packs where more than this share of entries belongs to files no longer built.
MAX_DEAD_SHARE = 0.5
#: A file modified less than this before a build started is hashed again by the next build, whatever its
#: size and time say (an edit in the same clock tick as the build's look at it would keep both).
RACY_NS = 2_000_000_000
COUNTS = ("sentences", "timexes", "mentions")
RULES_FILE = "date-rules.bin"
_PACKAGE = Path(__file__).parent
#: Columns of a pack's files table besides the `articles` columns.
_FILE_COLUMNS = (
    "_key",
    "_name",
    "_text_key",
    "_problems",
    "_undated",
    "_given_published",
    "_shingles",
    "_extracted",
    *COUNTS,
)


def cache_dir(out: Path | str) -> Path:
    """Where the cache of an output lives: data/events.csv -> data/.cache/events/."""
    out = Path(out)
    return out.parent / ".cache" / out.stem


def code_fingerprint() -> str:
    """The package version and a hash of the pipeline's source files: a code change re-extracts."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("news-timeline")
    except PackageNotFoundError:
        ver = "unknown"
    digest = hashlib.sha1(ver.encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(_PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def settings_key(extra_actor_files: tuple[str, ...] = ()) -> str:
    """Everything besides the file that decides its result: code, version and resource files."""
    return hashlib.sha1(f"{FORMAT}|{code_fingerprint()}|{fingerprint(extra_actor_files)}".encode()).hexdigest()


def file_key(name: str, raw: bytes, entry: dict | None, listed: bool, settings: str) -> str:
    """Key of one file: its bytes, name and manifest row (and whether there is a manifest), under these settings."""
    return _key_of_digest(name, hashlib.sha256(raw).hexdigest(), entry, listed, settings)


def _key_of_digest(name: str, digest: str, entry: dict | None, listed: bool, settings: str) -> str:
    """`file_key` from the SHA-256 (hex) of the file's bytes."""
    head = json.dumps([settings, name, entry, listed], ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(head + b"\0" + bytes.fromhex(digest)).hexdigest()


def _plain(value):
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else value


@dataclass
class CacheStats:
    reused: int = 0
    extracted: int = 0
    removed: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _File:
    """One file of this build: its ingest result and, once extracted, its stage 2-7 result.

    One per file of the folder, held for the whole build: slots, not a dict of attributes, each.
    """

    name: str
    key: str | None
    problems: Sequence[str]  # (a tuple: an empty list for each of a folder's files costs more than its name)
    row: Mapping | None = None  # the ingested row, then the resolved one (a `_PackRow` when stored)
    text_key: str | None = None
    extracted: bool = False
    counts: tuple[int, ...] = ()  # in `COUNTS` order; () before extraction
    undated: tuple[str, ...] = ()
    new: bool = False  # to be written to this build's pack
    duplicate_of: str | None = None
    given_published: str | None = None  # as ingested (manifest or page), before any inference
    failed: tuple[str, ...] = ()  # stages 2-7 raised on it: left out, never cached
    # `reprints.sample_shingles` of its text, as (sorted hashes, words): kept for every file of a build,
    # so as an array of 32-bit hashes (a frozenset of Python ints takes twelve times the memory).
    shingles: tuple[np.ndarray, int] | None = None
    stored: tuple[_Pack, int] | None = None  # its row in a pack, where its stored shingles are read when asked for
    spilled: bool = False  # new, and already written to a pack of this build (`ArticleCache._spill`)

    def count(self, name: str) -> int:
        """Its count of sentences, timexes or mentions (`COUNTS`)."""
        return int(self.counts[COUNTS.index(name)]) if self.counts else 0

    def kept_shingles(self) -> tuple[np.ndarray, int] | None:
        """Its shingles as kept: most files of an incremental build are never compared, so never read."""
        if self.shingles is None and self.stored is not None:
            pack, i = self.stored
            self.shingles, self.stored = _unpack_shingles(pack.value("_shingles", i)), None
        return self.shingles

    def sampled(self) -> tuple[frozenset[int], int] | None:
        """Its sampled shingles, as `reprints.sample_shingles` gives them."""
        kept = self.kept_shingles()
        return None if kept is None else (frozenset(kept[0].tolist()), kept[1])

    def sample(self, text: str) -> None:
        self.shingles = _compact_shingles(*sample_shingles(text))


#: Columns of a pack's files table read for every file it holds; the others (the text above all)
#: are read only for the files that need them.
_SMALL = (
    "_key",
    "article",
    "_problems",
    "_undated",
    "_text_key",
    "_extracted",
    "_given_published",
    *COUNTS,
)


#: Columns of a pack's files table not held in memory: read from the pack's file when asked for
#: (shingles: only for the files a reprint check compares; texts: a row group at a time, by `PackTexts`).
_ON_DISK = ("text", "_shingles")
#: Rows per row group of a pack's files table: what `PackTexts` reads to get one article's text.
PACK_ROW_GROUP = 1_000


class _Pack:
    """A pack's files table as read: its small columns as lists, the frame without `_ON_DISK` for the rest."""

    def __init__(self, frame: pd.DataFrame, path: Path) -> None:
        self.frame = frame.drop(columns=[c for c in _ON_DISK if c in frame.columns])
        self.path = path
        self.small = {c: plain_list(frame[c]) for c in _SMALL}
        self._read: dict[str, list] = {}  # `_ON_DISK` columns read so far

    def forget(self) -> None:
        """Drop the rows as read: the pack is then only its file (`path`)."""
        self.frame, self.small, self._read = self.frame.iloc[:0], {}, {}

    def value(self, column: str, i: int):
        small = self.small.get(column)
        if small is not None:
            return small[i]
        if column in _ON_DISK:
            if column not in self._read:
                self._read[column] = plain_list(pd.read_parquet(self.path, columns=[column])[column])
            return self._read[column][i]
        return _plain(self.frame[column].iat[i])


class _PackRow(Mapping):
    """The `articles` row of a stored file, read from its pack one column at a time, when asked for.

    An incremental build takes most rows whole from the packs (`ArticleCache._articles`), never
    making a Python object of their texts.
    """

    __slots__ = ("i", "pack")

    def __init__(self, pack: _Pack, i: int) -> None:
        self.pack, self.i = pack, i

    def __getitem__(self, column: str):
        if column not in ARTICLES:
            raise KeyError(column)
        return self.pack.value(column, self.i)

    def __iter__(self) -> Iterator[str]:
        return iter(ARTICLES)

    def __len__(self) -> int:
        return len(ARTICLES)


#: `process(articles) -> (candidates, articles, counts)`: `build.process_articles` on a chunk.
Process = Callable[[pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame, dict]]


class ArticleCache:
    """The per-file results of earlier builds of one output, and the new ones of this build."""

    def __init__(self, folder: Path | str, settings: str):
        self.folder = Path(folder)
        self.settings = settings
        self.stats = CacheStats()
        self._index = self._read_index()
        self._rows: dict[str, tuple[_Pack, int]] = {}  # key -> its stored files-table row (pack, position)
        self._cands = empty({**CANDIDATES, "_key": ("string", "")})
        self._cand_keys: tuple[np.ndarray, list] = (np.array([], dtype=np.int64), [])
        self._files: list[_File] = []
        self._fresh: list[pd.DataFrame] = []  # candidates extracted by this build, one frame per chunk, with _key
        self._written: dict[str, dict] = {}  # packs this build wrote (`_write_new`) -> their checksums
        self._spilled_frames = 0  # how many of `_fresh` are in those packs
        self._stats: dict[str, list] = {}  # name -> [size, mtime_ns, SHA-256 of its bytes] for the next build
        self._started_ns = time.time_ns()
        self._seen: dict = self._index.get("stats") or {}  # what the last build knew of each file
        self._folder_name = ""
        self._state: dict[str, pd.DataFrame] = {}  # this build's merge and reprint state, for the next
        self._postings: pd.DataFrame | None = None  # the resumed reprint index's postings (`_resume_reprints`)

    # --- reading ------------------------------------------------------------

    def _read_index(self) -> dict:
        path = self.folder / "index.json"
        empty_index = {"format": FORMAT, "settings": self.settings, "packs": {}, "articles": {}}
        if not path.is_file():
            return empty_index
        try:
            index = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(index.get("packs"), dict) or not isinstance(index.get("articles"), dict):
                raise ValueError("no packs or articles in it")
        except (OSError, ValueError) as err:
            self.stats.problems.append(f"cache: {path} is unreadable ({err}); every article is extracted again")
            return empty_index
        if index.get("settings") != self.settings or index.get("format") != FORMAT:
            # Code or resources changed: no entry can match; keep only the article list for "removed".
            return {**empty_index, "articles": index["articles"]}
        return index

    def _load(self) -> None:
        """Read every pack the index names whose files match their checksums (later packs win)."""
        cand_frames = []
        for pack in sorted(self._index["packs"]):
            sums = self._index["packs"][pack]
            files_file, cands_file = self._pack_files(pack)
            try:
                bad = [
                    p.name for p, s in ((files_file, sums["files"]), (cands_file, sums["cands"])) if file_sha256(p) != s
                ]
                if bad:
                    raise ValueError(f"checksum mismatch in {', '.join(bad)}")
                columns = [c for c in (*ARTICLES, *_FILE_COLUMNS) if c not in _ON_DISK]
                rows = _Pack(pd.read_parquet(files_file, columns=columns), files_file)
                cands = pd.read_parquet(cands_file)
            except (OSError, ValueError, KeyError) as err:
                self.stats.problems.append(
                    f"cache: pack {pack} is corrupt or incomplete ({err}); not used, its articles are extracted again"
                )
                del self._index["packs"][pack]
                continue
            for i, key in enumerate(rows.small["_key"]):
                self._rows[key] = (rows, i)
            cand_frames.append(cands)
        if cand_frames:
            # Candidates of an entry come from the pack whose entry won (a file extracted after it was a copy).
            # One pack (the usual case after a compaction) is taken as it is: every copy costs memory.
            cands = pd.concat(cand_frames, ignore_index=True) if len(cand_frames) > 1 else cand_frames[0]
            extracted = {k for k, (p, i) in self._rows.items() if p.small["_extracted"][i]}
            codes, keys = pd.factorize(cands["_key"])
            wanted = np.fromiter((k in extracted for k in keys), bool, len(keys))[codes]
            if not wanted.all():
                cands = cands[wanted]
            if len(cand_frames) > 1:
                cands = cands.drop_duplicates(["_key", "sentence_id"], keep="last")
            self._cands = cands.reset_index(drop=True)
            if len(cands) != len(codes):
                codes, keys = pd.factorize(self._cands["_key"])
            # Its candidates' keys as codes: choosing by key is a lookup per file, not per candidate.
            self._cand_keys = (codes, list(keys))

    def previous_merge(self) -> MergeState | None:
        """The last build's merge state, if the index names one whose files match their checksums."""
        tables = self._read_state("merge", ("events", "evidence"))
        return MergeState(tables["events"], tables["evidence"]) if tables else None

    def keep_merge(self, state: MergeState) -> None:
        """This build's merge state, written by `commit` for the next build."""
        self._state["merge-events"], self._state["merge-evidence"] = state.events, state.evidence

    def _read_state(self, kind: str, names: tuple[str, ...]) -> dict[str, pd.DataFrame] | None:
        """Tables `kind-name` the last build kept (`commit`), if their files match their checksums."""
        entry = self._index.get("state")
        if not isinstance(entry, dict) or not isinstance(entry.get("files"), dict):
            return None
        sums = {name: entry["files"].get(f"{kind}-{name}") for name in names}
        if None in sums.values():
            return None
        try:
            paths = {name: self._state_file(str(entry.get("id")), f"{kind}-{name}") for name in names}
            if any(file_sha256(paths[name]) != sums[name] for name in names):
                raise ValueError("checksum mismatch")
            return {name: pd.read_parquet(paths[name]) for name in names}
        except (OSError, ValueError, KeyError) as err:
            self.stats.problems.append(
                f"cache: the last build's {kind} state is corrupt or incomplete ({err}); not used"
            )
            return None

    def _preload_rules(self) -> None:
        """The date rules compiled by an earlier build, so that this one need not compile them again."""
        path = self.folder / RULES_FILE
        try:
            data = path.read_bytes()
        except OSError:
            return
        try:
            timex.load_rules().by_char.preload(data)
        except Exception as err:  # any damage: compile them again (and rewrite the file)
            self.stats.problems.append(f"cache: {path} is damaged ({err}); the date rules are compiled again")
            path.unlink(missing_ok=True)

    # --- a build ----------------------------------------------------------------

    def build_tables(
        self,
        folder: Path,
        process: Process,
        chunk_size: int,
        keep_text: bool = True,
        progress: Callable[[int, int], None] | None = None,
        map_chunks: Callable = map,
        *,
        today: dt.date,
        copies: ReprintIndex,
    ) -> tuple[pd.DataFrame, pd.DataFrame, list[str], dict, PackTexts | None]:
        """Stages 1-7 of a folder through the cache: (candidates, articles, problems, counts, texts).

        The articles table comes without its texts: `texts` reads them from the packs when the
        tables are written (`write.TextSource`), so a build never holds them all.

        The same tables and problems, in the same order, as `build.build` makes with
        `chunk_size` and one worker; `process` (`build._process_one_safely`) runs only on
        articles not in the cache, through `map_chunks` (`map`, or a process pool's `map`).
        Every kept article still goes through `copies` (reprints are found across the corpus).
        """
        self._load()
        self._preload_rules()
        entries, paths, problems = ingest.list_folder(folder)
        self._folder_name = os.path.join(folder, "")  # stat by name: a Path made into a string costs more
        self._files = [self._file(path, entries) for path in paths]
        seen: dict[str, str] = {}
        for f in self._files:
            if f.row is None:
                continue
            if f.text_key in seen:
                f.duplicate_of = seen[f.text_key]
            else:
                seen[str(f.text_key)] = f.name
        read = [f for f in self._files if f.row is not None and f.duplicate_of is None]
        self._extract([f for f in read if not f.extracted], process, chunk_size, progress, len(read), map_chunks)
        kept = [f for f in read if not f.failed]
        self.stats.reused = sum(1 for f in kept if not f.new)
        self.stats.extracted = len(kept) - self.stats.reused
        resumed = self._resume_reprints(copies, read)  # the first `resumed` articles of `read` are in it
        position = 0
        # Problems in a clean build's order: per chunk of files, each file's, the chunk's publication
        # dates and reprints, then its failed and undated articles.
        for i in range(0, len(self._files), chunk_size):
            chunk = self._files[i : i + chunk_size]
            for f in chunk:
                problems += f.problems
                if f.duplicate_of:
                    problems.append(f"{f.name}: same text as {f.duplicate_of}; kept {f.duplicate_of}, skipped {f.name}")
            given = [f for f in chunk if f.row is not None and f.duplicate_of is None]
            known = max(0, min(len(given), resumed - position))  # already in the resumed index
            position += len(given)
            problems += ingest.future_published(
                {"article": [f.name for f in given], "published": [f.given_published for f in given]}, today
            )
            problems += [copies.notices[f.name] for f in given[:known] if f.name in copies.notices]
            if known < len(given):
                rest = given[known:]
                sampled = {f.name: s for f in rest if (s := f.sampled()) is not None}
                # The text only where its shingles are not known (a stored text is read from its pack's file).
                pairs = [(f.name, "" if f.name in sampled else f.row["text"]) for f in rest if f.row is not None]
                frame = pd.DataFrame(pairs, columns=["article", "text"])
                problems += copies.add_articles(frame, sampled)
            problems += [line for f in given for line in f.failed]
            problems += [line for f in given if not f.failed for line in f.undated]
        self._keep_reprints(copies, read, resumed)
        counts = {c: sum(f.count(c) for f in kept) for c in COUNTS}
        arts, texts = self._articles(kept, keep_text)
        cands = self._candidates(kept)
        self._let_go()
        return cands, arts, problems, counts, texts

    def _let_go(self) -> None:
        """Once the tables are made, let go of what the rest of the build never reads: the packs' rows as
        read (frames and lists) and the files' shingles, but for new files not yet in a pack (`commit`
        writes those; it reads the others' rows from the packs' files)."""
        packs = {id(pack): pack for pack, _ in self._rows.values()}
        for f in self._files:
            if isinstance(f.row, _PackRow):
                packs[id(f.row.pack)] = f.row.pack
            if not (f.new and not f.spilled):
                f.shingles = f.stored = None
        for pack in packs.values():
            pack.forget()

    def _resume_reprints(self, copies: ReprintIndex, read: list[_File]) -> int:
        """Put in `copies` the last build's reprint index after the articles both builds start with; how many.

        The index after adding the same articles (same names and keys) in the same order is the same,
        so only the articles after them are compared; each is compared on its own shingles only, so
        only their postings are read.
        """
        stored = self._read_state("reprints", ("articles", "postings"))
        if stored is None:
            return 0
        articles, postings = stored["articles"], stored["postings"]
        count = 0
        for (name, key), f in zip(zip(articles["article"].tolist(), articles["key"].tolist()), read):
            if (name, key) != (f.name, f.key):
                break
            count += 1
        if not count:
            return 0
        wanted: set[int] = set()
        for f in read[count:]:
            if f.sampled() is None and f.row is not None:
                try:
                    f.sample(f.row["text"])
                except Exception:  # the check itself reports it (and the index is then not kept)
                    continue
            sampled = f.sampled()
            wanted |= sampled[0] if sampled is not None else set()
        self._postings = resume_index(copies, articles, postings, count, wanted)
        return count

    def _keep_reprints(self, copies: ReprintIndex, read: list[_File], resumed: int) -> None:
        if copies.failed or len(copies) != len(read):  # some article is not in the index
            return
        articles, postings = index_tables(copies, self._postings if resumed else None, resumed)
        self._state["reprints-articles"] = articles.assign(key=pd.Series([f.key for f in read], dtype="string"))
        self._state["reprints-postings"] = postings

    def _file(self, path: Path, entries: dict[str, dict]) -> _File:
        entry = entries.get(path.name)
        raw, stored, key = None, None, None
        listed = bool(entries)
        # The manifest row as the index keeps it: its values (`ingest.parse_manifest` gives every row the same keys).
        listing = None if entry is None else list(entry.values())
        try:
            st = os.stat(self._folder_name + path.name)
            seen = self._seen.get(path.name)
            if isinstance(seen, list) and len(seen) >= 3 and seen[0] == st.st_size and seen[1] == st.st_mtime_ns:
                # Same size and modification time as when its bytes were last hashed: not read again;
                # and with the same manifest row, the same key (hashing the row costs more than the rest).
                digest = seen[2]
                if len(seen) == 6 and seen[4] == listing and seen[5] == listed:
                    key = seen[3]
            else:
                raw = path.read_bytes()
                digest = hashlib.sha256(raw).hexdigest()
            key = key or _key_of_digest(path.name, digest, entry, listed, self.settings)
            stored = self._rows.get(key)
            if stored is None and raw is None:
                raw = path.read_bytes()
                if hashlib.sha256(raw).hexdigest() != digest:  # edited without changing size and time
                    digest = hashlib.sha256(raw).hexdigest()
                    key = _key_of_digest(path.name, digest, entry, listed, self.settings)
                    stored = self._rows.get(key)
        except OSError as err:
            return _File(path.name, None, (f"{path.name}: cannot be read ({err.strerror}); skipped",))
        if st.st_mtime_ns < self._started_ns - RACY_NS:
            self._stats[path.name] = [st.st_size, st.st_mtime_ns, digest, key, listing, listed]
        if stored is not None:
            pack, i = stored
            small = pack.small
            return _File(
                path.name,
                key,
                _json_list(small["_problems"][i]),
                _PackRow(pack, i) if small["article"][i] is not None else None,
                small["_text_key"][i],
                bool(small["_extracted"][i]),
                tuple(int(small[c][i]) for c in COUNTS),
                _json_list(small["_undated"][i]),
                given_published=small["_given_published"][i],
                stored=stored,
            )
        assert raw is not None
        found = [f"{path.name}: not in {ingest.MANIFEST}; read it without title or manifest date"]
        found = found if entry is None and entries else []
        try:
            row, more = ingest.make_article(path.name, raw, entry)
        except Exception as err:  # as `ingest.iter_articles`: a parser bug on one odd file must not stop the build
            row, more = None, [f"{path.name}: could not be read ({type(err).__name__}: {err}); skipped"]
        text_key = ingest.text_key(row["text"]) if row is not None else None
        given = row["published"] if row is not None else None
        new = _File(path.name, key, (*found, *more), row, text_key, new=True, given_published=given)
        if row is not None:
            with contextlib.suppress(Exception):  # the reprint check itself reports it, as in a clean build
                new.sample(row["text"])
        return new

    def _extract(self, todo: list[_File], process: Process, chunk_size: int, progress, total: int, map_chunks) -> None:
        done = total - len(todo)
        chunks = [todo[i : i + chunk_size] for i in range(0, len(todo), chunk_size)]
        frames = (ingest.to_frame([dict(f.row) for f in chunk if f.row is not None]) for chunk in chunks)
        unwritten: list[_File] = []
        for chunk, (cands, arts, counts) in zip(chunks, map_chunks(process, frames)):
            by_name = {f.name: f for f in chunk}
            names = sorted(by_name, key=len, reverse=True)
            for kind in ("undated", "failed"):
                for line in counts.get(kind, []):
                    owner = next(n for n in names if line.startswith(f"{n}: "))
                    setattr(by_name[owner], kind, (*getattr(by_name[owner], kind), line))
            self._fresh.append(cands.assign(_key=cands["article"].map({f.name: f.key for f in chunk})))
            for r in records(arts):
                f = by_name[r["article"]]
                f.row, f.extracted, f.new = r, True, True
                f.counts = tuple(int(counts.get("by_article", {}).get(c, {}).get(f.name, 0)) for c in COUNTS)
            unwritten += [f for f in chunk if f.key is not None]
            if len(unwritten) >= SPILL_FILES:
                self._spill(unwritten)
                unwritten = []
            done += len(chunk)
            if progress:
                progress(done, total)

    def _spill(self, files: list[_File]) -> None:
        """Write these extracted files, and the candidates not yet written, to a pack now.

        Their rows are then read from the pack (`_PackRow`: the frame for most columns, the file for
        their texts), so the build holds neither their dicts nor their texts.
        A build killed later leaves the pack unnamed by any index: the next one removes it.
        """
        frame, pack_id = self._write_new(files)
        pack = _Pack(frame, self._pack_files(pack_id)[0])
        for i, f in enumerate(files):
            f.row, f.spilled = _PackRow(pack, i), True

    def _write_new(self, files: list[_File]) -> tuple[pd.DataFrame, str]:
        """A pack of these new files and the candidates extracted since the last one: its files table and id."""
        (self.folder / "packs").mkdir(parents=True, exist_ok=True)
        frame = _files_frame([self._entry(f) for f in files])
        pack_id, sums = self._write_pack(frame, self._fresh[self._spilled_frames :])
        self._written[pack_id] = sums
        self._spilled_frames = len(self._fresh)
        return frame, pack_id

    def _candidates(self, kept: list[_File]) -> pd.DataFrame:
        pos = {f.key: i for i, f in enumerate(kept) if not f.new}
        codes, keys = self._cand_keys
        where = np.fromiter((pos.get(k, -1) for k in keys), np.int64, len(keys))[codes]  # -1: not kept
        chosen = where >= 0
        parts = [self._cands if chosen.all() else self._cands[chosen]] if chosen.any() else []
        at = [where[chosen]]
        pos = {f.key: i for i, f in enumerate(kept)}
        for c in self._fresh:
            if len(c):
                parts.append(c)
                at.append(c["_key"].map(pos).to_numpy())
        if not parts:
            return pd.DataFrame(columns=list(CANDIDATES))
        cands = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        order = np.concatenate(at)
        if (order[1:] < order[:-1]).any():  # in file order already when new files sort after the others: no copy
            cands = cands.iloc[np.argsort(order, kind="stable")]
        return cands.drop(columns="_key").reset_index(drop=True)

    def _articles(self, kept: list[_File], keep_text: bool) -> tuple[pd.DataFrame, PackTexts | None]:
        """The articles table without its texts (stored rows taken whole from their packs' frames, new
        ones from their dicts), and where its texts are read from (None without `keep_text`)."""
        if not kept:
            return empty(ARTICLES), None
        columns = [c for c in ARTICLES if c != "text"]
        stored = [(n, f.row) for n, f in enumerate(kept) if isinstance(f.row, _PackRow)]
        fresh = [n for n, f in enumerate(kept) if not isinstance(f.row, _PackRow)]
        groups = _by_pack([(row.pack, row.i) for _, row in stored])
        parts = [_rows_of(pack.frame[columns], rows) for pack, rows, _ in groups]
        order = [stored[w][0] for _, _, where in groups for w in where]
        if fresh:
            parts.append(pd.DataFrame([kept[n].row for n in fresh], columns=columns))
            order += fresh
        parts = [conform(p.assign(text=pd.NA), ARTICLES) for p in parts]
        arts = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
        at = np.asarray(order)
        sort = np.argsort(at, kind="stable") if (at[1:] < at[:-1]).any() else None  # packs in file order: no copy
        if sort is not None:
            arts = arts.take(sort)
        if not keep_text:
            return arts.reset_index(drop=True), None
        pack_of = np.concatenate(
            [np.full(len(rows), k) for k, (_, rows, _) in enumerate(groups)] + [np.full(len(fresh), -1)]
        )
        row_of = np.concatenate([np.asarray(rows) for _, rows, _ in groups] + [np.zeros(len(fresh))])
        inline = np.full(len(kept), None, dtype=object)
        inline[len(stored) :] = [
            (kept[n].row or {}).get("text") for n in fresh
        ]  # not yet in a pack (fewer than SPILL_FILES)
        if sort is not None:
            pack_of, row_of, inline = pack_of[sort], row_of[sort], inline[sort]
        texts = PackTexts([pack.path for pack, _, _ in groups], pack_of, row_of.astype(np.int64), inline)
        return arts.reset_index(drop=True), texts

    # --- end of a build ---------------------------------------------------------

    def commit(self) -> CacheStats:
        """Write this build's pack and the new index; forget packs and files nobody uses."""
        (self.folder / "packs").mkdir(parents=True, exist_ok=True)
        live = {f.name: f.key for f in self._files if f.key is not None}
        self.stats.removed = sum(1 for a in self._index.get("articles", {}) if a not in live)
        packs = dict(self._index["packs"])
        new = [f for f in self._files if f.new and f.key is not None]
        unwritten = [f for f in new if not f.spilled]
        if unwritten:
            self._write_new(unwritten)
        packs.update(self._written)
        total = len(self._rows) + len(new)
        many = len(packs) > MAX_PACKS + total // SPILL_FILES
        if many or (len(packs) > 1 and total and (total - len(live)) / total > MAX_DEAD_SHARE):
            packs = self._compact(set(live.values()), new)
        stats = {name: self._stats[name] for name in live if name in self._stats}
        index: dict = {"format": FORMAT, "settings": self.settings, "packs": packs, "articles": live, "stats": stats}
        if self._state:
            state_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
            sums = {}
            for name, table in self._state.items():
                _atomic_parquet([table], self._state_file(state_id, name))
                sums[name] = file_sha256(self._state_file(state_id, name))
            index["state"] = {"id": state_id, "files": sums}
        write_text(json.dumps(index, ensure_ascii=False), self.folder / "index.json")
        self._sweep(packs, index.get("state"))
        rules = timex.load_rules().by_char
        if rules.parsed:  # compiled here what the file did not hold: write them all for the next build
            write_bytes(rules.export(), self.folder / RULES_FILE)
        # All of it is on disk now: what the build still holds (candidates, states, per-file records) is let go,
        # so the stages after the merge (salience, writing the tables) run without it.
        self._cands, self._fresh, self._state, self._files, self._rows = self._cands.iloc[:0], [], {}, [], {}
        self._cand_keys, self._spilled_frames = (np.array([], dtype=np.int64), []), 0
        return self.stats

    def _entry(self, f: _File) -> dict:
        row = f.row or {}
        out = {c: _plain(row.get(c)) for c in ARTICLES}
        out.update(
            _key=f.key,
            _name=f.name,
            _text_key=f.text_key,
            _problems=json.dumps(f.problems, ensure_ascii=False),
            _undated=json.dumps(f.undated, ensure_ascii=False),
            _extracted=f.extracted,
            _given_published=f.given_published,
            _shingles=None if (kept := f.kept_shingles()) is None else json.dumps([kept[1], *kept[0].tolist()]),
            **{c: f.count(c) for c in COUNTS},
        )
        return out

    def _pack_files(self, pack: str) -> tuple[Path, Path]:
        return self.folder / "packs" / f"{pack}.files.parquet", self.folder / "packs" / f"{pack}.cands.parquet"

    def _write_pack(
        self, files: pd.DataFrame | Iterable[pd.DataFrame], cand_frames: list[pd.DataFrame]
    ) -> tuple[str, dict]:
        pack = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        files_file, cands_file = self._pack_files(pack)
        cands = pd.concat(cand_frames, ignore_index=True) if cand_frames else pd.DataFrame(columns=list(CANDIDATES))
        cands = conform(cands if len(cands) else cands.assign(_key=[]), {**CANDIDATES, "_key": ("string", "")})
        _atomic_parquet([files] if isinstance(files, pd.DataFrame) else files, files_file, PACK_ROW_GROUP)
        _atomic_parquet([cands], cands_file)
        return pack, {"files": file_sha256(files_file), "cands": file_sha256(cands_file)}

    def _compact(self, live: set[str], new: list[_File]) -> dict:
        """Rewrite the live entries into one pack, read from the old packs' files a row group at a time."""
        fresh = {f.key for f in new}
        kept = [ref for k, ref in self._rows.items() if k in live and k not in fresh]
        kept += [(f.row.pack, f.row.i) for f in new if f.spilled and isinstance(f.row, _PackRow)]
        unwritten = [f for f in new if not f.spilled]

        def pieces() -> Iterator[pd.DataFrame]:
            for pack, rows, _ in _by_pack(kept):
                yield from _pack_rows(pack.path, rows)
            if unwritten:
                yield _files_frame([self._entry(f) for f in unwritten])

        old = self._cands[self._cands["_key"].isin(live - fresh)]
        pack, sums = self._write_pack(pieces(), [old, *self._fresh])
        return {pack: sums}

    def _state_file(self, state_id: str, name: str) -> Path:
        return self.folder / "packs" / f"{state_id}.{name}.parquet"

    def _sweep(self, packs: dict, state: dict | None) -> None:
        """Remove pack files no index names (superseded packs and states, leftovers of a killed build)."""
        keep = {p.name for pack in packs for p in self._pack_files(pack)}
        keep |= {self._state_file(state["id"], name).name for name in state["files"]} if state else set()
        for path in (self.folder / "packs").iterdir():
            if path.name not in keep:
                path.unlink(missing_ok=True)


def _json_list(packed: str) -> tuple:
    """A stored JSON list, as a tuple (most are empty: those are not parsed)."""
    return () if packed == "[]" else tuple(json.loads(packed))


def _by_pack(refs: list[tuple[_Pack, int]]) -> list[tuple[_Pack, list[int], list[int]]]:
    """Stored rows by pack, packs in the order first met: (pack, its rows' positions, their places in `refs`)."""
    groups: dict[int, tuple[_Pack, list[int], list[int]]] = {}
    for n, (pack, i) in enumerate(refs):
        _, rows, where = groups.setdefault(id(pack), (pack, [], []))
        rows.append(i)
        where.append(n)
    return list(groups.values())


def _rows_of(frame: pd.DataFrame, rows: list[int]) -> pd.DataFrame:
    """These rows of a pack's frame: a slice, which shares the pack's text, when they follow each other."""
    if rows and rows == list(range(rows[0], rows[0] + len(rows))):
        return frame.iloc[rows[0] : rows[-1] + 1]
    return frame.take(rows)


def _files_frame(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """A pack's files table, with its columns and dtypes."""
    files = pd.DataFrame(rows, columns=[*ARTICLES, *_FILE_COLUMNS]) if isinstance(rows, list) else rows
    types = {
        **{c: "string" for c in [*ARTICLES, *_FILE_COLUMNS[:7]]},
        "_extracted": bool,
        **dict.fromkeys(COUNTS, "int64"),
    }
    return files[[*ARTICLES, *_FILE_COLUMNS]].astype(types)


def _compact_shingles(hashes: Iterable[int], n_words: int) -> tuple[np.ndarray, int]:
    """Sorted distinct hashes as 32-bit integers (CRC-32 values), and the word count."""
    return np.unique(np.fromiter(hashes, dtype=np.uint32)), n_words


def _unpack_shingles(packed: str | None) -> tuple[np.ndarray, int] | None:
    if packed is None:
        return None
    n_words, *hashes = json.loads(packed)
    return _compact_shingles(hashes, n_words)


def _atomic_parquet(pieces: Iterable[pd.DataFrame], path: Path, row_group_size: int | None = None) -> None:
    """A table written piece by piece (all with the first's columns and types), then moved into place."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    writer = None
    try:
        for piece in pieces:
            if writer is None:
                schema = pa.Schema.from_pandas(piece, preserve_index=False)
                writer = pq.ParquetWriter(tmp, schema)
            writer.write_table(pa.Table.from_pandas(piece, schema=schema, preserve_index=False), row_group_size)
        if writer is None:
            raise ValueError(f"{path}: no table to write")
        writer.close()
        writer = None
        os.replace(tmp, path)
    finally:
        if writer is not None:
            writer.close()
        tmp.unlink(missing_ok=True)


def _pack_rows(path: Path, rows: list[int]) -> Iterator[pd.DataFrame]:
    """These rows of a pack's files table, read from its file a row group at a time (texts and all)."""
    import pyarrow.parquet as pq

    wanted = np.sort(np.asarray(rows, dtype=np.int64))
    with pq.ParquetFile(path) as file:
        start = 0
        for g in range(file.num_row_groups):
            size = file.metadata.row_group(g).num_rows
            lo, hi = np.searchsorted(wanted, [start, start + size])
            if hi > lo:
                group = file.read_row_group(g).to_pandas()
                yield _files_frame(group.iloc[wanted[lo:hi] - start])
            start += size


class PackTexts:
    """The texts of a build's articles table, read from the cache packs a row group at a time (`write.TextSource`).

    Row `n` of the table has its text in row `row_of[n]` of pack file `packs[pack_of[n]]`, or, where
    `pack_of[n]` is -1, in `inline[n]` (a new file not yet written to a pack). The files are opened
    here, before `ArticleCache.commit` may remove superseded packs: an open file stays readable.
    """

    def __init__(self, packs: list[Path], pack_of: np.ndarray, row_of: np.ndarray, inline: np.ndarray) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._files = [pq.ParquetFile(pa.OSFile(str(p))) for p in packs]
        self._starts = [
            np.cumsum([0] + [f.metadata.row_group(g).num_rows for g in range(f.num_row_groups)]) for f in self._files
        ]
        self._pack_of, self._row_of, self._inline = pack_of, row_of, inline
        self._groups: dict[tuple[int, int], list] = {}  # the last row groups read, for the next slice

    def __len__(self) -> int:
        return len(self._pack_of)

    def slice(self, start: int, stop: int) -> list[str | None]:
        pack_of, row_of = self._pack_of[start:stop], self._row_of[start:stop]
        out = list(self._inline[start:stop])
        for pack in np.unique(pack_of[pack_of >= 0]).tolist():
            at = np.flatnonzero(pack_of == pack)
            rows = row_of[at]
            starts = self._starts[pack]
            groups = np.searchsorted(starts, rows, side="right") - 1
            for g in np.unique(groups).tolist():
                texts = self._group(pack, g)
                for k, r in zip(at[groups == g].tolist(), (rows[groups == g] - starts[g]).tolist()):
                    out[k] = texts[r]
        return out

    def _group(self, pack: int, g: int) -> list:
        if (pack, g) not in self._groups:
            if len(self._groups) >= 2:
                self._groups.pop(next(iter(self._groups)))
            column = self._files[pack].read_row_group(g, columns=["text"]).column(0)
            self._groups[(pack, g)] = column.to_pylist()
        return self._groups[(pack, g)]
