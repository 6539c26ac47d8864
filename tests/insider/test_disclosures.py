"""Attack 7: alerts left the system unlogged. Every webhook or MQTT delivery carries a plate, where
and when it was seen, and its images; each attempt is now an access-log entry naming the receiver,
written before anything is sent, on both databases. Exports name their recipient too."""

from __future__ import annotations

import inspect
import typing
from datetime import timedelta

import pytest

from platekeeper.config import AlertSettings
from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessRecord, AccessSink
from platekeeper.errors import StoreError
from platekeeper.hotlists.alerts import SENDERS, AlertDispatcher
from platekeeper.hotlists.alerts.outbox import DELIVERY_ACTION
from platekeeper.hotlists.alerts.senders import Disclosure, build_senders
from platekeeper.services import Services
from platekeeper.store.protocols import AccessFilter, OutboxStatus
from tests.api import conftest as api_fixtures
from tests.conftest import FixedClock
from tests.hotlists.alerts import conftest as alert_fixtures
from tests.hotlists.alerts.conftest import Receiver
from tests.hotlists.alerts.samples import make_alert

KEY = "k3y-for-tests-only-0123456789"
ENVIRON = {"ALERT_HOOK_KEY": KEY}

# The fixtures this module uses, on both databases (no conftest here: other parts share the
# folder).
backend_settings = api_fixtures.backend_settings
services = api_fixtures.services
receiver = alert_fixtures.receiver


def hook_settings(receiver: Receiver) -> AlertSettings:
    return AlertSettings.model_validate(
        {
            "destinations": [
                {
                    "type": "webhook",
                    "name": "dispatch",
                    "url": f"{receiver.url}/dispatch",
                    "secret_env": "ALERT_HOOK_KEY",
                }
            ],
            "retry_initial_s": 1,
            "retry_max_s": 4,
        }
    )


def hooked(services: Services, receiver: Receiver, log: AccessSink) -> AlertDispatcher:
    """A dispatcher to the receiver's webhook, logging to ``log``."""
    settings = hook_settings(receiver)
    senders = build_senders(settings.destinations, SENDERS, ENVIRON)
    return AlertDispatcher(
        services.store.alert_outbox,
        services.images,
        services.clock,
        settings,
        senders,
        log=log,
    )


def deliveries(services: Services) -> list[AccessRecord]:
    return services.store.access_log.find(AccessFilter(action=DELIVERY_ACTION))


def test_a_webhook_delivery_is_an_access_naming_the_receiver_and_the_read(
    services: Services, receiver: Receiver
) -> None:
    dispatcher = hooked(services, receiver, services.access_log)
    alert = make_alert(services.images)
    dispatcher.publish([alert])
    dispatcher.delivery_worker().deliver_due()
    dispatcher.close()

    assert [r.path for r in receiver.received()] == ["/dispatch"]
    [entry] = deliveries(services)
    event = entry.event
    assert event.outcome is AccessOutcome.ALLOWED
    assert event.actor.agency_id == "demo-pd"
    assert event.query["recipient"] == f"{receiver.url}/dispatch"
    assert event.query["destination"] == "dispatch"
    assert event.query["hit_id"] == alert.hit.id
    assert event.query["images"] == "crop,full"
    assert event.read_ids == (alert.read.id,)


def test_every_attempt_is_logged_since_a_failed_one_may_have_arrived(
    services: Services, receiver: Receiver, clock: FixedClock
) -> None:
    receiver.statuses["/dispatch"] = [500]
    dispatcher = hooked(services, receiver, services.access_log)
    worker = dispatcher.delivery_worker()
    dispatcher.publish([make_alert(services.images)])
    worker.deliver_due()
    clock.advance(timedelta(seconds=5))
    worker.deliver_due()
    dispatcher.close()

    assert len(receiver.received()) == 2
    attempts = sorted(entry.event.query["attempt"] for entry in deliveries(services))
    assert attempts == ["1", "2"]


class _LogDown:
    """An access log that cannot take an entry (its database is away)."""

    def record(self, event: AccessEvent) -> AccessRecord:
        raise StoreError("the access log is unavailable")


def test_nothing_is_sent_when_the_log_cannot_record_it(
    services: Services, receiver: Receiver
) -> None:
    dispatcher = hooked(services, receiver, _LogDown())
    dispatcher.publish([make_alert(services.images)])
    dispatcher.delivery_worker().deliver_due()
    dispatcher.close()

    assert receiver.received() == []
    [item] = services.store.alert_outbox.due(
        services.clock.now() + timedelta(minutes=1), 10, timedelta(seconds=1)
    )
    assert item.status is OutboxStatus.PENDING
    assert item.last_error is not None
    assert "access log" in item.last_error


@pytest.mark.parametrize("kind", sorted(SENDERS))
def test_every_sender_takes_only_a_recorded_disclosure(kind: str) -> None:
    """The structure that closes the class: a sender's ``send`` accepts a ``Disclosure``, which
    holds the access-log entry; ``outbox.disclose`` is the one place that makes one."""
    factory = SENDERS[kind]
    sender_class: typing.Any = getattr(factory, "__self__", None)
    hints = typing.get_type_hints(sender_class.send)
    parameters = list(inspect.signature(sender_class.send).parameters)
    assert parameters == ["self", "disclosure"]
    assert hints["disclosure"] is Disclosure
    assert isinstance(sender_class.recipient, property)
