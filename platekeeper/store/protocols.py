"""The storage ports. Each backend (SQLite, PostgreSQL) implements all of them on one schema.

A backend is a ``Store``; it hands out repositories, each a small protocol around one kind of
record. The contract tests in ``tests/store`` run unchanged against every backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple, Protocol

from platekeeper.domain import Agency, Camera, CameraStatus, PlateRead


class StoredOutcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    """The same camera sent the same read before; the stored one is kept."""


class StoredRead(NamedTuple):
    """What became of one read. A named tuple: stores make one per read, and it is the
    cheapest immutable record to build."""

    client_read_id: str
    read_id: str
    outcome: StoredOutcome


@dataclass(frozen=True, slots=True)
class ReadQuery:
    """Which reads to return. Every bound is optional; results are newest first."""

    plate_key: str | None = None
    camera_id: str | None = None
    captured_from: datetime | None = None
    captured_before: datetime | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class ReadStats:
    """Aggregates without plate data, safe to show to anyone."""

    read_count: int
    oldest_captured_at: datetime | None
    newest_captured_at: datetime | None


class AgencyRepository(Protocol):
    def add(self, agency: Agency) -> None: ...
    def get(self, agency_id: str) -> Agency | None: ...
    def list(self) -> list[Agency]: ...


class CameraRepository(Protocol):
    def add(self, camera: Camera) -> None: ...
    def get(self, camera_id: str) -> Camera | None: ...
    def list(self, agency_id: str | None = None) -> list[Camera]: ...
    def by_key_hash(self, api_key_hash: str) -> Camera | None: ...
    def set_status(self, camera_id: str, status: CameraStatus) -> None: ...
    def replace_key(self, camera_id: str, api_key_hash: str) -> None:
        """Make ``api_key_hash`` the camera's only valid key; the old key stops working."""
        ...

    def record_contact(self, camera_id: str, at: datetime) -> None: ...


class ReadRepository(Protocol):
    def add(self, reads: Sequence[PlateRead]) -> list[StoredRead]:
        """Store reads all or nothing, in order.

        A read whose id is already stored with the same fingerprint is a retry: it is reported
        ``DUPLICATE``. With another fingerprint it is a ``Conflict`` and nothing of the batch is
        written. Ids come from ``platekeeper.domain.ids.read_id_for``.
        """
        ...

    def get(self, read_id: str) -> PlateRead | None: ...
    def find(self, query: ReadQuery) -> list[PlateRead]: ...
    def delete_captured_before(self, cutoff: datetime) -> int:
        """Delete every read captured before ``cutoff``; return how many were deleted."""
        ...

    def stats(self) -> ReadStats: ...


class Store(Protocol):
    """One database: its repositories, its schema version and its lifetime."""

    @property
    def agencies(self) -> AgencyRepository: ...
    @property
    def cameras(self) -> CameraRepository: ...
    @property
    def reads(self) -> ReadRepository: ...

    def upgrade(self) -> list[str]:
        """Apply pending migrations; return the names of those applied."""
        ...

    def pending_migrations(self) -> list[str]:
        """The names of migrations not applied yet; empty when the schema is current."""
        ...

    def schema_version(self) -> int: ...
    def close(self) -> None: ...
