"""The register of complaints about the use of the system (R36)."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from platekeeper.domain.complaints import Complaint


class ComplaintRepository(Protocol):
    def add(self, complaint: Complaint) -> None:
        """``NotFound`` if the agency does not exist."""
        ...

    def get(self, complaint_id: str) -> Complaint | None: ...

    def update(self, before: Complaint, after: Complaint) -> bool:
        """Store ``after``; False if the complaint left ``before``'s status meanwhile."""
        ...

    def list(
        self, agency_id: str | None, received: tuple[date, date] | None = None
    ) -> list[Complaint]:
        """``agency_id``'s complaints (every agency's for None), received between the two days
        given (both included); oldest first."""
        ...
