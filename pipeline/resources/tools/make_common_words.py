"""Write pipeline/resources/common_words.txt: the most frequent English words, lowercased.

    pip install wordfreq && python pipeline/resources/tools/make_common_words.py [N]

The names stage reads a capitalized word sequence as a name only when one of
its words is not an ordinary word ("Prime", "Minister" and "Relief" are;
"Lababidi" is not). The list comes from wordfreq's English frequencies (top N,
default 10,000), generated once and committed, so the pipeline does not carry
wordfreq's 58 MB of data. Letters-only words of two or more characters.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wordfreq import top_n_list

OUT = Path(__file__).resolve().parents[1] / "common_words.txt"


def main(n: int = 10_000) -> None:
    words = sorted({w for w in top_n_list("en", n) if w.isalpha() and len(w) > 1})
    header = (
        f"# The {n} most frequent English words (wordfreq top_n_list), written by "
        "pipeline/resources/tools/make_common_words.py\n"
        "# Data: wordfreq by Robyn Speer, CC BY-SA 4.0 (https://github.com/rspeer/wordfreq)\n"
    )
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
