"""The alert outbox, the same on every backend."""

from __future__ import annotations

from datetime import timedelta

from platekeeper.store import Store
from platekeeper.store.protocols import OutboxItem, OutboxStatus
from tests.conftest import NOW

LEASE = timedelta(minutes=5)


def item(n: int, destination: str = "dispatch", *, at_s: int = 0) -> OutboxItem:
    at = NOW + timedelta(seconds=at_s)
    return OutboxItem(f"item-{n}", destination, f"hit-{n}", '{"id": "x"}', at, at)


def test_enqueue_skips_an_alert_already_queued_for_the_destination(store: Store) -> None:
    outbox = store.alert_outbox
    assert outbox.enqueue([item(1), item(2), item(3, "mqtt")]) == 3
    again = OutboxItem("item-9", "dispatch", "hit-1", "{}", NOW, NOW)
    assert outbox.enqueue([again]) == 0
    assert outbox.get("item-9") is None
    assert outbox.get("item-1") == item(1)


def test_due_claims_oldest_first_once_per_lease(store: Store) -> None:
    outbox = store.alert_outbox
    outbox.enqueue([item(2, at_s=2), item(1, at_s=1), item(3, at_s=60)])
    claimed = outbox.due(NOW + timedelta(seconds=10), 10, LEASE)
    assert [c.id for c in claimed] == ["item-1", "item-2"]
    assert [c.attempts for c in claimed] == [1, 1]
    # Claimed items are not due again for another worker until the lease ends.
    assert outbox.due(NOW + timedelta(seconds=10), 10, LEASE) == []
    later = outbox.due(NOW + timedelta(seconds=10) + LEASE, 10, LEASE)
    assert [c.id for c in later] == ["item-1", "item-2", "item-3"]
    assert [c.attempts for c in later] == [2, 2, 1]
    assert len(outbox.due(NOW + timedelta(days=1), 1, LEASE)) == 1


def test_delivered_dead_and_rescheduled(store: Store) -> None:
    outbox = store.alert_outbox
    outbox.enqueue([item(1), item(2), item(3)])
    outbox.due(NOW, 10, LEASE)
    done = NOW + timedelta(seconds=5)
    assert outbox.reschedule("item-1", NOW + timedelta(seconds=30), "HTTP 500")
    assert outbox.mark_delivered("item-2", done)
    assert outbox.mark_dead("item-3", done, "HTTP 503 " * 200)
    assert not outbox.mark_delivered("item-2", done)  # finished items stay finished
    assert not outbox.reschedule("item-3", done, "again")

    delivered = outbox.get("item-2")
    assert delivered is not None
    assert (delivered.status, delivered.finished_at, delivered.payload) == (
        OutboxStatus.DELIVERED,
        done,
        "",
    )
    dead = outbox.get("item-3")
    assert dead is not None
    assert (dead.status, dead.payload) == (OutboxStatus.DEAD, '{"id": "x"}')
    assert dead.last_error is not None
    assert len(dead.last_error) == 500
    assert [c.id for c in outbox.due(NOW + timedelta(seconds=29), 10, LEASE)] == []
    (retry,) = outbox.due(NOW + timedelta(seconds=30), 10, LEASE)
    assert (retry.id, retry.attempts, retry.last_error) == ("item-1", 2, "HTTP 500")
