"""The storage ports. Each backend (SQLite, PostgreSQL) implements all of them on one schema.

A backend is a ``Store``; it hands out repositories, each a small protocol around one kind of
record. The contract tests in ``tests/store`` run unchanged against every backend.
"""

from __future__ import annotations

from platekeeper.store.protocols.access_log import (
    AccessFilter,
    AccessLogRepository,
    PurgeEventFor,
    PurgeRange,
)
from platekeeper.store.protocols.accounts import (
    AccountChangeRepository,
    AccountRepository,
    ApiTokenRepository,
    SessionLockRepository,
    SessionRepository,
    SignInFailureRepository,
)
from platekeeper.store.protocols.alerts import AlertOutboxRepository, OutboxItem, OutboxStatus
from platekeeper.store.protocols.approvals import ApprovalRepository
from platekeeper.store.protocols.edge import EdgeEventRepository, EdgeHealthRepository
from platekeeper.store.protocols.hotlists import (
    ActiveEntry,
    HitCursor,
    HitFilter,
    HitRepository,
    HitTally,
    HotlistEntryRepository,
    HotlistFeed,
    HotlistRepository,
)
from platekeeper.store.protocols.incidents import (
    IncidentRepository,
    ReadCorrectionRepository,
    RecordsRequestRepository,
)
from platekeeper.store.protocols.policy import (
    PolicyVersion,
    PolicyVersionRepository,
    PurposeAttestationRepository,
)
from platekeeper.store.protocols.publications import (
    TransparencySnapshot,
    TransparencySnapshotRepository,
)
from platekeeper.store.protocols.reads import (
    CeilingSource,
    DayReads,
    MinuteCount,
    PurgedReads,
    ReadCursor,
    ReadQuery,
    ReadRepository,
    ReadStats,
    StoredOutcome,
    StoredRead,
)
from platekeeper.store.protocols.registry import (
    AgencyRepository,
    CameraRepository,
    CameraSourceRepository,
)
from platekeeper.store.protocols.retention import (
    ImageKeyRepository,
    LegalHoldRepository,
    PurgeLedgerRepository,
)
from platekeeper.store.protocols.sharing import (
    RecipientRepository,
    ShareRequestRepository,
    SharingLedgerRepository,
)
from platekeeper.store.protocols.store import Store

__all__ = [
    "AccessFilter",
    "AccessLogRepository",
    "AccountChangeRepository",
    "AccountRepository",
    "ActiveEntry",
    "AgencyRepository",
    "AlertOutboxRepository",
    "ApiTokenRepository",
    "ApprovalRepository",
    "CameraRepository",
    "CameraSourceRepository",
    "CeilingSource",
    "DayReads",
    "EdgeEventRepository",
    "EdgeHealthRepository",
    "HitCursor",
    "HitFilter",
    "HitRepository",
    "HitTally",
    "HotlistEntryRepository",
    "HotlistFeed",
    "HotlistRepository",
    "ImageKeyRepository",
    "IncidentRepository",
    "LegalHoldRepository",
    "MinuteCount",
    "OutboxItem",
    "OutboxStatus",
    "PolicyVersion",
    "PolicyVersionRepository",
    "PurgeEventFor",
    "PurgeLedgerRepository",
    "PurgeRange",
    "PurgedReads",
    "PurposeAttestationRepository",
    "ReadCorrectionRepository",
    "ReadCursor",
    "ReadQuery",
    "ReadRepository",
    "ReadStats",
    "RecipientRepository",
    "RecordsRequestRepository",
    "SessionLockRepository",
    "SessionRepository",
    "ShareRequestRepository",
    "SharingLedgerRepository",
    "SignInFailureRepository",
    "Store",
    "StoredOutcome",
    "StoredRead",
    "TransparencySnapshot",
    "TransparencySnapshotRepository",
]
