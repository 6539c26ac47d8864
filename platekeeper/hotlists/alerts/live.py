"""The live alert stream inside one server process: a broadcaster and its subscribers.

Alerts are offered from any thread (the matcher runs in the ingest's worker threads); each
subscriber waits on its own asyncio loop. A subscriber's queue is bounded: when a slow one falls
behind, the oldest alerts are dropped and the subscriber is told how many, rather than the
server's memory growing with it.

Who receives what is one pure rule, ``may_receive``: alerts go to the list's own agency only,
and a covert list's alerts only to those who manage hot lists there, never to patrol.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.domain.scope import AgencyScope


@dataclass(frozen=True, slots=True)
class LiveAlert:
    agency_id: str
    covert: bool
    read_id: str
    image_refs: tuple[str, ...]
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Viewer:
    """A person holding the stream open."""

    username: str
    agency_id: str
    roles: frozenset[Role]


def may_receive(viewer: Viewer, alert: LiveAlert) -> bool:
    if not AgencyScope.of(viewer).admits(alert.agency_id):
        return False
    needed = Permission.HOTLISTS_MANAGE if alert.covert else Permission.ALERTS_VIEW
    return needed in permissions_of(viewer.roles)


@dataclass(frozen=True, slots=True)
class Dropped:
    """The subscriber fell behind and lost this many of the oldest alerts."""

    count: int


class Closed:
    """The server is stopping; the stream ends."""


CLOSED = Closed()


class Subscription:
    """One subscriber's bounded queue, filled from any thread, drained on its event loop."""

    def __init__(self, viewer: Viewer, capacity: int, loop: asyncio.AbstractEventLoop) -> None:
        self.viewer = viewer
        self._queue: deque[LiveAlert] = deque()
        self._capacity = capacity
        self._dropped = 0
        self._closed = False
        self._lock = threading.Lock()
        self._loop = loop
        self._ready = asyncio.Event()

    def offer(self, alert: LiveAlert) -> None:
        with self._lock:
            if len(self._queue) >= self._capacity:
                self._queue.popleft()
                self._dropped += 1
            self._queue.append(alert)
        self._wake()

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._wake()

    def _wake(self) -> None:
        # A RuntimeError says the subscriber's loop has ended: nobody listens any more.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._ready.set)

    async def next(self, timeout_s: float) -> LiveAlert | Dropped | Closed | None:
        """The next thing to tell the subscriber, or None if nothing came within ``timeout_s``
        (time for a heartbeat)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            taken = self._take()
            if taken is not None:
                return taken
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            try:
                await asyncio.wait_for(self._ready.wait(), remaining)
            except TimeoutError:
                return None

    def _take(self) -> LiveAlert | Dropped | Closed | None:
        with self._lock:
            if self._closed:
                return CLOSED
            if self._dropped:
                dropped, self._dropped = self._dropped, 0
                return Dropped(dropped)
            if self._queue:
                return self._queue.popleft()
            # Cleared under the lock: an offer after this sets it again.
            self._ready.clear()
            return None


class LiveAlerts:
    """The broadcaster: ``publish`` from anywhere, ``subscribe`` from an event loop."""

    def __init__(self, queue_size: int) -> None:
        self._queue_size = queue_size
        self._subscriptions: set[Subscription] = set()
        self._lock = threading.Lock()
        self._closed = False

    def subscribe(self, viewer: Viewer) -> Subscription:
        subscription = Subscription(viewer, self._queue_size, asyncio.get_running_loop())
        with self._lock:
            if self._closed:
                subscription.close()
            else:
                self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)

    def publish(self, alert: LiveAlert) -> int:
        """Offer ``alert`` to every subscriber that may see it; return how many."""
        with self._lock:
            receivers = [s for s in self._subscriptions if may_receive(s.viewer, alert)]
        for subscription in receivers:
            subscription.offer(alert)
        return len(receivers)

    @property
    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscriptions)

    def close(self) -> None:
        """End every stream, now and later: the server is stopping."""
        with self._lock:
            self._closed = True
            subscriptions = list(self._subscriptions)
            self._subscriptions.clear()
        for subscription in subscriptions:
            subscription.close()
