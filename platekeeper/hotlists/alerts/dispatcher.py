"""The ``AlertSink`` of PlateKeeper: new alerts into the durable outbox and the live stream.

``publish`` writes one outbox item per alert per destination that may receive it (a covert
list's alerts only to destinations with ``include_covert``), all in one transaction, before it
tells anyone: once ``publish`` returns, a crash loses no delivery. Then the live stream gets the
alerts and the delivery worker is woken.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta

import orjson

from platekeeper.config import AlertDestinationBase, AlertSettings
from platekeeper.domain.access import AccessSink
from platekeeper.domain.hotlists import Alert
from platekeeper.domain.time import Clock
from platekeeper.hotlists.alerts.live import LiveAlert, LiveAlerts
from platekeeper.hotlists.alerts.mqtt import MqttSender
from platekeeper.hotlists.alerts.outbox import OutboxWorker, RetryPolicy
from platekeeper.hotlists.alerts.payload import Document, ImageSource, alert_document
from platekeeper.hotlists.alerts.senders import AlertSender, SenderFactory, build_senders
from platekeeper.hotlists.alerts.webhook import WebhookSender
from platekeeper.store.protocols import AlertOutboxRepository, OutboxItem

SENDERS: Mapping[str, SenderFactory] = {
    "webhook": WebhookSender.from_settings,
    "mqtt": MqttSender.from_settings,
}
"""Destination ``type`` in the settings -> the sender that delivers to it."""

logger = logging.getLogger(__name__)


def receives(destination: AlertDestinationBase, alert: Alert) -> bool:
    """Whether ``destination`` may receive ``alert``: covert lists only where allowed."""
    return destination.include_covert or not alert.hotlist.covert


class AlertDispatcher:
    def __init__(
        self,
        outbox: AlertOutboxRepository,
        images: ImageSource,
        clock: Clock,
        settings: AlertSettings,
        senders: Mapping[str, AlertSender],
        *,
        log: AccessSink,
    ) -> None:
        self._outbox = outbox
        self._log = log
        self._images = images
        self._clock = clock
        self._settings = settings
        self._senders = senders
        self._wakeup = threading.Event()
        self.live = LiveAlerts(settings.live_queue_size)

    @classmethod
    def from_settings(
        cls,
        outbox: AlertOutboxRepository,
        images: ImageSource,
        clock: Clock,
        settings: AlertSettings,
        *,
        log: AccessSink,
        environ: Mapping[str, str] | None = None,
    ) -> AlertDispatcher:
        """Read each destination's secrets now: a missing one is a ``ConfigError`` at start."""
        environ = os.environ if environ is None else environ
        senders = build_senders(settings.destinations, SENDERS, environ)
        return cls(outbox, images, clock, settings, senders, log=log)

    def publish(self, alerts: Sequence[Alert]) -> None:
        documents = [
            (alert, alert_document(alert, self._images, self._settings.max_image_bytes))
            for alert in alerts
        ]
        items = [
            self._item(alert, document, destination.name)
            for alert, document in documents
            for destination in self._settings.destinations
            if receives(destination, alert)
        ]
        if items:
            self._outbox.enqueue(items)
        for alert, document in documents:
            viewers = self.live.publish(_live(alert, document))
            logger.info(
                "alert for hit %s on list %s: %d live viewers",
                alert.hit.id,
                alert.hotlist.id,
                viewers,
            )
        if items:
            self._wakeup.set()

    def _item(self, alert: Alert, document: Document, destination: str) -> OutboxItem:
        now = self._clock.now()
        return OutboxItem(
            id=str(uuid.uuid4()),
            destination=destination,
            hit_id=alert.hit.id,
            payload=orjson.dumps(document).decode("utf-8"),
            created_at=now,
            next_attempt_at=now,
        )

    def delivery_worker(self) -> OutboxWorker:
        """The worker that delivers this dispatcher's outbox, each delivery written to the
        access log; ``publish`` wakes it."""
        settings = self._settings
        policy = RetryPolicy(
            settings.max_attempts,
            timedelta(seconds=settings.retry_initial_s),
            timedelta(seconds=settings.retry_max_s),
        )
        return OutboxWorker(
            self._outbox,
            self._senders,
            self._log,
            self._clock,
            policy,
            poll_interval_s=settings.poll_interval_s,
            lease=timedelta(seconds=settings.claim_lease_s),
            wakeup=self._wakeup,
        )

    def close(self) -> None:
        self.live.close()
        for sender in self._senders.values():
            sender.close()


def _live(alert: Alert, document: Document) -> LiveAlert:
    refs = tuple(ref for ref in (alert.read.crop_ref, alert.read.image_ref) if ref is not None)
    return LiveAlert(alert.hotlist.agency_id, alert.hotlist.covert, alert.read.id, refs, document)
