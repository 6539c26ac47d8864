"""Frigate over a real MQTT broker (scripts/with-mosquitto): one tracked object is one read,
its snapshot fetched from a local HTTP server playing Frigate's API with its credentials; a
resend is a duplicate; a malformed message is logged by its problem, never its plate, and
stores nothing. And the same messages posted over HTTP."""

from __future__ import annotations

import copy
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from platekeeper.config import FrigateSettings
from platekeeper.domain.cameras import FramePolicy
from platekeeper.ingest.sources.frigate_mqtt import FrigateSubscriber
from platekeeper.store.protocols.image_fetches import ImageSource
from tests.api.conftest import LiveApp
from tests.api.sources.helpers import CAMERA, configure, image, jpeg, only_read, post, stored, utc
from tests.api.sources.image_server import ImageServer, image_server
from tests.hotlists.alerts.conftest import WAIT_S, mqtt_port

_OBJECT = "1795865400.123456-made1p"
_SNAPSHOT = jpeg("olive", (96, 54))
_USER, _PASSWORD = "frigate-viewer", "made-up-frigate-password"

_AFTER: dict[str, Any] = {
    "id": _OBJECT,
    "camera": "driveway",
    "frame_time": 1795865401.5,
    "label": "car",
    "sub_label": None,
    "top_score": 0.84,
    "false_positive": False,
    "start_time": 1795865400.123456,
    "end_time": None,
    "score": 0.81,
    "current_zones": ["street"],
    "entered_zones": ["street"],
    "has_clip": True,
    "has_snapshot": True,
    "recognized_license_plate": None,
    "recognized_license_plate_score": None,
}


def event(kind: str, plate: str | None = None, score: float | None = None) -> bytes:
    after = copy.deepcopy(_AFTER)
    after.update(recognized_license_plate=plate, recognized_license_plate_score=score)
    if kind == "end":
        after["end_time"] = 1795865406.75
    return orjson.dumps({"type": kind, "before": copy.deepcopy(_AFTER), "after": after})


def lpr_update(plate: str, score: float) -> bytes:
    return orjson.dumps(
        {
            "type": "lpr",
            "name": None,
            "plate": plate,
            "score": score,
            "id": _OBJECT,
            "camera": "driveway",
            "timestamp": 1795865402.25,
        }
    )


@dataclass
class Frigate:
    app: LiveApp
    api: ImageServer
    subscriber: FrigateSubscriber
    publisher: mqtt.Client
    prefix: str
    sent: int = 0

    def publish(self, topic: str, body: bytes) -> None:
        info = self.publisher.publish(f"{self.prefix}/{topic}", body, qos=1)
        info.wait_for_publish(WAIT_S)
        self.sent += 1
        assert self.subscriber.wait_handled(self.sent, WAIT_S), "the message was not heard"


@pytest.fixture
def frigate(live_app: LiveApp) -> Iterator[Frigate]:
    port = mqtt_port()
    prefix = f"frigate-{uuid.uuid4().hex[:8]}"
    settings = FrigateSettings(
        enabled=True,
        host="127.0.0.1",
        port=port,
        topic_prefix=prefix,
        cameras={"driveway": CAMERA},
    )
    services = live_app.services
    subscriber = FrigateSubscriber(settings, services.sources, services.store, {})
    publisher = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    with image_server() as api:
        source = services.image_fetcher.image_source(CAMERA, api.base_url, _USER, _PASSWORD)
        services.store.image_fetches.set_source(CAMERA, source)
        api.image(f"/api/events/{_OBJECT}/snapshot.jpg", _SNAPSHOT, user=_USER, password=_PASSWORD)
        subscriber.start()
        publisher.connect("127.0.0.1", port)
        publisher.loop_start()
        try:
            assert subscriber.listening.wait(WAIT_S), "the subscriber did not subscribe"
            yield Frigate(live_app, api, subscriber, publisher, prefix)
        finally:
            publisher.disconnect()
            publisher.loop_stop()
            subscriber.stop()


