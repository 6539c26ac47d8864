"""Hot lists and their entries in SQLite."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from datetime import datetime

from platekeeper.domain.hotlists import Hotlist, HotlistEntry
from platekeeper.domain.time import from_epoch_us, to_epoch_us
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.hotlist_rows import (
    ACTIVE_COLUMNS,
    ENTRY_COLUMN_COUNT,
    ENTRY_COLUMNS,
    ENTRY_UPDATES,
    FEED_COLUMNS,
    HOTLIST_COLUMN_COUNT,
    HOTLIST_COLUMNS,
    entry_from_row,
    entry_row,
    feed_from_row,
    hotlist_from_row,
    hotlist_row,
)
from platekeeper.store.protocols import ActiveEntry, HotlistFeed
from platekeeper.store.sql.dialect import ConstraintViolation, Violation
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.dialect import SQLITE

_INSERT_ENTRY = (
    f"INSERT INTO hotlist_entries ({ENTRY_COLUMNS}, batch)"
    f" VALUES ({', '.join('?' * (ENTRY_COLUMN_COUNT + 1))})"
)
_UPSERT_ENTRY = (
    f"{_INSERT_ENTRY} ON CONFLICT (id) DO UPDATE SET {ENTRY_UPDATES}"
    " WHERE hotlist_entries.list_id = excluded.list_id"
)
# SQLite's limit on bound parameters is 32766; stay well below it.
_KEYS_PER_QUERY = 500


def _bump(connection: sqlite3.Connection) -> int:
    """Raise the change counter inside the caller's transaction; return its new value."""
    row = connection.execute(
        "UPDATE hotlist_version SET version = version + 1 WHERE id = 1 RETURNING version"
    ).fetchone()
    return int(row[0])


class SqliteHotlists:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, hotlist: Hotlist) -> None:
        row = hotlist_row(hotlist, SQLITE.time, int(hotlist.covert))
        try:
            with self._db.write() as connection:
                connection.execute(
                    f"INSERT INTO hotlists ({HOTLIST_COLUMNS})"
                    f" VALUES ({', '.join('?' * HOTLIST_COLUMN_COUNT)})",
                    row,
                )
                _bump(connection)
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {hotlist.agency_id!r} does not exist") from None
            raise Conflict(f"a hot list {hotlist.id!r} exists already") from None

    def get(self, list_id: str) -> Hotlist | None:
        row = self._db.fetch_one(f"SELECT {HOTLIST_COLUMNS} FROM hotlists WHERE id = ?", (list_id,))
        return None if row is None else hotlist_from_row(row, SQLITE.time)

    def set_feed(self, feed: HotlistFeed) -> None:
        with self._db.write() as connection:
            cursor = connection.execute(
                "UPDATE hotlists SET feed_location = ?, feed_format = ?, feed_mapping = ?,"
                " feed_attempted_at = ?, feed_error = ? WHERE id = ?",
                (
                    feed.location,
                    feed.format,
                    feed.mapping_json,
                    SQLITE.time.optional_to_db(feed.attempted_at),
                    feed.error,
                    feed.list_id,
                ),
            )
        if cursor.rowcount == 0:
            raise NotFound(f"hot list {feed.list_id!r} does not exist")

    def feed(self, list_id: str) -> HotlistFeed | None:
        row = self._db.fetch_one(f"SELECT {FEED_COLUMNS} FROM hotlists WHERE id = ?", (list_id,))
        return None if row is None else feed_from_row(row, SQLITE.time)

    def feeds(self) -> list[HotlistFeed]:
        rows = self._db.fetch_all(
            f"SELECT {FEED_COLUMNS} FROM hotlists WHERE feed_location IS NOT NULL ORDER BY id"
        )
        return [feed for row in rows if (feed := feed_from_row(row, SQLITE.time)) is not None]

    def record_refresh(self, list_id: str, at: datetime, error: str | None = None) -> None:
        with self._db.write() as connection:
            if error is None:
                connection.execute(
                    "UPDATE hotlists SET refreshed_at = ?, feed_attempted_at = ?,"
                    " feed_error = NULL WHERE id = ?",
                    (to_epoch_us(at), to_epoch_us(at), list_id),
                )
                _bump(connection)
            else:
                connection.execute(
                    "UPDATE hotlists SET feed_attempted_at = ?, feed_error = ? WHERE id = ?",
                    (to_epoch_us(at), error, list_id),
                )

    def list(self, agency_id: str | None = None) -> list[Hotlist]:
        where, params = ("", []) if agency_id is None else (" WHERE agency_id = ?", [agency_id])
        rows = self._db.fetch_all(
            f"SELECT {HOTLIST_COLUMNS} FROM hotlists{where} ORDER BY name, id", params
        )
        return [hotlist_from_row(row, SQLITE.time) for row in rows]


