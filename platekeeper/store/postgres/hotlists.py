"""Hot lists and their entries in PostgreSQL. Entries arrive by ``COPY`` into a temporary table
and move in one statement: an import of a million rows takes seconds, not minutes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from psycopg import Connection, errors

from platekeeper.domain.hotlists import Hotlist, HotlistEntry
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.hotlist_rows import (
    ACTIVE_COLUMNS,
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
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.dialect import POSTGRES
from platekeeper.store.protocols import ActiveEntry, HotlistFeed

_MOVE = (
    f"INSERT INTO hotlist_entries ({ENTRY_COLUMNS}, batch)"
    f" SELECT {ENTRY_COLUMNS}, batch FROM incoming_entries"
)
_MOVE_UPSERT = (
    f"{_MOVE} ON CONFLICT (id) DO UPDATE SET {ENTRY_UPDATES}"
    " WHERE hotlist_entries.list_id = excluded.list_id"
)


def _bump(connection: Connection) -> int:
    """Raise the change counter inside the caller's transaction; return its new value."""
    row = connection.execute(
        "UPDATE hotlist_version SET version = version + 1 WHERE id = 1 RETURNING version"
    ).fetchone()
    assert row is not None, "migration 0005 seeds the counter"
    return int(row[0])


def _copy_in(connection: Connection, entries: Sequence[HotlistEntry], batch: int) -> None:
    connection.execute("CREATE TEMP TABLE incoming_entries (LIKE hotlist_entries) ON COMMIT DROP")
    with connection.cursor().copy(
        f"COPY incoming_entries ({ENTRY_COLUMNS}, batch) FROM STDIN"
    ) as copy:
        for entry in entries:
            copy.write_row((*entry_row(entry, POSTGRES.time), batch))


class PostgresHotlists:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def add(self, hotlist: Hotlist) -> None:
        row = hotlist_row(hotlist, POSTGRES.time, hotlist.covert)
        try:
            with self._db.connection() as connection, connection.transaction():
                connection.execute(
                    f"INSERT INTO hotlists ({HOTLIST_COLUMNS})"
                    f" VALUES ({', '.join(['%s'] * HOTLIST_COLUMN_COUNT)})",
                    row,
                )
                _bump(connection)
        except errors.ForeignKeyViolation:
            raise NotFound(f"agency {hotlist.agency_id!r} does not exist") from None
        except errors.IntegrityError:
            raise Conflict(f"a hot list {hotlist.id!r} exists already") from None

    def get(self, list_id: str) -> Hotlist | None:
        with self._db.connection() as connection:
            row = connection.execute(
                f"SELECT {HOTLIST_COLUMNS} FROM hotlists WHERE id = %s", (list_id,)
            ).fetchone()
        return None if row is None else hotlist_from_row(row, POSTGRES.time)

    def set_feed(self, feed: HotlistFeed) -> None:
        with self._db.connection() as connection:
            cursor = connection.execute(
                "UPDATE hotlists SET feed_location = %s, feed_format = %s, feed_mapping = %s,"
                " feed_attempted_at = %s, feed_error = %s WHERE id = %s",
                (
                    feed.location,
                    feed.format,
                    feed.mapping_json,
                    feed.attempted_at,
                    feed.error,
                    feed.list_id,
                ),
            )
        if cursor.rowcount == 0:
            raise NotFound(f"hot list {feed.list_id!r} does not exist")

    def feed(self, list_id: str) -> HotlistFeed | None:
        with self._db.connection() as connection:
            row = connection.execute(
                f"SELECT {FEED_COLUMNS} FROM hotlists WHERE id = %s", (list_id,)
            ).fetchone()
        return None if row is None else feed_from_row(row, POSTGRES.time)

    def feeds(self) -> list[HotlistFeed]:
        with self._db.connection() as connection:
            rows = connection.execute(
                f"SELECT {FEED_COLUMNS} FROM hotlists WHERE feed_location IS NOT NULL ORDER BY id"
            ).fetchall()
        return [feed for row in rows if (feed := feed_from_row(row, POSTGRES.time)) is not None]

    def record_refresh(self, list_id: str, at: datetime, error: str | None = None) -> None:
        with self._db.connection() as connection, connection.transaction():
            if error is None:
                connection.execute(
                    "UPDATE hotlists SET refreshed_at = %s, feed_attempted_at = %s,"
                    " feed_error = NULL WHERE id = %s",
                    (at, at, list_id),
                )
                _bump(connection)
            else:
                connection.execute(
                    "UPDATE hotlists SET feed_attempted_at = %s, feed_error = %s WHERE id = %s",
                    (at, error, list_id),
                )

    def list(self, agency_id: str | None = None) -> list[Hotlist]:
        where, params = ("", []) if agency_id is None else (" WHERE agency_id = %s", [agency_id])
        with self._db.connection() as connection:
            rows = connection.execute(
                f"SELECT {HOTLIST_COLUMNS} FROM hotlists{where} ORDER BY name, id", params
            ).fetchall()
        return [hotlist_from_row(row, POSTGRES.time) for row in rows]


