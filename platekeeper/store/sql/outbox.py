"""The alert outbox. A claim is one statement: SQLite's single writer keeps two workers from
taking the same item; in PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets workers in any number of
processes each take different items without waiting on one another."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from platekeeper.store.protocols import OutboxItem, OutboxStatus
from platekeeper.store.sql.database import Repository, Row, marks
from platekeeper.store.sql.dialect import TimeCodec

_COLUMNS = (
    "id, destination, hit_id, payload, status, attempts, created_at, next_attempt_at,"
    " finished_at, last_error"
)
MAX_ERROR_LENGTH = 500
"""A receiver's error can be long (an HTML page); the start says enough."""


class SqlAlertOutbox(Repository):
    def enqueue(self, items: Sequence[OutboxItem]) -> int:
        added = 0
        with self._db.write() as connection:
            for item in items:
                cursor = connection.execute(
                    f"INSERT INTO alert_outbox ({_COLUMNS}) VALUES ({marks(10)})"
                    " ON CONFLICT (hit_id, destination) DO NOTHING",
                    _row(item, self._time),
                )
                added += cursor.rowcount
        return added

    def due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxItem]:
        to_db = self._time.to_db
        with self._db.write() as connection:
            rows = connection.execute(
                "UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = ?"
                " WHERE id IN (SELECT id FROM alert_outbox"
                "  WHERE status = 'pending' AND next_attempt_at <= ?"
                f"  ORDER BY next_attempt_at, id LIMIT ?{self._dialect.skip_locked})"
                f" RETURNING {_COLUMNS}",
                (to_db(now + lease), to_db(now), limit),
            ).fetchall()
        items = [_from_row(row, self._time) for row in rows]
        # RETURNING gives no order; deliver the oldest first.
        return sorted(items, key=lambda item: (item.created_at, item.id))

    def mark_delivered(self, item_id: str, at: datetime) -> bool:
        return self._finish(item_id, "delivered", at, None)

    def mark_dead(self, item_id: str, at: datetime, error: str) -> bool:
        return self._finish(item_id, "dead", at, clipped(error))

    def _finish(self, item_id: str, status: str, at: datetime, error: str | None) -> bool:
        # A delivered document's plate data and images have done their work: drop them.
        payload = "''" if status == "delivered" else "payload"
        changed = self._execute(
            f"UPDATE alert_outbox SET status = ?, finished_at = ?, payload = {payload},"
            " last_error = coalesce(?, last_error) WHERE id = ? AND status = 'pending'",
            (status, self._time.to_db(at), error, item_id),
        )
        return changed == 1

    def reschedule(self, item_id: str, at: datetime, error: str) -> bool:
        changed = self._execute(
            "UPDATE alert_outbox SET next_attempt_at = ?, last_error = ?"
            " WHERE id = ? AND status = 'pending'",
            (self._time.to_db(at), clipped(error), item_id),
        )
        return changed == 1

    def delete_finished_before(self, instant: datetime) -> int:
        """Delete delivered and undeliverable items finished before ``instant``; a pending
        one stays, its delivery still owed."""
        return self._execute(
            "DELETE FROM alert_outbox WHERE status IN ('delivered', 'dead') AND finished_at < ?",
            (self._time.to_db(instant),),
        )

    def get(self, item_id: str) -> OutboxItem | None:
        row = self._fetch_one(f"SELECT {_COLUMNS} FROM alert_outbox WHERE id = ?", (item_id,))
        return None if row is None else _from_row(row, self._time)


def clipped(error: str) -> str:
    return error if len(error) <= MAX_ERROR_LENGTH else error[: MAX_ERROR_LENGTH - 1] + "…"


def _row(item: OutboxItem, time: TimeCodec) -> Row:
    return (
        item.id,
        item.destination,
        item.hit_id,
        item.payload,
        item.status.value,
        item.attempts,
        time.to_db(item.created_at),
        time.to_db(item.next_attempt_at),
        time.optional_to_db(item.finished_at),
        item.last_error,
    )


def _from_row(row: Row, time: TimeCodec) -> OutboxItem:
    return OutboxItem(
        id=row[0],
        destination=row[1],
        hit_id=row[2],
        payload=row[3],
        status=OutboxStatus(row[4]),
        attempts=row[5],
        created_at=time.from_db(row[6]),
        next_attempt_at=time.from_db(row[7]),
        finished_at=time.optional_from_db(row[8]),
        last_error=row[9],
    )
