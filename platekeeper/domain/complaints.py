"""Complaints about the use of the ALPR system, and their outcome (R36, after New Jersey's AG
Directive 2022-12, whose annual certification states the complaints received).

A complaint records where it came from as a kind (the public, staff, an oversight body, a
court), never the complainant's name, and a summary that carries no personal data. It may name
the account whose conduct is complained of (``subject``): that person never moves or decides it.
It goes open -> investigating -> sustained / not-sustained / closed (closed: outside the
system's use, withdrawn, or resolved without a finding on conduct); the three outcomes are final
and each carries its finding and who decided it, on which day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from platekeeper.errors import Conflict, FieldError, InvalidInput, PermissionDenied

RESOLUTION_DAYS = 90
"""A complaint unresolved this many days after its receipt blocks the annual certification."""


class ComplaintSource(StrEnum):
    PUBLIC = "public"
    STAFF = "staff"
    OVERSIGHT_BODY = "oversight-body"
    COURT = "court"
    OTHER = "other"


class ComplaintStatus(StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    SUSTAINED = "sustained"
    NOT_SUSTAINED = "not-sustained"
    CLOSED = "closed"

    @property
    def resolved(self) -> bool:
        return self in _OUTCOMES


_OUTCOMES = frozenset(
    {ComplaintStatus.SUSTAINED, ComplaintStatus.NOT_SUSTAINED, ComplaintStatus.CLOSED}
)
OUTCOMES: tuple[ComplaintStatus, ...] = tuple(s for s in ComplaintStatus if s in _OUTCOMES)


@dataclass(frozen=True, slots=True)
class Complaint:
    id: str
    agency_id: str
    source: ComplaintSource
    summary: str
    received_on: date
    recorded_by: str
    recorded_at: datetime
    subject: str | None = None
    """The account whose conduct is complained of, when the complaint names one."""
    status: ComplaintStatus = ComplaintStatus.OPEN
    finding: str | None = None
    decided_by: str | None = None
    decided_on: date | None = None

    def __post_init__(self) -> None:
        if not self.summary.strip():
            raise InvalidInput(
                "a complaint needs its summary", fields=[FieldError("summary", "must not be empty")]
            )
        if self.received_on > self.recorded_at.date():
            raise InvalidInput(
                f"received on {self.received_on} is after the day it is recorded",
                hint="Enter the day the complaint reached the agency.",
            )

    @property
    def resolution_due(self) -> date:
        return self.received_on + timedelta(days=RESOLUTION_DAYS)

    def overdue(self, today: date) -> bool:
        return not self.status.resolved and today > self.resolution_due

    def investigating(self, by: str) -> Complaint:
        self._require(by, ComplaintStatus.OPEN)
        return replace(self, status=ComplaintStatus.INVESTIGATING)

    def decided(self, by: str, on: date, outcome: ComplaintStatus, finding: str) -> Complaint:
        if not outcome.resolved:
            names = ", ".join(s.value for s in OUTCOMES)
            raise InvalidInput(f"{outcome.value!r} is no outcome", hint=f"One of: {names}.")
        self._require(by, ComplaintStatus.OPEN, ComplaintStatus.INVESTIGATING)
        if not finding.strip():
            raise InvalidInput(
                "an outcome needs its finding", hint="Say what was found and on what basis."
            )
        if on < self.received_on:
            raise InvalidInput("a decision cannot predate the complaint")
        return replace(self, status=outcome, finding=finding.strip(), decided_by=by, decided_on=on)

    def _require(self, by: str, *statuses: ComplaintStatus) -> None:
        if self.status not in statuses:
            raise Conflict(f"complaint {self.id} is {self.status.value}")
        if self.subject is not None and self.subject == by:
            raise PermissionDenied(
                "nobody handles a complaint about their own conduct",
                hint="Another custodian or auditor of the agency handles this one.",
            )


def parse_source(text: str) -> ComplaintSource:
    try:
        return ComplaintSource(text)
    except ValueError:
        names = ", ".join(s.value for s in ComplaintSource)
        hint = f"One of: {names}."
        raise InvalidInput(f"{text!r} is not a complaint source", hint=hint) from None


def parse_outcome(text: str) -> ComplaintStatus:
    names = ", ".join(s.value for s in OUTCOMES)
    try:
        outcome = ComplaintStatus(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is no outcome", hint=f"One of: {names}.") from None
    if not outcome.resolved:
        raise InvalidInput(f"{text!r} is no outcome", hint=f"One of: {names}.")
    return outcome
