"""Refresh the README's column tables from `pipeline.schema`: `python -m pipeline.readme`."""

import re
from pathlib import Path

from pipeline.schema import ARTICLES, EVENTS, EVIDENCE, markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"

if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    for marker, table in (("events", EVENTS), ("evidence", EVIDENCE), ("articles", ARTICLES)):
        columns = markdown_table(table)
        text = re.sub(
            rf"(<!-- columns:{marker} -->\n).*?(<!-- /columns -->)",
            lambda m, columns=columns: m.group(1) + columns + "\n" + m.group(2),  # type: ignore[misc]
            text,
            flags=re.S,
        )
    README.write_text(text, encoding="utf-8")
