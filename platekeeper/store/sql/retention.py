"""Legal holds, the purge ledger and image bucket keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from platekeeper.domain.holds import LegalHold, PlateSpan
from platekeeper.domain.purges import ClassPurge, PurgeLedgerEntry
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.sql.database import Repository, Row, marks
from platekeeper.store.sql.dialect import ConstraintViolation, JsonCodec, TimeCodec, Violation

_HOLD_COLUMNS = (
    "id, agency_id, case_number, reason, requested_by, requested_at, expires_at, plate_key,"
    " captured_from, captured_before, approved_by, approved_at, released_by, released_at"
)
_LEDGER_COLUMNS = "id, started_at, finished_at, dry_run, classes, buckets_destroyed"


class SqlLegalHolds(Repository):
    def add(self, hold: LegalHold) -> None:
        try:
            with self._db.write() as connection:
                connection.execute(
                    f"INSERT INTO legal_holds ({_HOLD_COLUMNS}) VALUES ({marks(14)})",
                    _hold_row(hold, self._time),
                )
                connection.executemany(
                    "INSERT INTO held_reads (hold_id, read_id) VALUES (?, ?)",
                    [(hold.id, read_id) for read_id in sorted(set(hold.read_ids))],
                )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {hold.agency_id!r} does not exist") from None
            raise Conflict(f"hold {hold.id} already exists") from None

    def get(self, hold_id: str) -> LegalHold | None:
        holds = self._select("WHERE id = ?", (hold_id,))
        return holds[0] if holds else None

    def in_force(self, now: datetime) -> list[LegalHold]:
        return self._select(
            "WHERE released_at IS NULL AND expires_at > ? ORDER BY requested_at",
            (self._time.to_db(now),),
        )

    def approve(self, hold: LegalHold) -> bool:
        changed = self._execute(
            "UPDATE legal_holds SET approved_by = ?, approved_at = ?"
            " WHERE id = ? AND approved_at IS NULL AND released_at IS NULL",
            (hold.approved_by, self._time.optional_to_db(hold.approved_at), hold.id),
        )
        return changed == 1

    def close(self, hold: LegalHold) -> bool:
        changed = self._execute(
            "UPDATE legal_holds SET released_by = ?, released_at = ?"
            " WHERE id = ? AND released_at IS NULL",
            (hold.released_by, self._time.optional_to_db(hold.released_at), hold.id),
        )
        return changed == 1

    def _select(self, tail: str, params: Row) -> list[LegalHold]:
        """The holds ``tail`` picks, each with the reads it names."""
        with self._db.read() as connection:
            rows = connection.execute(
                f"SELECT {_HOLD_COLUMNS} FROM legal_holds {tail}", params
            ).fetchall()
            held = connection.execute(
                "SELECT hold_id, read_id FROM held_reads"
                f" WHERE {self._dialect.member('hold_id')} ORDER BY read_id",
                (self._dialect.array([row[0] for row in rows]),),
            ).fetchall()
        read_ids: dict[str, list[str]] = {}
        for hold_id, read_id in held:
            read_ids.setdefault(hold_id, []).append(read_id)
        return [_hold_from_row(row, tuple(read_ids.get(row[0], ())), self._time) for row in rows]

    def list(self, agency_id: str | None = None, limit: int = 100) -> list[LegalHold]:
        where, params = ("", ()) if agency_id is None else ("WHERE agency_id = ?", (agency_id,))
        return self._select(f"{where} ORDER BY requested_at DESC, id LIMIT ?", (*params, limit))


class SqlPurgeLedger(Repository):
    def add(self, entry: PurgeLedgerEntry) -> None:
        self._execute(
            f"INSERT INTO purge_ledger ({_LEDGER_COLUMNS}) VALUES ({marks(6)})",
            _ledger_row(entry, self._time, self._dialect.json),
        )

    def delete_started_before(self, instant: datetime) -> int:
        return self._execute(
            "DELETE FROM purge_ledger WHERE started_at < ?", (self._time.to_db(instant),)
        )

    def list(self, limit: int = 100) -> list[PurgeLedgerEntry]:
        rows = self._fetch_all(
            f"SELECT {_LEDGER_COLUMNS} FROM purge_ledger ORDER BY started_at DESC, id LIMIT ?",
            (limit,),
        )
        return [_ledger_from_row(row, self._time, self._dialect.json) for row in rows]


class SqlImageKeys(Repository):
    def get(self, bucket: str) -> bytes | None:
        row = self._fetch_one("SELECT wrapped_key FROM image_keys WHERE bucket = ?", (bucket,))
        return None if row is None or row[0] is None else bytes(row[0])

    def add(self, bucket: str, wrapped_key: bytes, at: datetime) -> bytes:
        with self._db.write() as connection:
            # A destroyed bucket takes a new key: images written to it from now on are readable,
            # the old ones stay shredded.
            connection.execute(
                "INSERT INTO image_keys (bucket, wrapped_key, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (bucket) DO UPDATE SET wrapped_key = excluded.wrapped_key,"
                " created_at = excluded.created_at, destroyed_at = NULL"
                " WHERE image_keys.wrapped_key IS NULL",
                (bucket, wrapped_key, self._time.to_db(at)),
            )
            row = connection.execute(
                "SELECT wrapped_key FROM image_keys WHERE bucket = ?", (bucket,)
            ).fetchone()
        assert row is not None, "the statement before wrote the row"
        return bytes(row[0])

    def destroy(self, bucket: str, at: datetime) -> bool:
        with self._db.write() as connection:
            if self._dialect.secure_delete_sql is not None:
                connection.execute(self._dialect.secure_delete_sql)
            changed = connection.execute(
                "UPDATE image_keys SET wrapped_key = NULL, destroyed_at = ?"
                " WHERE bucket = ? AND wrapped_key IS NOT NULL",
                (self._time.to_db(at), bucket),
            ).rowcount
        return changed == 1

    def live(self) -> list[str]:
        rows = self._fetch_all(
            "SELECT bucket FROM image_keys WHERE wrapped_key IS NOT NULL ORDER BY bucket"
        )
        return [row[0] for row in rows]


def _hold_row(hold: LegalHold, time: TimeCodec) -> Row:
    span = hold.plates
    return (
        hold.id,
        hold.agency_id,
        hold.case_number,
        hold.reason,
        hold.requested_by,
        time.to_db(hold.requested_at),
        time.to_db(hold.expires_at),
        None if span is None else span.plate_key,
        None if span is None else time.to_db(span.captured_from),
        None if span is None else time.to_db(span.captured_before),
        hold.approved_by,
        time.optional_to_db(hold.approved_at),
        hold.released_by,
        time.optional_to_db(hold.released_at),
    )


def _hold_from_row(row: Row, read_ids: tuple[str, ...], time: TimeCodec) -> LegalHold:
    plates = None
    if row[7] is not None:
        plates = PlateSpan(row[7], time.from_db(row[8]), time.from_db(row[9]))
    return LegalHold(
        id=row[0],
        agency_id=row[1],
        case_number=row[2],
        reason=row[3],
        requested_by=row[4],
        requested_at=time.from_db(row[5]),
        expires_at=time.from_db(row[6]),
        read_ids=read_ids,
        plates=plates,
        approved_by=row[10],
        approved_at=time.optional_from_db(row[11]),
        released_by=row[12],
        released_at=time.optional_from_db(row[13]),
    )


def _ledger_row(entry: PurgeLedgerEntry, time: TimeCodec, json: JsonCodec) -> Row:
    # The JSON keeps instants as ISO text whatever the database's codec: it is a record to read.
    classes = [
        {
            "data_class": item.data_class,
            "cutoff": _iso(item.cutoff),
            "reads": item.reads,
            "images": item.images,
            "oldest_purged": _iso(item.oldest_purged),
            "newest_purged": _iso(item.newest_purged),
            "skipped": item.skipped,
        }
        for item in entry.classes
    ]
    return (
        entry.id,
        time.to_db(entry.started_at),
        time.to_db(entry.finished_at),
        # A bool: sqlite3 stores it as 1 or 0, PostgreSQL as a boolean.
        entry.dry_run,
        json.to_db(classes),
        json.to_db(list(entry.buckets_destroyed)),
    )


def _ledger_from_row(row: Row, time: TimeCodec, json: JsonCodec) -> PurgeLedgerEntry:
    return PurgeLedgerEntry(
        id=row[0],
        started_at=time.from_db(row[1]),
        finished_at=time.from_db(row[2]),
        dry_run=bool(row[3]),
        classes=tuple(_class_purge(item) for item in json.from_db(row[4])),
        buckets_destroyed=tuple(json.from_db(row[5])),
    )


def _class_purge(item: dict[str, Any]) -> ClassPurge:
    return ClassPurge(
        data_class=item["data_class"],
        cutoff=_from_iso(item["cutoff"]),
        reads=item["reads"],
        images=item["images"],
        oldest_purged=_from_iso(item["oldest_purged"]),
        newest_purged=_from_iso(item["newest_purged"]),
        skipped=item["skipped"],
    )


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat(timespec="microseconds")


def _from_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
