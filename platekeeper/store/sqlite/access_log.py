"""The access log in SQLite.

Appends read the head and insert in one write transaction (``BEGIN IMMEDIATE`` takes SQLite's
write lock, across processes too), so two appends can never chain to the same head.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import orjson

from platekeeper.domain.access import (
    GENESIS_HASH,
    AccessEvent,
    AccessRecord,
    ChainPoint,
    Checkpoint,
    seal,
)
from platekeeper.domain.time import to_epoch_us
from platekeeper.store.access_rows import (
    ACCESS_COLUMNS,
    CHECKPOINT_COLUMNS,
    access_filter_sql,
    access_from_row,
    access_row,
    checkpoint_from_row,
    checkpoint_row,
)
from platekeeper.store.protocols import AccessFilter
from platekeeper.store.sql.dialect import JsonCodec
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.dialect import SQLITE

SQLITE_JSON = JsonCodec(to_db=lambda value: orjson.dumps(value).decode(), from_db=orjson.loads)
_INSERT = f"INSERT INTO access_log ({ACCESS_COLUMNS}) VALUES ({', '.join('?' * 15)})"
_HEAD = "SELECT seq, entry_hash FROM access_log ORDER BY seq DESC LIMIT 1"
_ANCHOR = "SELECT seq, entry_hash FROM access_log_anchor WHERE id = 1"


class SqliteAccessLog:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def append(self, event: AccessEvent) -> AccessRecord:
        with self._db.write() as connection:
            head = _head(connection)
            record = (
                seal(1, event, GENESIS_HASH)
                if head is None
                else seal(head.seq + 1, event, head.entry_hash)
            )
            connection.execute(_INSERT, access_row(record, SQLITE.time, SQLITE_JSON))
        return record

    def head(self) -> ChainPoint | None:
        with self._db.read() as connection:
            return _head(connection)

    def anchor(self) -> ChainPoint | None:
        row = self._db.fetch_one(_ANCHOR)
        return None if row is None else ChainPoint(row[0], row[1])

    def scan(self, after_seq: int, limit: int) -> list[AccessRecord]:
        rows = self._db.fetch_all(
            f"SELECT {ACCESS_COLUMNS} FROM access_log WHERE seq > ? ORDER BY seq LIMIT ?",
            (after_seq, limit),
        )
        return [access_from_row(row, SQLITE.time, SQLITE_JSON) for row in rows]

    def find(self, query: AccessFilter) -> list[AccessRecord]:
        sql, params = access_filter_sql(
            query,
            placeholder="?",
            instant=to_epoch_us,
            plate_expression="json_extract(query, '$.plate')",
        )
        rows = self._db.fetch_all(sql, params)
        return [access_from_row(row, SQLITE.time, SQLITE_JSON) for row in rows]

    def add_checkpoint(self, checkpoint: Checkpoint) -> bool:
        with self._db.write() as connection:
            last = connection.execute("SELECT max(seq) FROM access_log_checkpoints").fetchone()
            if last[0] is not None and checkpoint.seq < last[0]:
                return False  # another process signed a later head meanwhile
            cursor = connection.execute(
                f"INSERT INTO access_log_checkpoints ({CHECKPOINT_COLUMNS}) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                checkpoint_row(checkpoint, SQLITE.time),
            )
        return cursor.rowcount == 1

    def checkpoints(self) -> list[Checkpoint]:
        rows = self._db.fetch_all(
            f"SELECT {CHECKPOINT_COLUMNS} FROM access_log_checkpoints ORDER BY seq, signed_at"
        )
        return [checkpoint_from_row(row, SQLITE.time) for row in rows]

    def last_checkpoint(self) -> Checkpoint | None:
        row = self._db.fetch_one(
            f"SELECT {CHECKPOINT_COLUMNS} FROM access_log_checkpoints"
            " ORDER BY seq DESC, signed_at DESC LIMIT 1"
        )
        return None if row is None else checkpoint_from_row(row, SQLITE.time)

    def purge_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        with self._db.write() as connection:
            anchor = connection.execute(_ANCHOR).fetchone()
            after = 0 if anchor is None else anchor[0]
            cut = _cut(connection, after, to_epoch_us(cutoff))
            if cut is None:
                return 0
            if dry_run:
                row = connection.execute(
                    "SELECT count(*) FROM access_log WHERE seq > ? AND seq <= ?", (after, cut.seq)
                ).fetchone()
                return int(row[0])
            # The anchor moves first: the delete trigger allows removing entries below it only.
            connection.execute(
                "INSERT INTO access_log_anchor (id, seq, entry_hash, purged_before)"
                " VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq,"
                " entry_hash = excluded.entry_hash, purged_before = excluded.purged_before",
                (cut.seq, cut.entry_hash, to_epoch_us(cutoff)),
            )
            cursor = connection.execute("DELETE FROM access_log WHERE seq <= ?", (cut.seq,))
        return cursor.rowcount


def _head(connection: sqlite3.Connection) -> ChainPoint | None:
    # After a purge that took every entry the anchor is the head.
    row = connection.execute(_HEAD).fetchone() or connection.execute(_ANCHOR).fetchone()
    return None if row is None else ChainPoint(row[0], row[1])


def _cut(connection: sqlite3.Connection, after: int, cutoff_us: int) -> ChainPoint | None:
    """The last checkpointed entry that the purge may take: every entry up to it is older than
    the cutoff, and it still has the hash that was signed."""
    young = connection.execute(
        "SELECT seq FROM access_log WHERE seq > ? AND at >= ? ORDER BY seq LIMIT 1",
        (after, cutoff_us),
    ).fetchone()
    row = connection.execute(
        "SELECT c.seq, c.entry_hash FROM access_log_checkpoints AS c"
        " JOIN access_log AS e ON e.seq = c.seq AND e.entry_hash = c.entry_hash"
        " WHERE c.seq > ? AND c.seq < ? ORDER BY c.seq DESC LIMIT 1",
        (after, young[0] if young else 2**62),
    ).fetchone()
    return None if row is None else ChainPoint(row[0], row[1])
