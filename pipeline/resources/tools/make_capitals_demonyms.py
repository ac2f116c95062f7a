"""Regenerate `capitals_demonyms.csv` from the countryinfo package, with the recorded hand edits.

The CSV is derived data (like dateparser's generated language files): its
source is the 'capital' and 'demonym' fields of countryinfo 1.0.1 (MIT
License, data after restcountries), which is not a dependency of the project.
To regenerate or update it:

    pip download --no-deps -d /tmp/ci countryinfo==1.0.1
    python pipeline/resources/tools/make_capitals_demonyms.py /tmp/ci/countryinfo-1.0.1-py3-none-any.whl \
        > pipeline/resources/capitals_demonyms.csv

Corrections belong in EDITS below (so a regeneration keeps them), not in the CSV.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from pathlib import Path

HEADER = """\
# Capitals and demonyms of countries, by ISO 3166-1 alpha-2 code.
# Origin: generated once from the 'capital' and 'demonym' fields of the PyPI package
# countryinfo 1.0.1 (MIT License, (c) 2018 Porimol Chandro; data after restcountries).
# Hand edits after generation: duplicate rows (PS, CW) dropped, PS capital Ramallah, MO demonym
# Macanese (was Chinese), US capital also 'Washington', BQ and VA capitals shortened. Rows for codes outside
# ISO 3166-1 (AN, CS) dropped; demonyms of dependent territories that repeat their state's
# (French, Indian, American, Norwegian) blanked, HK demonym Hongkonger, NF capital blanked.
# Edit by hand: several values may be separated by '|'; an empty field means none.
"""
#: Codes that are not ISO 3166-1 countries today.
DROPPED = {"AN", "CS"}
#: code -> (capital, demonym) replacing the package's; None keeps the package's value.
EDITS: dict[str, tuple[str | None, str | None]] = {
    "BQ": ("Kralendijk", None),
    "HK": (None, "Hongkonger"),
    "MO": (None, "Macanese"),
    "NF": ("", None),
    "US": ("Washington|Washington D.C.", None),
    # A dependent territory's demonym that repeats its state's would make "French" mean Réunion too.
    **{code: (None, "") for code in ("IO", "MP", "MQ", "PM", "RE", "SJ", "TF", "YT")},
}


def _records(wheel: Path) -> dict[str, tuple[str, str]]:
    """code -> (capital, demonym) from the package's per-country JSON files (first file per code wins)."""
    out: dict[str, tuple[str, str]] = {}
    with zipfile.ZipFile(wheel) as zf:
        names = sorted(n for n in zf.namelist() if n.startswith("countryinfo/data/") and n.endswith(".json"))
        for name in names:
            data = json.loads(zf.read(name))
            code = (data.get("ISO") or {}).get("alpha2")
            capital = data.get("capital") or ""
            if isinstance(capital, list):
                capital = "|".join(capital)
            if code and code not in out:
                out[code] = (capital, data.get("demonym") or "")
    return out


def make_csv(wheel: Path) -> str:
    rows = _records(wheel)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["iso2", "capital", "demonym"])
    for code in sorted(set(rows) - DROPPED):
        capital, demonym = rows[code]
        new_capital, new_demonym = EDITS.get(code, (None, None))
        writer.writerow(
            [code, capital if new_capital is None else new_capital, demonym if new_demonym is None else new_demonym]
        )
    return HEADER + buf.getvalue()


if __name__ == "__main__":
    sys.stdout.write(make_csv(Path(sys.argv[1])))
