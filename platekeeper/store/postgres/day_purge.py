"""The purge of whole capture days in PostgreSQL: a day wholly past the non-hit ceiling leaves
``reads`` in one swap of its partition instead of a hundred thousand row deletes, and the
summaries (the plate index, the daily counts) catch up afterwards.

One transaction per day, whose cost grows with what the day keeps, plus one pass over the day
(the count of what goes):

1. ``LOCK`` the day's partition ``IN SHARE MODE``: a late write to that day waits; lookups and
   ingest of other days go on.
2. Copy the reads the day must keep (hit reads, held reads, held plate spans) to a scratch table,
   found from the hits and the holds by their indexes, and count what goes (for the ledger and
   the images); delete the kept ones from the partition.
3. ``DETACH`` the partition and rename it ``reads_gone_<day>_<tag>``: no search, export or
   look-up reaches it any more. A day that keeps something gets a fresh partition with the kept
   reads put back, made and filled as a table of its own before the detach, then attached.
4. Commit.

Then ``settle`` (``PostgresReads.settle_summaries``, run by the scheduler after each purge)
deletes the gone table's rows in short batches, telling the summaries of each batch in the same
transaction, and drops the table once it is empty. The plate index has hundreds of thousands of
plates to subtract per day: done in the swap, that would hold the day's lock for tens of
seconds; done from the gone table, it holds nothing a search or ingest waits for. A crash at
any point loses nothing: before the commit the day is as it was, after it the gone table waits
for the next settle, and each batch is told to the summaries in the transaction that deletes it.

The price of ``DETACH`` is its lock on all of ``reads``, held from the detach to the commit: a
few milliseconds of catalog changes, the fresh partition being made and filled before it. It is
asked for with a short ``lock_timeout`` a few times, so a long reader (an export of a month)
makes the swap give way rather than hold every lookup behind it; the day then goes in the
ordinary batches of the purge.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from psycopg import errors, sql

from platekeeper.domain.time import day_start
from platekeeper.store.postgres.dialect import Connection, PostgresTransaction
from platekeeper.store.postgres.partitions import Partition, partition_name
from platekeeper.store.protocols import PurgedReads
from platekeeper.store.sql.read_summaries import ReadSummaries, removed_reads
from platekeeper.store.sql.reads import READ_COLUMNS

logger = logging.getLogger(__name__)

GONE_PREFIX = "reads_gone_"
"""A detached day's reads, waiting for ``settle``: ``reads_gone_<YYYYMMDD>_<tag>``."""

_WITHIN_DAY = "within_day"
"""The check that a day's fresh partition holds only reads of the day, until it is attached."""

LOCK_TIMEOUT_MS = 50
"""How long the swap waits for a lock that holds lookups back while it waits."""
LOCK_TRIES = 4
LOCK_PAUSE_S = 0.05
"""Between tries, the lookups queued behind the request run."""

NOTHING = PurgedReads(0, 0, None, None)


class DayBusy(Exception):
    """The day's partition or ``reads`` stayed locked by others: the batched purge takes the
    day's reads instead."""


def purge_day(
    connection: Connection,
    partition: Partition,
    doomed: tuple[str, Sequence[Any]],
    kept: tuple[str, Sequence[Any]],
) -> PurgedReads:
    """Take the reads of ``partition`` that meet ``doomed`` (a condition on ``reads``, written
    with ``?`` marks) out of ``reads`` into a gone table for ``settle``, keeping the rest, in one
    transaction; raises ``DayBusy`` (nothing done) when a lock is not granted in time.

    ``kept`` is a ``SELECT`` of read ids among which is every read of the day not ``doomed``:
    the few the day keeps, found by the indexes of the hits and the holds; ``doomed`` decides.
    """
    table = partition.table.as_string(connection)
    where, params = doomed
    transaction = PostgresTransaction(connection)
    left = transaction.execute(_WHAT_IS_LEFT.format(table=table, where=where), params).fetchone()
    due, empty = left if left is not None else (True, False)
    if not due and not empty:
        # A past day holding only what it keeps, as every purged day does: left untouched.
        return NOTHING
    with connection.transaction():
        connection.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(partition.table))
        kept_reads = _keep(transaction, table, doomed, kept)
        gone = connection.execute(_GONE.format(table=partition.table)).fetchone()
        if gone is None or not gone[0]:
            # Nothing of the day is due: an empty day goes, a day of kept reads stays as it is.
            if not kept_reads:
                _drop(connection, partition)
            return NOTHING
        if kept_reads:
            connection.execute(_DELETE_KEPT.format(table=partition.table))
        _swap(connection, partition, kept=kept_reads > 0)
    return purged_of(gone)


def gone_tables(connection: Connection) -> list[sql.Identifier]:
    """The gone tables of the store's schema waiting for ``settle``, oldest day first."""
    rows = connection.execute(
        "SELECT current_schema(), relname FROM pg_class"
        " WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"
        " AND relname LIKE %s ORDER BY relname",
        (GONE_PREFIX.replace("_", "\\_") + "%",),
    ).fetchall()
    return [sql.Identifier(schema, name) for schema, name in rows]


