"""Hearing Frigate: a subscription to its MQTT topics, each message stored through the one
source ingest as the camera the settings map its Frigate camera to.

The broker may be away when the server starts or later: the client connects in the background
and again after a loss, subscribing anew each time. A message that cannot be stored is logged
by its problem's code and location only (never the plate, which is at DEBUG at most) and the
next one is heard. A message of a camera not mapped is ignored, logged by the camera's name.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Mapping
from zoneinfo import ZoneInfo

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from platekeeper.config import FrigateSettings
from platekeeper.domain import Camera
from platekeeper.errors import (
    ConfigError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PlateKeeperError,
)
from platekeeper.ingest.sources.base import JSON, Context, Payload
from platekeeper.ingest.sources.fields import problem
from platekeeper.ingest.sources.frigate import NAME, FrigateSource, camera_of
from platekeeper.ingest.sources.service import SourceIngest, SourceReceipt
from platekeeper.store import Store

log = logging.getLogger(__name__)

UTC_ZONE = ZoneInfo("UTC")
QOS = 1
KEEPALIVE_S = 60
TOPICS = ("events", "tracked_object_update")


class FrigateSubscriber:
    """Subscribes to ``<prefix>/events`` and ``<prefix>/tracked_object_update``."""

    def __init__(
        self,
        settings: FrigateSettings,
        sources: SourceIngest,
        store: Store,
        environ: Mapping[str, str],
    ) -> None:
        if not settings.host:
            raise ConfigError("frigate.host is not set", hint="Name the broker Frigate uses.")
        self._host = settings.host
        self._settings = settings
        self._sources = sources
        self._store = store
        self._password = _password(settings, environ)
        self._client: mqtt.Client | None = None
        self._handled = 0
        self._changed = threading.Condition()
        self.listening = threading.Event()
        """Set once the broker has confirmed the subscription (after each connection)."""

    def start(self) -> None:
        settings = self._settings
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=settings.client_id or f"platekeeper-frigate-{uuid.uuid4().hex[:8]}",
            protocol=mqtt.MQTTv311,
        )
        if settings.username is not None:
            client.username_pw_set(settings.username, self._password)
        if settings.tls:
            client.tls_set(ca_certs=None if settings.ca_path is None else str(settings.ca_path))
        client.on_connect = self._on_connect
        client.on_message = self._on_message
        client.on_subscribe = lambda *_: self.listening.set()
        client.on_disconnect = lambda *_: self.listening.clear()
        client.reconnect_delay_set(min_delay=1, max_delay=60)
        client.connect_async(self._host, settings.port, keepalive=KEEPALIVE_S)
        client.loop_start()
        self._client = client

    def stop(self, timeout_s: float = 10.0) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.disconnect()
            client.loop_stop()

    def wait_handled(self, count: int, timeout_s: float) -> bool:
        """Whether ``count`` messages were handled (stored, ignored or refused) in time."""
        with self._changed:
            return self._changed.wait_for(lambda: self._handled >= count, timeout_s)

    def handle(self, topic: str, body: bytes) -> SourceReceipt | None:
        """Store one message heard on ``topic``; None when it stored nothing (a camera not
        mapped, a camera that may not send, a message refused: each logged)."""
        frigate_camera = camera_of(body)
        camera_id = None if frigate_camera is None else self._settings.cameras.get(frigate_camera)
        if frigate_camera is not None and camera_id is None:
            log.info(
                "ignored a Frigate message of camera %r, not in frigate.cameras", frigate_camera
            )
            return None
        try:
            camera = self._camera(camera_id, body)
            return self._sources.receive(camera, NAME, Payload(JSON, body))
        except InvalidInput as error:
            locations = ", ".join(problem.location for problem in error.fields) or "body"
            log.warning(
                "a Frigate message on %s was refused (%s at %s); nothing stored",
                topic,
                error.code,
                locations,
            )
            log.debug("the refused Frigate message: %s", error.message)
        except PlateKeeperError as error:
            log.warning("a Frigate message on %s was not stored: %s", topic, error.message)
        return None

    def _camera(self, camera_id: str | None, body: bytes) -> Camera:
        if camera_id is None:
            # No camera to be found: the parse names what is wrong with the message, or else
            # the camera is what it lacks.
            FrigateSource().parse(Payload(JSON, body), Context(UTC_ZONE))
            raise problem("body.camera", "is missing")
        camera = self._store.cameras.get(camera_id)
        if camera is None:
            raise NotFound(
                f"camera {camera_id!r} (in frigate.cameras) does not exist",
                hint="Register it ('platekeeper camera add') or correct frigate.cameras.",
            )
        if not camera.status.may_ingest:
            raise PermissionDenied(f"camera {camera_id!r} is {camera.status.value}")
        return camera

    def _on_connect(
        self,
        client: mqtt.Client,
        _userdata: object,
        _flags: object,
        reason: ReasonCode,
        _properties: Properties | None,
    ) -> None:
        if reason.is_failure:
            log.warning("the Frigate broker refused the connection: %s", reason)
            return
        prefix = self._settings.topic_prefix
        client.subscribe([(f"{prefix}/{topic}", QOS) for topic in TOPICS])
        log.info("listening to Frigate on %s:%d", self._settings.host, self._settings.port)

    def _on_message(
        self, _client: mqtt.Client, _userdata: object, message: mqtt.MQTTMessage
    ) -> None:
        try:
            self.handle(message.topic, bytes(message.payload))
        except Exception:  # the database away: logged, and the next message is heard
            log.exception("storing a Frigate message failed")
        with self._changed:
            self._handled += 1
            self._changed.notify_all()


def _password(settings: FrigateSettings, environ: Mapping[str, str]) -> str | None:
    if settings.password_env is None:
        return None
    value = environ.get(settings.password_env, "")
    if not value:
        raise ConfigError(
            f"frigate.password_env: the environment variable {settings.password_env} is not set",
            hint=f"Set {settings.password_env} to the broker password in the server's environment.",
        )
    return value
