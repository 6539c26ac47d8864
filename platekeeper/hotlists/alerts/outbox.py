"""The delivery worker: a background thread that empties the alert outbox.

Each round it claims the items that are due (the store makes sure that no other worker, in this
process or another, holds the same item), hands each to its destination's sender, and marks it
delivered, or schedules a retry after an exponential backoff with jitter, or, after the last
attempt, marks it dead and logs that at ERROR for a person to follow up. Items outlive the
process: a worker started after a restart finds what the last one left pending.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from platekeeper.background import BackgroundLoop
from platekeeper.domain.time import Clock
from platekeeper.errors import PlateKeeperError
from platekeeper.hotlists.alerts.senders import AlertSender
from platekeeper.store.protocols import AlertOutboxRepository, OutboxItem

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


class OutboxWorker:
    def __init__(
        self,
        outbox: AlertOutboxRepository,
        senders: Mapping[str, AlertSender],
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
            sender.send(item)
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
