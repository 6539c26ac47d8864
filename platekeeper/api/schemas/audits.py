"""The auditor's review of the sampled searches and the resolution of findings, as the API
takes and gives them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from platekeeper.domain.audit_findings import FindingResolution
from platekeeper.domain.sample_reviews import SampleReview, Verdict


class SampleReviewCreate(BaseModel):
    access_seq: int = Field(ge=1, description="The sampled search's access-log entry.")
    verdict: Verdict
    note: str = Field("", max_length=2000, description="Why; needed unless consistent.")


class SampleReviewPublic(BaseModel):
    id: str
    access_seq: int
    verdict: Verdict
    note: str
    reviewed_by: str
    reviewed_at: datetime

    @classmethod
    def of(cls, review: SampleReview) -> SampleReviewPublic:
        return cls(
            id=review.id,
            access_seq=review.access_seq,
            verdict=review.verdict,
            note=review.note,
            reviewed_by=review.reviewed_by,
            reviewed_at=review.reviewed_at,
        )


class FindingResolutionCreate(BaseModel):
    code: str = Field(min_length=1, max_length=100, description="The finding's code.")
    period_from: date = Field(alias="from", description="First day of the report's period.")
    period_to: date = Field(alias="to", description="Last day of the report's period, included.")
    how: str = Field(min_length=1, max_length=2000, description="What was done. No names.")


class FindingResolutionPublic(BaseModel):
    id: str
    run_id: str
    code: str
    how: str
    resolved_by: str
    resolved_at: datetime

    @classmethod
    def of(cls, resolution: FindingResolution) -> FindingResolutionPublic:
        return cls(
            id=resolution.id,
            run_id=resolution.run_id,
            code=resolution.code,
            how=resolution.how,
            resolved_by=resolution.resolved_by,
            resolved_at=resolution.resolved_at,
        )
