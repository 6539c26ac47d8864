"""Legal holds, the purge ledger and image bucket keys in SQLite."""

from __future__ import annotations

from datetime import datetime

import orjson

from platekeeper.domain.holds import LegalHold
from platekeeper.domain.purges import PurgeLedgerEntry
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.retention_rows import (
    HOLD_COLUMN_COUNT,
    HOLD_COLUMNS,
    LEDGER_COLUMNS,
    hold_from_row,
    hold_row,
    ledger_from_row,
    ledger_row,
)
from platekeeper.store.rows import Row
from platekeeper.store.sql.dialect import ConstraintViolation, Violation
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.dialect import SQLITE

_HOLD_PARAMS = ", ".join("?" * HOLD_COLUMN_COUNT)


class SqliteLegalHolds:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, hold: LegalHold) -> None:
        try:
            with self._db.write() as connection:
                connection.execute(
                    f"INSERT INTO legal_holds ({HOLD_COLUMNS}) VALUES ({_HOLD_PARAMS})",
                    hold_row(hold, SQLITE.time),
                )
                connection.executemany(
                    "INSERT INTO held_reads (hold_id, read_id) VALUES (?, ?)",
                    [(hold.id, read_id) for read_id in sorted(set(hold.read_ids))],
                )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {hold.agency_id!r} does not exist") from None
            raise Conflict(f"hold {hold.id} already exists") from None

    def get(self, hold_id: str) -> LegalHold | None:
        holds = _select_holds(self._db, "WHERE id = ?", (hold_id,))
        return holds[0] if holds else None

    def in_force(self, now: datetime) -> list[LegalHold]:
        return _select_holds(
            self._db,
            "WHERE released_at IS NULL AND expires_at > ? ORDER BY requested_at",
            (SQLITE.time.to_db(now),),
        )

    def approve(self, hold: LegalHold) -> bool:
        row = hold_row(hold, SQLITE.time)
        with self._db.write() as connection:
            cursor = connection.execute(
                "UPDATE legal_holds SET approved_by = ?, approved_at = ?"
                " WHERE id = ? AND approved_at IS NULL AND released_at IS NULL",
                (row[10], row[11], hold.id),
            )
        return cursor.rowcount == 1

    def close(self, hold: LegalHold) -> bool:
        row = hold_row(hold, SQLITE.time)
        with self._db.write() as connection:
            cursor = connection.execute(
                "UPDATE legal_holds SET released_by = ?, released_at = ?"
                " WHERE id = ? AND released_at IS NULL",
                (row[12], row[13], hold.id),
            )
        return cursor.rowcount == 1

    def list(self, agency_id: str | None = None, limit: int = 100) -> list[LegalHold]:
        where, params = ("", ()) if agency_id is None else ("WHERE agency_id = ?", (agency_id,))
        return _select_holds(
            self._db, f"{where} ORDER BY requested_at DESC, id LIMIT ?", (*params, limit)
        )


class SqlitePurgeLedger:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, entry: PurgeLedgerEntry) -> None:
        row = ledger_row(entry, SQLITE.time)
        with self._db.write() as connection:
            connection.execute(
                f"INSERT INTO purge_ledger ({LEDGER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                (*row[:3], int(row[3]), *row[4:]),
            )

    def list(self, limit: int = 100) -> list[PurgeLedgerEntry]:
        rows = self._db.fetch_all(
            f"SELECT {LEDGER_COLUMNS} FROM purge_ledger ORDER BY started_at DESC, id LIMIT ?",
            (limit,),
        )
        return [ledger_from_row(row, SQLITE.time) for row in rows]


class SqliteImageKeys:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def get(self, bucket: str) -> bytes | None:
        row = self._db.fetch_one("SELECT wrapped_key FROM image_keys WHERE bucket = ?", (bucket,))
        return None if row is None else row[0]

    def add(self, bucket: str, wrapped_key: bytes, at: datetime) -> bytes:
        with self._db.write() as connection:
            # A destroyed bucket takes a new key: images written to it from now on are readable,
            # the old ones stay shredded.
            connection.execute(
                "INSERT INTO image_keys (bucket, wrapped_key, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (bucket) DO UPDATE SET wrapped_key = excluded.wrapped_key,"
                " created_at = excluded.created_at, destroyed_at = NULL"
                " WHERE image_keys.wrapped_key IS NULL",
                (bucket, wrapped_key, SQLITE.time.to_db(at)),
            )
            row = connection.execute(
                "SELECT wrapped_key FROM image_keys WHERE bucket = ?", (bucket,)
            ).fetchone()
        stored: bytes = row[0]
        return stored

    def destroy(self, bucket: str, at: datetime) -> bool:
        with self._db.write() as connection:
            # Overwrite freed space with zeros, so the wiped key leaves no copy in the file.
            connection.execute("PRAGMA secure_delete = ON")
            cursor = connection.execute(
                "UPDATE image_keys SET wrapped_key = NULL, destroyed_at = ?"
                " WHERE bucket = ? AND wrapped_key IS NOT NULL",
                (SQLITE.time.to_db(at), bucket),
            )
        return cursor.rowcount == 1

    def live(self) -> list[str]:
        rows = self._db.fetch_all(
            "SELECT bucket FROM image_keys WHERE wrapped_key IS NOT NULL ORDER BY bucket"
        )
        return [row[0] for row in rows]


def _select_holds(database: SqliteDatabase, tail: str, params: Row) -> list[LegalHold]:
    with database.read() as connection:
        rows = connection.execute(
            f"SELECT {HOLD_COLUMNS} FROM legal_holds {tail}", params
        ).fetchall()
        held = connection.execute(
            "SELECT hold_id, read_id FROM held_reads"
            " WHERE hold_id IN (SELECT value FROM json_each(?)) ORDER BY read_id",
            (orjson.dumps([row[0] for row in rows]).decode(),),
        ).fetchall()
    read_ids: dict[str, list[str]] = {}
    for hold_id, read_id in held:
        read_ids.setdefault(hold_id, []).append(read_id)
    return [hold_from_row(row, tuple(read_ids.get(row[0], ())), SQLITE.time) for row in rows]
