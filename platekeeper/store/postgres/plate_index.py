"""The plate index in PostgreSQL: a batch's plates added in one statement; a pattern's end
found through the folded keys reversed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from platekeeper.store.postgres.dialect import PostgresTransaction
from platekeeper.store.protocols import ReadQuery
from platekeeper.store.sql.database import Row, Transaction
from platekeeper.store.sql.plate_index import (
    SqlPlateIndex,
    literal_tail,
    unspelled_pattern,
    upsert_sql,
)

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

    def _select(
        self, transaction: Transaction, query: ReadQuery, sql: str, params: Sequence[Any]
    ) -> list[Row]:
        # A suffix's plates lie anywhere in a table of tens of millions, a page each, and the
        # planner, multiplying the selectivities of the LIKEs, expects one and takes the
        # reversed keys' index scan, which reads them one after the other. A bitmap scan asks
        # for many pages at once: 466 plates at 20 M took 88 ms from a cold cache one by one,
        # 23 ms so. (A spelled-out pattern's few plates are best probed as the planner does.)
        if isinstance(transaction, PostgresTransaction) and _by_reversed_keys(query):
            return transaction.fetch_in_table_order(sql, params)
        return super()._select(transaction, query, sql, params)

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


def _by_reversed_keys(query: ReadQuery) -> bool:
    """Whether ``_found_by`` looks ``query``'s plates up in the reversed keys' range."""
    pattern = unspelled_pattern(query)
    return pattern is not None and bool(literal_tail(pattern))
