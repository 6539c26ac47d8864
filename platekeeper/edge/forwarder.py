"""Forwarding the queue to the server: in capture order, exactly once, patiently.

Each round sends the oldest reads as one batch to the ingest API, with their images. Only when
the server has answered (201 stored, or 200 every one a retry of a read it holds) do they leave
the queue. An agent killed between the server's answer and the deletion sends them again, and
the server, idempotent on each read's id, answers "duplicate": a read is stored once however
often it travels.

While the server cannot be reached (no uplink, a 5xx, the key refused for now) the round waits
and tries again, each wait twice the last up to a ceiling, with jitter so that a fleet coming
back online together does not knock at once. A read the server refuses for good (422, 409: it
will never take it) is set aside with the server's answer rather than block every read behind
it; a batch refused is tried read by read first, so that one bad read refuses only itself.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from platekeeper.edge.queue import EdgeQueue, StoredRead
from platekeeper.edge.server import Refused, Server, Unreachable
from platekeeper.edge.wire import batch_body

log = logging.getLogger(__name__)


@dataclass
class Backoff:
    """Exponential backoff with jitter: each wait lies between half and all of
    ``first_s * 2**failures``, capped at ``max_s``."""

    first_s: float = 1.0
    max_s: float = 60.0
    failures: int = 0
    uniform: Callable[[float, float], float] = field(default=random.uniform, repr=False)

    def next(self) -> float:
        ceiling = min(self.max_s, self.first_s * 2**self.failures)
        self.failures += 1
        return self.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.failures = 0


@dataclass
class ForwardingState:
    """What the forwarder knows of its last tries, for the page and the health report."""

    last_error: str | None = None
    last_contact_at: datetime | None = None


class Forwarder:
    def __init__(
        self, queue: EdgeQueue, server: Server, backoff: Backoff, batch_size: int = 50
    ) -> None:
        self._queue = queue
        self._server = server
        self._backoff = backoff
        self._batch_size = batch_size
        self.state = ForwardingState()

    def round(self) -> float | None:
        """Forward the oldest batch; the seconds to wait before the next round (0: more wait,
        None: the queue is empty, wait for the next capture)."""
        batch = self._queue.oldest(self._batch_size)
        if not batch:
            self._backoff.reset()
            return None
        try:
            self._send(batch)
        except Unreachable as error:
            delay = self._backoff.next()
            self.state.last_error = error.message
            log.warning("%d reads wait: %s; next try in %.1f s", len(batch), error.message, delay)
            return delay
        self._backoff.reset()
        self.state.last_error = None
        return 0.0

    def _send(self, batch: list[StoredRead]) -> None:
        document, parts = batch_body([(stored.seq, stored.read) for stored in batch])
        try:
            self._server.post_reads(document, parts)
        except Refused as refused:
            if len(batch) > 1:
                for stored in batch:  # one bad read refuses only itself
                    self._send([stored])
                return
            self._queue.refuse(batch[0], refused.message)
            # The server's answer may quote the plate: it is kept in the queue, not logged.
            log.warning(
                "read %s set aside: the server refused it (%d)",
                batch[0].read.client_read_id,
                refused.status,
            )
            return
        now = datetime.now(UTC)
        self._queue.remove([stored.seq for stored in batch], now)
        self.state.last_contact_at = now
        log.info("%d reads forwarded", len(batch))
