"""The purge of whole capture days in PostgreSQL: a day wholly past the non-hit ceiling loses its
reads in one swap of its partition instead of a hundred thousand row deletes.

One transaction per day:

1. ``LOCK`` the day's partition ``IN SHARE MODE``: a late write to that day waits; lookups and
   ingest of other days go on.
2. Count what goes by plate and camera (for the summaries, the ledger's counts and the images).
3. Tell the summaries, and copy the reads the day must keep (hit reads, held reads, held plate
   spans) to a scratch table.
4. ``TRUNCATE`` the partition, which gives it fresh empty files as DETACH and DROP would, the
   space back at commit and no dead rows, and put the kept reads back; a day that keeps nothing
   is dropped instead.
5. Commit.

Why TRUNCATE of the partition rather than DETACH and DROP: TRUNCATE of one partition locks that
partition alone, so lookups of other days never wait, and those that touch this day wait for
step 4 only (a few milliseconds). DETACH without CONCURRENTLY and DROP lock the whole ``reads``
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
from platekeeper.store.sql.read_summaries import ReadSummaries, RemovedReads
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
    with connection.transaction():
        connection.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(partition.table))
        groups = transaction.execute(_GONE.format(table=table, where=where), params).fetchall()
        kept = _keep(transaction, table, where, params) if groups else _count(connection, partition)
        if not groups and kept:
            return DayOutcome(NOTHING, dropped=False)
        summaries.removed(transaction, removed_of(partition, groups))
        dropped = not kept and _drop(connection, partition)
        if not dropped and groups:
            _swap(connection, partition)
    return DayOutcome(purged_of(groups), dropped)


# Per plate and camera: how many reads go, their first and last capture, their image refs.
_GONE = (
    "SELECT plate_key, camera_id, count(*), min(captured_at), max(captured_at),"
    " array_remove(array_agg(crop_ref) || array_agg(image_ref), NULL)"
    " FROM {table} AS reads WHERE {where} GROUP BY plate_key, camera_id"
)


def _keep(transaction: PostgresTransaction, table: str, where: str, params: Sequence[Any]) -> int:
    """Copy the reads not meeting ``where`` to ``reads_kept``; return how many."""
    transaction.execute("CREATE TEMPORARY TABLE reads_kept (LIKE reads) ON COMMIT DROP")
    return transaction.execute(
        f"INSERT INTO reads_kept ({READ_COLUMNS}) SELECT {READ_COLUMNS}"
        f" FROM {table} AS reads WHERE NOT ({where})",
        params,
    ).rowcount


def _count(connection: Connection, partition: Partition) -> int:
    row = connection.execute(sql.SQL("SELECT count(*) FROM {}").format(partition.table)).fetchone()
    return 0 if row is None else int(row[0])


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


def removed_of(partition: Partition, groups: Sequence[Any]) -> list[RemovedReads]:
    return [RemovedReads(row[0], row[1], partition.day, int(row[2])) for row in groups]


def purged_of(groups: Sequence[Any]) -> PurgedReads:
    if not groups:
        return NOTHING
    refs = tuple(ref for row in groups for ref in row[5])
    return PurgedReads(
        sum(int(row[2]) for row in groups),
        len(refs),
        min(row[3] for row in groups).astimezone(UTC),
        max(row[4] for row in groups).astimezone(UTC),
        refs,
    )
