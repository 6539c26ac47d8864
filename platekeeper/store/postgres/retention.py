"""Legal holds, the purge ledger and image bucket keys in PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from psycopg import errors

from platekeeper.domain.holds import LegalHold
from platekeeper.domain.purges import PurgeLedgerEntry
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.dialect import POSTGRES
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

_HOLD_PARAMS = ", ".join(["%s"] * HOLD_COLUMN_COUNT)


class PostgresLegalHolds:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def add(self, hold: LegalHold) -> None:
        try:
            with self._db.connection() as connection, connection.transaction():
                connection.execute(
                    f"INSERT INTO legal_holds ({HOLD_COLUMNS}) VALUES ({_HOLD_PARAMS})",
                    hold_row(hold, POSTGRES.time),
                )
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO held_reads (hold_id, read_id) VALUES (%s, %s)",
                        [(hold.id, read_id) for read_id in sorted(set(hold.read_ids))],
                    )
        except errors.ForeignKeyViolation:
            raise NotFound(f"agency {hold.agency_id!r} does not exist") from None
        except errors.IntegrityError:
            raise Conflict(f"hold {hold.id} already exists") from None

    def get(self, hold_id: str) -> LegalHold | None:
        holds = _select_holds(self._db, "WHERE id = %s", (hold_id,))
        return holds[0] if holds else None

    def in_force(self, now: datetime) -> list[LegalHold]:
        return _select_holds(
            self._db, "WHERE released_at IS NULL AND expires_at > %s ORDER BY requested_at", (now,)
        )

    def approve(self, hold: LegalHold) -> bool:
        with self._db.connection() as connection:
            cursor = connection.execute(
                "UPDATE legal_holds SET approved_by = %s, approved_at = %s"
                " WHERE id = %s AND approved_at IS NULL AND released_at IS NULL",
                (hold.approved_by, hold.approved_at, hold.id),
            )
        return cursor.rowcount == 1

    def close(self, hold: LegalHold) -> bool:
        with self._db.connection() as connection:
            cursor = connection.execute(
                "UPDATE legal_holds SET released_by = %s, released_at = %s"
                " WHERE id = %s AND released_at IS NULL",
                (hold.released_by, hold.released_at, hold.id),
            )
        return cursor.rowcount == 1

    def list(self, agency_id: str | None = None, limit: int = 100) -> list[LegalHold]:
        where, params = ("", ()) if agency_id is None else ("WHERE agency_id = %s", (agency_id,))
        return _select_holds(
            self._db, f"{where} ORDER BY requested_at DESC, id LIMIT %s", (*params, limit)
        )


class PostgresPurgeLedger:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def add(self, entry: PurgeLedgerEntry) -> None:
        with self._db.connection() as connection:
            connection.execute(
                f"INSERT INTO purge_ledger ({LEDGER_COLUMNS})"
                " VALUES (%s, %s, %s, %s, %s::jsonb, %s::jsonb)",
                ledger_row(entry, POSTGRES.time),
            )

    def list(self, limit: int = 100) -> list[PurgeLedgerEntry]:
        with self._db.connection() as connection:
            rows = connection.execute(
                f"SELECT {LEDGER_COLUMNS} FROM purge_ledger ORDER BY started_at DESC, id LIMIT %s",
                (limit,),
            ).fetchall()
        return [ledger_from_row(row, POSTGRES.time) for row in rows]


class PostgresImageKeys:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def get(self, bucket: str) -> bytes | None:
        with self._db.connection() as connection:
            row = connection.execute(
                "SELECT wrapped_key FROM image_keys WHERE bucket = %s", (bucket,)
            ).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def add(self, bucket: str, wrapped_key: bytes, at: datetime) -> bytes:
        with self._db.connection() as connection, connection.transaction():
            # A destroyed bucket takes a new key: images written to it from now on are readable,
            # the old ones stay shredded.
            connection.execute(
                "INSERT INTO image_keys (bucket, wrapped_key, created_at) VALUES (%s, %s, %s)"
                " ON CONFLICT (bucket) DO UPDATE SET wrapped_key = excluded.wrapped_key,"
                " created_at = excluded.created_at, destroyed_at = NULL"
                " WHERE image_keys.wrapped_key IS NULL",
                (bucket, wrapped_key, at),
            )
            row = connection.execute(
                "SELECT wrapped_key FROM image_keys WHERE bucket = %s", (bucket,)
            ).fetchone()
        assert row is not None
        return bytes(row[0])

    def destroy(self, bucket: str, at: datetime) -> bool:
        with self._db.connection() as connection:
            cursor = connection.execute(
                "UPDATE image_keys SET wrapped_key = NULL, destroyed_at = %s"
                " WHERE bucket = %s AND wrapped_key IS NOT NULL",
                (at, bucket),
            )
        return cursor.rowcount == 1

    def live(self) -> list[str]:
        with self._db.connection() as connection:
            rows = connection.execute(
                "SELECT bucket FROM image_keys WHERE wrapped_key IS NOT NULL ORDER BY bucket"
            ).fetchall()
        return [row[0] for row in rows]


def _select_holds(database: PostgresDatabase, tail: str, params: Row) -> list[LegalHold]:
    with database.connection() as connection:
        rows = connection.execute(
            f"SELECT {HOLD_COLUMNS} FROM legal_holds {tail}", params
        ).fetchall()
        held = connection.execute(
            "SELECT hold_id, read_id FROM held_reads WHERE hold_id = ANY(%s) ORDER BY read_id",
            ([row[0] for row in rows],),
        ).fetchall()
    read_ids: dict[str, list[str]] = {}
    for hold_id, read_id in held:
        read_ids.setdefault(hold_id, []).append(read_id)
    return [hold_from_row(row, tuple(read_ids.get(row[0], ())), POSTGRES.time) for row in rows]
