"""The auditor's review of the sampled searches, as the API takes and gives it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

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