class PostgresHotlistEntries:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def add(self, entries: Sequence[HotlistEntry]) -> None:
        try:
            with self._db.connection() as connection, connection.transaction():
                _copy_in(connection, entries, _bump(connection))
                connection.execute(_MOVE)
        except errors.ForeignKeyViolation:
            lists = sorted({entry.list_id for entry in entries})
            raise NotFound(f"an entry names a hot list that does not exist ({lists})") from None
        except errors.UniqueViolation:
            raise Conflict("an entry with one of these ids exists already") from None

    def replace(self, list_id: str, entries: Sequence[HotlistEntry]) -> None:
        with self._db.connection() as connection, connection.transaction():
            # Locking the list's row serialises refreshes of one list.
            found = connection.execute(
                "SELECT 1 FROM hotlists WHERE id = %s FOR UPDATE", (list_id,)
            ).fetchone()
            if found is None:
                raise NotFound(f"hot list {list_id!r} does not exist")
            batch = _bump(connection)
            _copy_in(connection, entries, batch)
            connection.execute(_MOVE_UPSERT)
            connection.execute(
                "DELETE FROM hotlist_entries WHERE list_id = %s AND batch <> %s", (list_id, batch)
            )

    def get(self, entry_id: str) -> HotlistEntry | None:
        with self._db.connection() as connection:
            row = connection.execute(
                f"SELECT {ENTRY_COLUMNS} FROM hotlist_entries WHERE id = %s", (entry_id,)
            ).fetchone()
        return None if row is None else entry_from_row(row, POSTGRES.time)

    def count(self, list_id: str) -> int:
        with self._db.connection() as connection:
            row = connection.execute(
                "SELECT count(*) FROM hotlist_entries WHERE list_id = %s", (list_id,)
            ).fetchone()
        return 0 if row is None else int(row[0])

    def identities(self, list_id: str) -> list[tuple[str, str, str | None, str | None]]:
        with self._db.connection() as connection:
            rows = connection.execute(
                "SELECT id, plate_key, state, source_record_id FROM hotlist_entries"
                " WHERE list_id = %s",
                (list_id,),
            ).fetchall()
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    def set_expiry(self, entry_id: str, expires_at: datetime | None) -> bool:
        with self._db.connection() as connection, connection.transaction():
            cursor = connection.execute(
                "UPDATE hotlist_entries SET expires_at = %s WHERE id = %s", (expires_at, entry_id)
            )
            if cursor.rowcount:
                _bump(connection)
        return cursor.rowcount == 1

    def remove(self, entry_id: str) -> bool:
        with self._db.connection() as connection, connection.transaction():
            cursor = connection.execute("DELETE FROM hotlist_entries WHERE id = %s", (entry_id,))
            if cursor.rowcount:
                _bump(connection)
        return cursor.rowcount == 1

    def by_plate_key(self, keys: Collection[str]) -> list[HotlistEntry]:
        with self._db.connection() as connection:
            rows = connection.execute(
                f"SELECT {ENTRY_COLUMNS} FROM hotlist_entries WHERE plate_key = ANY(%s)"
                " ORDER BY plate_key, id",
                (sorted(set(keys)),),
            ).fetchall()
        return [entry_from_row(row, POSTGRES.time) for row in rows]

    def active(self, now: datetime) -> list[ActiveEntry]:
        with self._db.connection() as connection:
            rows = connection.execute(
                f"SELECT {ACTIVE_COLUMNS} FROM hotlist_entries"
                " WHERE expires_at IS NULL OR expires_at > %s",
                (now,),
            ).fetchall()
        return [
            ActiveEntry(
                id_, list_id, key, state, None if until is None else POSTGRES.time.from_db(until)
            )
            for id_, list_id, key, state, until in rows
        ]

    def version(self) -> int:
        with self._db.connection() as connection:
            row = connection.execute("SELECT version FROM hotlist_version WHERE id = 1").fetchone()
        return 0 if row is None else int(row[0])

    def list(self, list_id: str, limit: int = 1000, offset: int = 0) -> list[HotlistEntry]:
        with self._db.connection() as connection:
            rows = connection.execute(
                f"SELECT {ENTRY_COLUMNS} FROM hotlist_entries WHERE list_id = %s"
                " ORDER BY plate_key, id LIMIT %s OFFSET %s",
                (list_id, limit, offset),
            ).fetchall()
        return [entry_from_row(row, POSTGRES.time) for row in rows]
