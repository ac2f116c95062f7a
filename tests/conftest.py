"""Shared fixtures: the shipped corpus built once, synthetic tables, a hostile article."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))  # synthetic tables for chart tests

ARTICLES = ROOT / "data" / "articles"
HOSTILE = (
    "Rebels said on Sunday that they captured Damascus <script>alert('x')</script> and "
    "[click here](javascript:alert(1)) as Russia watched.\n"
)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the real app in headless Chromium (slow)")


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
