"""Daily partitions of ``reads``: one table per UTC capture day, named ``reads_pYYYYMMDD``.

The store creates the partition of each day it is about to write, before the write's own
transaction: creating a partition locks the whole ``reads`` table, and taking that lock after
inserting would invite deadlocks with other writers. Retention drops whole days instead of
deleting reads one by one: no dead rows, no vacuum, and the space returns at once. (The count of
what a day held, which the purge reports, is the one part that grows with the day.)

Partitions are created unqualified, so they land in the connection's current schema, beside
``reads``. DDL takes no bound parameters, so names and bounds are built from dates only, and
quoted all the same.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from psycopg import errors, pq, sql

from platekeeper.domain.time import ONE_DAY, day_start
from platekeeper.store.postgres.dialect import Connection
from platekeeper.store.sql.read_summaries import RemovedReads

_NAME = re.compile(r"reads_p(?P<day>\d{8})")

logger = logging.getLogger(__name__)


def capture_day(instant: datetime) -> date:
    return instant.astimezone(UTC).date()


def partition_name(day: date) -> str:
    return f"reads_p{day:%Y%m%d}"


@dataclass(frozen=True, slots=True)
class Partition:
    schema: str
    day: date

    @property
    def table(self) -> sql.Identifier:
        return sql.Identifier(self.schema, partition_name(self.day))

    @property
    def end(self) -> datetime:
        return day_start(self.day + ONE_DAY)


class DayPartitions:
    """The partitions of one store's ``reads`` table, with the days known to exist cached.

    The cache is a plain set shared by threads: a race only repeats a ``CREATE ... IF NOT
    EXISTS``, which is harmless.
    """

    def __init__(self) -> None:
        self._known: set[date] = set()

    def ensure(self, connection: Connection, days: Iterable[date]) -> None:
        """Create the partitions of ``days`` that are not known to exist; commits each one."""
        missing = sorted(set(days) - self._known)
        if missing and connection.info.transaction_status != pq.TransactionStatus.IDLE:
            raise RuntimeError("partitions must be created outside other transactions")
        for day in missing:
            create_partition(connection, day)
            self._known.add(day)

    def forget(self, days: Iterable[date]) -> None:
        """Stop trusting the cache for ``days``: another process may have dropped them."""
        self._known.difference_update(days)

    def listed(self, connection: Connection) -> list[Partition]:
        """The day partitions of ``reads`` as stored, oldest first."""
        rows = connection.execute(
            "SELECT namespace.nspname, child.relname FROM pg_inherits"
            " JOIN pg_class child ON child.oid = pg_inherits.inhrelid"
            " JOIN pg_namespace namespace ON namespace.oid = child.relnamespace"
            " WHERE pg_inherits.inhparent = 'reads'::regclass"
        ).fetchall()
        found = [(schema, _NAME.fullmatch(name)) for schema, name in rows]
        partitions = [
            Partition(schema, date.fromisoformat(match["day"])) for schema, match in found if match
        ]
        return sorted(partitions, key=lambda partition: partition.day)

    def drop_before(self, connection: Connection, cutoff: datetime) -> list[RemovedReads]:
        """Drop every partition that ends at or before ``cutoff``; return the reads they held,
        counted by plate and camera.

        Call it inside a transaction that keeps writers out of ``reads``, so that the count is
        exactly what the drop removes.
        """
        deleted: list[RemovedReads] = []
        dropped: list[date] = []
        for partition in self.listed(connection):
            if partition.end > cutoff:
                break
            counted = connection.execute(
                sql.SQL(
                    "SELECT plate_key, camera_id, count(*) FROM {} GROUP BY plate_key, camera_id"
                ).format(partition.table)
            ).fetchall()
            deleted += [
                RemovedReads(plate_key, camera_id, partition.day, int(count))
                for plate_key, camera_id, count in counted
            ]
            connection.execute(sql.SQL("DROP TABLE {}").format(partition.table))
            dropped.append(partition.day)
        if dropped:
            logger.info(
                "dropped %d read partitions, %s to %s", len(dropped), dropped[0], dropped[-1]
            )
        self.forget(dropped)
        return deleted


def create_partition(connection: Connection, day: date) -> None:
    """Create ``day``'s partition unless it exists (in a savepoint of any transaction open)."""
    statement = sql.SQL(
        "CREATE TABLE IF NOT EXISTS {} PARTITION OF reads FOR VALUES FROM ({}) TO ({})"
    ).format(
        sql.Identifier(partition_name(day)),
        sql.Literal(day_start(day)),
        sql.Literal(day_start(day + ONE_DAY)),
    )
    try:
        with connection.transaction():
            connection.execute(statement)
    except (errors.DuplicateTable, errors.UniqueViolation):
        # Another process created it between the existence check and the creation.
        logger.debug("partition %s was created concurrently", partition_name(day))
    else:
        logger.debug("ensured partition %s", partition_name(day))
