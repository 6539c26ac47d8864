"""Hits: a read that matched a hot-list entry, from the moment it is made until a person acts.

- ``making``: a hit as matching makes it (pending, how it matched, the states, staleness), at
  ingest (``hotlists.matcher``) and retroactively.
- ``retroactive``: one entry matched against the reads still stored; purpose-bound and logged.
- ``desk``: seeing hits and verifying them (confirm, reject, record the outcome), each step
  through the access gate.

The hit itself, its states and the rules of its changes are domain values
(``domain/hotlists.py``).
"""

from platekeeper.hotlists.hits.desk import HitDesk, HitPage, HitQuery, HitView
from platekeeper.hotlists.hits.making import make_hit
from platekeeper.hotlists.hits.retroactive import Retroactive, RetroactiveHit, RetroactiveMatch

__all__ = [
    "HitDesk",
    "HitPage",
    "HitQuery",
    "HitView",
    "Retroactive",
    "RetroactiveHit",
    "RetroactiveMatch",
    "make_hit",
]
