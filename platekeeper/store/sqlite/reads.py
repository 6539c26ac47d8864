"""Plate reads in SQLite."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson

from platekeeper.domain import PlateRead
from platekeeper.domain.ids import read_id_upper_bound
from platekeeper.domain.time import from_epoch_us
from platekeeper.errors import NotFound
from platekeeper.store.outcomes import all_created, classify_reads
from platekeeper.store.protocols import (
    MinuteCount,
    ReadQuery,
    StoredRead,
)
from platekeeper.store.sql.dialect import ConstraintViolation, Violation
from platekeeper.store.sql.plate_index import SqlPlateIndex
from platekeeper.store.sql.read_summaries import ReadSummary
from platekeeper.store.sql.reads import (
    READ_COLUMNS,
    SqlReads,
    hit_read_sql,
    read_row,
    read_where_sql,
)
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.dialect import SQLITE

_US_PER_MINUTE = 60_000_000
_INSERT = (
    f"INSERT INTO reads ({READ_COLUMNS}) VALUES ({', '.join('?' * 18)}) ON CONFLICT DO NOTHING"
)


class SqliteReads(SqlReads):
    _BOUND_IDS = True

    def __init__(
        self,
        database: SqliteDatabase,
        summaries: Sequence[ReadSummary] = (),
        plates: SqlPlateIndex | None = None,
    ) -> None:
        super().__init__(database, summaries, plates)
        self._sqlite = database

    def add(self, reads: Sequence[PlateRead]) -> list[StoredRead]:
        rows = [read_row(read, SQLITE.time) for read in reads]
        try:
            return self._add(reads, rows)
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                cameras = sorted({read.camera_id for read in reads})
                raise NotFound(f"a read names a camera that does not exist ({cameras})") from None
            raise

    def _add(self, reads: Sequence[PlateRead], rows: list[tuple[Any, ...]]) -> list[StoredRead]:
        with self._sqlite.write() as connection:
            # Retries are rare: insert optimistically, and sort reads out one by one only when
            # some id was already taken.
            connection.execute("SAVEPOINT add_reads")
            before = connection.total_changes
            connection.executemany(_INSERT, rows)
            if connection.total_changes - before == len(rows):
                connection.execute("RELEASE add_reads")
                self._summaries.added(connection, reads)
                return all_created(reads)
            connection.execute("ROLLBACK TO add_reads")
            connection.execute("RELEASE add_reads")
            results, new = classify_reads(
                reads, _stored_fingerprints(connection, [r.id for r in reads])
            )
            connection.executemany(_INSERT, [rows[index] for index in new])
            self._summaries.added(connection, [reads[index] for index in new])
            return results

    def delete_captured_before(self, cutoff: datetime) -> int:
        # The id bound lets SQLite walk only the start of the id index.
        bound, params = self._captured_before(cutoff)
        with self._sqlite.write() as connection:
            rows = connection.execute(
                f"DELETE FROM reads WHERE {bound}"
                " RETURNING captured_at, crop_ref, image_ref, plate_key, camera_id",
                params,
            ).fetchall()
            self._summaries.removed(connection, self._removed(rows))
        return len(rows)

    def _delete_batch_sql(self, where: str) -> str:
        return (
            f"DELETE FROM reads WHERE id IN (SELECT id FROM reads WHERE {where} ORDER BY id"
            " LIMIT ?) RETURNING captured_at, crop_ref, image_ref, plate_key, camera_id"
        )

    def oldest(self, *, hit_reads: bool) -> datetime | None:
        # Ids sort by capture millisecond: the first id of the class finds the millisecond, and
        # the exact minimum lies among the reads up to its end.
        condition = hit_read_sql(hit_reads, "reads.id")
        first = self._fetch_one(
            f"SELECT captured_at FROM reads WHERE {condition} ORDER BY id LIMIT 1"
        )
        if first is None:
            return None
        bound = read_id_upper_bound(from_epoch_us(first[0]))
        row = self._fetch_one(
            f"SELECT min(captured_at) FROM reads WHERE id < ? AND {condition}", (bound,)
        )
        return from_epoch_us(row[0] if row is not None and row[0] is not None else first[0])

    def per_minute(
        self, agency_id: str, captured_from: datetime, captured_before: datetime
    ) -> list[MinuteCount]:
        query = ReadQuery(
            agency_id=agency_id, captured_from=captured_from, captured_before=captured_before
        )
        where, params = read_where_sql(query, time=SQLITE.time, bound_ids=True)
        rows = self._fetch_all(
            f"SELECT captured_at / {_US_PER_MINUTE} AS minute, count(*) FROM reads{where}"
            " GROUP BY minute ORDER BY minute",
            params,
        )
        return [
            MinuteCount(from_epoch_us(minute * _US_PER_MINUTE), count) for minute, count in rows
        ]


def _stored_fingerprints(connection: sqlite3.Connection, read_ids: list[str]) -> dict[str, str]:
    rows = connection.execute(
        "SELECT id, fingerprint FROM reads WHERE id IN (SELECT value FROM json_each(?))",
        (orjson.dumps(read_ids).decode(),),
    )
    return dict(rows)
