"""MQTT publishing through the outbox, received by a real subscriber on the test broker."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from datetime import timedelta

import orjson
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from platekeeper.config import AlertSettings
from platekeeper.errors import ConfigError
from platekeeper.hotlists.alerts import SENDERS, AlertDispatcher
from platekeeper.hotlists.alerts.senders import build_senders
from platekeeper.store.images import LocalImageStore
from platekeeper.store.protocols import OutboxStatus
from platekeeper.store.sqlite import SqliteStore
from tests.conftest import FixedClock
from tests.hotlists.alerts.conftest import WAIT_S, RecordingSink, mqtt_port
from tests.hotlists.alerts.samples import make_alert
from tests.ports import free_port


def mqtt_settings(port: int, **destination: object) -> AlertSettings:
    return AlertSettings.model_validate(
        {
            "destinations": [
                {"type": "mqtt", "name": "broker", "host": "127.0.0.1", "port": port} | destination
            ],
            "retry_initial_s": 1,
        }
    )


@pytest.fixture
def subscriber() -> Iterator[queue.Queue[mqtt.MQTTMessage]]:
    port = mqtt_port()
    messages: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
    subscribed = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="platekeeper-test-subscriber")
    client.on_connect = lambda c, *_: c.subscribe("platekeeper/demo-pd/alerts/#", qos=1)
    client.on_subscribe = lambda *_: subscribed.set()
    client.on_message = lambda _c, _u, message: messages.put(message)
    client.connect("127.0.0.1", port)
    client.loop_start()
    assert subscribed.wait(WAIT_S), "the subscriber could not subscribe"
    yield messages
    client.disconnect()
    client.loop_stop()


@pytest.mark.mqtt
def test_an_alert_arrives_on_its_topic_at_qos_1(
    sqlite_store: SqliteStore,
    images: LocalImageStore,
    clock: FixedClock,
    subscriber: queue.Queue[mqtt.MQTTMessage],
) -> None:
    settings = mqtt_settings(mqtt_port())
    senders = build_senders(settings.destinations, SENDERS, {})
    dispatcher = AlertDispatcher(
        sqlite_store.alert_outbox, images, clock, settings, senders, log=RecordingSink()
    )
    worker = dispatcher.delivery_worker()
    alert = make_alert(images, stale=True)
    try:
        dispatcher.publish([alert])
        worker.deliver_due()
        message = subscriber.get(timeout=WAIT_S)
    finally:
        dispatcher.close()
    assert message.topic == "platekeeper/demo-pd/alerts/stolen-vehicles/critical"
    assert message.qos == 1
    assert not message.retain
    document = orjson.loads(message.payload)
    assert document["id"] == alert.hit.id
    assert document["hit"]["stale"] is True
    assert document["read"]["plate_text"] == "7ABC123"
    assert document["images"]["crop"]["media_type"] == "image/png"


def test_an_unreachable_broker_is_retried_later(
    sqlite_store: SqliteStore, images: LocalImageStore, clock: FixedClock
) -> None:
    settings = mqtt_settings(free_port(), timeout_ms=2000)
    senders = build_senders(settings.destinations, SENDERS, {})
    dispatcher = AlertDispatcher(
        sqlite_store.alert_outbox, images, clock, settings, senders, log=RecordingSink()
    )
    worker = dispatcher.delivery_worker()
    dispatcher.publish([make_alert(images)])
    try:
        worker.deliver_due()
    finally:
        dispatcher.close()
    (item,) = sqlite_store.alert_outbox.due(clock.now() + timedelta(seconds=1), 10, timedelta(1))
    assert item.status is OutboxStatus.PENDING
    assert item.last_error is not None
    assert item.last_error.startswith("cannot reach the broker")


def test_the_broker_password_comes_from_the_environment(images: LocalImageStore) -> None:
    settings = mqtt_settings(1883, username="platekeeper", password_env="MQTT_PASSWORD")
    with pytest.raises(ConfigError, match=r"alerts\.destinations\.0\.password_env"):
        build_senders(settings.destinations, SENDERS, {})
    assert build_senders(settings.destinations, SENDERS, {"MQTT_PASSWORD": "a" * 20})
