"""The PostgreSQL ``Store``: a connection pool and the repositories that share it."""

from __future__ import annotations

from platekeeper.store.postgres.access_log import PostgresAccessLog
from platekeeper.store.postgres.accounts import (
    PostgresAccounts,
    PostgresApiTokens,
    PostgresSessions,
)
from platekeeper.store.postgres.approvals import PostgresApprovals
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.hits import PostgresHits
from platekeeper.store.postgres.hotlists import PostgresHotlistEntries, PostgresHotlists
from platekeeper.store.postgres.outbox import PostgresAlertOutbox
from platekeeper.store.postgres.policy import PostgresPolicyVersions
from platekeeper.store.postgres.reads import PostgresReads
from platekeeper.store.postgres.registry import PostgresAgencies, PostgresCameras
from platekeeper.store.postgres.retention import (
    PostgresImageKeys,
    PostgresLegalHolds,
    PostgresPurgeLedger,
)
from platekeeper.store.postgres.sharing import (
    PostgresRecipients,
    PostgresShareRequests,
    PostgresSharingLedger,
)


class PostgresStore:
    """Opens its pool at once: an unreachable server is a ``StoreError`` here, not later."""

    def __init__(self, dsn: str, *, min_size: int = 1, max_size: int = 8) -> None:
        self._db = PostgresDatabase(dsn, min_size=min_size, max_size=max_size)
        self.agencies = PostgresAgencies(self._db)
        self.cameras = PostgresCameras(self._db)
        self.reads = PostgresReads(self._db)
        self.accounts = PostgresAccounts(self._db)
        self.sessions = PostgresSessions(self._db)
        self.api_tokens = PostgresApiTokens(self._db)
        self.approvals = PostgresApprovals(self._db)
        self.access_log = PostgresAccessLog(self._db)
        self.hotlists = PostgresHotlists(self._db)
        self.hotlist_entries = PostgresHotlistEntries(self._db)
        self.alert_outbox = PostgresAlertOutbox(self._db)
        self.hits = PostgresHits(self._db)
        self.legal_holds = PostgresLegalHolds(self._db)
        self.purge_ledger = PostgresPurgeLedger(self._db)
        self.image_keys = PostgresImageKeys(self._db)
        self.recipients = PostgresRecipients(self._db)
        self.share_requests = PostgresShareRequests(self._db)
        self.sharing_ledger = PostgresSharingLedger(self._db)
        self.policy_versions = PostgresPolicyVersions(self._db)

    def upgrade(self) -> list[str]:
        return self._db.upgrade()

    def pending_migrations(self) -> list[str]:
        return self._db.pending_migrations()

    def schema_version(self) -> int:
        return self._db.schema_version()

    def close(self) -> None:
        self._db.close()
