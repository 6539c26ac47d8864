"""Plate reads in PostgreSQL, one partition per capture day (see ``partitions``)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from psycopg import errors, sql

from platekeeper.domain import PlateRead
from platekeeper.domain.holds import Exemptions
from platekeeper.domain.ids import read_id_lower_bound, read_id_unix_ms, read_id_upper_bound
from platekeeper.domain.time import EPOCH, MICROSECOND, ONE_DAY, day_start
from platekeeper.errors import NotFound
from platekeeper.store.outcomes import all_created, classify_reads
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.day_purge import NOTHING, DayBusy, gone_tables, purge_day, settle
from platekeeper.store.postgres.dialect import (
    POSTGRES,
    Connection,
    PostgresTransaction,
    text_array_literal,
)
from platekeeper.store.postgres.partitions import DayPartitions, capture_day
from platekeeper.store.protocols import (
    MinuteCount,
    PurgedReads,
    ReadQuery,
    StoredRead,
)
from platekeeper.store.sql.database import Row, Transaction
from platekeeper.store.sql.plate_index import SeenPlate, SqlPlateIndex, unspelled_pattern
from platekeeper.store.sql.read_summaries import ReadSummaries, ReadSummary
from platekeeper.store.sql.read_windows import plates_by_day
from platekeeper.store.sql.reads import (
    READ_COLUMNS,
    SqlReads,
    held_plate_sql,
    hit_read_ids_sql,
    hit_read_sql,
    read_query_sql,
    read_row,
    read_where_sql,
)

# Incoming reads pass through a per-connection scratch table (see _insert).
_CREATE_INCOMING = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS reads_incoming (LIKE reads) ON COMMIT DELETE ROWS"
)
_COPY_INCOMING = f"COPY reads_incoming ({READ_COLUMNS}) FROM STDIN"
_INSERT_INCOMING = (
    f"INSERT INTO reads ({READ_COLUMNS}) SELECT {READ_COLUMNS} FROM reads_incoming"
    " ON CONFLICT DO NOTHING"
)

logger = logging.getLogger(__name__)


class PostgresReads(SqlReads):
    # Ids are uuid here; hits keep them as text.
    _ID_TEXT = "reads.id::text"

    def __init__(
        self,
        database: PostgresDatabase,
        summaries: Sequence[ReadSummary] = (),
        plates: SqlPlateIndex | None = None,
    ) -> None:
        super().__init__(database, summaries, plates)
        self._pg = database
        self._partitions = DayPartitions()

    def add(self, reads: Sequence[PlateRead]) -> list[StoredRead]:
        if not reads:
            return []
        rows = [read_row(read, POSTGRES.time) for read in reads]
        days = {capture_day(read.captured_at) for read in reads}
        try:
            return self._add(reads, rows, days)
        except errors.CheckViolation:
            # "No partition for this row": another process dropped a day this one had cached.
            self._partitions.forget(days)
            return self._add(reads, rows, days)

    def _add(
        self, reads: Sequence[PlateRead], rows: list[Row], days: set[date]
    ) -> list[StoredRead]:
        try:
            with self._pg.connection() as connection:
                self._partitions.ensure(connection, days)
                return _add_all_or_nothing(connection, reads, rows, self._summaries)
        except errors.ForeignKeyViolation:
            cameras = sorted({read.camera_id for read in reads})
            raise NotFound(f"a read names a camera that does not exist ({cameras})") from None

    def _locate(self, read_id: str) -> tuple[str, Row] | None:
        try:
            day = _id_day(read_id)
        except (ValueError, OverflowError):
            return None  # not a read id at all, so no read has it
        # The capture-day bounds let the planner look into one partition only. A whole day
        # rather than the id's millisecond prunes just as well and needs no care at the
        # millisecond's edges.
        return (
            "id = ? AND captured_at >= ? AND captured_at < ?",
            (uuid.UUID(read_id), day_start(day), day_start(day + ONE_DAY)),
        )

    def purgeable_days(self, captured_before: datetime) -> list[date]:
        with self._pg.connection() as connection:
            partitions = self._partitions.listed(connection)
        return [partition.day for partition in partitions if partition.end <= captured_before]

    def delete_expired_day(self, day: date, *, exempt: Exemptions) -> PurgedReads:
        # The whole day lies before its end, so the bound in the condition takes every read.
        doomed = self._expired_where(day_start(day + ONE_DAY), False, exempt)
        with self._pg.connection() as connection:
            partition = next((p for p in self._partitions.listed(connection) if p.day == day), None)
            if partition is None:
                return NOTHING
            try:
                purged = purge_day(connection, partition, doomed, self._kept_of_day(day, exempt))
            except DayBusy:
                logger.info("read partition %s stayed locked: purged in batches instead", day)
                return NOTHING
        # Swapped or gone: the day's partition is another table now, or none.
        self._partitions.forget([day])
        return purged

    def _kept_of_day(self, day: date, exempt: Exemptions) -> tuple[str, Row]:
        """A ``SELECT`` of read ids (uuid) among which are all the reads of ``day`` that the
        purge keeps: the day's hit reads, from the hits by the day's range of ids; the held
        reads; the held plates' reads of the day, by the plate's index. Found from the few
        kept, so that keeping costs no pass over the day's hundreds of thousands of reads."""
        first, end = _day_ids(day)
        parts = [f"SELECT read_id::uuid FROM ({hit_read_ids_sql()}) AS hit"]
        params: list[Any] = [first, end]
        if exempt.read_ids:
            parts.append("SELECT unnest(?::uuid[])")
            params.append(self._held(exempt.read_ids))
        plates, plate_params = held_plate_sql(exempt, POSTGRES.time)
        if plates:
            parts.append(
                "SELECT id FROM reads WHERE captured_at >= ? AND captured_at < ?"
                f" AND ({plates.removeprefix(' OR ')})"
            )
            params += [day_start(day), day_start(day + ONE_DAY), *plate_params]
        return " UNION ALL ".join(parts), tuple(params)

    def _plates_sql(
        self,
        query: ReadQuery,
        batch: list[SeenPlate],
        window: tuple[datetime, datetime],
        within: tuple[str, Row],
    ) -> tuple[str, list[Any]]:
        if _many_plates(query):
            # A prefix's or a suffix's hundreds of plates hold tens of reads a day, each on a
            # page of its own. Probed plate by plate, the pages are read one after the other;
            # a bitmap scan of each day's partition over the plates seen that day asks for them
            # all at once (in_table_order), and a prefix's plates are one run of its index.
            # From a cold cache at 51 M reads (benchmarks/store_scale.py's searches, server
            # restarted and page cache emptied), a suffix search's p50 went from 204 to 118 ms.
            days = plates_by_day(batch, window)
            return _lateral_sql(
                query,
                "unnest(?::timestamptz[], ?::timestamptz[], ?::text[]) AS day(start_at, end_at,"
                " plates)",
                [
                    [day.start for day in days],
                    [day.end for day in days],
                    POSTGRES.array([text_array_literal(day.plate_keys) for day in days]),
                ],
                "plate_key = ANY(day.plates::text[]) AND captured_at >= day.start_at"
                " AND captured_at < day.end_at",
                within,
            )
        # A plate, its misreads or a spelled-out pattern's few plates: each plate's reads
        # between its own first and last capture in the window, a lateral probe per plate that
        # run-time pruning confines to the days it was seen. One time range for the batch
        # opened every day's partition in it for every plate, and most plates a pattern finds
        # are cars seen once.
        start, end = window
        keys: list[str] = []
        firsts: list[datetime] = []
        ends: list[datetime] = []
        for plate in batch:
            first = max(plate.first_seen, start)
            last = min(plate.last_seen + MICROSECOND, end)
            if first < last:
                keys.append(plate.plate_key)
                firsts.append(first)
                ends.append(last)
        return _lateral_sql(
            query,
            "unnest(?::text[], ?::timestamptz[], ?::timestamptz[])"
            " AS seen(plate, first_at, end_at)",
            [POSTGRES.array(keys), firsts, ends],
            "plate_key = seen.plate AND captured_at >= seen.first_at AND captured_at < seen.end_at",
            within,
        )

    def _fetch_window(
        self, transaction: Transaction, query: ReadQuery, sql: str, params: Sequence[Any]
    ) -> list[Row]:
        if not isinstance(transaction, PostgresTransaction):
            return super()._fetch_window(transaction, query, sql, params)  # wrapped (tests)
        # The lateral statement's best plan is the same whatever its plates and times (each
        # probe of reads_by_plate in the days run-time pruning leaves), but PostgreSQL plans its
        # first runs on each connection afresh, over every day's partition: 4 ms a run, more
        # than running it, ten times before psycopg and the server settle on one plan.
        return transaction.fetch_under_one_plan(sql, params, in_table_order=_many_plates(query))

    def settle_summaries(self, limit: int) -> int:
        with self._pg.connection() as connection:
            for gone in gone_tables(connection):
                settled = settle(connection, gone, self._summaries, limit)
                if settled:
                    return settled
        return 0

    def unsettled(self) -> int:
        with self._pg.connection() as connection:
            counts = [
                connection.execute(sql.SQL("SELECT count(*) FROM {}").format(gone)).fetchone()
                for gone in gone_tables(connection)
            ]
        return sum(int(row[0]) for row in counts if row is not None)

    def _delete_batch_sql(self, where: str) -> str:
        # Rows: what a day past its ceiling keeps is swapped whole (delete_expired_day); the
        # batches take the rest, the day at the ceiling and the hit reads past theirs.
        return (
            f"WITH doomed AS (SELECT id, captured_at FROM reads WHERE {where}"
            " ORDER BY captured_at LIMIT ?) DELETE FROM reads USING doomed"
            " WHERE reads.id = doomed.id AND reads.captured_at = doomed.captured_at"
            " RETURNING reads.captured_at, reads.crop_ref, reads.image_ref, reads.plate_key,"
            " reads.camera_id"
        )

    def _held(self, read_ids: frozenset[str]) -> list[uuid.UUID]:
        return [uuid.UUID(read_id) for read_id in sorted(read_ids) if _is_uuid(read_id)]

    def delete_captured_before(self, cutoff: datetime) -> int:
        with self._pg.connection() as connection, connection.transaction():
            # Writers wait, so each count is exactly what its drop removes. Dropping a partition
            # also holds readers of reads back until the commit: the retention engine should
            # run this off-peak, or detach partitions first.
            connection.execute("LOCK TABLE ONLY reads IN EXCLUSIVE MODE")
            dropped = self._partitions.drop_before(connection, cutoff)
            # Every older day is gone, so pruning leaves only the partition the cutoff falls in.
            rows = connection.execute(
                "DELETE FROM reads WHERE captured_at < %s"
                " RETURNING captured_at, crop_ref, image_ref, plate_key, camera_id",
                (cutoff,),
            ).fetchall()
            gone = [*dropped, *self._removed(rows)]
            self._summaries.removed(PostgresTransaction(connection), gone)
        return sum(removed.reads for removed in gone)

    def oldest(self, *, hit_reads: bool) -> datetime | None:
        # Day by day from the oldest partition: the first day holding a read of the class has
        # the answer, and the others are never looked at.
        find = _oldest_hit_read if hit_reads else _oldest_non_hit_read
        with self._pg.connection() as connection:
            for partition in self._partitions.listed(connection):
                found = find(connection, partition.day)
                if found is not None:
                    return found.astimezone(UTC)
        return None

    def per_minute(
        self, agency_id: str, captured_from: datetime, captured_before: datetime
    ) -> list[MinuteCount]:
        query = ReadQuery(
            agency_id=agency_id, captured_from=captured_from, captured_before=captured_before
        )
        # The capture-time bounds let the planner skip the day partitions outside the range.
        where, params = read_where_sql(query, time=POSTGRES.time)
        rows = self._fetch_all(
            "SELECT date_trunc('minute', captured_at) AS minute, count(*)"
            f" FROM reads{where} GROUP BY minute ORDER BY minute",
            params,
        )
        return [MinuteCount(minute.astimezone(UTC), count) for minute, count in rows]


