"""A background thread that runs the purge while the server runs."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

logger = logging.getLogger(__name__)


class Purging(Protocol):
    def run(self, *, dry_run: bool = False) -> object: ...


class Expiring(Protocol):
    def expire(self) -> object: ...


class PurgeScheduler:
    """Ends expired holds, then purges, every ``interval_s`` seconds (the first time at once)."""

    def __init__(self, purge: Purging, holds: Expiring, interval_s: float) -> None:
        self._purge = purge
        self._holds = holds
        self._interval_s = interval_s
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="retention-purge", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        # A purge between batches notices nothing; the join waits for the batch in flight, and
        # a purge cut short is finished by the next run.
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.tick()
            self._stopping.wait(self._interval_s)

    def tick(self) -> None:
        # A failed run (database away) must not end the thread: the next interval tries again.
        try:
            self._holds.expire()
            self._purge.run()
        except Exception:
            logger.exception("retention purge failed")
