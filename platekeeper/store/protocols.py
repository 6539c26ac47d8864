"""The storage ports. Each backend (SQLite, PostgreSQL) implements all of them on one schema.

A backend is a ``Store``; it hands out repositories, each a small protocol around one kind of
record. The contract tests in ``tests/store`` run unchanged against every backend.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
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
from platekeeper.domain.holds import Exemptions, LegalHold
from platekeeper.domain.hotlists import Hit, HitStatus, Hotlist, HotlistEntry
from platekeeper.domain.people import Account
from platekeeper.domain.purges import PurgeLedgerEntry
from platekeeper.domain.recipients import LedgerEntry, Recipient, ShareRequest, ShareStatus


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
    def count_expired(
        self, captured_before: datetime, *, hit_reads: bool, exempt: Exemptions
    ) -> PurgedReads:
        """What ``delete_expired`` would delete, all batches together; ``image_refs`` is empty
        and ``images`` counts the references."""
        ...

    def delete_expired(
        self, captured_before: datetime, *, hit_reads: bool, exempt: Exemptions, limit: int
    ) -> PurgedReads:
        """Delete up to ``limit`` reads captured before ``captured_before``, oldest first, in one
        transaction: hit reads (a hit names them) or the others, never ``exempt`` ones."""
        ...

    def oldest(self, *, hit_reads: bool) -> datetime | None:
        """The capture time of the oldest stored hit read, or non-hit read."""
        ...


class PurgedReads(NamedTuple):
    """Reads a purge batch took (or would take): no plate data, only counts and times."""

    reads: int
    images: int
    oldest: datetime | None
    newest: datetime | None
    image_refs: tuple[str, ...] = ()


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


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"
    """Given up after the most attempts; logged at ERROR for a person to look at."""


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One alert document on its way to one destination (a webhook or an MQTT broker).

    ``payload`` is the JSON document exactly as it is sent; it is dropped once delivered.
    """

    id: str
    destination: str
    hit_id: str
    payload: str
    created_at: datetime
    next_attempt_at: datetime
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    finished_at: datetime | None = None
    last_error: str | None = None


class AlertOutboxRepository(Protocol):
    """The durable outbox of alerts: written when a hit is made, emptied by delivery workers."""

    def enqueue(self, items: Sequence[OutboxItem]) -> int:
        """Store pending items; one already queued for the same hit and destination is skipped.
        Returns how many were added."""
        ...

    def due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxItem]:
        """Claim up to ``limit`` pending items due at ``now``, oldest first, counting one more
        attempt each. A claimed item is not due again before ``now + lease``, so concurrent
        workers (threads or processes) never take the same item, and one whose worker died is
        taken up again after the lease."""
        ...

    def mark_delivered(self, item_id: str, at: datetime) -> bool: ...
    def reschedule(self, item_id: str, at: datetime, error: str) -> bool:
        """Try the pending item again at ``at``."""
        ...

    def mark_dead(self, item_id: str, at: datetime, error: str) -> bool: ...
    def get(self, item_id: str) -> OutboxItem | None: ...


class HotlistFeed(NamedTuple):
    """Where a hot list is refreshed from: a file path or an http(s) URL, the file's format and
    its column mapping (JSON, read by ``hotlists.importing``), and how the last attempt went."""

    list_id: str
    location: str
    format: str
    mapping_json: str
    attempted_at: datetime | None = None
    error: str | None = None


class ActiveEntry(NamedTuple):
    """What the matcher holds of one active entry; a tuple, as a million are loaded at once."""

    id: str
    list_id: str
    plate_key: str
    state: str | None
    expires_at: datetime | None


class HotlistRepository(Protocol):
    def add(self, hotlist: Hotlist) -> None:
        """``Conflict`` if the id is taken, ``NotFound`` if the agency does not exist."""
        ...

    def get(self, list_id: str) -> Hotlist | None: ...
    def set_feed(self, feed: HotlistFeed) -> None:
        """Make ``feed`` the list's refresh source; ``NotFound`` if there is no such list."""
        ...

    def feed(self, list_id: str) -> HotlistFeed | None: ...
    def feeds(self) -> list[HotlistFeed]:
        """Every list's refresh source, for the scheduler."""
        ...

    def record_refresh(self, list_id: str, at: datetime, error: str | None = None) -> None:
        """An attempt at ``at``; without ``error`` it succeeded: the list is fresh from ``at``."""
        ...

    def list(self, agency_id: str | None = None) -> list[Hotlist]:
        """By name."""
        ...


