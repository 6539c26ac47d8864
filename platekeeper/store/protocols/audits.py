"""The auditor's records: reviews of the sampled searches, report runs and resolved findings."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from platekeeper.domain.audit_findings import AuditRun, FindingResolution
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


class AuditRunRepository(Protocol):
    def add(self, run: AuditRun) -> None:
        """Kept whatever its agency: no report fails for want of one."""
        ...

    def list(
        self, agency_id: str | None, period: tuple[datetime, datetime] | None = None
    ) -> list[AuditRun]:
        """The runs of ``agency_id`` (every agency's for None), of the exact period when
        given; oldest first."""
        ...

    def latest(self, agency_id: str | None) -> AuditRun | None:
        """The last run covering ``agency_id``: its own or the console's (every agency's)."""
        ...


class FindingResolutionRepository(Protocol):
    def add(self, resolution: FindingResolution) -> None:
        """``NotFound`` if the agency or the run does not exist."""
        ...

    def list(self, agency_id: str | None, run_id: str | None = None) -> list[FindingResolution]:
        """The resolutions of ``agency_id`` (every agency's for None), of ``run_id`` when
        given; oldest first."""
        ...
