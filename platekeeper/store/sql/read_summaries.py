"""Tables kept beside the reads and changed in the same transaction as the reads they sum up:
the plate index and the daily counts. A summary hears of every read stored and every read
removed, whichever way it went (a purge batch, a day's partition dropped, a correction of its
plate), so that it never drifts from the reads and can be read instead of them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import NamedTuple, Protocol

from platekeeper.domain import PlateRead
from platekeeper.store.sql.database import Transaction


class RemovedReads(NamedTuple):
    """How many reads of one plate, one camera and one capture day (UTC) went."""

    plate_key: str
    camera_id: str
    day: date
    reads: int


def removed_reads(gone: Iterable[tuple[str, str, datetime]]) -> list[RemovedReads]:
    """``(plate_key, camera_id, captured_at)`` of each read removed, counted by plate, camera
    and capture day."""
    counted = Counter(
        (plate_key, camera_id, captured_at.astimezone(UTC).date())
        for plate_key, camera_id, captured_at in gone
    )
    return [RemovedReads(*key, reads) for key, reads in sorted(counted.items())]


class ReadSummary(Protocol):
    """One table summing up the reads, told of each change inside the change's transaction."""

    def added(self, transaction: Transaction, reads: Sequence[PlateRead]) -> None:
        """``reads`` were just stored (each new: a retry of a stored read is not passed)."""
        ...

    def removed(self, transaction: Transaction, gone: Sequence[RemovedReads]) -> None:
        """These reads were just deleted."""
        ...

    def rebuild(self, transaction: Transaction) -> None:
        """Recompute the whole table from the reads: after a bulk load that went around the
        store (a benchmark's COPY), or to repair. The table is emptied whole first
        (``Dialect.empty``), so that it comes out its own size; on PostgreSQL its readers wait
        until the rebuild commits."""
        ...


class ReadSummaries:
    """Every summary of one store, told of each change in turn."""

    def __init__(self, summaries: Sequence[ReadSummary] = ()) -> None:
        self._summaries = tuple(summaries)

    def added(self, transaction: Transaction, reads: Sequence[PlateRead]) -> None:
        if reads:
            for summary in self._summaries:
                summary.added(transaction, reads)

    def removed(self, transaction: Transaction, gone: Sequence[RemovedReads]) -> None:
        if gone:
            for summary in self._summaries:
                summary.removed(transaction, gone)

    def rebuild(self, transaction: Transaction) -> None:
        for summary in self._summaries:
            summary.rebuild(transaction)
