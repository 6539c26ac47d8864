"""Security incidents and the breach notice: Civil Code 1798.82 and 1798.29, which SB 34 (2015)
extended to ALPR information (1798.90.5(a) and 1798.29(g)(1)(G), 1798.82(h)(1)(G)).

An incident is raised on a suspicion (the access log fails verification, one person exports
more reads than a threshold, the data folder can be read by others, or a person reports one),
recorded with what is known, handled by a custodian, and closed either as no breach or by
notifying the people affected. The law sets no fixed number of days: notice is due "in the most
expedient time possible and without unreasonable delay" (1798.82(a)), delayed only at a law
enforcement agency's request (1798.82(c)). The agency's own target (``notice_target``) makes that
a clock the register can show as overdue. Over 500 California residents notified, a sample copy
goes to the Attorney General (1798.82(f)).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from platekeeper.errors import Conflict, FieldError, InvalidInput

ATTORNEY_GENERAL_THRESHOLD = 500
"""More California residents than this notified: a sample notice goes to the Attorney General
(1798.82(f), 1798.29(e))."""

DEFAULT_NOTICE_TARGET = timedelta(days=30)
"""The agency's own target from discovery to notice; the statute says only "without unreasonable
delay", and several states' laws set 30 days, so 30 days is the default the register counts
against."""

NOTICE_TITLE = "Notice of Data Breach"
"""The title 1798.82(d)(1) prescribes."""

NOTICE_HEADINGS = (
    "What Happened",
    "What Information Was Involved",
    "What We Are Doing",
    "What You Can Do",
    "For More Information",
)
"""The headings 1798.82(d)(1) prescribes, in its order."""

CREDIT_BUREAUS = (
    "Equifax 1-800-685-1111",
    "Experian 1-888-397-3742",
    "TransUnion 1-888-909-8872",
)
"""The major consumer reporting agencies a notice lists where a social security, driver's licence
or California identification card number was involved (1798.82(d)(2)(G))."""


class IncidentSource(StrEnum):
    """How a suspected breach came to light."""

    AUDIT_CHAIN = "audit-chain"
    """The access log failed verification: entries altered or removed."""
    BULK_EXPORT = "bulk-export"
    """One person exported more reads than the threshold within the window."""
    FILE_PERMISSIONS = "file-permissions"
    """The data folder or a database file could be read by other users of the machine."""
    MANUAL = "manual"
    """A person reported it (a lost laptop, a vendor's notice, a complaint)."""


class IncidentStatus(StrEnum):
    SUSPECTED = "suspected"
    CONFIRMED = "confirmed"
    """A breach: people must be notified."""
    NOT_A_BREACH = "not-a-breach"
    """Looked into and found no unauthorised acquisition; closed with the reason."""
    NOTIFIED = "notified"
    """The people affected were notified (and the Attorney General where required)."""


@dataclass(frozen=True, slots=True)
class IncidentDecision:
    """One step of handling, in the incident's own record (each is also in the access log)."""

    at: datetime
    by: str
    text: str


@dataclass(frozen=True, slots=True)
class NoticeContent:
    """What the notice says under each heading of 1798.82(d)(1), and the facts of (d)(2)."""

    what_happened: str
    information_involved: str
    what_we_are_doing: str
    what_you_can_do: str
    for_more_information: str
    breach_from: datetime | None = None
    breach_to: datetime | None = None
    """The date, estimated date or range of the breach, where known (d)(2)(C)."""
    identification_numbers: bool = False
    """A social security, driver's licence or California ID number was involved: list the
    consumer reporting agencies (d)(2)(G)."""

    def __post_init__(self) -> None:
        empty = [
            FieldError(field, "must not be empty")
            for field, text in zip(_NOTICE_FIELDS, self.sections(), strict=True)
            if not text.strip()
        ]
        if empty:
            raise InvalidInput(
                "a breach notice needs text under every heading of Civil Code 1798.82(d)(1)",
                hint="Fill in " + ", ".join(f"'{h}'" for h in NOTICE_HEADINGS) + ".",
                fields=empty,
            )

    def sections(self) -> tuple[str, ...]:
        return (
            self.what_happened,
            self.information_involved,
            self.what_we_are_doing,
            self.what_you_can_do,
            self.for_more_information,
        )


_NOTICE_FIELDS = (
    "what_happened",
    "information_involved",
    "what_we_are_doing",
    "what_you_can_do",
    "for_more_information",
)


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    agency_id: str
    source: IncidentSource
    summary: str
    discovered_at: datetime
    reported_by: str
    status: IncidentStatus = IncidentStatus.SUSPECTED
    data_involved: str = ""
    reads_affected: int | None = None
    people_affected: int | None = None
    california_residents: int | None = None
    handled_by: str | None = None
    law_enforcement_delay: str | None = None
    """Why notice waits, where a law enforcement agency said it would impede an investigation
    (1798.82(c)); None otherwise."""
    notice: NoticeContent | None = None
    notified_at: datetime | None = None
    attorney_general_notified_at: datetime | None = None
    decisions: tuple[IncidentDecision, ...] = ()

    def __post_init__(self) -> None:
        if not self.summary.strip():
            raise InvalidInput("an incident needs a summary of what was found")
        for field in ("reads_affected", "people_affected", "california_residents"):
            value = getattr(self, field)
            if value is not None and value < 0:
                raise InvalidInput(f"{field} must not be negative", fields=[FieldError(field, "")])

    @property
    def open(self) -> bool:
        return self.status in (IncidentStatus.SUSPECTED, IncidentStatus.CONFIRMED)

    @property
    def attorney_general_required(self) -> bool:
        """1798.82(f): more than 500 California residents notified as a result of one breach."""
        residents = self.california_residents or 0
        return residents > ATTORNEY_GENERAL_THRESHOLD

    def notice_due(self, target: timedelta = DEFAULT_NOTICE_TARGET) -> datetime:
        return self.discovered_at + target

    def overdue(self, now: datetime, target: timedelta = DEFAULT_NOTICE_TARGET) -> bool:
        """A confirmed (or still suspected) breach past the target with no notice and no law
        enforcement delay on record."""
        waiting = self.open and self.notified_at is None and self.law_enforcement_delay is None
        return waiting and now >= self.notice_due(target)

    def decided(self, at: datetime, by: str, text: str) -> Incident:
        if not text.strip():
            raise InvalidInput("a decision needs its text")
        return replace(self, decisions=(*self.decisions, IncidentDecision(at, by, text)))

    def assessed(
        self,
        at: datetime,
        by: str,
        *,
        status: IncidentStatus,
        data_involved: str,
        reads_affected: int | None,
        people_affected: int | None,
        california_residents: int | None,
        law_enforcement_delay: str | None,
        reason: str,
    ) -> Incident:
        """The incident as ``by`` judged it: a breach or not, and its extent."""
        self._require_open()
        if status not in (IncidentStatus.CONFIRMED, IncidentStatus.NOT_A_BREACH):
            raise InvalidInput("an assessment confirms a breach or closes it as none")
        if status is IncidentStatus.CONFIRMED and not data_involved.strip():
            raise InvalidInput(
                "a confirmed breach needs what data was involved",
                hint="Say which data: reads, images, hot-list entries, account details...",
            )
        outcome = replace(
            self,
            status=status,
            data_involved=data_involved,
            reads_affected=reads_affected,
            people_affected=people_affected,
            california_residents=california_residents,
            law_enforcement_delay=law_enforcement_delay or None,
            handled_by=by,
        )
        return outcome.decided(at, by, f"assessed {status.value}: {reason}")

    def notified(
        self, at: datetime, by: str, notice: NoticeContent, *, attorney_general: bool
    ) -> Incident:
        """The people affected notified with ``notice``; ``attorney_general`` that the sample
        copy went to the Attorney General, required over 500 California residents."""
        if self.status is not IncidentStatus.CONFIRMED:
            raise Conflict(
                f"incident {self.id} is {self.status.value}: only a confirmed breach is notified",
                hint="Assess it first (confirm it as a breach).",
            )
        if self.attorney_general_required and not attorney_general:
            raise InvalidInput(
                f"{self.california_residents} California residents are notified: Civil Code"
                f" 1798.82(f) requires a sample copy to the Attorney General over"
                f" {ATTORNEY_GENERAL_THRESHOLD}",
                hint="Submit it (oag.ca.gov/privacy/databreach/reporting) and record it with"
                " --attorney-general.",
            )
        outcome = replace(
            self,
            status=IncidentStatus.NOTIFIED,
            notice=notice,
            notified_at=at,
            attorney_general_notified_at=at if attorney_general else None,
            handled_by=by,
        )
        return outcome.decided(at, by, "people affected notified")

    def _require_open(self) -> None:
        if not self.open:
            raise Conflict(f"incident {self.id} is closed ({self.status.value})")


def notice_text(incident: Incident, notice: NoticeContent, agency_name: str, on: datetime) -> str:
    """The notice in the form 1798.82(d) prescribes: its title, the five headings in order, and
    the facts of (d)(2) (who sends it, the date of the notice and of the breach, whether a law
    enforcement investigation delayed it, and the credit bureaus where numbers were involved)."""
    when = _breach_dates(notice)
    lines = [
        NOTICE_TITLE,
        "",
        f"From: {agency_name}",
        f"Date of this notice: {on.date().isoformat()}",
        f"Date of the breach: {when}",
        "Notice delayed by a law enforcement investigation: "
        + ("yes" if incident.law_enforcement_delay else "no"),
    ]
    for heading, text in zip(NOTICE_HEADINGS, notice.sections(), strict=True):
        lines += ["", heading, text.strip()]
        if heading == "What You Can Do" and notice.identification_numbers:
            lines += ["Consumer reporting agencies:", *(f"  {bureau}" for bureau in CREDIT_BUREAUS)]
    return "\n".join(lines) + "\n"


def _breach_dates(notice: NoticeContent) -> str:
    start, end = notice.breach_from, notice.breach_to
    if start is None and end is None:
        return "not known"
    if start is None or end is None or start.date() == end.date():
        day = start or end
        assert day is not None
        return day.date().isoformat()
    return f"{start.date().isoformat()} to {end.date().isoformat()}"


@dataclass(frozen=True, slots=True)
class BulkExport:
    """One person's exports within a window, over the threshold."""

    username: str
    agency_id: str
    reads: int


def bulk_exporters(exports: list[tuple[str, str, int]], threshold: int) -> list[BulkExport]:
    """The people whose ``(username, agency_id, reads)`` exports add up past ``threshold``."""
    totals: dict[tuple[str, str], int] = {}
    for username, agency_id, reads in exports:
        totals[(username, agency_id)] = totals.get((username, agency_id), 0) + reads
    return [
        BulkExport(username, agency_id, reads)
        for (username, agency_id), reads in sorted(totals.items())
        if reads > threshold
    ]
