"""A background thread that runs the purge while the server runs."""

from __future__ import annotations

import logging
from typing import Protocol

from platekeeper.background import BackgroundLoop

logger = logging.getLogger(__name__)


class Purging(Protocol):
    def run(self, *, dry_run: bool = False) -> object: ...


class Expiring(Protocol):
    def expire(self) -> object: ...


class PurgeScheduler:
    """Ends expired holds, then purges, every ``interval_s`` seconds (the first time at once).

    A failed run (database away) is logged and does not end the thread: the next interval tries
    again."""

    def __init__(self, purge: Purging, holds: Expiring, interval_s: float) -> None:
        self._purge = purge
        self._holds = holds
        self._loop = BackgroundLoop(
            "retention-purge",
            self._expire_and_purge,
            interval_s=interval_s,
            log=logger,
            failure="retention purge failed",
        )

    def start(self) -> None:
        self._loop.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        # A purge between batches notices nothing; the join waits for the batch in flight, and
        # a purge cut short is finished by the next run.
        self._loop.stop(timeout_s)

    def tick(self) -> None:
        """One run now, in the caller's thread; a failure is logged, not raised."""
        self._loop.run_once()

    def _expire_and_purge(self) -> None:
        self._holds.expire()
        self._purge.run()
