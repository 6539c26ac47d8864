"""The durable outbox of alerts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"
    """Given up after the most attempts; logged at ERROR for a person to look at."""


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One alert document on its way to one destination (a webhook or an MQTT broker).

    ``payload`` is the JSON document exactly as it is sent; it is dropped once delivered.
    """

    id: str
    destination: str
    hit_id: str
    payload: str
    created_at: datetime
    next_attempt_at: datetime
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    finished_at: datetime | None = None
    last_error: str | None = None


class AlertOutboxRepository(Protocol):
    """The durable outbox of alerts: written when a hit is made, emptied by delivery workers."""

    def enqueue(self, items: Sequence[OutboxItem]) -> int:
        """Store pending items; one already queued for the same hit and destination is skipped.
        Returns how many were added."""
        ...

    def due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxItem]:
        """Claim up to ``limit`` pending items due at ``now``, oldest first, counting one more
        attempt each. A claimed item is not due again before ``now + lease``, so concurrent
        workers (threads or processes) never take the same item, and one whose worker died is
        taken up again after the lease."""
        ...

    def mark_delivered(self, item_id: str, at: datetime) -> bool: ...
    def reschedule(self, item_id: str, at: datetime, error: str) -> bool:
        """Try the pending item again at ``at``."""
        ...

    def mark_dead(self, item_id: str, at: datetime, error: str) -> bool: ...
    def delete_finished_before(self, instant: datetime) -> int:
        """Delete delivered and undeliverable (dead) items finished before ``instant``; pending
        ones stay. How many went."""
        ...

    def get(self, item_id: str) -> OutboxItem | None: ...
