"""The PostgreSQL ``Store``: a connection pool and the repositories that share it."""

from __future__ import annotations

from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.hotlists import PostgresHotlistEntries
from platekeeper.store.postgres.plate_index import PostgresPlateIndex
from platekeeper.store.postgres.reads import PostgresReads
from platekeeper.store.sql.read_rollups import ReadRollups
from platekeeper.store.sql.store import SqlStore

# A read's capture day (UTC), for the daily counts' rebuild.
_CAPTURE_DAY = "(captured_at AT TIME ZONE 'UTC')::date"


class PostgresStore(SqlStore):
    """Opens its pool at once: an unreachable server is a ``StoreError`` here, not later."""

    def __init__(self, dsn: str, *, min_size: int = 1, max_size: int = 8) -> None:
        database = PostgresDatabase(dsn, min_size=min_size, max_size=max_size)
        plates = PostgresPlateIndex(database)
        summaries = (plates, ReadRollups(database.dialect, _CAPTURE_DAY))
        super().__init__(database, summaries)
        self.reads = PostgresReads(database, summaries, plates)
        self.hotlist_entries = PostgresHotlistEntries(database)
