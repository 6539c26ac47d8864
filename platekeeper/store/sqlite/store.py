"""The SQLite ``Store``."""

from __future__ import annotations

from pathlib import Path

from platekeeper.store.sqlite.access_log import SqliteAccessLog
from platekeeper.store.sqlite.accounts import SqliteAccounts, SqliteApiTokens, SqliteSessions
from platekeeper.store.sqlite.approvals import SqliteApprovals
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.hits import SqliteHits
from platekeeper.store.sqlite.hotlists import SqliteHotlistEntries, SqliteHotlists
from platekeeper.store.sqlite.outbox import SqliteAlertOutbox
from platekeeper.store.sqlite.policy import SqlitePolicyVersions
from platekeeper.store.sqlite.reads import SqliteReads
from platekeeper.store.sqlite.registry import SqliteAgencies, SqliteCameras
from platekeeper.store.sqlite.retention import (
    SqliteImageKeys,
    SqliteLegalHolds,
    SqlitePurgeLedger,
)
from platekeeper.store.sqlite.sharing import (
    SqliteRecipients,
    SqliteShareRequests,
    SqliteSharingLedger,
)


class SqliteStore:
    def __init__(self, path: Path) -> None:
        self._db = SqliteDatabase(path)
        self.agencies = SqliteAgencies(self._db)
        self.cameras = SqliteCameras(self._db)
        self.reads = SqliteReads(self._db)
        self.accounts = SqliteAccounts(self._db)
        self.sessions = SqliteSessions(self._db)
        self.api_tokens = SqliteApiTokens(self._db)
        self.approvals = SqliteApprovals(self._db)
        self.access_log = SqliteAccessLog(self._db)
        self.hotlists = SqliteHotlists(self._db)
        self.hotlist_entries = SqliteHotlistEntries(self._db)
        self.alert_outbox = SqliteAlertOutbox(self._db)
        self.hits = SqliteHits(self._db)
        self.legal_holds = SqliteLegalHolds(self._db)
        self.purge_ledger = SqlitePurgeLedger(self._db)
        self.image_keys = SqliteImageKeys(self._db)
        self.recipients = SqliteRecipients(self._db)
        self.share_requests = SqliteShareRequests(self._db)
        self.sharing_ledger = SqliteSharingLedger(self._db)
        self.policy_versions = SqlitePolicyVersions(self._db)

    @property
    def path(self) -> Path:
        return self._db.path

    def upgrade(self) -> list[str]:
        return self._db.upgrade()

    def pending_migrations(self) -> list[str]:
        return self._db.pending_migrations()

    def schema_version(self) -> int:
        return self._db.schema_version()

    def close(self) -> None:
        self._db.close()
