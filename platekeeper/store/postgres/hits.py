"""Hits in PostgreSQL."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from platekeeper.domain.hotlists import Hit, HitStatus
from platekeeper.store.hit_rows import (
    HIT_COLUMN_COUNT,
    HIT_COLUMNS,
    hit_filter_sql,
    hit_from_row,
    hit_row,
    hit_update_sql,
)
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.dialect import POSTGRES
from platekeeper.store.protocols import HitFilter

_INSERT = (
    f"INSERT INTO hits ({HIT_COLUMNS}) VALUES ({', '.join(['%s'] * HIT_COLUMN_COUNT)})"
    " ON CONFLICT DO NOTHING"
)


class PostgresHits:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def add(self, hits: Sequence[Hit]) -> list[Hit]:
        if not hits:
            return []
        added = []
        with self._db.connection() as connection:
            for hit in hits:
                row = hit_row(hit, POSTGRES.time, hit.stale)
                if connection.execute(_INSERT, row).rowcount == 1:
                    added.append(hit)
        return added

    def get(self, hit_id: str) -> Hit | None:
        with self._db.connection() as connection:
            row = connection.execute(
                f"SELECT {HIT_COLUMNS} FROM hits WHERE id = %s", (hit_id,)
            ).fetchone()
        return None if row is None else hit_from_row(row, POSTGRES.time)

    def list(self, query: HitFilter) -> list[Hit]:
        sql, params = hit_filter_sql(query, POSTGRES.time, "%s")
        with self._db.connection() as connection:
            rows = connection.execute(sql, params).fetchall()
        return [hit_from_row(row, POSTGRES.time) for row in rows]

    def count(self, status: HitStatus, list_ids: Collection[str]) -> int:
        with self._db.connection() as connection:
            row = connection.execute(
                "SELECT count(*) FROM hits WHERE status = %s AND list_id = ANY(%s)",
                (status.value, sorted(list_ids)),
            ).fetchone()
        return 0 if row is None else int(row[0])

    def update(self, hit: Hit) -> bool:
        sql, params = hit_update_sql(hit, POSTGRES.time, "%s")
        with self._db.connection() as connection:
            return connection.execute(sql, params).rowcount == 1