def _lateral_sql(
    query: ReadQuery, source: str, source_params: list[Any], probe: str, within: tuple[str, Row]
) -> tuple[str, list[Any]]:
    """The newest reads for ``query`` found by ``probe``, a condition on reads run for each row
    of ``source`` (a set-returning function of arrays), at most the query's limit."""
    extra, extra_params = within
    inner, inner_params = read_query_sql(
        replace(
            query,
            plate_key=None,
            plate_like=None,
            misread_tolerant=False,
            captured_from=None,
            captured_before=None,
        ),
        READ_COLUMNS,
        time=POSTGRES.time,
        within=(f" AND {probe}{extra}", extra_params),
    )
    return (
        f"SELECT found.* FROM {source} CROSS JOIN LATERAL ({inner}) AS found"
        " ORDER BY found.captured_at DESC, found.id DESC LIMIT ?",
        [*source_params, *inner_params, query.limit],
    )


def _many_plates(query: ReadQuery) -> bool:
    """Whether ``query``'s plates are a pattern's hundreds: not a plate, its misreads, or a
    pattern spelled out into a few keys."""
    return unspelled_pattern(query) is not None


def _add_all_or_nothing(
    connection: Connection,
    reads: Sequence[PlateRead],
    rows: list[Row],
    summaries: ReadSummaries,
) -> list[StoredRead]:
    # Retries are rare: insert optimistically, and sort reads out one by one only when some id
    # was already taken.
    with connection.transaction() as optimistic:
        if _insert(connection, rows) == len(rows):
            summaries.added(PostgresTransaction(connection), reads)
            return all_created(reads)
        raise psycopg.Rollback(optimistic)
    with connection.transaction():
        results, new = classify_reads(
            reads, _stored_fingerprints(connection, [r.id for r in reads])
        )
        if new:
            _insert(connection, [rows[index] for index in new])
            summaries.added(PostgresTransaction(connection), [reads[index] for index in new])
        return results


