"""How long each kind of data may be kept: the rules the purge enforces.

A rule has a ceiling (``max_age``: keep no longer) and may have a floor (``min_age``: a
records-law minimum, keep at least this long). Where several sources set rules for one class,
the most restrictive ceiling wins, and a floor above the ceiling is a conflict reported to a
person, never resolved silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from platekeeper.domain.holds import Exemptions
from platekeeper.domain.hotlists import Hit, HitOutcome, HitStatus
from platekeeper.errors import InvalidInput


class DataClass(StrEnum):
    NON_HIT_READS = "non-hit-reads"
    """Reads that matched no hot-list entry, and their images: 99.9% of what a camera sees."""
    HIT_READS = "hit-reads"
    """Reads that made a hit, and their images."""
    HOTLIST_ENTRIES = "hotlist-entries"
    ACCESS_LOG = "access-log"
    PURGE_LEDGER = "purge-ledger"
    ALERT_OUTBOX = "alert-outbox"
    """Alerts delivered to webhooks and MQTT, or given up on: kept for the delivery record."""


DEFAULT_CEILINGS = {DataClass.ALERT_OUTBOX: timedelta(days=30)}
"""Ceilings that apply when neither the policy nor a profile sets one: a class PlateKeeper
itself creates (the outbox's delivery record) has no business being kept without a limit."""

DEFAULT_FLOORS = {DataClass.ACCESS_LOG: timedelta(days=730)}
"""Floors that apply when neither the policy nor a profile sets one: the access log is the
evidence of who looked at what; two years lets an audit (and a complaint) reach back."""

HIT_CLASS_STATUSES = frozenset({HitStatus.PENDING, HitStatus.CONFIRMED})
"""Hit statuses that keep a read in the hit class: still to verify, or verified."""
FALSE_HIT_OUTCOMES = frozenset({HitOutcome.FALSE_HIT})
"""Outcomes that undo a hit for retention: the hit was false, so the read is an ordinary one."""


def keeps_hit_class(hit: Hit) -> bool:
    """Whether ``hit`` makes its read a hit read for retention.

    A hit rejected (misread, wrong state, expired entry, ...) or found false made nothing of the
    read: keeping it for the hit period would keep a bystander's movements for years because
    the camera misread a plate. A pending hit keeps the class until a person decides."""
    return hit.status in HIT_CLASS_STATUSES and hit.outcome not in FALSE_HIT_OUTCOMES


def read_class(hits: Iterable[Hit]) -> DataClass:
    """The class a read with ``hits`` is retained under; the store's SQL says the same
    (``store.sql.reads.hit_read_sql``, built from the two sets above)."""
    if any(keeps_hit_class(hit) for hit in hits):
        return DataClass.HIT_READS
    return DataClass.NON_HIT_READS


@dataclass(frozen=True, slots=True)
class RetentionRule:
    data_class: DataClass
    max_age: timedelta | None
    """Keep no longer than this; None when no source sets a ceiling."""
    source: str
    """Who set it: the policy file, or a jurisdiction profile with its citation."""
    min_age: timedelta | None = None
    """Keep at least this long (a records-law minimum); None when none applies."""

    def __post_init__(self) -> None:
        for name in ("max_age", "min_age"):
            age = getattr(self, name)
            if age is not None and age <= timedelta(0):
                raise InvalidInput(f"a retention {name} must be positive, not {age}")

    @property
    def conflict(self) -> str | None:
        """Why this rule cannot be obeyed as written, or None."""
        if self.max_age is not None and self.min_age is not None and self.min_age > self.max_age:
            return (
                f"{self.data_class.value}: a floor of {self.min_age} is longer than the ceiling "
                f"of {self.max_age} ({self.source})"
            )
        return None


@dataclass(frozen=True, slots=True)
class ReadCeilings:
    """Which stored reads are past their ceiling at one instant, so that no look-up returns
    them even before the purge has removed them: a read captured before its class's bound is
    gone as far as anyone asking is concerned, unless a legal hold keeps it."""

    non_hit_before: datetime | None
    """Non-hit reads captured before this instant are past their ceiling; None: no ceiling."""
    hit_before: datetime | None
    """The same for hit reads (``keeps_hit_class``)."""
    exempt: Exemptions = field(default_factory=Exemptions)
    """What approved legal holds keep past the ceiling."""

    def none_past_from(self, since: datetime | None) -> bool:
        """Whether every read captured at or after ``since`` (None: any time) is within its
        class's ceiling, so that a look-up confined to them needs no ceiling of its own."""
        bounds = [bound for bound in (self.non_hit_before, self.hit_before) if bound is not None]
        if not bounds:
            return True
        return since is not None and since >= max(bounds)
