"""Legal holds, the purge ledger and the keys of image buckets."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from platekeeper.domain.holds import LegalHold
from platekeeper.domain.purges import PurgeLedgerEntry


class LegalHoldRepository(Protocol):
    def add(self, hold: LegalHold) -> None:
        """``Conflict`` if the id is taken, ``NotFound`` if the agency does not exist."""
        ...

    def get(self, hold_id: str) -> LegalHold | None: ...
    def in_force(self, now: datetime) -> list[LegalHold]:
        """Holds neither released nor expired at ``now``, approved or pending."""
        ...

    def list(self, agency_id: str | None = None, limit: int = 100) -> list[LegalHold]:
        """Newest request first."""
        ...

    def approve(self, hold: LegalHold) -> bool:
        """Store the approval of a pending hold; False if it was decided or released meanwhile."""
        ...

    def close(self, hold: LegalHold) -> bool:
        """Store the release (or expiry) of a hold; False if it was closed meanwhile."""
        ...


class PurgeLedgerRepository(Protocol):
    def add(self, entry: PurgeLedgerEntry) -> None: ...
    def delete_started_before(self, instant: datetime) -> int:
        """Delete the entries of runs started before ``instant``; how many went."""
        ...

    def list(self, limit: int = 100) -> list[PurgeLedgerEntry]:
        """Newest run first."""
        ...


class ImageKeyRepository(Protocol):
    """The per-bucket keys of encrypted images, stored wrapped by the master key."""

    def get(self, bucket: str) -> bytes | None:
        """The wrapped key of ``bucket``; None if it has none or it was destroyed."""
        ...

    def add(self, bucket: str, wrapped_key: bytes, at: datetime) -> bytes:
        """Store ``wrapped_key`` unless the bucket has a live key; return the live key, so that
        two writers racing on a new bucket both use the one stored."""
        ...

    def destroy(self, bucket: str, at: datetime) -> bool:
        """Wipe the bucket's key; False if it had none."""
        ...

    def live(self) -> list[str]:
        """Buckets with a key, oldest first."""
        ...
