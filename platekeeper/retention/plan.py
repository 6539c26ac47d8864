"""Which reads a purge takes: a pure decision from the rules, the holds and the time.

The boundary, exactly: a read of a class with ceiling ``max_age`` is due when

    captured_at <= now - max_age        (its age has reached the ceiling)

so a read captured exactly ``max_age`` ago goes, and one captured a second later stays. The store
is asked for reads captured *before* ``cutoff + 1 µs``, the same set at the stores' microsecond
resolution.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from platekeeper.domain.holds import Exemptions, LegalHold, exemptions
from platekeeper.domain.retention import DataClass, ReadCeilings, RetentionRule
from platekeeper.domain.time import MICROSECOND

READ_CLASSES = (DataClass.NON_HIT_READS, DataClass.HIT_READS)
"""The classes this purge enforces; the other classes are purged by ``records.py``."""

PURGE_INTERVAL_SHARE = 10
"""The purge runs at least this many times per shortest ceiling: a read then outlives its
ceiling in the store by at most a tenth of it (and is never shown past it, see
``read_ceilings``)."""
MIN_PURGE_INTERVAL = timedelta(seconds=10)
"""Never more often than this: a run costs a few statements even when nothing is due."""


@dataclass(frozen=True, slots=True)
class ClassDecision:
    data_class: DataClass
    cutoff: datetime | None
    """Reads captured at or before this instant are due; None when the class is left alone."""
    reason: str

    @property
    def acts(self) -> bool:
        return self.cutoff is not None

    @property
    def captured_before(self) -> datetime:
        """The exclusive bound the store takes: ``cutoff`` plus one microsecond."""
        if self.cutoff is None:
            raise ValueError(f"{self.data_class.value} is not purged")
        return self.cutoff + MICROSECOND


@dataclass(frozen=True, slots=True)
class PurgePlan:
    now: datetime
    classes: tuple[ClassDecision, ...]
    exempt: Exemptions
    conflicts: tuple[str, ...]

    def decision(self, data_class: DataClass) -> ClassDecision:
        return next(item for item in self.classes if item.data_class is data_class)


def is_due(captured_at: datetime, cutoff: datetime) -> bool:
    """The boundary rule, in one place: due once its age reaches the ceiling."""
    return captured_at <= cutoff


def decide_class(data_class: DataClass, rule: RetentionRule | None, now: datetime) -> ClassDecision:
    if rule is None:
        return ClassDecision(data_class, None, "no rule: kept")
    if rule.conflict is not None:
        return ClassDecision(data_class, None, f"not purged, rules conflict: {rule.conflict}")
    if rule.max_age is None:
        return ClassDecision(data_class, None, f"no ceiling ({rule.source}): kept")
    return ClassDecision(
        data_class, now - rule.max_age, f"kept at most {rule.max_age} ({rule.source})"
    )


def plan_purge(
    rules: Mapping[DataClass, RetentionRule], now: datetime, holds: Sequence[LegalHold]
) -> PurgePlan:
    """The cutoff of each read class, the conflicts a person must resolve, and what holds keep."""
    classes = tuple(decide_class(item, rules.get(item), now) for item in READ_CLASSES)
    conflicts = tuple(
        conflict for rule in rules.values() if (conflict := rule.conflict) is not None
    )
    return PurgePlan(now, classes, exemptions(list(holds), now), conflicts)


def purge_interval(rules: Mapping[DataClass, RetentionRule], configured: timedelta) -> timedelta:
    """How often the purge of reads must run: ``configured`` (``retention.
    purge_interval_minutes``), or a tenth of the shortest ceiling of a read class when that is
    sooner (New Hampshire's three minutes: every 18 seconds), but not under 10 seconds."""
    ceilings = [
        rule.max_age
        for data_class in READ_CLASSES
        if (rule := rules.get(data_class)) is not None and rule.max_age is not None
    ]
    if not ceilings:
        return configured
    return max(min(configured, min(ceilings) / PURGE_INTERVAL_SHARE), MIN_PURGE_INTERVAL)


def read_ceilings(plan: PurgePlan) -> ReadCeilings:
    """The plan as the store's look-ups take it: a read the plan makes due is never shown.

    A class the plan leaves alone (no ceiling, a conflict) is shown as it is kept; a read is a
    hit read by the same rule as the purge's (``domain.retention.keeps_hit_class``), so a
    rejected or false hit neither keeps nor shows a read past the non-hit ceiling."""

    def bound(data_class: DataClass) -> datetime | None:
        decision = plan.decision(data_class)
        return decision.captured_before if decision.acts else None

    return ReadCeilings(bound(DataClass.NON_HIT_READS), bound(DataClass.HIT_READS), plan.exempt)


def buckets_past_cutoff(live: Sequence[str], plan: PurgePlan) -> list[str]:
    """Image buckets (``YYYY/MM/DD``) whose whole day lies past the non-hit cutoff. Their key
    may be destroyed once no read of the day survives: a hit read or a held one keeps it."""
    decision = plan.decision(DataClass.NON_HIT_READS)
    if decision.cutoff is None:
        return []
    return [bucket for bucket in live if bucket_day_end(bucket) <= decision.captured_before]


def bucket_day_start(bucket: str) -> datetime:
    year, month, day = (int(part) for part in bucket.split("/"))
    return datetime(year, month, day, tzinfo=UTC)


def bucket_day_end(bucket: str) -> datetime:
    """The first instant after the capture day ``YYYY/MM/DD``."""
    return bucket_day_start(bucket) + timedelta(days=1)
