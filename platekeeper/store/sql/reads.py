"""Plate reads: what every database asks of them the same way. Each backend's ``Reads``
subclass adds the paths it tunes for itself (inserting, fetching one, deleting, the oldest
read, counts per minute) and says how its expired reads are found."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any

from platekeeper.domain import PlateRead
from platekeeper.domain.holds import Exemptions
from platekeeper.domain.ids import read_id_lower_bound, read_id_upper_bound
from platekeeper.domain.plates import CONFUSABLE_CLASSES, fold_confusables
from platekeeper.store.protocols import PurgedReads, ReadQuery, ReadStats
from platekeeper.store.retention_rows import purged_counts_from
from platekeeper.store.rows import READ_COLUMNS, read_from_row
from platekeeper.store.sql.database import Repository
from platekeeper.store.sql.dialect import TimeCodec


class SqlReads(Repository, ABC):
    # Read ids sort by capture time (``platekeeper.domain.ids``): where the primary key is the
    # read's index, bounding the ids by the time range lets it find the range.
    _BOUND_IDS = False

    def find(self, query: ReadQuery) -> list[PlateRead]:
        sql, params = read_query_sql(
            query, READ_COLUMNS, time=self._time, bound_ids=self._BOUND_IDS
        )
        return [read_from_row(row, self._time) for row in self._fetch_all(sql, params)]

    def count_expired(
        self, captured_before: datetime, *, hit_reads: bool, exempt: Exemptions
    ) -> PurgedReads:
        where, params = self._expired_where(captured_before, hit_reads, exempt)
        row = self._fetch_one(
            "SELECT count(*), count(crop_ref) + count(image_ref), min(captured_at),"
            f" max(captured_at) FROM reads WHERE {where}",
            params,
        )
        return purged_counts_from(row, self._time)

    def stats(self) -> ReadStats:
        row = self._fetch_one("SELECT count(*), min(captured_at), max(captured_at) FROM reads")
        count, oldest, newest = row if row is not None else (0, None, None)
        return ReadStats(
            read_count=count,
            oldest_captured_at=self._time.optional_from_db(oldest),
            newest_captured_at=self._time.optional_from_db(newest),
        )

    @abstractmethod
    def _expired_where(
        self, captured_before: datetime, hit_reads: bool, exempt: Exemptions
    ) -> tuple[str, tuple[Any, ...]]:
        """The condition on ``reads`` (and its parameters) of the reads a purge may take."""


def read_query_sql(
    query: ReadQuery, columns: str, *, time: TimeCodec, bound_ids: bool = False
) -> tuple[str, list[Any]]:
    """``SELECT columns FROM reads ...`` for ``query``, newest first, with its parameters.

    With ``bound_ids`` the time range also bounds the read ids, which sort by capture time
    (``platekeeper.domain.ids``), so that the primary key's index finds the range.
    """
    where, params = read_where_sql(query, time=time, bound_ids=bound_ids)
    order = " ORDER BY captured_at DESC, id DESC LIMIT ?"
    return f"SELECT {columns} FROM reads{where}{order}", [*params, query.limit]


def read_where_sql(
    query: ReadQuery, *, time: TimeCodec, bound_ids: bool = False
) -> tuple[str, list[Any]]:
    """The ``WHERE`` clause of ``query`` (empty without bounds) and its parameters; its limit
    is not part of it."""
    start, end = query.captured_from, query.captured_before
    area = query.area
    key, like = query.plate_key, query.plate_like
    column = "plate_key"
    if query.misread_tolerant:
        column = _FOLDED_PLATE_KEY
        key = None if key is None else fold_confusables(key)
        like = None if like is None else fold_confusables(like)
    conditions = [
        (f"{column} = ?", key),
        # Plate keys are upper-case letters and digits, so LIKE's case rules never matter.
        (f"{column} LIKE ?", like),
        ("camera_id = ?", query.camera_id),
        ("camera_id IN (SELECT id FROM cameras WHERE agency_id = ?)", query.agency_id),
        ("captured_at >= ?", time.optional_to_db(start)),
        ("captured_at < ?", time.optional_to_db(end)),
    ]
    if bound_ids:
        conditions += [
            ("id >= ?", None if start is None else read_id_lower_bound(start)),
            ("id < ?", None if end is None else read_id_upper_bound(end)),
        ]
    present = [(clause, value) for clause, value in conditions if value is not None]
    clauses = [clause for clause, _ in present]
    params: list[Any] = [value for _, value in present]
    if area is not None:
        clauses.append(_AREA)
        params += [area.south, area.north, area.west, area.east] * 2
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return where, params


def _folded(column: str) -> str:
    """SQL folding ``column`` as ``fold_confusables`` does, in SQLite and PostgreSQL alike."""
    for group in CONFUSABLE_CLASSES:
        for look_alike in group[1:]:
            column = f"REPLACE({column}, '{look_alike}', '{group[0]}')"
    return column


_FOLDED_PLATE_KEY = _folded("plate_key")

# A read carries its own position when it came from a mobile camera; a fixed camera's reads are
# where the camera stands.
_AREA = (
    "((latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?)"
    " OR (latitude IS NULL AND camera_id IN (SELECT id FROM cameras"
    " WHERE latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?)))"
)
