"""Requests under the California Public Records Act (Gov. Code 7920.000 et seq., formerly
6250 et seq.) for ALPR records, the exemptions claimed, and what was released.

The agency answers within 10 days of receipt whether it holds disclosable records
(Gov. Code 7922.535(a)); in unusual circumstances, by written notice, 14 days more
(7922.535(b)). Plate-level ALPR data is withheld: the Supreme Court held raw ALPR data to be
records of investigations but left open releasing it anonymised (ACLU Foundation v. Superior
Court (2017) 3 Cal.5th 1032), and Civil Code 1798.90.55(b) forbids selling, sharing or
transferring it except to a public agency. What the register releases is therefore only the
aggregate figures the agency already publishes (the transparency counts), never a read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from platekeeper.errors import Conflict, FieldError, InvalidInput

RESPONSE_DAYS = 10
"""Gov. Code 7922.535(a): a determination within 10 days of receipt."""
EXTENSION_DAYS = 14
"""Gov. Code 7922.535(b): at most 14 days more, by written notice, in unusual circumstances."""


class Exemption(StrEnum):
    """The exemptions a response may claim: a closed list, each with its citation."""

    RECORDS_OF_INVESTIGATIONS = "records-of-investigations"
    PUBLIC_INTEREST_BALANCING = "public-interest-balancing"
    DELIBERATIVE_PROCESS = "deliberative-process"
    PERSONAL_PRIVACY = "personal-privacy"
    PROHIBITED_BY_LAW = "prohibited-by-law"
    ALPR_SHARING_BAN = "alpr-sharing-ban"

    @property
    def citation(self) -> str:
        return EXEMPTION_CITATIONS[self]


EXEMPTION_CITATIONS: Mapping[Exemption, str] = {
    Exemption.RECORDS_OF_INVESTIGATIONS: "Gov. Code 7923.600 (records of investigations, former"
    " 6254(f)); ACLU Foundation v. Superior Court (2017) 3 Cal.5th 1032",
    Exemption.PUBLIC_INTEREST_BALANCING: "Gov. Code 7922.000 (public interest in withholding"
    " clearly outweighs disclosure, former 6255); ACLU v. Superior Court (2017) 3 Cal.5th 1032",
    Exemption.DELIBERATIVE_PROCESS: "Gov. Code 7922.000 (deliberative process privilege, Times"
    " Mirror Co. v. Superior Court (1991) 53 Cal.3d 1325)",
    Exemption.PERSONAL_PRIVACY: "Gov. Code 7927.700 (unwarranted invasion of personal privacy,"
    " former 6254(c))",
    Exemption.PROHIBITED_BY_LAW: "Gov. Code 7927.705 (disclosure exempted or prohibited by"
    " other law, former 6254(k))",
    Exemption.ALPR_SHARING_BAN: "Civ. Code 1798.90.55(b) (ALPR information shared only with"
    " public agencies)",
}


class RequestStatus(StrEnum):
    OPEN = "open"
    RESPONDED = "responded"
    WITHDRAWN = "withdrawn"


_FIGURE = re.compile(r"[a-z][a-z0-9_]*(:[a-z0-9][a-z0-9_-]*)?")


@dataclass(frozen=True, slots=True)
class AggregateRelease:
    """The figures released: names of transparency counts and their numbers, nothing else."""

    figures: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, value in self.figures.items():
            if not _FIGURE.fullmatch(name) or isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput(f"release figure {name!r} is not an aggregate count")


@dataclass(frozen=True, slots=True)
class RecordsRequest:
    id: str
    agency_id: str
    requester: str
    description: str
    received_on: date
    recorded_by: str
    recorded_at: datetime
    status: RequestStatus = RequestStatus.OPEN
    extension_reason: str | None = None
    """Why 14 more days were taken (7922.535(b)); None without an extension."""
    exemptions: tuple[Exemption, ...] = ()
    release: AggregateRelease | None = None
    response: str | None = None
    responded_by: str | None = None
    responded_on: date | None = None

    def __post_init__(self) -> None:
        missing = [
            FieldError(name, "must not be empty")
            for name, text in (("requester", self.requester), ("description", self.description))
            if not text.strip()
        ]
        if missing:
            raise InvalidInput(
                "a records request needs its requester and what is asked", fields=missing
            )
        if self.received_on > self.recorded_at.date():
            raise InvalidInput(
                f"received on {self.received_on} is after the day it is recorded",
                hint="Enter the day the request reached the agency.",
            )

    @property
    def response_due(self) -> date:
        days = RESPONSE_DAYS + (EXTENSION_DAYS if self.extension_reason else 0)
        return self.received_on + timedelta(days=days)

    def overdue(self, today: date) -> bool:
        return self.status is RequestStatus.OPEN and today > self.response_due

    def with_extension(self, reason: str, today: date) -> RecordsRequest:
        self._require_open()
        if self.extension_reason is not None:
            raise Conflict(f"request {self.id} was extended once already: 7922.535(b) allows one")
        if not reason.strip():
            raise InvalidInput("an extension needs its reason (unusual circumstances)")
        if today > self.response_due:
            raise InvalidInput("the 10-day deadline has passed: it can no longer be extended")
        return replace(self, extension_reason=reason)

    def responded(
        self,
        by: str,
        on: date,
        *,
        response: str,
        exemptions: tuple[Exemption, ...],
        release: AggregateRelease,
    ) -> RecordsRequest:
        self._require_open()
        if not response.strip():
            raise InvalidInput("a response needs its text (the determination sent)")
        if not exemptions and not release.figures:
            raise InvalidInput(
                "a response either releases figures or claims exemptions",
                hint="Claim the exemptions for what is withheld, with --exemption.",
            )
        if on < self.received_on:
            raise InvalidInput("a response cannot predate the request")
        return replace(
            self,
            status=RequestStatus.RESPONDED,
            exemptions=tuple(dict.fromkeys(exemptions)),
            release=release,
            response=response,
            responded_by=by,
            responded_on=on,
        )

    def withdrawn(self, by: str, on: date) -> RecordsRequest:
        self._require_open()
        return replace(self, status=RequestStatus.WITHDRAWN, responded_by=by, responded_on=on)

    def _require_open(self) -> None:
        if self.status is not RequestStatus.OPEN:
            raise Conflict(f"records request {self.id} is {self.status.value}")


def parse_exemption(text: str) -> Exemption:
    try:
        return Exemption(text)
    except ValueError:
        names = ", ".join(e.value for e in Exemption)
        raise InvalidInput(
            f"{text!r} is not an exemption this register knows", hint=f"One of: {names}."
        ) from None


def select_figures(available: Mapping[str, int], names: tuple[str, ...]) -> AggregateRelease:
    """The figures ``names`` picks from ``available`` (the transparency counts); every name must
    be one of them, so nothing but the system's own aggregate numbers is released."""
    unknown = [name for name in names if name not in available]
    if unknown:
        raise InvalidInput(
            f"not aggregate figures: {', '.join(unknown)}",
            hint="Release only the transparency figures: " + ", ".join(sorted(available)) + ".",
        )
    return AggregateRelease({name: available[name] for name in dict.fromkeys(names)})
