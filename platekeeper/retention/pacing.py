"""How many reads the purge's next batch takes: as many as fit in a short transaction.

A purge batch is one write transaction. On SQLite it holds the store's only writer, so every
search (whose access-log entry is a write) and every camera's batch waits for it; on PostgreSQL
it holds the plate index's rows its reads touch. Its cost per read is not known beforehand:
tens of microseconds with the pages in memory, milliseconds from a cold disk, more with many
summaries to tell. So the size is measured as the purge goes: each batch's time per read
sets the next batch's size, so that a batch lasts about ``target_s``. It shrinks at once after
a slow batch and grows by at most a doubling after a fast one, so that one lucky batch does not
make the next a long one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SMALLEST_BATCH = 100
"""Fewest reads a batch takes, however slow: below this the transaction's own cost dominates."""


@dataclass(slots=True)
class BatchPacer:
    """The size of the next batch, at most ``largest`` reads, aiming at ``target_s`` each."""

    largest: int
    target_s: float
    size: int = field(init=False)

    def __post_init__(self) -> None:
        if self.largest < 1:
            raise ValueError(f"a batch takes at least one read, not {self.largest}")
        if self.target_s <= 0:
            raise ValueError(f"a batch's target time must be positive, not {self.target_s}")
        # Start small: the first batch's time says what the next can take.
        self.size = min(self.largest, SMALLEST_BATCH)

    def took(self, reads: int, seconds: float) -> None:
        """Tell the pacer that the last batch handled ``reads`` reads in ``seconds``."""
        if reads <= 0:
            return
        fitting = self.largest if seconds <= 0 else int(self.target_s * reads / seconds)
        floor = min(self.largest, SMALLEST_BATCH)
        self.size = max(floor, min(fitting, 2 * self.size, self.largest))
