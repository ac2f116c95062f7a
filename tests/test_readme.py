"""The README documents what the code does: every output column, the two commands."""

import re
from pathlib import Path

import pytest

from pipeline.schema import ARTICLES, EVENTS, EVIDENCE, markdown_table

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("marker,table", [("events", EVENTS), ("evidence", EVIDENCE), ("articles", ARTICLES)])
def test_readme_lists_every_output_column(marker, table):
    block = re.search(rf"<!-- columns:{marker} -->\n(.*?)<!-- /columns -->", README, re.S)
    assert block, f"README lacks the columns:{marker} block"
    assert block.group(1).strip() == markdown_table(table), "run: python -m pipeline.readme"


def test_readme_has_the_two_commands():
    assert "streamlit run dashboard.py" in README and "python -m pytest" in README
