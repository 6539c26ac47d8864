"""Complaints about the use of the system (R36), as the API takes and gives them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from platekeeper.domain.complaints import Complaint, ComplaintSource, ComplaintStatus

_TEXT = 4000


class ComplaintCreate(BaseModel):
    source: ComplaintSource
    summary: str = Field(min_length=1, max_length=_TEXT, description="No names or identifiers.")
    received_on: date
    subject: str | None = Field(
        None, max_length=200, description="The account whose conduct is complained of."
    )


class ComplaintDecision(BaseModel):
    outcome: ComplaintStatus = Field(description="sustained, not-sustained or closed.")
    finding: str = Field(min_length=1, max_length=_TEXT)


class ComplaintPublic(BaseModel):
    id: str
    source: ComplaintSource
    summary: str
    subject: str | None
    received_on: date
    resolution_due: date
    overdue: bool
    recorded_by: str
    recorded_at: datetime
    status: ComplaintStatus
    finding: str | None
    decided_by: str | None
    decided_on: date | None

    @classmethod
    def of(cls, complaint: Complaint, today: date) -> ComplaintPublic:
        return cls(
            id=complaint.id,
            source=complaint.source,
            summary=complaint.summary,
            subject=complaint.subject,
            received_on=complaint.received_on,
            resolution_due=complaint.resolution_due,
            overdue=complaint.overdue(today),
            recorded_by=complaint.recorded_by,
            recorded_at=complaint.recorded_at,
            status=complaint.status,
            finding=complaint.finding,
            decided_by=complaint.decided_by,
            decided_on=complaint.decided_on,
        )
