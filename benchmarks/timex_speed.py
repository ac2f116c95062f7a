"""Date tagger time against text length, on text with and without sentence punctuation.

    python benchmarks/timex_speed.py                 # 10, 50 and 200 KB of each kind
    python benchmarks/timex_speed.py --sizes 10 100

Prints one line per (kind, size): characters, expressions found, seconds and
microseconds per character. Linear time shows as a flat last column; the
unpunctuated kinds are one clause each (every date shares it), which is where
a per-date scan of the clause would make the cost quadratic.
"""

from __future__ import annotations

import argparse
import time

from pipeline.dates import find_timexes

KINDS = {
    "repeated weekday": "Sunday ",
    "repeated month-day": "May 5 ",
    "unpunctuated prose": "troops will return on Sunday and officials said they left in May ",
    "punctuated prose": "Troops will return on Sunday. Officials said they left in May. ",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200], help="text sizes in KB")
    args = parser.parse_args()
    find_timexes("on Sunday", "2024-12-10")  # compile the rules outside the timing
    print(f"{'kind':22} {'chars':>9} {'found':>7} {'seconds':>8} {'us/char':>8}")
    for kind, unit in KINDS.items():
        for kb in args.sizes:
            text = unit * (kb * 1000 // len(unit))
            started = time.perf_counter()
            found = find_timexes(text, "2024-12-10")
            seconds = time.perf_counter() - started
            print(f"{kind:22} {len(text):>9,} {len(found):>7,} {seconds:>8.2f} {1e6 * seconds / len(text):>8.2f}")


if __name__ == "__main__":
    main()
