"""Hot lists and their entries.

Every change a matcher must see raises one counter, ``hotlist_version``, in the same
transaction; its new value is the ``batch`` of the entries written, so a refresh can drop the
list's entries of older batches and the entries that stay keep their ids (and the hits that
name them). Entries are written with ``executemany``; a database with a faster bulk path
overrides ``_insert`` and ``_upsert``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime

from platekeeper.domain.hotlist_exclusions import HotlistExclusion
from platekeeper.domain.hotlists import (
    AlertLevel,
    EntryRecord,
    Hotlist,
    HotlistEntry,
    ListSource,
    OneOffPolicy,
)
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.protocols import ActiveEntry, HotlistFeed
from platekeeper.store.sql.database import Repository, Row, Transaction, marks
from platekeeper.store.sql.dialect import ConstraintViolation, TimeCodec, Violation

_HOTLIST_COLUMNS = (
    "id, agency_id, name, source, priority, alert_level, covert, created_at, refreshed_at,"
    " category, one_off"
)
_FEED_COLUMNS = "id, feed_location, feed_format, feed_mapping, feed_attempted_at, feed_error"
_ENTRY_COLUMNS = (
    "id, list_id, plate_text, plate_key, state, reason, entered_by, entered_at, expires_at,"
    " source_record_id, case_number, note, plate_type, plate_year, vin, vehicle_make,"
    " vehicle_model, vehicle_year, vehicle_colour, ncic_number, ori, oca, message_key, source_file"
)
WRITTEN_ENTRY_COLUMNS = f"{_ENTRY_COLUMNS}, batch"
"""An entry's columns as ``SqlHotlistEntries._rows`` gives them: its write's batch last."""
_REFRESHED = ", ".join(
    f"{column} = excluded.{column}" for column in WRITTEN_ENTRY_COLUMNS.split(", ")[2:]
)
ON_ID_CONFLICT = (
    f"ON CONFLICT (id) DO UPDATE SET {_REFRESHED} WHERE hotlist_entries.list_id = excluded.list_id"
)
"""An upsert's refresh of every column of an entry but its id and list; an id that another
list holds is left alone."""
_EXCLUSION_COLUMNS = (
    "id, list_id, agency_id, excluded_at, source_file, message_key, rule, entries,"
    " policy_sha256, excluded_by"
)
_ACTIVE_COLUMNS = "id, list_id, plate_key, state, expires_at"
_INSERT_ENTRY = f"INSERT INTO hotlist_entries ({WRITTEN_ENTRY_COLUMNS}) VALUES ({marks(25)})"
_UPSERT_ENTRY = f"{_INSERT_ENTRY} {ON_ID_CONFLICT}"


def _bump(connection: Transaction) -> int:
    """Raise the change counter inside the caller's transaction; return its new value."""
    row = connection.execute(
        "UPDATE hotlist_version SET version = version + 1 WHERE id = 1 RETURNING version"
    ).fetchone()
    assert row is not None, "migration 0005 seeds the counter"
    return int(row[0])


