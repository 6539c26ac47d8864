"""Bodies of the incident routes: security incidents (breaches), the register of public-records
requests, and corrections of misreads."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, Field

from platekeeper.domain.breaches import Incident, IncidentSource, IncidentStatus, NoticeContent
from platekeeper.domain.corrections import ReadCorrection
from platekeeper.domain.records_requests import Exemption, RecordsRequest, RequestStatus

_TEXT = 4000


# --- incidents -------------------------------------------------------------------------------


class IncidentCreate(BaseModel):
    summary: str = Field(min_length=1, max_length=_TEXT)
    discovered_at: AwareDatetime | None = None
    """When it came to light; now without it, and never later than now."""


class Outcome(StrEnum):
    BREACH = "breach"
    NOT_A_BREACH = "not-a-breach"


class IncidentAssess(BaseModel):
    outcome: Outcome
    reason: str = Field(min_length=1, max_length=_TEXT)
    data_involved: str = Field(default="", max_length=_TEXT)
    reads_affected: int | None = Field(default=None, ge=0)
    people_affected: int | None = Field(default=None, ge=0)
    california_residents: int | None = Field(default=None, ge=0)
    law_enforcement_delay: str | None = Field(
        default=None,
        max_length=_TEXT,
        description="Why notice waits: a law enforcement agency said it would impede an "
        "investigation (Civil Code 1798.82(c)).",
    )


class DecisionCreate(BaseModel):
    text: str = Field(min_length=1, max_length=_TEXT)


class NoticeBody(BaseModel):
    """The text under each heading Civil Code 1798.82(d)(1) prescribes; none may be empty."""

    what_happened: str = Field(max_length=_TEXT)
    information_involved: str = Field(max_length=_TEXT)
    what_we_are_doing: str = Field(max_length=_TEXT)
    what_you_can_do: str = Field(max_length=_TEXT)
    for_more_information: str = Field(max_length=_TEXT)
    breach_from: AwareDatetime | None = None
    breach_to: AwareDatetime | None = None
    identification_numbers: bool = False

    def content(self) -> NoticeContent:
        return NoticeContent(
            self.what_happened,
            self.information_involved,
            self.what_we_are_doing,
            self.what_you_can_do,
            self.for_more_information,
            breach_from=self.breach_from,
            breach_to=self.breach_to,
            identification_numbers=self.identification_numbers,
        )


class NotifyBody(BaseModel):
    notice: NoticeBody
    attorney_general: bool = Field(
        default=False,
        description="The sample copy went to the Attorney General; required over 500 "
        "California residents (Civil Code 1798.82(f)).",
    )


class DecisionPublic(BaseModel):
    at: datetime
    by: str
    text: str


class IncidentPublic(BaseModel):
    id: str
    source: IncidentSource
    status: IncidentStatus
    summary: str
    discovered_at: datetime
    reported_by: str
    notice_due: datetime
    overdue: bool
    data_involved: str
    reads_affected: int | None
    people_affected: int | None
    california_residents: int | None
    attorney_general_required: bool
    handled_by: str | None
    law_enforcement_delay: str | None
    notified_at: datetime | None
    attorney_general_notified_at: datetime | None
    decisions: list[DecisionPublic]

    @classmethod
    def of(cls, incident: Incident, now: datetime, target: timedelta) -> IncidentPublic:
        return cls(
            id=incident.id,
            source=incident.source,
            status=incident.status,
            summary=incident.summary,
            discovered_at=incident.discovered_at,
            reported_by=incident.reported_by,
            notice_due=incident.notice_due(target),
            overdue=incident.overdue(now, target),
            data_involved=incident.data_involved,
            reads_affected=incident.reads_affected,
            people_affected=incident.people_affected,
            california_residents=incident.california_residents,
            attorney_general_required=incident.attorney_general_required,
            handled_by=incident.handled_by,
            law_enforcement_delay=incident.law_enforcement_delay,
            notified_at=incident.notified_at,
            attorney_general_notified_at=incident.attorney_general_notified_at,
            decisions=[DecisionPublic(at=d.at, by=d.by, text=d.text) for d in incident.decisions],
        )


class IncidentList(BaseModel):
    notice_target_days: int
    incidents: list[IncidentPublic]


class NoticePublic(BaseModel):
    """The notice in the statute's form, to send as it stands."""

    incident: IncidentPublic | None
    """The incident as notified; None for a draft, which records nothing."""
    text: str