def _insert(connection: Connection, rows: list[Row]) -> int:
    """Insert ``rows``, skipping ids already stored; return how many were new.

    COPY into a scratch table, then one INSERT ... SELECT: faster than a pipelined
    ``executemany`` in every paired run measured (by 5 to 50 %, 1,000 reads a batch). The
    scratch table lives as long as the pooled connection and is empty whenever a transaction
    starts (its rows go at commit, or with a rollback), so call this once per transaction.
    """
    connection.execute(_CREATE_INCOMING)
    with connection.cursor() as cursor:
        with cursor.copy(_COPY_INCOMING) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(_INSERT_INCOMING)
        return cursor.rowcount


def _stored_fingerprints(connection: Connection, read_ids: list[str]) -> dict[str, str]:
    days = [_id_day(read_id) for read_id in read_ids]
    rows = connection.execute(
        "SELECT id, fingerprint FROM reads"
        " WHERE id = ANY(%s) AND captured_at >= %s AND captured_at < %s",
        (
            [uuid.UUID(read_id) for read_id in read_ids],
            day_start(min(days)),
            day_start(max(days) + ONE_DAY),
        ),
    )
    return {str(read_id): fingerprint for read_id, fingerprint in rows}


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _day_ids(day: date) -> tuple[str, str]:
    """The read ids of ``day`` lie from the first to before the second (``domain.ids``)."""
    return read_id_lower_bound(day_start(day)), read_id_lower_bound(day_start(day + ONE_DAY))