class SqlHotlists(Repository):
    def add(self, hotlist: Hotlist) -> None:
        try:
            with self._db.write() as connection:
                connection.execute(
                    f"INSERT INTO hotlists ({_HOTLIST_COLUMNS}) VALUES ({marks(11)})",
                    _hotlist_row(hotlist, self._time),
                )
                _bump(connection)
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {hotlist.agency_id!r} does not exist") from None
            raise Conflict(f"a hot list {hotlist.id!r} exists already") from None

    def get(self, list_id: str) -> Hotlist | None:
        row = self._fetch_one(f"SELECT {_HOTLIST_COLUMNS} FROM hotlists WHERE id = ?", (list_id,))
        return None if row is None else _hotlist_from_row(row, self._time)

    def set_feed(self, feed: HotlistFeed) -> None:
        changed = self._execute(
            "UPDATE hotlists SET feed_location = ?, feed_format = ?, feed_mapping = ?,"
            " feed_attempted_at = ?, feed_error = ? WHERE id = ?",
            (
                feed.location,
                feed.format,
                feed.mapping_json,
                self._time.optional_to_db(feed.attempted_at),
                feed.error,
                feed.list_id,
            ),
        )
        if changed == 0:
            raise NotFound(f"hot list {feed.list_id!r} does not exist")

    def set_one_off(self, list_id: str, policy: OneOffPolicy) -> bool:
        # The matcher reads the list afresh for each match: no index rebuild is needed.
        return (
            self._execute("UPDATE hotlists SET one_off = ? WHERE id = ?", (policy.value, list_id))
            == 1
        )

    def feed(self, list_id: str) -> HotlistFeed | None:
        row = self._fetch_one(f"SELECT {_FEED_COLUMNS} FROM hotlists WHERE id = ?", (list_id,))
        return None if row is None else _feed_from_row(row, self._time)

    def feeds(self) -> list[HotlistFeed]:
        rows = self._fetch_all(
            f"SELECT {_FEED_COLUMNS} FROM hotlists WHERE feed_location IS NOT NULL ORDER BY id"
        )
        return [feed for row in rows if (feed := _feed_from_row(row, self._time)) is not None]

    def record_refresh(self, list_id: str, at: datetime, error: str | None = None) -> None:
        at_db = self._time.to_db(at)
        with self._db.write() as connection:
            if error is None:
                connection.execute(
                    "UPDATE hotlists SET refreshed_at = ?, feed_attempted_at = ?,"
                    " feed_error = NULL WHERE id = ?",
                    (at_db, at_db, list_id),
                )
                _bump(connection)
            else:
                # A failed refresh changed no entry: matchers have nothing to reload.
                connection.execute(
                    "UPDATE hotlists SET feed_attempted_at = ?, feed_error = ? WHERE id = ?",
                    (at_db, error, list_id),
                )

    def record_exclusions(self, exclusions: Sequence[HotlistExclusion]) -> None:
        if not exclusions:
            return
        with self._db.write() as connection:
            connection.executemany(
                f"INSERT INTO hotlist_exclusions ({_EXCLUSION_COLUMNS}) VALUES ({marks(10)})",
                [_exclusion_row(exclusion, self._time) for exclusion in exclusions],
            )

    def exclusions(
        self, agency_id: str | None, since: datetime, until: datetime | None = None
    ) -> list[HotlistExclusion]:
        where = "excluded_at >= ?"
        params: list[object] = [self._time.to_db(since)]
        if until is not None:
            where += " AND excluded_at < ?"
            params.append(self._time.to_db(until))
        if agency_id is not None:
            where += " AND agency_id = ?"
            params.append(agency_id)
        rows = self._fetch_all(
            f"SELECT {_EXCLUSION_COLUMNS} FROM hotlist_exclusions WHERE {where}"
            " ORDER BY excluded_at, id",
            params,
        )
        return [_exclusion_from_row(row, self._time) for row in rows]

    def list(self, agency_id: str | None = None) -> list[Hotlist]:
        where, params = ("", []) if agency_id is None else (" WHERE agency_id = ?", [agency_id])
        rows = self._fetch_all(
            f"SELECT {_HOTLIST_COLUMNS} FROM hotlists{where} ORDER BY name, id", params
        )
        return [_hotlist_from_row(row, self._time) for row in rows]


