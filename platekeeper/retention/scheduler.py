"""A background thread that runs the purges while the server runs."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Protocol

from platekeeper.background import BackgroundLoop
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.domain.time import Clock
from platekeeper.retention.plan import purge_interval

logger = logging.getLogger(__name__)

RECORDS_EVERY = timedelta(hours=1)
"""How often the other classes (hot-list entries, the ledger, the outbox, the access log) are
purged: their periods run to days and years, and expired entries no longer match anyway."""


class Purging(Protocol):
    rules: dict[DataClass, RetentionRule]

    def run(self, *, dry_run: bool = False) -> object: ...
    def settle(self) -> int: ...


class Expiring(Protocol):
    def expire(self) -> object: ...


class RecordPurging(Protocol):
    def run(self) -> object: ...


class PurgeScheduler:
    """Ends expired holds, then purges reads and settles what that left the plate index owing,
    as often as the shortest ceiling of a read class needs (``plan.purge_interval``:
    ``interval_s`` at most); and hourly the other classes. The first run is at once.

    A failed run (database away) is logged and does not end the thread: the next interval tries
    again."""

    def __init__(
        self,
        purge: Purging,
        holds: Expiring,
        interval_s: float,
        records: RecordPurging | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._purge = purge
        self._holds = holds
        self._records = records
        self._clock = clock
        self._records_at: datetime | None = None
        self.interval = purge_interval(purge.rules, timedelta(seconds=interval_s))
        self._loop = BackgroundLoop(
            "retention-purge",
            self._expire_and_purge,
            interval_s=self.interval.total_seconds(),
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
        self._purge.settle()
        self._purge_records()

    def _purge_records(self) -> None:
        if self._records is None or self._clock is None:
            return
        now = self._clock.now()
        if self._records_at is not None and now - self._records_at < RECORDS_EVERY:
            return
        self._records_at = now
        self._records.run()