# --- public-records requests -----------------------------------------------------------------


class RecordsRequestCreate(BaseModel):
    requester: str = Field(min_length=1, max_length=500)
    description: str = Field(min_length=1, max_length=_TEXT)
    received_on: date


class ExtensionCreate(BaseModel):
    reason: str = Field(min_length=1, max_length=_TEXT)


class RecordsResponseCreate(BaseModel):
    response: str = Field(min_length=1, max_length=_TEXT)
    exemptions: list[Exemption] = Field(default_factory=list, max_length=len(Exemption))
    figures: list[str] = Field(
        default_factory=list,
        max_length=500,
        description="Names of aggregate figures to release (GET /api/v1/records-requests/"
        "figures lists them); nothing else can be released.",
    )


class ExemptionPublic(BaseModel):
    code: Exemption
    citation: str


class RecordsRequestPublic(BaseModel):
    id: str
    requester: str
    description: str
    received_on: date
    recorded_by: str
    recorded_at: datetime
    status: RequestStatus
    response_due: date
    overdue: bool
    extension_reason: str | None
    exemptions: list[ExemptionPublic]
    released: dict[str, int] | None
    response: str | None
    responded_by: str | None
    responded_on: date | None

    @classmethod
    def of(cls, request: RecordsRequest, today: date) -> RecordsRequestPublic:
        release = request.release
        return cls(
            id=request.id,
            requester=request.requester,
            description=request.description,
            received_on=request.received_on,
            recorded_by=request.recorded_by,
            recorded_at=request.recorded_at,
            status=request.status,
            response_due=request.response_due,
            overdue=request.overdue(today),
            extension_reason=request.extension_reason,
            exemptions=[ExemptionPublic(code=e, citation=e.citation) for e in request.exemptions],
            released=None if release is None else dict(release.figures),
            response=request.response,
            responded_by=request.responded_by,
            responded_on=request.responded_on,
        )


class RecordsRequestList(BaseModel):
    requests: list[RecordsRequestPublic]


class ReleasableFigures(BaseModel):
    """The aggregate figures a response may release now: the transparency counts of the last 30
    days as the public page shows them (counts it withholds as small are not here)."""

    figures: dict[str, int]
    exemptions: list[ExemptionPublic]


# --- corrections -----------------------------------------------------------------------------


class CorrectionCreate(BaseModel):
    purpose: str | None = Field(default=None, max_length=40)
    """An authorised purpose code: a correction is an access to the read like a look-up."""
    case_number: str | None = Field(default=None, max_length=64)
    reason: str = Field(max_length=2000, description="What the image shows.")
    plate_text: str | None = Field(default=None, max_length=32)
    region: str | None = Field(default=None, max_length=16)


class CorrectionPublic(BaseModel):
    """A correction as its author sees it: the original and the corrected plate."""

    id: str
    read_id: str
    original_text: str
    original_region: str | None
    corrected_text: str
    corrected_region: str | None
    corrected_by: str
    corrected_at: datetime
    reason: str
    purpose_code: str
    case_number: str

    @classmethod
    def of(cls, correction: ReadCorrection) -> CorrectionPublic:
        return cls(
            id=correction.id,
            read_id=correction.read_id,
            original_text=correction.original_text,
            original_region=correction.original_region,
            corrected_text=correction.corrected_text,
            corrected_region=correction.corrected_region,
            corrected_by=correction.corrected_by,
            corrected_at=correction.corrected_at,
            reason=correction.reason,
            purpose_code=correction.purpose_code,
            case_number=correction.case_number,
        )


class CorrectionAudited(BaseModel):
    """A correction as an auditor sees it: who changed which read, when, why and on what basis;
    the plate text withheld and the read id the agency's pseudonym, as in the access log."""

    id: str
    read: str
    """The read, as the agency's pseudonym of it (the one the access log shows auditors)."""
    plate_text_changed: bool
    original_region: str | None
    corrected_region: str | None
    corrected_by: str
    corrected_at: datetime
    reason: str
    purpose_code: str
    case_number: str


class CorrectionAuditList(BaseModel):
    corrections: list[CorrectionAudited]
