"""The SQLite ``Store``."""

from __future__ import annotations

from pathlib import Path

from platekeeper.store.sql.store import SqlStore
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.hotlists import SqliteHotlistEntries, SqliteHotlists
from platekeeper.store.sqlite.reads import SqliteReads
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


class SqliteStore(SqlStore):
    def __init__(self, path: Path) -> None:
        database = SqliteDatabase(path)
        super().__init__(database)
        self._sqlite = database
        self.reads = SqliteReads(database)
        self.hotlists = SqliteHotlists(database)
        self.hotlist_entries = SqliteHotlistEntries(database)
        self.legal_holds = SqliteLegalHolds(database)
        self.purge_ledger = SqlitePurgeLedger(database)
        self.image_keys = SqliteImageKeys(database)
        self.recipients = SqliteRecipients(database)
        self.share_requests = SqliteShareRequests(database)
        self.sharing_ledger = SqliteSharingLedger(database)

    @property
    def path(self) -> Path:
        return self._sqlite.path
