"""The plate index in PostgreSQL: a batch's plates added in one statement; a pattern's end
found through the folded keys reversed."""

from __future__ import annotations

from typing import Any

from platekeeper.store.sql.database import Transaction
from platekeeper.store.sql.plate_index import SqlPlateIndex, literal_tail, upsert_sql

_UPSERT_ARRAYS = upsert_sql(
    "SELECT * FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::bigint[])"
)

# The expression of migration 0045's index, in byte order whatever the database's collation.
_REVERSED = 'reverse(folded_key) COLLATE "C"'


class PostgresPlateIndex(SqlPlateIndex):
    def _upsert(self, transaction: Transaction, rows: list[tuple[Any, ...]]) -> None:
        # One statement over arrays, not one per plate: at tens of millions of plates each
        # new plate's index entries cost the server its time, and a statement per plate added
        # as much again (ingest into a 51 M store).
        if rows:
            columns = [list(column) for column in zip(*rows, strict=True)]
            transaction.execute(_UPSERT_ARRAYS, columns)

    def _found_by(self, folded_like: str) -> tuple[list[str], list[Any]]:
        # A suffix (*C123) is the start of the reversed key: a range of the reversed keys'
        # B-tree. Trigrams find it worst: each of its few trigrams is in hundreds of thousands
        # of plates at tens of millions, and the planner takes whichever index costs less.
        conditions, params = super()._found_by(folded_like)
        tail = literal_tail(folded_like)
        if tail:
            start = tail[::-1]
            conditions.append(f"{_REVERSED} >= ? AND {_REVERSED} < ?")
            params += [start, start[:-1] + chr(ord(start[-1]) + 1)]
        return conditions, params
