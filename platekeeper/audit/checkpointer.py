"""A background thread that signs access-log checkpoints while the server runs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from platekeeper.background import BackgroundLoop

logger = logging.getLogger(__name__)


class Checkpointing(Protocol):
    def checkpoint(self) -> object: ...

    def watch(self, listener: Callable[[object], None]) -> None: ...


class PeriodicCheckpointer:
    """Calls ``log.checkpoint()`` every ``interval_s`` seconds, as soon as ``every_entries``
    entries were appended since the last round (when given), and once more at ``stop()`` so
    that the entries of the last moments before a shutdown are signed too. Entries not yet
    signed can be changed unseen: both bounds keep them few.

    A failed checkpoint (database away, damaged chain) does not end the thread: the next
    interval tries again, and the error is in the log for the custodian."""

    def __init__(
        self, log: Checkpointing, interval_s: float, every_entries: int | None = None
    ) -> None:
        self._log = log
        self._every = every_entries
        self._appended = 0
        self._lock = threading.Lock()
        # The first one interval after start (or at the count), the last at stop().
        self._loop = BackgroundLoop(
            "access-log-checkpointer",
            self._checkpoint,
            interval_s=interval_s,
            log=logger,
            failure="access log checkpoint failed",
            first_at_once=False,
        )
        if every_entries is not None:
            log.watch(self._count)

    def start(self) -> None:
        self._loop.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        if self._loop.stop(timeout_s):
            self._loop.run_once()

    def _count(self, _record: object) -> None:
        with self._lock:
            self._appended += 1
            due = self._every is not None and self._appended >= self._every
        if due:
            self._loop.wake()

    def _checkpoint(self) -> None:
        with self._lock:
            self._appended = 0
        self._log.checkpoint()
