"""Reads counted per capture day (UTC) and camera (table ``read_counts``): a ``ReadSummary`` the
reads repository keeps in the same transaction as every read stored or removed, and the counts
read back from it. Reports and the transparency page count whole days here (a few thousand
rows at any size) and only a period's partial first and last day on the reads themselves."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date

from platekeeper.domain import PlateRead
from platekeeper.store.sql.database import Transaction
from platekeeper.store.sql.dialect import Dialect
from platekeeper.store.sql.read_summaries import RemovedReads

_UPSERT = (
    "INSERT INTO read_counts (day, camera_id, reads) VALUES (?, ?, ?)"
    " ON CONFLICT (day, camera_id) DO UPDATE SET reads = read_counts.reads + excluded.reads"
)
# A row is deleted when its last read goes, so that no row is ever zero (the table's check).
_DELETE_EMPTIED = "DELETE FROM read_counts WHERE day = ? AND camera_id = ? AND reads <= ?"
_DECREMENT = "UPDATE read_counts SET reads = reads - ? WHERE day = ? AND camera_id = ?"


class ReadRollups:
    """The ``ReadSummary`` of ``read_counts``.

    ``capture_day_sql`` is the database's spelling of a read's capture day (UTC) from
    ``captured_at``, for ``rebuild``.
    """

    def __init__(self, dialect: Dialect, capture_day_sql: str) -> None:
        self._dialect = dialect
        self._day = dialect.day
        self._capture_day_sql = capture_day_sql

    def added(self, transaction: Transaction, reads: Sequence[PlateRead]) -> None:
        counted = Counter(
            (read.captured_at.astimezone(UTC).date(), read.camera_id) for read in reads
        )
        # In key order, so that concurrent writers lock the rows they share in the same order.
        transaction.executemany(_UPSERT, self._rows(counted.items()))

    def removed(self, transaction: Transaction, gone: Sequence[RemovedReads]) -> None:
        counted: Counter[tuple[date, str]] = Counter()
        for removed in gone:
            counted[removed.day, removed.camera_id] += removed.reads
        self._subtract(transaction, counted)

    def _subtract(self, transaction: Transaction, counted: Counter[tuple[date, str]]) -> None:
        rows = self._rows(counted.items())
        transaction.executemany(_DELETE_EMPTIED, rows)
        transaction.executemany(_DECREMENT, [(reads, day, camera) for day, camera, reads in rows])

    def rebuild(self, transaction: Transaction) -> None:
        transaction.execute(self._dialect.empty("read_counts"))
        transaction.execute(
            "INSERT INTO read_counts (day, camera_id, reads)"
            f" SELECT {self._capture_day_sql}, camera_id, count(*) FROM reads GROUP BY 1, 2"
        )

    def _rows(self, counted: Iterable[tuple[tuple[date, str], int]]) -> list[tuple[object, ...]]:
        return [(self._day.to_db(day), camera, reads) for (day, camera), reads in sorted(counted)]
