"""The repositories every SQL database shares, over one ``Database``; a backend's store adds
what it tunes for itself and the database's schema and lifetime."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from platekeeper.store.sql.access_log import SqlAccessLog
from platekeeper.store.sql.accounts import (
    SqlAccountChanges,
    SqlAccounts,
    SqlApiTokens,
    SqlSessionLocks,
    SqlSessions,
    SqlSignInFailures,
)
from platekeeper.store.sql.approvals import SqlApprovals
from platekeeper.store.sql.audits import SqlAuditRuns, SqlFindingResolutions, SqlSampleReviews
from platekeeper.store.sql.complaints import SqlComplaints
from platekeeper.store.sql.database import Database
from platekeeper.store.sql.directory import (
    SqlDirectoryGroups,
    SqlDirectoryTokens,
    SqlDirectoryUsers,
)
from platekeeper.store.sql.edge import SqlEdgeEvents, SqlEdgeHealth
from platekeeper.store.sql.factors import SqlPendingSignIns, SqlRecoveryCodes, SqlSecondFactors
from platekeeper.store.sql.hits import SqlHits
from platekeeper.store.sql.hotlists import SqlHotlistEntries, SqlHotlists
from platekeeper.store.sql.image_fetches import SqlImageFetches
from platekeeper.store.sql.incidents import SqlIncidents, SqlReadCorrections, SqlRecordsRequests
from platekeeper.store.sql.outbox import SqlAlertOutbox
from platekeeper.store.sql.policy import SqlPolicyVersions, SqlPurposeAttestations
from platekeeper.store.sql.publications import SqlTransparencySnapshots
from platekeeper.store.sql.read_summaries import ReadSummary
from platekeeper.store.sql.registry import SqlAgencies, SqlCameras, SqlCameraSources
from platekeeper.store.sql.retention import SqlImageKeys, SqlLegalHolds, SqlPurgeLedger
from platekeeper.store.sql.sharing import SqlRecipients, SqlShareRequests, SqlSharingLedger
from platekeeper.store.sql.sign_on import (
    SqlFederatedIdentities,
    SqlFederatedSessions,
    SqlSignOnRequests,
)


class ManagedDatabase(Database, Protocol):
    """A database with its schema and lifetime."""

    def upgrade(self) -> list[str]: ...
    def pending_migrations(self) -> list[str]: ...
    def schema_version(self) -> int: ...
    def close(self) -> None: ...


class SqlStore:
    """The shared repositories; a subclass sets the ones written for its database alone."""

    def __init__(self, database: ManagedDatabase, summaries: Sequence[ReadSummary] = ()) -> None:
        """``summaries``: the tables summing up the reads, which a read's correction changes."""
        self._db = database
        self.agencies = SqlAgencies(database)
        self.cameras = SqlCameras(database)
        self.edge_health = SqlEdgeHealth(database)
        self.edge_events = SqlEdgeEvents(database)
        self.camera_sources = SqlCameraSources(database)
        self.image_fetches = SqlImageFetches(database)
        self.accounts = SqlAccounts(database)
        self.sessions = SqlSessions(database)
        self.session_locks = SqlSessionLocks(database)
        self.api_tokens = SqlApiTokens(database)
        self.account_changes = SqlAccountChanges(database)
        self.sign_in_failures = SqlSignInFailures(database)
        self.second_factors = SqlSecondFactors(database)
        self.recovery_codes = SqlRecoveryCodes(database)
        self.pending_sign_ins = SqlPendingSignIns(database)
        self.access_log = SqlAccessLog(database)
        self.approvals = SqlApprovals(database)
        self.alert_outbox = SqlAlertOutbox(database)
        self.hits = SqlHits(database)
        self.policy_versions = SqlPolicyVersions(database)
        self.purpose_attestations = SqlPurposeAttestations(database)
        self.hotlists = SqlHotlists(database)
        self.hotlist_entries = SqlHotlistEntries(database)
        self.legal_holds = SqlLegalHolds(database)
        self.purge_ledger = SqlPurgeLedger(database)
        self.image_keys = SqlImageKeys(database)
        self.recipients = SqlRecipients(database)
        self.share_requests = SqlShareRequests(database)
        self.sharing_ledger = SqlSharingLedger(database)
        self.incidents = SqlIncidents(database)
        self.records_requests = SqlRecordsRequests(database)
        self.read_corrections = SqlReadCorrections(database, summaries)
        self.transparency_snapshots = SqlTransparencySnapshots(database)
        self.sample_reviews = SqlSampleReviews(database)
        self.audit_runs = SqlAuditRuns(database)
        self.finding_resolutions = SqlFindingResolutions(database)
        self.complaints = SqlComplaints(database)
        self.federated_identities = SqlFederatedIdentities(database)
        self.sign_on_requests = SqlSignOnRequests(database)
        self.federated_sessions = SqlFederatedSessions(database)
        self.directory_tokens = SqlDirectoryTokens(database)
        self.directory_users = SqlDirectoryUsers(database)
        self.directory_groups = SqlDirectoryGroups(database)

    def upgrade(self) -> list[str]:
        return self._db.upgrade()

    def pending_migrations(self) -> list[str]:
        return self._db.pending_migrations()

    def schema_version(self) -> int:
        return self._db.schema_version()

    def close(self) -> None:
        self._db.close()
