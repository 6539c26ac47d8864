"""The SQLite ``Store``."""

from __future__ import annotations

from pathlib import Path

from platekeeper.store.sql.store import SqlStore
from platekeeper.store.sqlite.access_log import SqliteAccessLog
from platekeeper.store.sqlite.accounts import SqliteAccounts, SqliteApiTokens, SqliteSessions
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.hits import SqliteHits
from platekeeper.store.sqlite.reads import SqliteReads
from platekeeper.store.sqlite.registry import SqliteAgencies, SqliteCameras
from platekeeper.store.sqlite.retention import SqliteImageKeys


class SqliteStore(SqlStore):
    def __init__(self, path: Path) -> None:
        database = SqliteDatabase(path)
        super().__init__(database)
        self._sqlite = database
        self.agencies = SqliteAgencies(database)
        self.cameras = SqliteCameras(database)
        self.reads = SqliteReads(database)
        self.accounts = SqliteAccounts(database)
        self.sessions = SqliteSessions(database)
        self.api_tokens = SqliteApiTokens(database)
        self.access_log = SqliteAccessLog(database)
        self.hits = SqliteHits(database)
        self.image_keys = SqliteImageKeys(database)

    @property
    def path(self) -> Path:
        return self._sqlite.path
