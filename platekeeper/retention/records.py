"""The purge of every data class that is not reads: hot-list entries, the purge ledger, the
alert outbox and the access log, each by its own rule.

The published policy says how long each class is kept (``reports/policy_document.py``); this is
what makes each of those sentences true. Reads have their own batched purge (``purge.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessSink, Actor
from platekeeper.domain.retention import DEFAULT_CEILINGS, DataClass, RetentionRule
from platekeeper.domain.time import Clock
from platekeeper.errors import PlateKeeperError
from platekeeper.store import Store

logger = logging.getLogger(__name__)

RECORDS_PURGE_ACTION = "retention:purge-records"
RETENTION_ACTOR = Actor("system:retention", "-")
ACCESS_LOG_PURGE_EVERY = timedelta(days=1)
"""The access-log purge verifies the whole chain first: once a day is enough for a class kept
for years."""


class AccessLogPurging(Protocol):
    """The access log's own purge (``audit.AccessLog.purge``): signed, floor-checked."""

    def purge(self, *, dry_run: bool = False) -> int: ...


@dataclass(frozen=True, slots=True)
class RecordPurgeReport:
    """How many records of each class went, and the classes that could not be purged."""

    deleted: Mapping[DataClass, int]
    failures: Mapping[DataClass, str]


class RecordPurgeService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        rules: Mapping[DataClass, RetentionRule],
        log: AccessSink,
        access_log: AccessLogPurging,
    ) -> None:
        self._store = store
        self._clock = clock
        self._rules = dict(rules)
        self._log = log
        self._access_log = access_log
        self._access_log_purged_at: datetime | None = None

    def ceiling(self, data_class: DataClass) -> timedelta | None:
        """The ceiling the purge enforces for ``data_class``: the rule's, else PlateKeeper's
        default, else None (kept). A rule whose floor lies above its ceiling is a conflict for
        a person to resolve, never decided here: kept meanwhile."""
        rule = self._rules.get(data_class)
        if rule is not None and rule.conflict is not None:
            return None
        if rule is not None and rule.max_age is not None:
            return rule.max_age
        return DEFAULT_CEILINGS.get(data_class)

    def run(self) -> RecordPurgeReport:
        now = self._clock.now()
        deleted: dict[DataClass, int] = {}
        failures: dict[DataClass, str] = {}
        steps = {
            DataClass.HOTLIST_ENTRIES: self._hotlist_entries,
            DataClass.PURGE_LEDGER: self._purge_ledger,
            DataClass.ALERT_OUTBOX: self._alert_outbox,
            DataClass.ACCESS_LOG: self._access_log_entries,
        }
        for data_class, step in steps.items():
            try:
                count = step(now)
            except PlateKeeperError as exc:
                # One class failing (the access log not verifying) must not keep the others.
                logger.warning("purge of %s failed: %s", data_class.value, exc.message)
                failures[data_class] = exc.message
                continue
            if count is not None:
                deleted[data_class] = count
        report = RecordPurgeReport(deleted, failures)
        self._log.record(_event(report, now))
        return report

    def _hotlist_entries(self, now: datetime) -> int:
        # Expired entries go whatever the period: an entry past its expiry matches nothing and
        # names a person's plate for no purpose.
        ceiling = self.ceiling(DataClass.HOTLIST_ENTRIES)
        entered_before = None if ceiling is None else now - ceiling
        return self._store.hotlist_entries.delete_past(now, entered_before)

    def _purge_ledger(self, now: datetime) -> int | None:
        ceiling = self.ceiling(DataClass.PURGE_LEDGER)
        if ceiling is None:
            return None
        return self._store.purge_ledger.delete_started_before(now - ceiling)

    def _alert_outbox(self, now: datetime) -> int | None:
        ceiling = self.ceiling(DataClass.ALERT_OUTBOX)
        if ceiling is None:
            return None
        return self._store.alert_outbox.delete_finished_before(now - ceiling)

    def _access_log_entries(self, now: datetime) -> int | None:
        last = self._access_log_purged_at
        if last is not None and now - last < ACCESS_LOG_PURGE_EVERY:
            return None
        removed = self._access_log.purge()
        self._access_log_purged_at = now
        return removed


def _event(report: RecordPurgeReport, at: datetime) -> AccessEvent:
    query = {data_class.value: str(count) for data_class, count in report.deleted.items()}
    query |= {data_class.value: "failed" for data_class in report.failures}
    total = sum(report.deleted.values())
    return AccessEvent(
        at=at,
        actor=RETENTION_ACTOR,
        action=RECORDS_PURGE_ACTION,
        outcome=AccessOutcome.ALLOWED,
        reason=f"retention purge of records: {total} removed",
        query=query,
    )
