"""PostgreSQL's bulk path for hot-list entries: they arrive by ``COPY`` into a temporary table
and move in one statement, so an import of a million rows takes seconds, not minutes."""

from __future__ import annotations

from collections.abc import Sequence

from platekeeper.domain.hotlists import HotlistEntry
from platekeeper.store.postgres.dialect import PostgresTransaction
from platekeeper.store.sql.database import Transaction
from platekeeper.store.sql.hotlists import ON_ID_CONFLICT, WRITTEN_ENTRY_COLUMNS, SqlHotlistEntries

_MOVE = (
    f"INSERT INTO hotlist_entries ({WRITTEN_ENTRY_COLUMNS})"
    f" SELECT {WRITTEN_ENTRY_COLUMNS} FROM incoming_entries"
)
_MOVE_UPSERT = f"{_MOVE} {ON_ID_CONFLICT}"


class PostgresHotlistEntries(SqlHotlistEntries):
    def _insert(self, connection: Transaction, entries: Sequence[HotlistEntry], batch: int) -> None:
        self._copy_in(connection, entries, batch)
        connection.execute(_MOVE)

    def _upsert(self, connection: Transaction, entries: Sequence[HotlistEntry], batch: int) -> None:
        self._copy_in(connection, entries, batch)
        connection.execute(_MOVE_UPSERT)

    def _copy_in(
        self, connection: Transaction, entries: Sequence[HotlistEntry], batch: int
    ) -> None:
        # Only PostgresDatabase lends this repository its transactions.
        assert isinstance(connection, PostgresTransaction)
        raw = connection.connection
        raw.execute("CREATE TEMP TABLE incoming_entries (LIKE hotlist_entries) ON COMMIT DROP")
        with raw.cursor().copy(
            f"COPY incoming_entries ({WRITTEN_ENTRY_COLUMNS}) FROM STDIN"
        ) as copy:
            for row in self._rows(entries, batch):
                copy.write_row(row)
