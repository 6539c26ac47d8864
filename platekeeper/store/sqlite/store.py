"""The SQLite ``Store``."""

from __future__ import annotations

from pathlib import Path

from platekeeper.store.sql.read_rollups import ReadRollups
from platekeeper.store.sql.store import SqlStore
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.plate_index import SqlitePlateIndex
from platekeeper.store.sqlite.reads import SqliteReads

# A read's capture day (UTC), for the daily counts' rebuild.
_CAPTURE_DAY = "date(captured_at / 1000000, 'unixepoch')"


class SqliteStore(SqlStore):
    def __init__(self, path: Path) -> None:
        database = SqliteDatabase(path)
        plates = SqlitePlateIndex(database)
        summaries = (plates, ReadRollups(database.dialect, _CAPTURE_DAY))
        super().__init__(database, summaries)
        self._sqlite = database
        self.reads = SqliteReads(database, summaries, plates)

    @property
    def path(self) -> Path:
        return self._sqlite.path
