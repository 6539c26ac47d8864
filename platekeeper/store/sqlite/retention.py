"""SQLite's own step in shredding an image bucket's key."""

from __future__ import annotations

from platekeeper.store.sql.database import Transaction
from platekeeper.store.sql.retention import SqlImageKeys


class SqliteImageKeys(SqlImageKeys):
    def _before_shredding(self, connection: Transaction) -> None:
        # SQLite leaves deleted bytes in free space in the file; zeroing freed space makes the
        # wiped key leave no copy there. It stays on for the writer's connection.
        connection.execute("PRAGMA secure_delete = ON")
