"""Supervisors' approvals of searches reaching back."""

from __future__ import annotations

from typing import Protocol

from platekeeper.domain.approvals import ApprovalStatus, SearchApproval


class ApprovalRepository(Protocol):
    def add(self, approval: SearchApproval) -> None: ...
    def get(self, approval_id: str) -> SearchApproval | None: ...
    def list(
        self, agency_id: str | None = None, status: ApprovalStatus | None = None, limit: int = 100
    ) -> list[SearchApproval]:
        """Newest request first; one agency's only where ``agency_id`` is given."""
        ...

    def decide(self, approval: SearchApproval) -> bool:
        """Store the decision on a pending request; False if it was decided meanwhile."""
        ...
