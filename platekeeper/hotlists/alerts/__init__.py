"""Alert delivery: the alert document, the durable outbox and its worker, webhooks, MQTT and
the live stream (docs/alerts.md)."""

from platekeeper.hotlists.alerts.dispatcher import SENDERS, AlertDispatcher
from platekeeper.hotlists.alerts.live import LiveAlerts, Viewer
from platekeeper.hotlists.alerts.outbox import OutboxWorker, RetryPolicy
from platekeeper.hotlists.alerts.payload import (
    STALE_WARNING,
    UNVERIFIED_NOTICE,
    alert_document,
)

__all__ = [
    "SENDERS",
    "STALE_WARNING",
    "UNVERIFIED_NOTICE",
    "AlertDispatcher",
    "LiveAlerts",
    "OutboxWorker",
    "RetryPolicy",
    "Viewer",
    "alert_document",
]
