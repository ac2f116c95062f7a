"""One convention for the resource files: where they are, one error type, one cache reset.

Every stage loads its rules and word lists as `load_x(path=DEFAULT)` and takes
them as an optional argument, so a test or a user can pass their own. Loaders
are cached; `clear_caches()` forgets every cached resource at once (the
dashboard calls it when a resource file changed), and `fingerprint()` names
the exact state of every resource file, so a rebuild is triggered by an edit
to any of them, not only to the actor files.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml

RESOURCES = Path(__file__).parent / "resources"
#: libyaml's safe loader when PyYAML has it: the same documents, about 8x faster (the rule files
#: are most of a small build's start-up time).
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UniqueKeyLoader(_FAST_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a key given twice in one mapping.

    YAML keeps the last of two equal keys without a word: a rule table named twice
    would silently replace the first one.
    """

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the loader itself reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"the key {key!r} is given twice", key_node.start_mark
                )
        return super().construct_mapping(node, deep)


SAFE_LOADER = UniqueKeyLoader

_CACHED: list[Any] = []
F = TypeVar("F", bound=Callable[..., Any])


class ResourceError(ValueError):
    """A resource file that cannot be used. The message starts with the file's name, then the entry.

    Every loader raises a subclass of this (`RuleError`, `GazetteerError`, ...), so a
    caller such as the command line catches one type and prints one clear line.
    Raise it with a whole message ("rules.yaml: rule 'x': ...") or as
    `(path, message, entry)`, which writes "name: entry: message".
    """

    def __init__(self, where: str | Path, message: str | None = None, entry: str | None = None) -> None:
        self.path: str | None = None if message is None else str(where)
        self.entry = entry
        if message is None:
            text = str(where)
        else:
            name = Path(where).name or str(where)
            text = f"{name}: {entry}: {message}" if entry else f"{name}: {message}"
        super().__init__(text)


def cached(maxsize: int = 8) -> Callable[[F], F]:
    """`functools.lru_cache` that `clear_caches` knows about."""

    def wrap(fn: F) -> F:
        wrapped = functools.lru_cache(maxsize=maxsize)(fn)
        _CACHED.append(wrapped)
        return wrapped  # type: ignore[return-value]

    return wrap


def clear_caches() -> None:
    """Forget every cached resource, so edited files are read again."""
    for fn in _CACHED:
        fn.cache_clear()


def read_yaml(path: str | Path) -> Any:
    """A YAML resource, with a `ResourceError` naming the file when it cannot be read or parsed."""
    try:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except OSError as exc:
        raise ResourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ResourceError(f"{path}: not valid YAML: {exc}") from exc


def resource_files(extra: Iterable[str | Path] = ()) -> list[Path]:
    """Every file the pipeline reads besides the articles: built-in resources, then extra ones."""
    files = sorted(
        p
        for p in RESOURCES.rglob("*")
        if p.is_file() and not p.name.startswith(".") and not {"tools", "__pycache__"} & set(p.parts)
    )
    return files + [Path(p) for p in extra]


def fingerprint(extra: Iterable[str | Path] = ()) -> str:
    """A hash of the names and contents of every resource file (changes exactly when one changes)."""
    digest = hashlib.sha1()
    for path in resource_files(extra):
        digest.update(str(path.relative_to(RESOURCES) if path.is_relative_to(RESOURCES) else path).encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()
