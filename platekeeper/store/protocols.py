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
from platekeeper.domain.access import (
    AccessEvent,
    AccessOutcome,
    AccessRecord,
    ChainPoint,
    Checkpoint,
)
from platekeeper.domain.approvals import ApprovalStatus, SearchApproval
from platekeeper.domain.credentials import ApiToken, PasswordState, Session
from platekeeper.domain.geo import GeoBox
from platekeeper.domain.people import Account


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
    plate_like: str | None = None
    """A ``LIKE`` pattern on the plate key, from ``domain.plates.plate_pattern_to_like``."""
    camera_id: str | None = None
    captured_from: datetime | None = None
    captured_before: datetime | None = None
    area: GeoBox | None = None
    agency_id: str | None = None
    """Only reads from the agency's cameras."""
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


class ApprovalRepository(Protocol):
    def add(self, approval: SearchApproval) -> None: ...
    def get(self, approval_id: str) -> SearchApproval | None: ...
    def list(self, status: ApprovalStatus | None = None, limit: int = 100) -> list[SearchApproval]:
        """Newest request first."""
        ...

    def decide(self, approval: SearchApproval) -> bool:
        """Store the decision on a pending request; False if it was decided meanwhile."""
        ...


class AccountRepository(Protocol):
    """People's accounts. Credentials live in the same rows but never in an ``Account``: they
    are read and written only through the password methods here."""

    def add(self, account: Account, password_hash: str | None) -> None:
        """``Conflict`` if the username is taken, ``NotFound`` if the agency does not exist."""
        ...

    def get(self, account_id: str) -> Account | None: ...
    def by_username(self, username: str) -> Account | None: ...
    def list(self, agency_id: str | None = None) -> list[Account]:
        """By username."""
        ...

    def update(self, account: Account) -> None:
        """Store name, title, roles, status, training and last activity; the id, username,
        agency and creation time never change."""
        ...

    def touch(self, account_id: str, at: datetime) -> None:
        """Record activity at ``at``, unless later activity is recorded already."""
        ...

    def password_state(self, account_id: str) -> PasswordState | None: ...
    def set_password_hash(self, account_id: str, password_hash: str) -> None: ...
    def record_failed_login(self, account_id: str) -> int:
        """Count one more failed login in a row, atomically; return the count."""
        ...

    def lock(self, account_id: str, until: datetime) -> None:
        """Refuse logins until ``until``; failures are counted afresh after it."""
        ...

    def record_login(self, account_id: str, at: datetime) -> None:
        """A successful login: failures cleared, lock lifted, activity recorded."""
        ...


class SessionRepository(Protocol):
    def add(self, session: Session) -> None: ...
    def by_token_hash(self, token_hash: str) -> Session | None: ...
    def list(self, account_id: str) -> list[Session]: ...
    def touch(self, session_id: str, at: datetime) -> None: ...
    def delete(self, session_id: str) -> bool:
        """End one session; False if there was none."""
        ...

    def delete_for_account(self, account_id: str, *, keep: str | None = None) -> int:
        """End every session of the account but ``keep``; return how many ended."""
        ...

    def delete_ended(self, now: datetime, idle_since: datetime) -> int:
        """Delete sessions past their expiry or unused since ``idle_since``."""
        ...


class ApiTokenRepository(Protocol):
    def add(self, token: ApiToken) -> None: ...
    def get(self, token_id: str) -> ApiToken | None: ...
    def by_token_hash(self, token_hash: str) -> ApiToken | None: ...
    def list(self, account_id: str) -> list[ApiToken]:
        """Revoked and expired ones too, newest first."""
        ...

    def revoke(self, token_id: str, at: datetime) -> bool:
        """False if the token does not exist or was revoked already."""
        ...

    def revoke_for_account(self, account_id: str, at: datetime) -> int: ...
    def record_use(self, token_id: str, at: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class AccessFilter:
    """Which access-log entries to list. Every bound is optional; results are newest first.

    ``plate`` matches the ``plate`` query element exactly, as the access recorded it.
    """

    username: str | None = None
    action: str | None = None
    outcome: AccessOutcome | None = None
    case_number: str | None = None
    plate: str | None = None
    at_from: datetime | None = None
    at_before: datetime | None = None
    limit: int = 100


class AccessLogRepository(Protocol):
    """The access log's chained entries, its signed checkpoints and its anchor.

    Entries are only appended; the one way out is ``purge_before``, which stops at a checkpoint.
    """

    def append(self, event: AccessEvent) -> AccessRecord:
        """Seal ``event`` after the head and store it, in one transaction that no other append
        (from any process) can interleave with."""
        ...

    def head(self) -> ChainPoint | None:
        """The last entry, or the anchor when retention took every entry; None when empty."""
        ...

    def anchor(self) -> ChainPoint | None:
        """The last entry removed by retention; verification starts after it."""
        ...

    def scan(self, after_seq: int, limit: int) -> list[AccessRecord]:
        """Up to ``limit`` entries after ``after_seq`` in stored order, for streaming."""
        ...

    def find(self, query: AccessFilter) -> list[AccessRecord]: ...
    def add_checkpoint(self, checkpoint: Checkpoint) -> bool:
        """Store ``checkpoint``; False if it repeats one or lies behind the last stored one."""
        ...

    def checkpoints(self) -> list[Checkpoint]:
        """Every stored checkpoint, by sequence number."""
        ...

    def last_checkpoint(self) -> Checkpoint | None: ...
    def purge_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Remove entries older than ``cutoff`` up to the last checkpointed entry that still has
        its signed hash, and make that entry the anchor; return how many (would) go."""
        ...


class Store(Protocol):
    """One database: its repositories, its schema version and its lifetime."""

    @property
    def agencies(self) -> AgencyRepository: ...
    @property
    def cameras(self) -> CameraRepository: ...
    @property
    def reads(self) -> ReadRepository: ...
    @property
    def accounts(self) -> AccountRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def api_tokens(self) -> ApiTokenRepository: ...
    @property
    def approvals(self) -> ApprovalRepository: ...
    @property
    def access_log(self) -> AccessLogRepository: ...

    def upgrade(self) -> list[str]:
        """Apply pending migrations; return the names of those applied."""
        ...

    def pending_migrations(self) -> list[str]:
        """The names of migrations not applied yet; empty when the schema is current."""
        ...

    def schema_version(self) -> int: ...
    def close(self) -> None: ...
