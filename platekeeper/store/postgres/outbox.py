"""The alert outbox in PostgreSQL. Claims use ``FOR UPDATE SKIP LOCKED``: workers in any number
of processes each take different items and never wait on one another."""

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
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.time import POSTGRES_TIME
from platekeeper.store.protocols import OutboxItem

_PARAMS = ", ".join(["%s"] * OUTBOX_COLUMN_COUNT)


class PostgresAlertOutbox:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def enqueue(self, items: Sequence[OutboxItem]) -> int:
        added = 0
        with self._db.connection() as connection, connection.transaction():
            for item in items:
                cursor = connection.execute(
                    f"INSERT INTO alert_outbox ({OUTBOX_COLUMNS}) VALUES ({_PARAMS})"
                    " ON CONFLICT (hit_id, destination) DO NOTHING",
                    outbox_row(item, POSTGRES_TIME),
                )
                added += cursor.rowcount
        return added

    def due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxItem]:
        with self._db.connection() as connection:
            rows = connection.execute(
                "UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = %s"
                " WHERE id IN (SELECT id FROM alert_outbox"
                "  WHERE status = 'pending' AND next_attempt_at <= %s"
                "  ORDER BY next_attempt_at, id LIMIT %s FOR UPDATE SKIP LOCKED)"
                f" RETURNING {OUTBOX_COLUMNS}",
                (now + lease, now, limit),
            ).fetchall()
        items = [outbox_from_row(row, POSTGRES_TIME) for row in rows]
        # RETURNING gives no order; deliver the oldest first.
        return sorted(items, key=lambda item: (item.created_at, item.id))

    def mark_delivered(self, item_id: str, at: datetime) -> bool:
        return self._finish(item_id, "delivered", at, None)

    def mark_dead(self, item_id: str, at: datetime, error: str) -> bool:
        return self._finish(item_id, "dead", at, clipped(error))

    def _finish(self, item_id: str, status: str, at: datetime, error: str | None) -> bool:
        # A delivered document's plate data and images have done their work: drop them.
        payload = "''" if status == "delivered" else "payload"
        with self._db.connection() as connection:
            cursor = connection.execute(
                f"UPDATE alert_outbox SET status = %s, finished_at = %s, payload = {payload},"
                " last_error = coalesce(%s, last_error) WHERE id = %s AND status = 'pending'",
                (status, at, error, item_id),
            )
        return cursor.rowcount == 1

    def reschedule(self, item_id: str, at: datetime, error: str) -> bool:
        with self._db.connection() as connection:
            cursor = connection.execute(
                "UPDATE alert_outbox SET next_attempt_at = %s, last_error = %s"
                " WHERE id = %s AND status = 'pending'",
                (at, clipped(error), item_id),
            )
        return cursor.rowcount == 1

    def get(self, item_id: str) -> OutboxItem | None:
        with self._db.connection() as connection:
            row = connection.execute(
                f"SELECT {OUTBOX_COLUMNS} FROM alert_outbox WHERE id = %s", (item_id,)
            ).fetchone()
        return None if row is None else outbox_from_row(row, POSTGRES_TIME)
