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
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.domain.time import MICROSECOND

READ_CLASSES = (DataClass.NON_HIT_READS, DataClass.HIT_READS)
"""The classes this purge enforces; the access log and hot lists keep their own retention."""


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