class HotlistEntryRepository(Protocol):
    """Entries of hot lists. Every write raises ``version()`` in the same transaction."""

    def add(self, entries: Sequence[HotlistEntry]) -> None:
        """Store entries all or nothing (bulk: an import's rows in one statement batch).
        ``Conflict`` if an id is taken, ``NotFound`` if a list does not exist."""
        ...

    def replace(self, list_id: str, entries: Sequence[HotlistEntry]) -> None:
        """Make ``entries`` the list's entries, in one transaction: those with a stored id are
        updated (and keep their id), the others inserted, the list's remaining rows deleted."""
        ...

    def get(self, entry_id: str) -> HotlistEntry | None: ...
    def count(self, list_id: str) -> int: ...
    def identities(self, list_id: str) -> list[tuple[str, str, str | None, str | None]]:
        """``(id, plate_key, state, source_record_id)`` of each of the list's entries, so that a
        refresh can keep the ids of entries that stay."""
        ...

    def set_expiry(self, entry_id: str, expires_at: datetime | None) -> bool:
        """False if there is no such entry."""
        ...

    def remove(self, entry_id: str) -> bool:
        """False if there is no such entry."""
        ...

    def by_plate_key(self, keys: Collection[str]) -> list[HotlistEntry]:
        """Every entry, active or not, whose plate key is one of ``keys``."""
        ...

    def active(self, now: datetime) -> list[ActiveEntry]:
        """Every entry not expired at ``now``, of every list, in one query."""
        ...

    def version(self) -> int:
        """A counter raised by every change to entries or lists; reload when it moves."""
        ...

    def list(self, list_id: str, limit: int = 1000, offset: int = 0) -> list[HotlistEntry]:
        """By plate key."""
        ...


@dataclass(frozen=True, slots=True)
class HitFilter:
    """Which hits to list. Every bound is optional; results are newest first."""

    status: HitStatus | None = None
    list_id: str | None = None
    since: datetime | None = None
    """Only hits made at or after this instant."""
    limit: int = 100


class HitRepository(Protocol):
    """Hits of reads against hot-list entries: one per (read, entry), and what people made of it."""

    def add(self, hits: Sequence[Hit]) -> list[Hit]:
        """Store ``hits`` in one transaction; a hit whose (read, entry) pair is stored already is
        skipped. Returns the hits stored now, in order."""
        ...

    def get(self, hit_id: str) -> Hit | None: ...
    def list(self, query: HitFilter) -> list[Hit]: ...
    def update(self, hit: Hit) -> bool:
        """Store a verification (only on a hit still pending) or an outcome (only on a hit in
        the same status with no outcome yet); False if someone else changed it meanwhile."""
        ...


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


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """One content of the usage and privacy policy file, as rendered and published.

    ``version`` is the label printed on the document (effective date and hash); it is fixed when
    the content is first rendered, so re-rendering the same file keeps its version and date.
    """

    version: str
    sha256: str
    """SHA-256 (hex) of the policy file's bytes."""
    rendered_at: datetime
    """When this content was first rendered: the date it took effect as published."""
    last_rendered_at: datetime | None = None
    """When it was last rendered or published; None before it is stored."""


class PolicyVersionRepository(Protocol):
    """The versions of the policy published, so that a report can compare them with the file."""

    def record(self, version: PolicyVersion) -> PolicyVersion:
        """Store ``version``, or, when its ``sha256`` is stored already, note that it was rendered
        again at ``version.rendered_at``; return the stored version (the first label and date)."""
        ...

    def latest(self) -> PolicyVersion | None:
        """The version rendered or published most recently; None before any."""
        ...

    def list(self, limit: int = 100) -> list[PolicyVersion]:
        """Most recently rendered first."""
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
    @property
    def hotlists(self) -> HotlistRepository: ...
    @property
    def hotlist_entries(self) -> HotlistEntryRepository: ...
    @property
    def alert_outbox(self) -> AlertOutboxRepository: ...
    @property
    def hits(self) -> HitRepository: ...
    @property
    def legal_holds(self) -> LegalHoldRepository: ...
    @property
    def purge_ledger(self) -> PurgeLedgerRepository: ...
    @property
    def image_keys(self) -> ImageKeyRepository: ...
    @property
    def recipients(self) -> RecipientRepository: ...
    @property
    def share_requests(self) -> ShareRequestRepository: ...
    @property
    def sharing_ledger(self) -> SharingLedgerRepository: ...
    @property
    def policy_versions(self) -> PolicyVersionRepository: ...

    def upgrade(self) -> list[str]:
        """Apply pending migrations; return the names of those applied."""
        ...

    def pending_migrations(self) -> list[str]:
        """The names of migrations not applied yet; empty when the schema is current."""
        ...

    def schema_version(self) -> int: ...
    def close(self) -> None: ...
