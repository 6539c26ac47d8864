"""The auditor's records: reviews of the sampled searches."""

from __future__ import annotations

from typing import Protocol

from platekeeper.domain.sample_reviews import SampleReview


class SampleReviewRepository(Protocol):
    def add(self, review: SampleReview) -> None:
        """``NotFound`` if the agency does not exist; earlier reviews are kept."""
        ...

    def list(
        self, agency_id: str | None, seqs: tuple[int, ...] | None = None
    ) -> list[SampleReview]:
        """The reviews of ``agency_id`` (every agency's for None), of the entries ``seqs`` when
        given; oldest first."""
        ...
