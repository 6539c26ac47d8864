"""The plate index in PostgreSQL: a batch's plates added in one statement."""

from __future__ import annotations

from typing import Any

from platekeeper.store.sql.database import Transaction
from platekeeper.store.sql.plate_index import SqlPlateIndex, upsert_sql

_UPSERT_ARRAYS = upsert_sql(
    "SELECT * FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::bigint[])"
)


class PostgresPlateIndex(SqlPlateIndex):
    def _upsert(self, transaction: Transaction, rows: list[tuple[Any, ...]]) -> None:
        # One statement over arrays, not one per plate: at tens of millions of plates each
        # new plate's index entries cost the server its time, and a statement per plate added
        # as much again (ingest into a 51 M store).
        if rows:
            columns = [list(column) for column in zip(*rows, strict=True)]
            transaction.execute(_UPSERT_ARRAYS, columns)
