"""Stage 8: one row per real-world event, merged across articles, every source kept.

Reads the candidate events of `pipeline.events` and writes the `events` and
`evidence` tables of `pipeline.schema`.

Candidates are blocked by date and quad class (a report of a capture and a
report of talks on the same day are never one event), then linked when the
acting party of one takes part in the other, they name the same participants
and they say similar things; a shared date alone never links two reports. One
article's restatement of an act under another type (same date, same acting
party, nearly the same words) joins it too. Linked candidates form one event;
its representative evidence is the most precise, most explicit report.

`cluster` is the merge itself; `incremental` merges again only what changed
since the last build (an incremental build, `pipeline.cache`), with the same result.
"""

from pipeline.merge.cluster import UNIT, evidence_table, merge_events, merge_positions, take_evidence
from pipeline.merge.incremental import MergeState, merge_positions_reusing, merge_reusing

__all__ = [
    "UNIT",
    "MergeState",
    "evidence_table",
    "merge_events",
    "merge_positions",
    "merge_positions_reusing",
    "merge_reusing",
    "take_evidence",
]
