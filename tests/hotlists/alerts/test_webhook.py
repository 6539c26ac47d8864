"""Webhook delivery through the durable outbox, to a real HTTP server in the test process."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from platekeeper.config import AlertSettings
from platekeeper.domain.time import Clock
from platekeeper.errors import ConfigError
from platekeeper.hotlists.alerts import SENDERS, AlertDispatcher, OutboxWorker, RetryPolicy
from platekeeper.hotlists.alerts.senders import build_senders
from platekeeper.store.images import LocalImageStore
from platekeeper.store.protocols import OutboxItem, OutboxStatus
from platekeeper.store.sqlite import SqliteStore
from tests.conftest import NOW, FixedClock
from tests.hotlists.alerts.conftest import Receiver, RecordingSink
from tests.hotlists.alerts.samples import make_alert

KEY = "k3y-for-tests-only-0123456789"
ENVIRON = {"ALERT_HOOK_KEY": KEY}


def alert_settings(receiver: Receiver, **retry: Any) -> AlertSettings:
    hooks: list[dict[str, object]] = [
        {"type": "webhook", "name": "dispatch", "url": f"{receiver.url}/dispatch"},
        {"type": "webhook", "name": "owners", "url": f"{receiver.url}/owners"},
    ]
    for hook in hooks:
        hook["secret_env"] = "ALERT_HOOK_KEY"
    hooks[1]["include_covert"] = True
    return AlertSettings.model_validate(
        {"destinations": hooks, "retry_initial_s": 1, "retry_max_s": 4, **retry}
    )


def wire(
    store: SqliteStore, images: LocalImageStore, clock: Clock, settings: AlertSettings
) -> tuple[AlertDispatcher, OutboxWorker]:
    senders = build_senders(settings.destinations, SENDERS, ENVIRON)
    dispatcher = AlertDispatcher(
        store.alert_outbox, images, clock, settings, senders, log=RecordingSink()
    )
    policy = RetryPolicy(
        settings.max_attempts,
        timedelta(seconds=settings.retry_initial_s),
        timedelta(seconds=settings.retry_max_s),
    )
    worker = OutboxWorker(
        store.alert_outbox,
        senders,
        RecordingSink(),
        clock,
        policy,
        poll_interval_s=settings.poll_interval_s,
        lease=timedelta(seconds=settings.claim_lease_s),
        jitter=lambda: 0.0,
    )
    return dispatcher, worker


def verify(received_headers: dict[str, str], body: bytes, key: str = KEY) -> bool:
    """What a receiver does (docs/alerts.md)."""
    timestamp = received_headers["X-PlateKeeper-Timestamp"]
    expected = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    presented = received_headers["X-PlateKeeper-Signature"].removeprefix("sha256=")
    return hmac.compare_digest(expected.hexdigest(), presented)


def stored(store: SqliteStore, delivery_id: str) -> OutboxItem:
    item = store.alert_outbox.get(delivery_id)
    assert item is not None
    return item


def test_a_signed_alert_reaches_each_destination(
    sqlite_store: SqliteStore, images: LocalImageStore, receiver: Receiver, clock: FixedClock
) -> None:
    dispatcher, worker = wire(sqlite_store, images, clock, alert_settings(receiver))
    alert = make_alert(images)
    dispatcher.publish([alert])
    worker.deliver_due()

    arrived = {request.path: request for request in receiver.received()}
    assert set(arrived) == {"/dispatch", "/owners"}
    request = arrived["/dispatch"]
    assert verify(request.headers, request.body)
    assert not verify(request.headers, request.body, key="another-key-entirely-000")
    assert not verify(request.headers, request.body + b" ")
    assert request.headers["Content-Type"] == "application/json"
    document = orjson.loads(request.body)
    assert document["id"] == alert.hit.id
    assert document["read"]["plate_text"] == "7ABC123"
    item = stored(sqlite_store, request.headers["X-PlateKeeper-Delivery"])
    assert (item.status, item.attempts, item.finished_at) == (OutboxStatus.DELIVERED, 1, NOW)
    assert item.payload == ""  # delivered: the plate data and images are not kept
    assert worker.deliver_due() == pytest.approx(worker_poll(alert_settings(receiver)))
    assert receiver.received() == []


def worker_poll(settings: AlertSettings) -> float:
    return settings.poll_interval_s


def test_a_covert_lists_alert_goes_only_where_covert_alerts_are_allowed(
    sqlite_store: SqliteStore, images: LocalImageStore, receiver: Receiver, clock: FixedClock
) -> None:
    dispatcher, worker = wire(sqlite_store, images, clock, alert_settings(receiver))
    dispatcher.publish([make_alert(images, covert=True)])
    worker.deliver_due()
    assert [request.path for request in receiver.received()] == ["/owners"]


def test_failures_are_retried_with_doubling_waits_until_delivered(
    sqlite_store: SqliteStore, images: LocalImageStore, receiver: Receiver, clock: FixedClock
) -> None:
    settings = alert_settings(receiver)
    dispatcher, worker = wire(sqlite_store, images, clock, settings)
    receiver.statuses["/dispatch"] = [500, 503]
    dispatcher.publish([make_alert(images)])

    worker.deliver_due()
    first = {request.path: request for request in receiver.received()}
    delivery = first["/dispatch"].headers["X-PlateKeeper-Delivery"]
    item = stored(sqlite_store, delivery)
    assert (item.status, item.attempts) == (OutboxStatus.PENDING, 1)
    assert item.next_attempt_at == NOW + timedelta(seconds=1)
    assert item.last_error == "the receiver answered HTTP 500"
    owners = stored(sqlite_store, first["/owners"].headers["X-PlateKeeper-Delivery"])
    assert owners.status is OutboxStatus.DELIVERED

    worker.deliver_due()  # not due yet: nothing is sent
    assert receiver.received() == []
    clock.advance(timedelta(seconds=1))
    worker.deliver_due()
    second = {request.path: request for request in receiver.received()}
    assert second["/dispatch"].headers["X-PlateKeeper-Delivery"] == delivery
    item = stored(sqlite_store, delivery)
    assert item.next_attempt_at == NOW + timedelta(seconds=1 + 2)
    assert item.attempts == 2

    clock.advance(timedelta(seconds=2))
    worker.deliver_due()
    third = receiver.received()
    assert [request.path for request in third] == ["/dispatch"]
    assert second["/dispatch"].body == third[0].body
    assert verify(third[0].headers, third[0].body)
    assert stored(sqlite_store, delivery).status is OutboxStatus.DELIVERED
    assert stored(sqlite_store, delivery).attempts == 3


def test_after_the_last_attempt_the_delivery_is_dead_and_logged(
    sqlite_store: SqliteStore,
    images: LocalImageStore,
    receiver: Receiver,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = alert_settings(receiver, max_attempts=2)
    dispatcher, worker = wire(sqlite_store, images, clock, settings)
    receiver.statuses["/dispatch"] = [500, 500]
    receiver.statuses["/owners"] = [500, 500]
    dispatcher.publish([make_alert(images)])
    with caplog.at_level(logging.INFO):
        worker.deliver_due()
        first = {request.path: request for request in receiver.received()}
        delivery = first["/dispatch"].headers["X-PlateKeeper-Delivery"]
        clock.advance(timedelta(seconds=1))
        worker.deliver_due()
    assert len(receiver.received()) == 2
    item = stored(sqlite_store, delivery)
    assert (item.status, item.attempts, item.finished_at) == (OutboxStatus.DEAD, 2, clock.now())
    assert item.payload != ""  # kept for a person to look into
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 2
    assert "given up after 2 attempts" in errors[0].getMessage()
    # Plate text never reaches the logs above DEBUG.
    assert all(
        "7ABC123" not in record.getMessage()
        for record in caplog.records
        if record.levelno > logging.DEBUG
    )
    clock.advance(timedelta(days=1))
    worker.deliver_due()
    assert receiver.received() == []


def test_a_restart_loses_no_alert(
    tmp_path: Path, images: LocalImageStore, receiver: Receiver, clock: FixedClock
) -> None:
    path = tmp_path / "restart.sqlite3"
    settings = alert_settings(receiver, poll_interval_s=0.05)
    first_store = SqliteStore(path)
    first_store.upgrade()
    dispatcher, worker = wire(first_store, images, clock, settings)
    # The receivers are down when the alerts come.
    receiver.statuses["/dispatch"] = [503] * 2
    receiver.statuses["/owners"] = [503] * 2
    worker.start()
    dispatcher.publish([make_alert(images)])
    dispatcher.publish([make_alert(images, index=1)])  # and a second one never tried
    receiver.next_request()
    receiver.next_request()
    worker.stop()
    first_store.close()
    receiver.received()  # whatever else the first run tried before it stopped
    receiver.statuses.clear()

    clock.advance(timedelta(minutes=1))
    second_store = SqliteStore(path)
    try:
        _, restarted = wire(second_store, images, clock, settings)
        restarted.start()
        delivered = [receiver.next_request() for _ in range(4)]
        restarted.stop()
    finally:
        second_store.close()
    hits = sorted((r.path, orjson.loads(r.body)["id"]) for r in delivered)
    assert hits == sorted(
        (path, hit)
        for path in ("/dispatch", "/owners")
        for hit in ("hit-0-stolen-vehicles", "hit-1-stolen-vehicles")
    )


def test_publishing_wakes_a_running_worker(
    sqlite_store: SqliteStore, images: LocalImageStore, receiver: Receiver, clock: FixedClock
) -> None:
    # A poll interval longer than any test: only the wake-up can deliver in time.
    settings = alert_settings(receiver, poll_interval_s=300)
    senders = build_senders(settings.destinations, SENDERS, ENVIRON)
    dispatcher = AlertDispatcher(
        sqlite_store.alert_outbox, images, clock, settings, senders, log=RecordingSink()
    )
    worker = dispatcher.delivery_worker()
    worker.start()
    try:
        dispatcher.publish([make_alert(images)])
        assert {receiver.next_request().path, receiver.next_request().path} == {
            "/dispatch",
            "/owners",
        }
    finally:
        worker.stop()


def test_a_missing_or_weak_key_stops_the_server_from_starting(receiver: Receiver) -> None:
    settings = alert_settings(receiver)
    with pytest.raises(ConfigError, match=r"alerts\.destinations\.0\.secret_env"):
        build_senders(settings.destinations, SENDERS, {})
    with pytest.raises(ConfigError, match="placeholder or a secret under 16"):
        build_senders(settings.destinations, SENDERS, {"ALERT_HOOK_KEY": "short"})


def test_backoff_doubles_up_to_the_longest_wait_and_jitter_only_shortens_it() -> None:
    policy = RetryPolicy(10, timedelta(seconds=5), timedelta(seconds=60))
    waits = [policy.delay(attempts, 0.0).total_seconds() for attempts in range(1, 7)]
    assert waits == [5, 10, 20, 40, 60, 60]
    assert policy.delay(3, 0.999).total_seconds() == pytest.approx(10.01)
    assert policy.delay(1000, 0.0) == timedelta(seconds=60)
