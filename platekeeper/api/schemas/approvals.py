"""Bodies of the approval routes: a supervisor's approval of a search reaching back."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field

from platekeeper.domain.approvals import ApprovalStatus, SearchApproval


class ApprovalCreate(BaseModel):
    purpose: str = Field(max_length=40)
    case_number: str = Field(max_length=64)
    captured_from: AwareDatetime
    captured_before: AwareDatetime
    justification: str = Field(min_length=10, max_length=2000)


class ApprovalPublic(BaseModel):
    id: str
    requested_by: str
    purpose: str
    case_number: str
    justification: str
    captured_from: datetime
    captured_before: datetime
    requested_at: datetime
    status: ApprovalStatus
    decided_by: str | None
    decided_at: datetime | None
    expires_at: datetime | None

    @classmethod
    def of(cls, approval: SearchApproval) -> ApprovalPublic:
        return cls(
            id=approval.id,
            requested_by=approval.requested_by,
            purpose=approval.purpose_code,
            case_number=approval.case_number,
            justification=approval.justification,
            captured_from=approval.captured_from,
            captured_before=approval.captured_before,
            requested_at=approval.requested_at,
            status=approval.status,
            decided_by=approval.decided_by,
            decided_at=approval.decided_at,
            expires_at=approval.expires_at,
        )


class ApprovalList(BaseModel):
    approvals: list[ApprovalPublic]
