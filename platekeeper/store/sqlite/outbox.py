"""The alert outbox in SQLite. Claims happen under the one writer lock, so no two workers of
this process (nor, through SQLite's own lock, of another) take the same item."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from platekeeper.store.outbox_rows import (
    OUTBOX_COLUMN_COUNT,
    OUTBOX_COLUMNS,
    clipped,
    outbox_from_row,
    outbox_row,
)
from platekeeper.store.protocols import OutboxItem
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.time import SQLITE_TIME

_PARAMS = ", ".join("?" * OUTBOX_COLUMN_COUNT)
_TO = SQLITE_TIME.to_db


class SqliteAlertOutbox:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def enqueue(self, items: Sequence[OutboxItem]) -> int:
        added = 0
        with self._db.write() as connection:
            for item in items:
                cursor = connection.execute(
                    f"INSERT INTO alert_outbox ({OUTBOX_COLUMNS}) VALUES ({_PARAMS})"
                    " ON CONFLICT (hit_id, destination) DO NOTHING",
                    outbox_row(item, SQLITE_TIME),
                )
                added += cursor.rowcount
        return added

    def due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxItem]:
        with self._db.write() as connection:
            rows = connection.execute(
                "UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = ?"
                " WHERE id IN (SELECT id FROM alert_outbox"
                "  WHERE status = 'pending' AND next_attempt_at <= ?"
                "  ORDER BY next_attempt_at, id LIMIT ?)"
                f" RETURNING {OUTBOX_COLUMNS}",
                (_TO(now + lease), _TO(now), limit),
            ).fetchall()
        items = [outbox_from_row(row, SQLITE_TIME) for row in rows]
        # RETURNING gives no order; deliver the oldest first.
        return sorted(items, key=lambda item: (item.created_at, item.id))

    def mark_delivered(self, item_id: str, at: datetime) -> bool:
        return self._finish(item_id, "delivered", at, None)

    def mark_dead(self, item_id: str, at: datetime, error: str) -> bool:
        return self._finish(item_id, "dead", at, clipped(error))

    def _finish(self, item_id: str, status: str, at: datetime, error: str | None) -> bool:
        # A delivered document's plate data and images have done their work: drop them.
        payload = "''" if status == "delivered" else "payload"
        with self._db.write() as connection:
            cursor = connection.execute(
                f"UPDATE alert_outbox SET status = ?, finished_at = ?, payload = {payload},"
                " last_error = coalesce(?, last_error) WHERE id = ? AND status = 'pending'",
                (status, _TO(at), error, item_id),
            )
        return cursor.rowcount == 1

    def reschedule(self, item_id: str, at: datetime, error: str) -> bool:
        with self._db.write() as connection:
            cursor = connection.execute(
                "UPDATE alert_outbox SET next_attempt_at = ?, last_error = ?"
                " WHERE id = ? AND status = 'pending'",
                (_TO(at), clipped(error), item_id),
            )
        return cursor.rowcount == 1

    def get(self, item_id: str) -> OutboxItem | None:
        row = self._db.fetch_one(
            f"SELECT {OUTBOX_COLUMNS} FROM alert_outbox WHERE id = ?", (item_id,)
        )
        return None if row is None else outbox_from_row(row, SQLITE_TIME)