class SqlHotlistEntries(Repository):
    def add(self, entries: Sequence[HotlistEntry]) -> None:
        try:
            with self._db.write() as connection:
                self._insert(connection, entries, _bump(connection))
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                lists = sorted({entry.list_id for entry in entries})
                raise NotFound(f"an entry names a hot list that does not exist ({lists})") from None
            raise Conflict("an entry with one of these ids exists already") from None

    def replace(self, list_id: str, entries: Sequence[HotlistEntry]) -> None:
        with self._db.write() as connection:
            # Locking the list's row serialises refreshes of one list.
            found = connection.execute(
                f"SELECT 1 FROM hotlists WHERE id = ?{self._dialect.for_update}", (list_id,)
            ).fetchone()
            if found is None:
                raise NotFound(f"hot list {list_id!r} does not exist")
            batch = _bump(connection)
            self._upsert(connection, entries, batch)
            connection.execute(
                "DELETE FROM hotlist_entries WHERE list_id = ? AND batch <> ?", (list_id, batch)
            )

    def _insert(self, connection: Transaction, entries: Sequence[HotlistEntry], batch: int) -> None:
        """Store ``entries`` as new rows of ``batch``."""
        connection.executemany(_INSERT_ENTRY, self._rows(entries, batch))

    def _upsert(self, connection: Transaction, entries: Sequence[HotlistEntry], batch: int) -> None:
        """Store ``entries`` in ``batch``, refreshing those whose id the list holds already."""
        connection.executemany(_UPSERT_ENTRY, self._rows(entries, batch))

    def _rows(self, entries: Sequence[HotlistEntry], batch: int) -> Iterator[Row]:
        """``entries`` as rows of ``WRITTEN_ENTRY_COLUMNS``, made one at a time so that an
        import of a million entries is not held twice."""
        return ((*_entry_row(entry, self._time), batch) for entry in entries)

    def get(self, entry_id: str) -> HotlistEntry | None:
        row = self._fetch_one(
            f"SELECT {_ENTRY_COLUMNS} FROM hotlist_entries WHERE id = ?", (entry_id,)
        )
        return None if row is None else _entry_from_row(row, self._time)

    def count(self, list_id: str) -> int:
        row = self._fetch_one("SELECT count(*) FROM hotlist_entries WHERE list_id = ?", (list_id,))
        return 0 if row is None else int(row[0])

    def identities(self, list_id: str) -> list[tuple[str, str, str | None, str | None]]:
        rows = self._fetch_all(
            "SELECT id, plate_key, state, source_record_id FROM hotlist_entries WHERE list_id = ?",
            (list_id,),
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    def set_expiry(self, entry_id: str, expires_at: datetime | None) -> bool:
        return self._change(
            "UPDATE hotlist_entries SET expires_at = ? WHERE id = ?",
            (self._time.optional_to_db(expires_at), entry_id),
        )

    def remove(self, entry_id: str) -> bool:
        return self._change("DELETE FROM hotlist_entries WHERE id = ?", (entry_id,))

    def delete_past(self, now: datetime, entered_before: datetime | None) -> int:
        """Delete every entry expired at ``now`` and, with ``entered_before``, every entry
        entered before it; the counter moves once when any went (the matcher reloads)."""
        condition = "expires_at <= ?"
        params: list[object] = [self._time.to_db(now)]
        if entered_before is not None:
            condition += " OR entered_at < ?"
            params.append(self._time.to_db(entered_before))
        with self._db.write() as connection:
            deleted = connection.execute(
                f"DELETE FROM hotlist_entries WHERE {condition}", tuple(params)
            ).rowcount
            if deleted:
                _bump(connection)
        return int(deleted)

    def _change(self, sql: str, params: Row) -> bool:
        """Change one entry; the counter moves only when one did change."""
        with self._db.write() as connection:
            changed = connection.execute(sql, params).rowcount
            if changed:
                _bump(connection)
        return changed == 1

    def by_plate_key(self, keys: Collection[str]) -> list[HotlistEntry]:
        unique = sorted(set(keys))
        if not unique:
            return []
        rows = self._fetch_all(
            f"SELECT {_ENTRY_COLUMNS} FROM hotlist_entries"
            f" WHERE {self._dialect.member('plate_key')} ORDER BY plate_key, id",
            (self._dialect.array(unique),),
        )
        return [_entry_from_row(row, self._time) for row in rows]

    def active(self, now: datetime) -> list[ActiveEntry]:
        rows = self._fetch_all(
            f"SELECT {_ACTIVE_COLUMNS} FROM hotlist_entries"
            " WHERE expires_at IS NULL OR expires_at > ?",
            (self._time.to_db(now),),
        )
        until = self._time.optional_from_db
        return [
            ActiveEntry(id_, list_id, key, state, until(expires))
            for id_, list_id, key, state, expires in rows
        ]

    def version(self) -> int:
        row = self._fetch_one("SELECT version FROM hotlist_version WHERE id = 1")
        return 0 if row is None else int(row[0])

    def provenances(self) -> list[tuple[str, str | None, str | None, int]]:
        rows = self._fetch_all(
            "SELECT list_id, source_file, message_key, count(*) FROM hotlist_entries"
            " WHERE source_file IS NOT NULL OR message_key IS NOT NULL"
            " GROUP BY list_id, source_file, message_key ORDER BY list_id"
        )
        return [(row[0], row[1], row[2], int(row[3])) for row in rows]

    def remove_provenance(
        self, list_id: str, source_file: str | None, message_key: str | None
    ) -> int:
        # Neither is ever stored empty (the import makes an empty value None), so '' stands
        # for NULL in a comparison both databases make alike.
        with self._db.write() as connection:
            deleted = connection.execute(
                "DELETE FROM hotlist_entries WHERE list_id = ?"
                " AND coalesce(source_file, '') = ? AND coalesce(message_key, '') = ?",
                (list_id, source_file or "", message_key or ""),
            ).rowcount
            if deleted:
                _bump(connection)
        return int(deleted)

    def list(self, list_id: str, limit: int = 1000, offset: int = 0) -> list[HotlistEntry]:
        rows = self._fetch_all(
            f"SELECT {_ENTRY_COLUMNS} FROM hotlist_entries WHERE list_id = ?"
            " ORDER BY plate_key, id LIMIT ? OFFSET ?",
            (list_id, limit, offset),
        )
        return [_entry_from_row(row, self._time) for row in rows]


def _hotlist_row(hotlist: Hotlist, time: TimeCodec) -> Row:
    return (
        hotlist.id,
        hotlist.agency_id,
        hotlist.name,
        hotlist.source.value,
        hotlist.priority,
        hotlist.alert_level.value,
        # A bool: sqlite3 stores it as 1 or 0, PostgreSQL as a boolean.
        hotlist.covert,
        time.to_db(hotlist.created_at),
        time.optional_to_db(hotlist.refreshed_at),
        hotlist.category.value,
        hotlist.one_off.value,
    )


def _hotlist_from_row(row: Row, time: TimeCodec) -> Hotlist:
    return Hotlist(
        id=row[0],
        agency_id=row[1],
        name=row[2],
        source=ListSource(row[3]),
        priority=row[4],
        alert_level=AlertLevel(row[5]),
        covert=bool(row[6]),
        created_at=time.from_db(row[7]),
        refreshed_at=time.optional_from_db(row[8]),
        category=PurposeCategory(row[9]),
        one_off=OneOffPolicy(row[10]),
    )


def _feed_from_row(row: Row, time: TimeCodec) -> HotlistFeed | None:
    if row[1] is None:
        return None
    return HotlistFeed(row[0], row[1], row[2], row[3], time.optional_from_db(row[4]), row[5])


def _entry_row(entry: HotlistEntry, time: TimeCodec) -> Row:
    return (
        entry.id,
        entry.list_id,
        entry.plate_text,
        entry.plate_key,
        entry.state,
        entry.reason,
        entry.entered_by,
        time.to_db(entry.entered_at),
        time.optional_to_db(entry.expires_at),
        entry.source_record_id,
        entry.case_number,
        entry.note,
        *_record_row(entry.record),
    )


def _record_row(record: EntryRecord) -> Row:
    return (
        record.plate_type,
        record.plate_year,
        record.vin,
        record.make,
        record.model,
        record.vehicle_year,
        record.colour,
        record.ncic_number,
        record.ori,
        record.oca,
        record.message_key,
        record.source_file,
    )


def _entry_from_row(row: Row, time: TimeCodec) -> HotlistEntry:
    return HotlistEntry(
        id=row[0],
        list_id=row[1],
        plate_text=row[2],
        state=row[4],
        reason=row[5],
        entered_by=row[6],
        entered_at=time.from_db(row[7]),
        expires_at=time.optional_from_db(row[8]),
        source_record_id=row[9],
        case_number=row[10],
        note=row[11],
        record=EntryRecord(*row[12:24]),
    )


def _exclusion_row(exclusion: HotlistExclusion, time: TimeCodec) -> Row:
    return (
        exclusion.id,
        exclusion.list_id,
        exclusion.agency_id,
        time.to_db(exclusion.excluded_at),
        exclusion.source_file,
        exclusion.message_key,
        exclusion.rule,
        exclusion.entries,
        exclusion.policy_sha256,
        exclusion.excluded_by,
    )


def _exclusion_from_row(row: Row, time: TimeCodec) -> HotlistExclusion:
    return HotlistExclusion(
        id=row[0],
        list_id=row[1],
        agency_id=row[2],
        excluded_at=time.from_db(row[3]),
        source_file=row[4],
        message_key=row[5],
        rule=row[6],
        entries=int(row[7]),
        policy_sha256=row[8],
        excluded_by=row[9],
    )
