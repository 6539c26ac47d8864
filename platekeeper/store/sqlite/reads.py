"""Plate reads in SQLite."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson

from platekeeper.domain import GeoPoint, PlateRead
from platekeeper.domain.ids import read_id_upper_bound
from platekeeper.domain.time import from_epoch_us, to_epoch_us
from platekeeper.errors import NotFound
from platekeeper.store.codec import (
    box_from_json,
    box_to_json,
    candidates_from_json,
    candidates_to_json,
)
from platekeeper.store.outcomes import all_created, classify_reads
from platekeeper.store.protocols import ReadQuery, ReadStats, StoredRead
from platekeeper.store.queries import read_query_sql
from platekeeper.store.sqlite.database import SqliteDatabase

_COLUMNS = (
    "id, client_read_id, camera_id, plate_text, plate_key, confidence, region,"
    " region_confidence, candidates, captured_at, received_at, latitude, longitude, box,"
    " crop_ref, image_ref, fingerprint"
)
_INSERT = f"INSERT INTO reads ({_COLUMNS}) VALUES ({', '.join('?' * 17)}) ON CONFLICT DO NOTHING"


class SqliteReads:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, reads: Sequence[PlateRead]) -> list[StoredRead]:
        rows = [read_row(read) for read in reads]
        try:
            return self._add(reads, rows)
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == "SQLITE_CONSTRAINT_FOREIGNKEY":
                cameras = sorted({read.camera_id for read in reads})
                raise NotFound(f"a read names a camera that does not exist ({cameras})") from None
            raise

    def _add(self, reads: Sequence[PlateRead], rows: list[tuple[Any, ...]]) -> list[StoredRead]:
        with self._db.write() as connection:
            # Retries are rare: insert optimistically, and sort reads out one by one only when
            # some id was already taken.
            connection.execute("SAVEPOINT add_reads")
            before = connection.total_changes
            connection.executemany(_INSERT, rows)
            if connection.total_changes - before == len(rows):
                connection.execute("RELEASE add_reads")
                return all_created(reads)
            connection.execute("ROLLBACK TO add_reads")
            connection.execute("RELEASE add_reads")
            return _add_with_retries(connection, reads, rows)

    def get(self, read_id: str) -> PlateRead | None:
        row = self._db.fetch_one(f"SELECT {_COLUMNS} FROM reads WHERE id = ?", (read_id,))
        return None if row is None else _read(row)

    def find(self, query: ReadQuery) -> list[PlateRead]:
        sql, params = read_query_sql(
            query, _COLUMNS, placeholder="?", instant=to_epoch_us, bound_ids=True
        )
        return [_read(row) for row in self._db.fetch_all(sql, params)]

    def delete_captured_before(self, cutoff: datetime) -> int:
        # Ids sort by capture time: the id bound lets SQLite walk only the start of the id index.
        with self._db.write() as connection:
            cursor = connection.execute(
                "DELETE FROM reads WHERE id < ? AND captured_at < ?",
                (read_id_upper_bound(cutoff), to_epoch_us(cutoff)),
            )
        return cursor.rowcount

    def stats(self) -> ReadStats:
        row = self._db.fetch_one("SELECT count(*), min(captured_at), max(captured_at) FROM reads")
        count, oldest, newest = row if row is not None else (0, None, None)
        return ReadStats(
            read_count=count,
            oldest_captured_at=None if oldest is None else from_epoch_us(oldest),
            newest_captured_at=None if newest is None else from_epoch_us(newest),
        )


def _add_with_retries(
    connection: sqlite3.Connection, reads: Sequence[PlateRead], rows: list[tuple[Any, ...]]
) -> list[StoredRead]:
    results, new = classify_reads(reads, _stored_fingerprints(connection, [r.id for r in reads]))
    connection.executemany(_INSERT, [rows[index] for index in new])
    return results


def _stored_fingerprints(connection: sqlite3.Connection, read_ids: list[str]) -> dict[str, str]:
    rows = connection.execute(
        "SELECT id, fingerprint FROM reads WHERE id IN (SELECT value FROM json_each(?))",
        (orjson.dumps(read_ids).decode(),),
    )
    return dict(rows)


def read_row(read: PlateRead) -> tuple[Any, ...]:
    """The values of ``read`` in the column order of the reads table."""
    location = read.location
    return (
        read.id,
        read.client_read_id,
        read.camera_id,
        read.plate_text,
        read.plate_key,
        read.confidence,
        read.region,
        read.region_confidence,
        candidates_to_json(read.candidates),
        to_epoch_us(read.captured_at),
        to_epoch_us(read.received_at),
        None if location is None else location.latitude,
        None if location is None else location.longitude,
        box_to_json(read.box),
        read.crop_ref,
        read.image_ref,
        read.fingerprint,
    )


def _read(row: tuple[Any, ...]) -> PlateRead:
    return PlateRead(
        id=row[0],
        client_read_id=row[1],
        camera_id=row[2],
        plate_text=row[3],
        plate_key=row[4],
        confidence=row[5],
        region=row[6],
        region_confidence=row[7],
        candidates=candidates_from_json(row[8]),
        captured_at=from_epoch_us(row[9]),
        received_at=from_epoch_us(row[10]),
        location=None if row[11] is None else GeoPoint(row[11], row[12]),
        box=box_from_json(row[13]),
        crop_ref=row[14],
        image_ref=row[15],
        fingerprint=row[16],
    )
