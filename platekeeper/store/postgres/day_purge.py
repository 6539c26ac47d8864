"""The purge of whole capture days in PostgreSQL: a day wholly past the non-hit ceiling loses its
reads in one swap of its partition instead of a hundred thousand row deletes.

One transaction per day:

1. ``LOCK`` the day's partition ``IN SHARE MODE``: a late write to that day waits; lookups and
   ingest of other days go on.
2. Copy the reads the day must keep (hit reads, held reads, held plate spans) to a scratch
   table, and count what goes (for the ledger and the images) and, by plate and camera, into
   another scratch table for the summaries: the daily counts subtract it at once, the plate
   index owes it (``SqlPlateIndex.removed_in_bulk``) and settles later, in small batches.
3. ``TRUNCATE`` the partition, which gives it fresh empty files as DETACH and DROP would, the
   space back at commit and no dead rows, and put the kept reads back; a day that keeps nothing
   is dropped instead.
4. Commit.

Why TRUNCATE of the partition rather than DETACH and DROP: TRUNCATE of one partition locks that
partition alone, so lookups of other days never wait, and those that touch this day wait for
step 3 only (a few milliseconds). DETACH without CONCURRENTLY and DROP lock the whole ``reads``
table; DETACH CONCURRENTLY takes two transactions of its own, so the copy, the detach and the
reattach could not stand or fall together, and a crash between them would leave a detach
pending or kept reads outside the table. Here a crash at any step rolls the day back whole: the
next run finds the day as it was and purges it then.

Dropping an empty day does lock ``reads``; it is asked for with a short ``lock_timeout`` a few
times, and when not granted the day is only emptied, and dropped by a later run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from psycopg import errors, sql

from platekeeper.store.postgres.dialect import Connection, PostgresTransaction
from platekeeper.store.postgres.partitions import Partition
from platekeeper.store.protocols import PurgedReads
from platekeeper.store.sql.read_summaries import ReadSummaries
from platekeeper.store.sql.reads import READ_COLUMNS

logger = logging.getLogger(__name__)

LOCK_TIMEOUT_MS = 50
"""How long the swap waits for a lock that holds lookups back while it waits."""
LOCK_TRIES = 4
LOCK_PAUSE_S = 0.05
"""Between tries, the lookups queued behind the request run."""

NOTHING = PurgedReads(0, 0, None, None)


class DayBusy(Exception):
    """The day's partition stayed locked by others: the batched purge takes its reads."""


@dataclass(frozen=True, slots=True)
class DayOutcome:
    """What emptying one day did."""

    purged: PurgedReads
    dropped: bool


def purge_day(
    connection: Connection,
    partition: Partition,
    doomed: tuple[str, Sequence[Any]],
    summaries: ReadSummaries,
) -> DayOutcome:
    """Remove the reads of ``partition`` that meet ``doomed`` (a condition on ``reads``, written
    with ``?`` marks) and keep the rest, in one transaction; raises ``DayBusy`` (nothing done)
    when the partition's lock is not granted in time."""
    table = partition.table.as_string(connection)
    where, params = doomed
    transaction = PostgresTransaction(connection)
    left = transaction.execute(_WHAT_IS_LEFT.format(table=table, where=where), params).fetchone()
    due, empty = left if left is not None else (True, False)
    if not due and not empty:
        # A past day holding only what it keeps, as every purged day does: left untouched.
        return DayOutcome(NOTHING, dropped=False)
    with connection.transaction():
        connection.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(partition.table))
        kept = _keep(transaction, table, where, params)
        gone = connection.execute(_GONE.format(table=partition.table)).fetchone()
        if gone is None or not gone[0]:
            # Nothing of the day is due: an empty day goes, a day of kept reads stays as it is.
            return DayOutcome(NOTHING, dropped=not kept and _drop(connection, partition))
        day = sql.Literal(partition.day)
        connection.execute(_COUNT_GONE.format(table=partition.table, day=day))
        summaries.removed_in_bulk(transaction, "reads_gone")
        dropped = not kept and _drop(connection, partition)
        if not dropped:
            _swap(connection, partition)
    return DayOutcome(purged_of(gone), dropped)