class SqliteHotlistEntries:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, entries: Sequence[HotlistEntry]) -> None:
        try:
            with self._db.write() as connection:
                batch = _bump(connection)
                connection.executemany(_INSERT_ENTRY, self._rows(entries, batch))
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                lists = sorted({entry.list_id for entry in entries})
                raise NotFound(f"an entry names a hot list that does not exist ({lists})") from None
            raise Conflict("an entry with one of these ids exists already") from None

    def replace(self, list_id: str, entries: Sequence[HotlistEntry]) -> None:
        with self._db.write() as connection:
            if (
                connection.execute("SELECT 1 FROM hotlists WHERE id = ?", (list_id,)).fetchone()
                is None
            ):
                raise NotFound(f"hot list {list_id!r} does not exist")
            batch = _bump(connection)
            connection.executemany(_UPSERT_ENTRY, self._rows(entries, batch))
            connection.execute(
                "DELETE FROM hotlist_entries WHERE list_id = ? AND batch <> ?", (list_id, batch)
            )

    @staticmethod
    def _rows(entries: Sequence[HotlistEntry], batch: int) -> list[tuple[object, ...]]:
        return [(*entry_row(entry, SQLITE.time), batch) for entry in entries]

    def get(self, entry_id: str) -> HotlistEntry | None:
        row = self._db.fetch_one(
            f"SELECT {ENTRY_COLUMNS} FROM hotlist_entries WHERE id = ?", (entry_id,)
        )
        return None if row is None else entry_from_row(row, SQLITE.time)

    def count(self, list_id: str) -> int:
        row = self._db.fetch_one(
            "SELECT count(*) FROM hotlist_entries WHERE list_id = ?", (list_id,)
        )
        return 0 if row is None else int(row[0])

    def identities(self, list_id: str) -> list[tuple[str, str, str | None, str | None]]:
        return [
            (row[0], row[1], row[2], row[3])
            for row in self._db.fetch_all(
                "SELECT id, plate_key, state, source_record_id FROM hotlist_entries"
                " WHERE list_id = ?",
                (list_id,),
            )
        ]

    def set_expiry(self, entry_id: str, expires_at: datetime | None) -> bool:
        with self._db.write() as connection:
            cursor = connection.execute(
                "UPDATE hotlist_entries SET expires_at = ? WHERE id = ?",
                (SQLITE.time.optional_to_db(expires_at), entry_id),
            )
            if cursor.rowcount:
                _bump(connection)
        return cursor.rowcount == 1

    def remove(self, entry_id: str) -> bool:
        with self._db.write() as connection:
            cursor = connection.execute("DELETE FROM hotlist_entries WHERE id = ?", (entry_id,))
            if cursor.rowcount:
                _bump(connection)
        return cursor.rowcount == 1

    def by_plate_key(self, keys: Collection[str]) -> list[HotlistEntry]:
        unique = sorted(set(keys))
        found: list[HotlistEntry] = []
        for start in range(0, len(unique), _KEYS_PER_QUERY):
            chunk = unique[start : start + _KEYS_PER_QUERY]
            rows = self._db.fetch_all(
                f"SELECT {ENTRY_COLUMNS} FROM hotlist_entries"
                f" WHERE plate_key IN ({', '.join('?' * len(chunk))}) ORDER BY plate_key, id",
                chunk,
            )
            found.extend(entry_from_row(row, SQLITE.time) for row in rows)
        return found

    def active(self, now: datetime) -> list[ActiveEntry]:
        rows = self._db.fetch_all(
            f"SELECT {ACTIVE_COLUMNS} FROM hotlist_entries"
            " WHERE expires_at IS NULL OR expires_at > ?",
            (to_epoch_us(now),),
        )
        return [
            ActiveEntry(id_, list_id, key, state, None if until is None else from_epoch_us(until))
            for id_, list_id, key, state, until in rows
        ]

    def version(self) -> int:
        row = self._db.fetch_one("SELECT version FROM hotlist_version WHERE id = 1")
        return 0 if row is None else int(row[0])

    def list(self, list_id: str, limit: int = 1000, offset: int = 0) -> list[HotlistEntry]:
        rows = self._db.fetch_all(
            f"SELECT {ENTRY_COLUMNS} FROM hotlist_entries WHERE list_id = ?"
            " ORDER BY plate_key, id LIMIT ? OFFSET ?",
            (list_id, limit, offset),
        )
        return [entry_from_row(row, SQLITE.time) for row in rows]
