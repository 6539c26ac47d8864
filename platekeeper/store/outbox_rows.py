"""Alert outbox items as rows and back, in one column order for both backends."""

from __future__ import annotations

from platekeeper.store.protocols import OutboxItem, OutboxStatus
from platekeeper.store.rows import Row, TimeCodec

OUTBOX_COLUMNS = (
    "id, destination, hit_id, payload, status, attempts, created_at, next_attempt_at,"
    " finished_at, last_error"
)
OUTBOX_COLUMN_COUNT = 10
MAX_ERROR_LENGTH = 500
"""A receiver's error can be long (an HTML page); the start says enough."""


def outbox_row(item: OutboxItem, time: TimeCodec) -> Row:
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


def outbox_from_row(row: Row, time: TimeCodec) -> OutboxItem:
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


def clipped(error: str) -> str:
    return error if len(error) <= MAX_ERROR_LENGTH else error[: MAX_ERROR_LENGTH - 1] + "…"
