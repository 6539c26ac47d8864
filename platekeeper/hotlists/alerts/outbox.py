"""The delivery worker: a background thread that empties the alert outbox.

Each round it claims the items that are due (the store makes sure that no other worker, in this
process or another, holds the same item), hands each to its destination's sender, and marks it
delivered, or schedules a retry after an exponential backoff with jitter, or, after the last
attempt, marks it dead and logs that at ERROR for a person to follow up. Items outlive the
process: a worker started after a restart finds what the last one left pending.

An alert carries a plate, where and when it was seen, and its images: sending one is a
disclosure. ``disclose`` is the one way out: it writes the access-log entry naming the receiver,
then sends, on every attempt (a failed attempt may still have reached the receiver). If the log
cannot take the entry, nothing is sent and the item waits for a retry.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from platekeeper.background import BackgroundLoop
from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessSink, Actor
from platekeeper.domain.time import Clock
from platekeeper.errors import PlateKeeperError
from platekeeper.hotlists.alerts.senders import AlertSender, DeliveryFailed, Disclosure
from platekeeper.store.protocols import AlertOutboxRepository, OutboxItem

DELIVERY_ACTION = "alerts:deliver"
"""The access-log action of an alert sent to a webhook or an MQTT broker."""
DELIVERY_USERNAME = "system:alerts"
"""Who the log names as sending: the delivery worker, on behalf of the list's agency."""
BATCH = 50
_RANDOM = random.SystemRandom()
logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int
    initial: timedelta
    longest: timedelta

    def delay(self, attempts: int, jitter: float) -> timedelta:
        """The wait after ``attempts`` failed attempts: doubling from ``initial`` up to
        ``longest``, then shortened by up to half (``jitter`` in [0, 1)), so that receivers
        coming back from an outage are not hit by every retry at once."""
        exponent = min(attempts - 1, 32)
        full: timedelta = min(self.initial * (2**exponent), self.longest)
        return full * (1 - jitter / 2)


def disclose(log: AccessSink, clock: Clock, item: OutboxItem, sender: AlertSender) -> None:
    """Record ``item``'s delivery to ``sender``'s receiver in the access log, then send it."""
    entry = log.record(delivery_event(item, sender.recipient, clock.now()))
    sender.send(Disclosure(item, entry))


def delivery_event(item: OutboxItem, recipient: str, at: datetime) -> AccessEvent:
    """The access-log entry of one delivery attempt: what left (the read, the hit, the list,
    which images), to whom, on which attempt."""
    try:
        document = json.loads(item.payload)
        agency_id = str(document["agency_id"])
        read_id = str(document["read"]["id"])
        list_id = str(document["list"]["id"])
        images = document.get("images") or {}
    except (ValueError, KeyError, TypeError):
        raise DeliveryFailed("the alert document is malformed; nothing was sent") from None
    sent_images = [kind for kind, image in images.items() if image and "data" in image]
    query = {
        "hit_id": item.hit_id,
        "delivery_id": item.id,
        "destination": item.destination,
        "recipient": recipient,
        "list_id": list_id,
        "attempt": str(item.attempts),
        "images": ",".join(sorted(sent_images)) or "none",
    }
    return AccessEvent(
        at=at,
        actor=Actor(DELIVERY_USERNAME, agency_id),
        action=DELIVERY_ACTION,
        outcome=AccessOutcome.ALLOWED,
        reason=f"alert sent to {item.destination} ({recipient}), attempt {item.attempts}",
        query=query,
        read_ids=(read_id,),
    )


class OutboxWorker:
    def __init__(
        self,
        outbox: AlertOutboxRepository,
        senders: Mapping[str, AlertSender],
        log: AccessSink,
        clock: Clock,
        policy: RetryPolicy,
        *,
        poll_interval_s: float,
        lease: timedelta,
        wakeup: threading.Event | None = None,
        jitter: Callable[[], float] = _RANDOM.random,
    ) -> None:
        self._outbox = outbox
        self._senders = senders
        self._log = log
        self._clock = clock
        self._policy = policy
        self._poll_interval_s = poll_interval_s
        self._lease = lease
        self._jitter = jitter
        self._loop = BackgroundLoop(
            "alert-outbox",
            self._round,
            interval_s=poll_interval_s,
            log=logger,
            # A bug must not stop deliveries for good: the alerts keep waiting in the store.
            failure="alert outbox: delivery round failed",
            wakeup=wakeup,
        )

    def start(self) -> None:
        self._loop.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop after the delivery in hand; what is left stays pending for the next start."""
        self._loop.stop(timeout_s)

    def wake(self) -> None:
        self._loop.wake()

    def _round(self) -> float:
        try:
            return self.deliver_due()
        except PlateKeeperError as exc:
            # The database may be away for a while; the items wait in it meanwhile.
            logger.warning("alert outbox: cannot claim deliveries: %s", exc)
            return self._poll_interval_s

    def deliver_due(self) -> float:
        """Deliver one batch of due items; return how long to wait before the next round."""
        items = self._outbox.due(self._clock.now(), BATCH, self._lease)
        wait_s = self._poll_interval_s
        for index, item in enumerate(items):
            if self._loop.stopping:
                self._release(items[index:])
                break
            retry_in = self._deliver(item)
            if retry_in is not None:
                wait_s = min(wait_s, retry_in.total_seconds())
        return 0.0 if len(items) == BATCH else wait_s

    def _release(self, items: list[OutboxItem]) -> None:
        """Make claimed but untried items due again at once, for the next worker to take,
        rather than after the lease."""
        now = self._clock.now()
        for item in items:
            self._outbox.reschedule(item.id, now, "not tried before the worker stopped")

    def _deliver(self, item: OutboxItem) -> timedelta | None:
        """Deliver ``item``; the wait before its retry, or None if it is finished."""
        sender = self._senders.get(item.destination)
        try:
            if sender is None:
                raise PlateKeeperError(f"destination {item.destination!r} is not configured")
            disclose(self._log, self._clock, item, sender)
        except PlateKeeperError as exc:
            return self._failed(item, exc.message)
        except Exception as exc:  # a sender's bug must not stop the thread or loop forever
            logger.exception("alert %s to %s: the sender failed", item.hit_id, item.destination)
            return self._failed(item, f"{type(exc).__name__}: {exc}")
        self._outbox.mark_delivered(item.id, self._clock.now())
        logger.info("alert %s delivered to %s", item.hit_id, item.destination)
        return None

    def _failed(self, item: OutboxItem, error: str) -> timedelta | None:
        now = self._clock.now()
        if item.attempts >= self._policy.max_attempts:
            self._outbox.mark_dead(item.id, now, error)
            logger.error(
                "alert %s to %s given up after %d attempts: %s",
                item.hit_id,
                item.destination,
                item.attempts,
                error,
            )
            return None
        delay = self._policy.delay(item.attempts, self._jitter())
        self._outbox.reschedule(item.id, now + delay, error)
        logger.warning(
            "alert %s to %s failed (attempt %d of %d), retrying in %.1f s: %s",
            item.hit_id,
            item.destination,
            item.attempts,
            self._policy.max_attempts,
            delay.total_seconds(),
            error,
        )
        return delay