def settle(
    connection: Connection, gone: sql.Identifier, summaries: ReadSummaries, limit: int
) -> int:
    """Delete up to ``limit`` reads of the gone table ``gone`` and tell ``summaries``, in one
    transaction; drop the table once nothing is left in it. Return how many reads went."""
    with connection.transaction():
        rows = connection.execute(_TAKE_GONE.format(table=gone), (limit,)).fetchall()
        summaries.removed(PostgresTransaction(connection), removed_reads(rows))
        if len(rows) < limit:
            connection.execute(sql.SQL("DROP TABLE {}").format(gone))
            logger.info("settled the purged reads of %s", gone.as_string(connection))
    return len(rows)


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
_DELETE_KEPT = sql.SQL(
    "DELETE FROM {table} AS reads USING reads_kept"
    " WHERE reads_kept.id = reads.id AND reads_kept.captured_at = reads.captured_at"
)
# A batch of a gone table, in whatever order its pages hold it.
_TAKE_GONE = sql.SQL(
    "DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} LIMIT %s))"
    " RETURNING plate_key, camera_id, captured_at"
)


def _keep(
    transaction: PostgresTransaction,
    table: str,
    doomed: tuple[str, Sequence[Any]],
    kept: tuple[str, Sequence[Any]],
) -> int:
    """Copy the reads among ``kept`` not meeting ``doomed`` to ``reads_kept``; return how many."""
    where, params = doomed
    ids, id_params = kept
    transaction.execute("CREATE TEMPORARY TABLE reads_kept (LIKE reads) ON COMMIT DROP")
    # An array, so that the primary key looks each one up, whatever the planner's estimates.
    copied = transaction.execute(
        f"INSERT INTO reads_kept ({READ_COLUMNS}) SELECT {READ_COLUMNS}"
        f" FROM {table} AS reads WHERE reads.id = ANY(ARRAY({ids})) AND NOT ({where})",
        (*id_params, *params),
    ).rowcount
    transaction.execute("ANALYZE reads_kept")
    return copied


def _swap(connection: Connection, partition: Partition, *, kept: bool) -> None:
    """Detach the partition as a gone table; give the day a fresh one with ``reads_kept``."""
    fresh = _fresh_partition(connection, partition) if kept else None
    if not _locked(
        connection,
        sql.SQL("ALTER TABLE {} DETACH PARTITION {}").format(
            sql.Identifier(partition.schema, "reads"), partition.table
        ),
    ):
        raise DayBusy(f"reads stayed locked: partition {partition.day} not detached")
    gone = f"{GONE_PREFIX}{partition.day:%Y%m%d}_{uuid.uuid4().hex[:8]}"
    connection.execute(
        sql.SQL("ALTER TABLE {} RENAME TO {}").format(partition.table, sql.Identifier(gone))
    )
    if fresh is not None:
        connection.execute(
            sql.SQL("ALTER TABLE {} RENAME TO {}").format(
                fresh, sql.Identifier(partition_name(partition.day))
            )
        )
        connection.execute(
            sql.SQL("ALTER TABLE {} ATTACH PARTITION {} FOR VALUES FROM ({}) TO ({})").format(
                sql.Identifier(partition.schema, "reads"),
                partition.table,
                sql.Literal(day_start(partition.day)),
                sql.Literal(partition.end),
            )
        )
        connection.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                partition.table, sql.Identifier(_WITHIN_DAY)
            )
        )


def _fresh_partition(connection: Connection, partition: Partition) -> sql.Identifier:
    """A table like ``reads``, indexes included, holding ``reads_kept``, with a check that its
    reads are of the day: attached in the swap, it is the day's fresh partition."""
    # Made and filled before DETACH locks all of reads: every lookup waits for that lock until
    # the commit, and creating a partition and putting back a day's 1,500 kept reads under it
    # held them 15 to 18 ms at 51 M reads; the rename and the attach, 3 to 4 ms. The check
    # spares the attach its scan for rows outside the day. Named after the day, as are the
    # indexes it is given, which keep their names once it is the day's partition.
    fresh = sql.Identifier(
        partition.schema, f"{partition_name(partition.day)}_{uuid.uuid4().hex[:8]}"
    )
    connection.execute(
        sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(
            fresh, sql.Identifier(partition.schema, "reads")
        )
    )
    connection.execute(
        sql.SQL(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK (captured_at >= {} AND captured_at < {})"
        ).format(
            fresh,
            sql.Identifier(_WITHIN_DAY),
            sql.Literal(day_start(partition.day)),
            sql.Literal(partition.end),
        )
    )
    connection.execute(
        sql.SQL("INSERT INTO {} ({}) SELECT {} FROM reads_kept").format(
            fresh, sql.SQL(READ_COLUMNS), sql.SQL(READ_COLUMNS)
        )
    )
    return fresh


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
