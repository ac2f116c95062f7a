"""Shared fixtures: the shipped corpus built once, synthetic tables, a hostile article.

`python -m pytest` runs the fast set; `python -m pytest --full` adds the tests
marked `slow` (seconds each) and `browser` (real Chromium), as CI does. The
synthetic tables come from `benchmarks/synthetic.py` (on the path through
pyproject.toml's pytest settings).
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

ARTICLES = ROOT / "data" / "articles"
HOSTILE = (
    "Rebels said on Sunday that they captured Damascus <script>alert('x')</script> and "
    "[click here](javascript:alert(1)) as Russia watched.\n"
)


def pytest_addoption(parser):
    parser.addoption("--full", action="store_true", help="also run the slow and browser tests (as CI does)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--full"):
        return
    kept = [i for i in items if not ({"slow", "browser"} & {m.name for m in i.iter_markers()})]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def pytest_report_header(config):
    if not config.getoption("--full"):
        return "fast set: slow and browser tests deselected (run them with --full)"


@pytest.fixture(scope="session")
def seed_tables():
    from ui import data

    return data.load(str(ARTICLES))


@pytest.fixture(scope="session")
def seed_events(seed_tables):
    from ui import filters

    return filters.prepare(seed_tables.events, seed_tables.evidence)


@pytest.fixture(scope="session")
def synthetic():
    from synthetic import make_events

    from ui import filters

    events, evidence, articles = make_events(400, seed=1)
    return filters.prepare(events, evidence), evidence, articles


@pytest.fixture()
def hostile_folder(tmp_path):
    (tmp_path / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,published\nhostile.txt,2024-12-09\n", encoding="utf-8")
    return tmp_path
