"""MQTT: each alert published once (QoS 1, not retained) to a topic that subscribers can filter.

Topic scheme: ``<prefix>/<agency id>/alerts/<list id>/<alert level>``, e.g.
``platekeeper/demo-pd/alerts/stolen-vehicles/critical``. Agency and list ids are slugs, so no
level ever holds ``/``, ``+`` or ``#``. A dispatch console takes everything of its agency with
``platekeeper/demo-pd/alerts/#``, or only critical alerts with
``platekeeper/demo-pd/alerts/+/critical``. The message is the alert document as JSON.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from platekeeper.config import MqttDestinationSettings
from platekeeper.hotlists.alerts.senders import DeliveryFailed, Disclosure, secret_from

QOS = 1
KEEPALIVE_S = 60


def topic_for(prefix: str, document: Mapping[str, object]) -> str:
    """The topic of one alert document."""
    hotlist = document["list"]
    if not isinstance(hotlist, Mapping):
        raise DeliveryFailed("the alert document has no list")
    return f"{prefix}/{document['agency_id']}/alerts/{hotlist['id']}/{hotlist['alert_level']}"


@dataclass(frozen=True, slots=True)
class Broker:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False
    ca_path: Path | None = None


class MqttSender:
    """Keeps one connection to the broker, made on first use and made again after a failure."""

    def __init__(
        self, name: str, broker: Broker, prefix: str, timeout_s: float, client_id: str | None
    ) -> None:
        self.name = name
        self._broker = broker
        self._prefix = prefix
        self._timeout_s = timeout_s
        self._client_id = client_id or f"platekeeper-{uuid.uuid4().hex[:12]}"
        self._client: mqtt.Client | None = None

    @classmethod
    def from_settings(
        cls, settings: MqttDestinationSettings, environ: Mapping[str, str], key: str
    ) -> MqttSender:
        password = None
        if settings.password_env is not None:
            password = secret_from(environ, settings.password_env, f"{key}.password_env")
        broker = Broker(
            settings.host,
            settings.port,
            settings.username,
            password,
            settings.tls,
            settings.ca_path,
        )
        timeout_s = settings.timeout_ms / 1000
        return cls(settings.name, broker, settings.topic_prefix, timeout_s, settings.client_id)

    @property
    def recipient(self) -> str:
        scheme = "mqtts" if self._broker.tls else "mqtt"
        return f"{scheme}://{self._broker.host}:{self._broker.port}/{self._prefix}"

    def send(self, disclosure: Disclosure) -> None:
        item = disclosure.item
        topic = topic_for(self._prefix, json.loads(item.payload))
        client = self._connected()
        try:
            info = client.publish(topic, item.payload, qos=QOS, retain=False)
            info.wait_for_publish(self._timeout_s)
            published = info.is_published()
        except (RuntimeError, ValueError) as exc:
            self.close()
            raise DeliveryFailed(f"publishing failed: {exc}") from None
        if not published:
            self.close()
            raise DeliveryFailed(f"the broker did not acknowledge within {self._timeout_s:g} s")

    def _connected(self) -> mqtt.Client:
        if self._client is not None and self._client.is_connected():
            return self._client
        self.close()
        client, connected, outcome = self._new_client()
        try:
            client.connect(self._broker.host, self._broker.port, keepalive=KEEPALIVE_S)
        except OSError as exc:
            raise DeliveryFailed(f"cannot reach the broker: {exc}") from None
        client.loop_start()
        self._client = client
        if not connected.wait(self._timeout_s):
            self.close()
            raise DeliveryFailed(f"the broker did not answer within {self._timeout_s:g} s")
        if outcome and outcome[0].is_failure:
            self.close()
            raise DeliveryFailed(f"the broker refused the connection: {outcome[0]}")
        return client

    def _new_client(self) -> tuple[mqtt.Client, threading.Event, list[ReasonCode]]:
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self._client_id,
            protocol=mqtt.MQTTv311,
            reconnect_on_failure=False,
        )
        connected = threading.Event()
        outcome: list[ReasonCode] = []

        def on_connect(
            _client: mqtt.Client,
            _userdata: object,
            _flags: object,
            reason: ReasonCode,
            _properties: Properties | None,
        ) -> None:
            outcome.append(reason)
            connected.set()

        client.on_connect = on_connect
        client.connect_timeout = self._timeout_s
        broker = self._broker
        if broker.username is not None:
            client.username_pw_set(broker.username, broker.password)
        if broker.tls:
            client.tls_set(ca_certs=None if broker.ca_path is None else str(broker.ca_path))
        return client, connected, outcome

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.disconnect()
            client.loop_stop()
