"""Hits in SQLite."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import orjson

from platekeeper.domain.hotlists import Hit, HitStatus
from platekeeper.store.hit_rows import (
    HIT_COLUMN_COUNT,
    HIT_COLUMNS,
    hit_filter_sql,
    hit_from_row,
    hit_row,
    hit_update_sql,
)
from platekeeper.store.protocols import HitFilter
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.dialect import SQLITE

_INSERT = (
    f"INSERT INTO hits ({HIT_COLUMNS}) VALUES ({', '.join('?' * HIT_COLUMN_COUNT)})"
    " ON CONFLICT DO NOTHING"
)


class SqliteHits:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, hits: Sequence[Hit]) -> list[Hit]:
        if not hits:
            return []
        added = []
        with self._db.write() as connection:
            for hit in hits:
                row = hit_row(hit, SQLITE.time, int(hit.stale))
                if connection.execute(_INSERT, row).rowcount == 1:
                    added.append(hit)
        return added

    def get(self, hit_id: str) -> Hit | None:
        row = self._db.fetch_one(f"SELECT {HIT_COLUMNS} FROM hits WHERE id = ?", (hit_id,))
        return None if row is None else hit_from_row(row, SQLITE.time)

    def list(self, query: HitFilter) -> list[Hit]:
        sql, params = hit_filter_sql(query, SQLITE.time, "?")
        return [hit_from_row(row, SQLITE.time) for row in self._db.fetch_all(sql, params)]

    def count(self, status: HitStatus, list_ids: Collection[str]) -> int:
        row = self._db.fetch_one(
            "SELECT count(*) FROM hits WHERE status = ?"
            " AND list_id IN (SELECT value FROM json_each(?))",
            (status.value, orjson.dumps(sorted(list_ids)).decode()),
        )
        return 0 if row is None else int(row[0])

    def update(self, hit: Hit) -> bool:
        sql, params = hit_update_sql(hit, SQLITE.time, "?")
        with self._db.write() as connection:
            return connection.execute(sql, params).rowcount == 1