@pytest.mark.mqtt
def test_one_tracked_object_is_one_read_with_its_snapshot(frigate: Frigate) -> None:
    app = frigate.app

    frigate.publish("events", event("new"))
    frigate.publish("events", event("update", "8ABC123", 0.88))
    frigate.publish("tracked_object_update", lpr_update("8ABC128", 0.71))
    assert stored(app) == []  # the camera keeps the final event only
    frigate.publish("events", event("end", "8abc123", 0.93))
    app.services.image_fetcher.run_due()

    read = only_read(app)
    assert (read.plate_text, read.confidence) == ("8ABC123", 0.93)
    assert read.client_read_id == f"frigate:{_OBJECT}"
    assert read.captured_at == utc("2026-11-28T11:30:00.123456+00:00")
    assert read.vehicle is not None
    assert read.vehicle.body_type == "car"
    assert image(app, read.image_ref) == _SNAPSHOT


@pytest.mark.mqtt
def test_a_resend_is_a_duplicate(frigate: Frigate) -> None:
    frigate.publish("events", event("end", "8ABC123", 0.93))
    frigate.app.services.image_fetcher.run_due()

    frigate.publish("events", event("end", "8ABC123", 0.95))
    frigate.app.services.image_fetcher.run_due()

    assert only_read(frigate.app).confidence == 0.93
    assert frigate.api.requested == [f"/api/events/{_OBJECT}/snapshot.jpg"]


@pytest.mark.mqtt
def test_every_frame_stores_the_first_plate_and_the_end_is_a_duplicate(frigate: Frigate) -> None:
    configure(frigate.app, frames=FramePolicy.EVERY)

    frigate.publish("tracked_object_update", lpr_update("8ABC123", 0.71))
    frigate.publish("events", event("update", "8ABC123", 0.88))
    frigate.publish("events", event("end", "8ABC123", 0.93))

    read = only_read(frigate.app)
    assert (read.plate_text, read.confidence) == ("8ABC123", 0.71)
    assert read.captured_at == utc("2026-11-28T11:30:00.123456+00:00")


@pytest.mark.mqtt
def test_a_malformed_message_is_logged_without_its_plate_and_stores_nothing(
    frigate: Frigate, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        frigate.publish("events", b"{not json")
        frigate.publish("events", event("end", "7XYZ999", 93))  # a score of 93 on a 0-1 scale
        frigate.publish("events", event("end", "7XYZ999", 0.9).replace(b'"driveway"', b'"attic"'))

    assert stored(frigate.app) == []
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("platekeeper")]
    assert any("body.after.recognized_license_plate_score" in line for line in warnings)
    assert any("refused (invalid_input at body)" in line for line in warnings)
    assert any("'attic', not in frigate.cameras" in line for line in warnings)
    info_and_up = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert not any("7XYZ999" in line for line in info_and_up)


def test_the_same_messages_posted_over_http(live_app: LiveApp) -> None:
    frigate_api = ImageSource(base_url="http://frigate.example.invalid:5000")
    live_app.services.store.image_fetches.set_source(CAMERA, frigate_api)

    first = post(live_app, "frigate", event("end", "8ABC123", 0.93))
    again = post(live_app, "frigate", event("end", "8ABC123", 0.93))
    no_plate = post(live_app, "frigate", event("new"))
    no_start: dict[str, Any] = {"id": _OBJECT, "recognized_license_plate": "8ABC124"}
    no_start["recognized_license_plate_score"] = 0.9
    broken = post(live_app, "frigate", orjson.dumps({"type": "end", "after": no_start}))

    assert first.status_code == 201, first.text
    assert again.json()["status"] == "duplicate"
    assert no_plate.json()["status"] == "folded"
    assert broken.status_code == 422
    assert [e["location"] for e in broken.json()["errors"]] == ["body.after.start_time"]
    assert [read.plate_text for read in stored(live_app)] == ["8ABC123"]
    assert live_app.services.store.image_fetches.pending_count() == 1  # the snapshot, queued
