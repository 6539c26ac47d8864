"""The store: one database, its repositories, its schema and its lifetime."""

from __future__ import annotations

from typing import Protocol

from platekeeper.store.protocols.access_log import AccessLogRepository
from platekeeper.store.protocols.accounts import (
    AccountChangeRepository,
    AccountRepository,
    ApiTokenRepository,
    SessionLockRepository,
    SessionRepository,
    SignInFailureRepository,
)
from platekeeper.store.protocols.alerts import AlertOutboxRepository
from platekeeper.store.protocols.approvals import ApprovalRepository
from platekeeper.store.protocols.audits import (
    AuditRunRepository,
    FindingResolutionRepository,
    SampleReviewRepository,
)
from platekeeper.store.protocols.complaints import ComplaintRepository
from platekeeper.store.protocols.directory import (
    DirectoryGroupRepository,
    DirectoryTokenRepository,
    DirectoryUserRepository,
)
from platekeeper.store.protocols.edge import EdgeEventRepository, EdgeHealthRepository
from platekeeper.store.protocols.factors import (
    PendingSignInRepository,
    RecoveryCodeRepository,
    SecondFactorRepository,
)
from platekeeper.store.protocols.hotlists import (
    HitRepository,
    HotlistEntryRepository,
    HotlistRepository,
)
from platekeeper.store.protocols.image_fetches import ImageFetchRepository
from platekeeper.store.protocols.incidents import (
    IncidentRepository,
    ReadCorrectionRepository,
    RecordsRequestRepository,
)
from platekeeper.store.protocols.policy import (
    PolicyVersionRepository,
    PurposeAttestationRepository,
)
from platekeeper.store.protocols.publications import TransparencySnapshotRepository
from platekeeper.store.protocols.reads import ReadRepository
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
from platekeeper.store.protocols.sign_on import (
    FederatedIdentityRepository,
    FederatedSessionRepository,
    SignOnRequestRepository,
)


class Store(Protocol):
    """One database: its repositories, its schema version and its lifetime."""

    @property
    def agencies(self) -> AgencyRepository: ...
    @property
    def cameras(self) -> CameraRepository: ...
    @property
    def edge_health(self) -> EdgeHealthRepository: ...
    @property
    def edge_events(self) -> EdgeEventRepository: ...
    @property
    def camera_sources(self) -> CameraSourceRepository: ...
    @property
    def image_fetches(self) -> ImageFetchRepository: ...
    @property
    def reads(self) -> ReadRepository: ...
    @property
    def accounts(self) -> AccountRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def session_locks(self) -> SessionLockRepository: ...
    @property
    def api_tokens(self) -> ApiTokenRepository: ...
    @property
    def account_changes(self) -> AccountChangeRepository: ...
    @property
    def sign_in_failures(self) -> SignInFailureRepository: ...
    @property
    def second_factors(self) -> SecondFactorRepository: ...
    @property
    def recovery_codes(self) -> RecoveryCodeRepository: ...
    @property
    def pending_sign_ins(self) -> PendingSignInRepository: ...
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
    @property
    def incidents(self) -> IncidentRepository: ...
    @property
    def records_requests(self) -> RecordsRequestRepository: ...
    @property
    def read_corrections(self) -> ReadCorrectionRepository: ...
    @property
    def purpose_attestations(self) -> PurposeAttestationRepository: ...
    @property
    def transparency_snapshots(self) -> TransparencySnapshotRepository: ...
    @property
    def sample_reviews(self) -> SampleReviewRepository: ...
    @property
    def audit_runs(self) -> AuditRunRepository: ...
    @property
    def finding_resolutions(self) -> FindingResolutionRepository: ...
    @property
    def complaints(self) -> ComplaintRepository: ...
    @property
    def federated_identities(self) -> FederatedIdentityRepository: ...
    @property
    def sign_on_requests(self) -> SignOnRequestRepository: ...
    @property
    def federated_sessions(self) -> FederatedSessionRepository: ...
    @property
    def directory_tokens(self) -> DirectoryTokenRepository: ...
    @property
    def directory_users(self) -> DirectoryUserRepository: ...
    @property
    def directory_groups(self) -> DirectoryGroupRepository: ...

    def upgrade(self) -> list[str]:
        """Apply pending migrations; return the names of those applied."""
        ...

    def pending_migrations(self) -> list[str]:
        """The names of migrations not applied yet; empty when the schema is current."""
        ...

    def schema_version(self) -> int: ...
    def close(self) -> None: ...
