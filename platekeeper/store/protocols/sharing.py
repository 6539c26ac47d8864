"""Recipients, share requests and the sharing ledger."""

from __future__ import annotations

from typing import Protocol

from platekeeper.domain.recipients import LedgerEntry, Recipient, ShareRequest, ShareStatus


class RecipientRepository(Protocol):
    """The registry of entities an agency may share with."""

    def add(self, recipient: Recipient) -> None:
        """``Conflict`` if the id is taken, ``NotFound`` if the agency does not exist."""
        ...

    def get(self, recipient_id: str) -> Recipient | None: ...
    def update(self, recipient: Recipient) -> bool:
        """Store everything but the id and the agency; False if there is no such recipient."""
        ...

    def list(self, agency_id: str | None = None) -> list[Recipient]:
        """By legal name."""
        ...


class ShareRequestRepository(Protocol):
    """Recipients' requests for reads, what was decided, and their exports."""

    def add(self, request: ShareRequest) -> None:
        """``Conflict`` if the id is taken, ``NotFound`` if the recipient does not exist."""
        ...

    def get(self, request_id: str) -> ShareRequest | None: ...
    def list(
        self, agency_id: str | None = None, status: ShareStatus | None = None, limit: int = 100
    ) -> list[ShareRequest]:
        """Newest request first."""
        ...

    def decide(self, request: ShareRequest) -> bool:
        """Store the decision on a pending request; False if it was decided meanwhile."""
        ...

    def record_export(self, request: ShareRequest, entry: LedgerEntry) -> LedgerEntry | None:
        """Mark the approved (or already exported) request exported and append ``entry`` to the
        sharing ledger, in one transaction; the stored entry, or None if the request is neither
        approved nor exported."""
        ...


class SharingLedgerRepository(Protocol):
    """The append-only ledger of exports; no plate text."""

    def list(self, agency_id: str | None = None, limit: int = 100) -> list[LedgerEntry]:
        """Newest entry first."""
        ...
