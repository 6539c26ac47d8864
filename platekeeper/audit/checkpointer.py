"""A background thread that signs access-log checkpoints while the server runs."""

from __future__ import annotations

import logging
from typing import Protocol

from platekeeper.background import BackgroundLoop

logger = logging.getLogger(__name__)


class Checkpointing(Protocol):
    def checkpoint(self) -> object: ...


class PeriodicCheckpointer:
    """Calls ``log.checkpoint()`` every ``interval_s`` seconds, and once more at ``stop()`` so
    that the entries of the last minutes before a shutdown are signed too.

    A failed checkpoint (database away, damaged chain) does not end the thread: the next
    interval tries again, and the error is in the log for the custodian."""

    def __init__(self, log: Checkpointing, interval_s: float) -> None:
        self._log = log
        # The first one interval after start, the last at stop().
        self._loop = BackgroundLoop(
            "access-log-checkpointer",
            self._checkpoint,
            interval_s=interval_s,
            log=logger,
            failure="access log checkpoint failed",
            first_at_once=False,
        )

    def start(self) -> None:
        self._loop.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        if self._loop.stop(timeout_s):
            self._loop.run_once()

    def _checkpoint(self) -> None:
        self._log.checkpoint()