def _day_range(day: date) -> tuple[uuid.UUID, uuid.UUID, datetime, datetime]:
    first, end = _day_ids(day)
    return uuid.UUID(first), uuid.UUID(end), day_start(day), day_start(day + ONE_DAY)


_OF_DAY = "id >= %s AND id < %s AND captured_at >= %s AND captured_at < %s"


def _oldest_non_hit_read(connection: Connection, day: date) -> datetime | None:
    """The capture time of the day's oldest read that is no hit read.

    The primary key is in capture order (ids begin with the capture millisecond), so the walk
    stops at the first read of the class, nearly always the day's first, instead of weighing
    every read of the day. Reads of one millisecond sort by their hash, so the earliest
    microsecond is then looked for among that millisecond's.
    """
    not_hit = hit_read_sql(False, "reads.id::text")
    row = connection.execute(
        f"SELECT captured_at FROM reads WHERE {_OF_DAY} AND {not_hit} ORDER BY id LIMIT 1",
        _day_range(day),
    ).fetchone()
    if row is None:
        return None
    at: datetime = row[0]
    row = connection.execute(
        f"SELECT min(captured_at) FROM reads WHERE {_OF_DAY} AND {not_hit}",
        (
            uuid.UUID(read_id_lower_bound(at)),
            uuid.UUID(read_id_upper_bound(at)),
            day_start(day),
            day_start(day + ONE_DAY),
        ),
    ).fetchone()
    return at if row is None or row[0] is None else min(at, row[0])


def _oldest_hit_read(connection: Connection, day: date) -> datetime | None:
    """The capture time of the day's oldest hit read, found from the day's hits."""
    first, end = _day_ids(day)
    row = (
        PostgresTransaction(connection)
        .execute(
            "SELECT min(captured_at) FROM reads WHERE captured_at >= ? AND captured_at < ?"
            f" AND id = ANY(ARRAY(SELECT read_id::uuid FROM ({hit_read_ids_sql()}) AS hit))",
            (day_start(day), day_start(day + ONE_DAY), first, end),
        )
        .fetchone()
    )
    return None if row is None else row[0]


def _id_day(read_id: str) -> date:
    """The capture day carried by a read id (``platekeeper.domain.ids``)."""
    return capture_day(EPOCH + timedelta(milliseconds=read_id_unix_ms(read_id)))
