"""The PostgreSQL ``Store``: a connection pool and the repositories that share it."""

from __future__ import annotations

from platekeeper.store.postgres.access_log import PostgresAccessLog
from platekeeper.store.postgres.accounts import (
    PostgresAccounts,
    PostgresApiTokens,
    PostgresSessions,
)
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.hits import PostgresHits
from platekeeper.store.postgres.hotlists import PostgresHotlistEntries
from platekeeper.store.postgres.reads import PostgresReads
from platekeeper.store.postgres.registry import PostgresAgencies, PostgresCameras
from platekeeper.store.sql.store import SqlStore


class PostgresStore(SqlStore):
    """Opens its pool at once: an unreachable server is a ``StoreError`` here, not later."""

    def __init__(self, dsn: str, *, min_size: int = 1, max_size: int = 8) -> None:
        database = PostgresDatabase(dsn, min_size=min_size, max_size=max_size)
        super().__init__(database)
        self.agencies = PostgresAgencies(database)
        self.cameras = PostgresCameras(database)
        self.reads = PostgresReads(database)
        self.accounts = PostgresAccounts(database)
        self.sessions = PostgresSessions(database)
        self.api_tokens = PostgresApiTokens(database)
        self.access_log = PostgresAccessLog(database)
        self.hotlist_entries = PostgresHotlistEntries(database)
        self.hits = PostgresHits(database)
