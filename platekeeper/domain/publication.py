"""When the public transparency report is due (R37): the shortest interval any applying
profile sets (Arkansas: every 6 months; New Hampshire and Virginia: every year), else a year.

Pure: the background loop asks ``publication_due`` before publishing a dated snapshot, and the
compliance report asks ``publication_overdue`` to flag a schedule that was not kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from platekeeper.domain.policy import JurisdictionProfile

DEFAULT_INTERVAL_MONTHS = 12
DEFAULT_CITATION = "PlateKeeper default: a public report at least once a year"
GRACE = timedelta(days=14)
"""How late a publication may be before the compliance report flags it (a server down for a
few days is not yet a breach of the schedule)."""


@dataclass(frozen=True, slots=True)
class PublicationSchedule:
    interval_months: int
    citation: str

    @property
    def interval(self) -> timedelta:
        return timedelta(days=self.interval_months * 365 // 12)


def publication_schedule(profiles: Sequence[JurisdictionProfile]) -> PublicationSchedule:
    """The shortest reporting interval of ``profiles``, with its citation; a year otherwise."""
    found = [p.reporting for p in profiles if p.reporting is not None]
    if not found:
        return PublicationSchedule(DEFAULT_INTERVAL_MONTHS, DEFAULT_CITATION)
    shortest = min(found, key=lambda r: r.interval_months)
    return PublicationSchedule(shortest.interval_months, shortest.citation)


def publication_due(schedule: PublicationSchedule, last: datetime | None, now: datetime) -> bool:
    """Whether a new report is to be published now: none yet, or the last is an interval old."""
    return last is None or now - last >= schedule.interval


def publication_overdue(
    schedule: PublicationSchedule, last: datetime | None, since: datetime, now: datetime
) -> bool:
    """Whether the schedule was missed: no report within an interval (and ``GRACE``) of the
    last one, or of ``since`` (when the system began collecting) if there was none."""
    return now - (last or since) > schedule.interval + GRACE
