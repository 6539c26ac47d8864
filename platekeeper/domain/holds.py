"""Legal holds: a court, a prosecutor or a defence counsel needs specific reads kept past their
retention limit.

An analyst asks for a hold under a case number; a supervisor other than the analyst approves it.
Only an approved hold keeps reads: a request alone must not let one person stop the purge. A hold
ends when a supervisor releases it or when it expires, whichever comes first; from then on the
reads it kept are purged like any others.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import require_utc
from platekeeper.errors import InvalidInput, PermissionDenied


class HoldStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    RELEASED = "released"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class PlateSpan:
    """Every read of one plate key captured in ``[captured_from, captured_before)`` by the
    cameras of ``agency_id``: a hold keeps its own agency's reads, never another's."""

    plate_key: str
    captured_from: datetime
    captured_before: datetime
    agency_id: str | None = None
    """The hold's agency, bound by ``exemptions``; None only in a span not yet in a hold."""


@dataclass(frozen=True, slots=True)
class Exemptions:
    """The reads a purge must leave alone: named read ids, and plates over time ranges."""

    read_ids: frozenset[str] = frozenset()
    plates: tuple[PlateSpan, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.read_ids and not self.plates

    def covers(
        self, read_id: str, plate_key: str, captured_at: datetime, agency_id: str | None = None
    ) -> bool:
        return read_id in self.read_ids or any(
            span.plate_key == plate_key
            and span.captured_from <= captured_at < span.captured_before
            and AgencyScope(span.agency_id).admits(agency_id)
            for span in self.plates
        )


@dataclass(frozen=True, slots=True)
class LegalHold:
    id: str
    agency_id: str
    case_number: str
    reason: str
    requested_by: str
    requested_at: datetime
    expires_at: datetime
    read_ids: tuple[str, ...] = ()
    plates: PlateSpan | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    released_by: str | None = None
    """Who released it; None with a ``released_at`` means it ran out (see ``expired``)."""
    released_at: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("requested_at", "expires_at"):
            object.__setattr__(self, name, require_utc(getattr(self, name), name))
        if not self.read_ids and self.plates is None:
            raise InvalidInput(
                "a hold needs read ids or a plate with a time range",
                hint="Name the reads the case needs kept.",
            )
        if self.expires_at <= self.requested_at:
            raise InvalidInput("a hold must expire after it is requested")
        if len(self.reason.strip()) < 10:
            raise InvalidInput(
                "the hold's reason is too short", hint="Say in a sentence why the reads are needed."
            )
        span = self.plates
        if span is not None and span.captured_from >= span.captured_before:
            raise InvalidInput("the hold's time range is empty")

    def status(self, now: datetime) -> HoldStatus:
        if self.released_at is not None:
            return HoldStatus.RELEASED if self.released_by is not None else HoldStatus.EXPIRED
        if now >= self.expires_at:
            return HoldStatus.EXPIRED
        return HoldStatus.PENDING if self.approved_at is None else HoldStatus.ACTIVE

    def approved(self, by: str, at: datetime) -> LegalHold:
        """This hold approved by supervisor ``by``; nobody approves their own."""
        if self.status(at) is not HoldStatus.PENDING:
            raise InvalidInput(f"hold {self.id} is {self.status(at).value}, not pending")
        if by == self.requested_by:
            raise PermissionDenied("nobody may approve their own hold", hint="Ask a supervisor.")
        return replace(self, approved_by=by, approved_at=at)

    def released(self, by: str, at: datetime) -> LegalHold:
        if self.status(at) not in (HoldStatus.PENDING, HoldStatus.ACTIVE):
            raise InvalidInput(f"hold {self.id} is {self.status(at).value} already")
        return replace(self, released_by=by, released_at=at)

    def expired(self) -> LegalHold:
        """This hold recorded as ended by its expiry."""
        return replace(self, released_by=None, released_at=self.expires_at)


def exemptions(holds: list[LegalHold] | tuple[LegalHold, ...], now: datetime) -> Exemptions:
    """What the holds in force at ``now`` keep from the purge."""
    active = [hold for hold in holds if hold.status(now) is HoldStatus.ACTIVE]
    return Exemptions(
        read_ids=frozenset(read_id for hold in active for read_id in hold.read_ids),
        plates=tuple(
            replace(hold.plates, agency_id=hold.agency_id)
            for hold in active
            if hold.plates is not None
        ),
    )