# A cheap look first (no lock): whether any read of the day is due, and whether it holds none.
_WHAT_IS_LEFT = (
    "SELECT EXISTS (SELECT 1 FROM {table} AS reads WHERE {where}),"
    " NOT EXISTS (SELECT 1 FROM {table})"
)


# The day's reads not kept: a hash anti-join with the few kept ones, so the conditions of the
# purge (a hit naming the read, the holds) are weighed once per read, by ``_keep``.
_NOT_KEPT = (
    " FROM {table} AS reads WHERE NOT EXISTS"
    " (SELECT 1 FROM reads_kept WHERE reads_kept.id = reads.id"
    " AND reads_kept.captured_at = reads.captured_at)"
)
_GONE = sql.SQL(
    "SELECT count(*), min(captured_at), max(captured_at),"
    " array_remove(array_agg(crop_ref) FILTER (WHERE crop_ref IS NOT NULL)"
    " || array_agg(image_ref) FILTER (WHERE image_ref IS NOT NULL), NULL)" + _NOT_KEPT
)
# What goes, counted for the summaries, in the database: a day holds hundreds of thousands of
# plates, too many to carry to Python and back within the purge.
_COUNT_GONE = sql.SQL(
    "CREATE TEMPORARY TABLE reads_gone ON COMMIT DROP AS"
    " SELECT plate_key, camera_id, {day}::date AS day, count(*) AS reads"
    + _NOT_KEPT
    + " GROUP BY plate_key, camera_id"
)


def _keep(transaction: PostgresTransaction, table: str, where: str, params: Sequence[Any]) -> int:
    """Copy the reads not meeting ``where`` to ``reads_kept``; return how many."""
    transaction.execute("CREATE TEMPORARY TABLE reads_kept (LIKE reads) ON COMMIT DROP")
    kept = transaction.execute(
        f"INSERT INTO reads_kept ({READ_COLUMNS}) SELECT {READ_COLUMNS}"
        f" FROM {table} AS reads WHERE NOT ({where})",
        params,
    ).rowcount
    transaction.execute("ANALYZE reads_kept")
    return kept


def _swap(connection: Connection, partition: Partition) -> None:
    """Empty the partition and put ``reads_kept`` back into it."""
    if not _locked(connection, sql.SQL("TRUNCATE {}").format(partition.table)):
        raise DayBusy(f"partition {partition.day} stayed locked")
    connection.execute(
        sql.SQL("INSERT INTO {} ({}) SELECT {} FROM reads_kept").format(
            partition.table, sql.SQL(READ_COLUMNS), sql.SQL(READ_COLUMNS)
        )
    )


def _drop(connection: Connection, partition: Partition) -> bool:
    return _locked(connection, sql.SQL("DROP TABLE {}").format(partition.table))


def _locked(connection: Connection, statement: sql.Composed) -> bool:
    """Run ``statement`` in a savepoint, waiting at most ``LOCK_TIMEOUT_MS`` for its locks each
    try; False when no try got them."""
    for attempt in range(LOCK_TRIES):
        try:
            with connection.transaction():
                connection.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'")
                connection.execute(statement)
                connection.execute("SET LOCAL lock_timeout TO DEFAULT")
        except errors.LockNotAvailable:
            logger.debug(
                "lock for %s not granted (try %d)", statement.as_string(connection), attempt + 1
            )
            time.sleep(LOCK_PAUSE_S)
        else:
            return True
    return False


def purged_of(gone: Any) -> PurgedReads:
    """What the ``_GONE`` row counted."""
    count, oldest, newest, refs = gone
    refs = tuple(refs or ())
    return PurgedReads(int(count), len(refs), oldest.astimezone(UTC), newest.astimezone(UTC), refs)
