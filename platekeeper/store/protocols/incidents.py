"""Security incidents (breaches), public-records requests and corrections of misreads."""

from __future__ import annotations

from typing import Protocol

from platekeeper.domain.breaches import Incident
from platekeeper.domain.corrections import ReadCorrection
from platekeeper.domain.records_requests import RecordsRequest


class IncidentRepository(Protocol):
    def add(self, incident: Incident) -> None:
        """``Conflict`` if the id is taken, ``NotFound`` if the agency does not exist."""
        ...

    def get(self, incident_id: str) -> Incident | None: ...
    def update(self, before: Incident, after: Incident) -> bool:
        """Store ``after`` if the stored incident is still ``before`` (the same number of
        decisions); False if someone changed it meanwhile."""
        ...

    def list(self, agency_id: str | None = None, limit: int = 100) -> list[Incident]:
        """Newest discovery first."""
        ...


class RecordsRequestRepository(Protocol):
    def add(self, request: RecordsRequest) -> None:
        """``Conflict`` if the id is taken, ``NotFound`` if the agency does not exist."""
        ...

    def get(self, request_id: str) -> RecordsRequest | None: ...
    def update(self, request: RecordsRequest) -> bool:
        """Store the request if it is still open; False if it was closed meanwhile."""
        ...

    def list(self, agency_id: str | None = None, limit: int = 100) -> list[RecordsRequest]:
        """Newest receipt first."""
        ...


class ReadCorrectionRepository(Protocol):
    def apply(self, correction: ReadCorrection, expected_key: str) -> bool:
        """Record ``correction`` and change the read to it, in one transaction, if the read
        still has ``expected_key``; False (nothing written) if the read is gone or changed."""
        ...

    def of_read(self, read_id: str) -> list[ReadCorrection]:
        """The corrections of one read, oldest first."""
        ...

    def list(self, agency_id: str | None = None, limit: int = 100) -> list[ReadCorrection]:
        """Newest correction first; only corrections whose read is still stored."""
        ...

    def delete_orphaned(self) -> int:
        """Delete the corrections of reads the purge took; return how many."""
        ...
