"""The access log in PostgreSQL.

Appends serialise on a transaction-scoped advisory lock (one per schema), taken before the head
is read: every process appending to this database waits its turn, and the lock ends with the
transaction that inserted the entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb

from platekeeper.domain.access import (
    GENESIS_HASH,
    AccessEvent,
    AccessRecord,
    ChainPoint,
    Checkpoint,
    seal,
)
from platekeeper.store.access_rows import (
    ACCESS_COLUMNS,
    CHECKPOINT_COLUMNS,
    access_filter_sql,
    access_from_row,
    access_row,
    checkpoint_from_row,
    checkpoint_row,
)
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.dialect import POSTGRES, Connection
from platekeeper.store.protocols import AccessFilter
from platekeeper.store.sql.dialect import JsonCodec

POSTGRES_JSON = JsonCodec(to_db=Jsonb, from_db=lambda value: value)
# First half of the advisory lock key: "PlateKeeper access log" ("PA"); the second is the schema.
_APPEND_LOCK_CLASS = 0x5041
_INSERT = f"INSERT INTO access_log ({ACCESS_COLUMNS}) VALUES ({', '.join(['%s'] * 15)})"
_HEAD = "SELECT seq, entry_hash FROM access_log ORDER BY seq DESC LIMIT 1"
_ANCHOR = "SELECT seq, entry_hash FROM access_log_anchor WHERE id = 1"


class PostgresAccessLog:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def append(self, event: AccessEvent) -> AccessRecord:
        with self._db.connection() as connection, connection.transaction():
            _lock(connection)
            head = _head(connection)
            record = (
                seal(1, event, GENESIS_HASH)
                if head is None
                else seal(head.seq + 1, event, head.entry_hash)
            )
            connection.execute(_INSERT, access_row(record, POSTGRES.time, POSTGRES_JSON))
        return record

    def head(self) -> ChainPoint | None:
        with self._db.connection() as connection:
            return _head(connection)

    def anchor(self) -> ChainPoint | None:
        with self._db.connection() as connection:
            row = connection.execute(_ANCHOR).fetchone()
        return None if row is None else ChainPoint(row[0], row[1])

    def scan(self, after_seq: int, limit: int) -> list[AccessRecord]:
        rows = self._fetch(
            f"SELECT {ACCESS_COLUMNS} FROM access_log WHERE seq > %s ORDER BY seq LIMIT %s",
            [after_seq, limit],
        )
        return [access_from_row(row, POSTGRES.time, POSTGRES_JSON) for row in rows]

    def find(self, query: AccessFilter) -> list[AccessRecord]:
        sql, params = access_filter_sql(
            query, placeholder="%s", instant=lambda at: at, plate_expression="(query ->> 'plate')"
        )
        rows = self._fetch(sql, params)
        return [access_from_row(row, POSTGRES.time, POSTGRES_JSON) for row in rows]

    def add_checkpoint(self, checkpoint: Checkpoint) -> bool:
        with self._db.connection() as connection, connection.transaction():
            _lock(connection)
            last = connection.execute("SELECT max(seq) FROM access_log_checkpoints").fetchone()
            if last is not None and last[0] is not None and checkpoint.seq < last[0]:
                return False  # another process signed a later head meanwhile
            cursor = connection.execute(
                f"INSERT INTO access_log_checkpoints ({CHECKPOINT_COLUMNS})"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                checkpoint_row(checkpoint, POSTGRES.time),
            )
        return cursor.rowcount == 1

    def checkpoints(self) -> list[Checkpoint]:
        rows = self._fetch(
            f"SELECT {CHECKPOINT_COLUMNS} FROM access_log_checkpoints ORDER BY seq, signed_at", []
        )
        return [checkpoint_from_row(row, POSTGRES.time) for row in rows]

    def last_checkpoint(self) -> Checkpoint | None:
        rows = self._fetch(
            f"SELECT {CHECKPOINT_COLUMNS} FROM access_log_checkpoints"
            " ORDER BY seq DESC, signed_at DESC LIMIT 1",
            [],
        )
        return checkpoint_from_row(rows[0], POSTGRES.time) if rows else None

    def purge_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        with self._db.connection() as connection, connection.transaction():
            _lock(connection)
            anchor = connection.execute(_ANCHOR).fetchone()
            after = 0 if anchor is None else int(anchor[0])
            cut = _cut(connection, after, cutoff)
            if cut is None:
                return 0
            if dry_run:
                row = connection.execute(
                    "SELECT count(*) FROM access_log WHERE seq > %s AND seq <= %s",
                    (after, cut.seq),
                ).fetchone()
                return 0 if row is None else int(row[0])
            # The anchor moves first: the delete trigger allows removing entries below it only.
            connection.execute(
                "INSERT INTO access_log_anchor (id, seq, entry_hash, purged_before)"
                " VALUES (1, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq,"
                " entry_hash = excluded.entry_hash, purged_before = excluded.purged_before",
                (cut.seq, cut.entry_hash, cutoff),
            )
            cursor = connection.execute("DELETE FROM access_log WHERE seq <= %s", (cut.seq,))
        return cursor.rowcount

    def _fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with self._db.connection() as connection:
            return connection.execute(sql, params).fetchall()


def _lock(connection: Connection) -> None:
    connection.execute(
        "SELECT pg_advisory_xact_lock(%s, hashtext(coalesce(current_schema(), '')))",
        (_APPEND_LOCK_CLASS,),
    )


def _head(connection: Connection) -> ChainPoint | None:
    # After a purge that took every entry the anchor is the head.
    row = connection.execute(_HEAD).fetchone() or connection.execute(_ANCHOR).fetchone()
    return None if row is None else ChainPoint(row[0], row[1])


def _cut(connection: Connection, after: int, cutoff: datetime) -> ChainPoint | None:
    """The last checkpointed entry that the purge may take: every entry up to it is older than
    the cutoff, and it still has the hash that was signed."""
    young = connection.execute(
        "SELECT seq FROM access_log WHERE seq > %s AND at >= %s ORDER BY seq LIMIT 1",
        (after, cutoff),
    ).fetchone()
    row = connection.execute(
        "SELECT c.seq, c.entry_hash FROM access_log_checkpoints AS c"
        " JOIN access_log AS e ON e.seq = c.seq AND e.entry_hash = c.entry_hash"
        " WHERE c.seq > %s AND c.seq < %s ORDER BY c.seq DESC LIMIT 1",
        (after, young[0] if young else 2**62),
    ).fetchone()
    return None if row is None else ChainPoint(row[0], row[1])
