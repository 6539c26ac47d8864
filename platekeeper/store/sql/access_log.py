"""The access log: a hash chain of entries, signed checkpoints, and the purge events in the chain.

An append reads the head and inserts after it in one write transaction, and no two appends may
chain to the same head. SQLite's write transaction (``BEGIN IMMEDIATE``) already excludes every
other writer, across processes too; PostgreSQL's does not, so there every change to the chain
first takes a transaction-scoped advisory lock (one per schema), held until the entry is in.

Times are kept to the microsecond on both, so an entry's hash recomputes identically from either.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from platekeeper.domain.access import (
    GENESIS_HASH,
    AccessEvent,
    AccessOutcome,
    AccessRecord,
    Actor,
    ChainPoint,
    Checkpoint,
    seal,
)
from platekeeper.store.protocols import AccessFilter, PurgeEventFor, PurgeRange
from platekeeper.store.sql.database import Repository, Row, Transaction, marks
from platekeeper.store.sql.dialect import Dialect, JsonCodec, TimeCodec

ACCESS_COLUMNS = (
    "seq, at, username, agency_id, action, outcome, reason, query, read_ids, image_refs,"
    " purpose_code, case_number, client_address, signed_in_with, prev_hash, entry_hash"
)
_CHECKPOINT_COLUMNS = "seq, entry_hash, signed_at, key_id, signature"
# First half of the advisory lock key: "PlateKeeper access log" ("PA"); the second is the schema.
_APPEND_LOCK_CLASS = 0x5041
_INSERT = f"INSERT INTO access_log ({ACCESS_COLUMNS}) VALUES ({marks(16)})"
_HEAD = "SELECT seq, entry_hash FROM access_log ORDER BY seq DESC LIMIT 1"


class SqlAccessLog(Repository):
    def append(self, event: AccessEvent) -> AccessRecord:
        with self._db.write() as connection:
            _lock(connection, self._dialect)
            head = _head(connection)
            record = (
                seal(1, event, GENESIS_HASH)
                if head is None
                else seal(head.seq + 1, event, head.entry_hash)
            )
            connection.execute(_INSERT, access_row(record, self._time, self._dialect.json))
        return record

    def head(self) -> ChainPoint | None:
        with self._db.read() as connection:
            return _head(connection)

    def scan(self, after_seq: int, limit: int) -> list[AccessRecord]:
        rows = self._fetch_all(
            f"SELECT {ACCESS_COLUMNS} FROM access_log WHERE seq > ? ORDER BY seq LIMIT ?",
            (after_seq, limit),
        )
        return [_from_row(row, self._time, self._dialect.json) for row in rows]

    def find(self, query: AccessFilter) -> list[AccessRecord]:
        rows = self._fetch_all(*self._filter_sql(query))
        return [_from_row(row, self._time, self._dialect.json) for row in rows]

    def count_by_purpose(self, query: AccessFilter) -> dict[str | None, int]:
        where, params = self._where_sql(query)
        rows = self._fetch_all(
            f"SELECT purpose_code, count(*) FROM access_log{where} GROUP BY purpose_code", params
        )
        return {purpose: int(count) for purpose, count in rows}

    def _filter_sql(self, query: AccessFilter) -> tuple[str, list[Any]]:
        """``SELECT`` for ``query``, newest first, with its parameters."""
        where, params = self._where_sql(query)
        sql = f"SELECT {ACCESS_COLUMNS} FROM access_log{where}"
        sql += " ORDER BY at DESC, seq DESC LIMIT ? OFFSET ?"
        return sql, [*params, query.limit, query.offset]

    def _where_sql(self, query: AccessFilter) -> tuple[str, list[Any]]:
        """The ``WHERE`` clause of ``query`` (empty without bounds), without its limit."""
        instant = self._time.optional_to_db
        conditions = [
            ("agency_id = ?", query.agency_id),
            ("username = ?", query.username),
            (self._dialect.member("username"), _array_of(query.usernames, self._dialect)),
            ("signed_in_with = ?", query.signed_in_with),
            ("action = ?", query.action),
            ("outcome = ?", None if query.outcome is None else query.outcome.value),
            ("case_number = ?", query.case_number),
            ("purpose_code = ?", query.purpose_code),
            (f"{self._dialect.json_text('query', 'plate')} = ?", query.plate),
            ("at >= ?", instant(query.at_from)),
            ("at < ?", instant(query.at_before)),
        ]
        present = [(clause, value) for clause, value in conditions if value is not None]
        where = f" WHERE {' AND '.join(clause for clause, _ in present)}" if present else ""
        return where, [value for _, value in present]

    def add_checkpoint(self, checkpoint: Checkpoint) -> bool:
        with self._db.write() as connection:
            _lock(connection, self._dialect)
            last = connection.execute("SELECT max(seq) FROM access_log_checkpoints").fetchone()
            if last is not None and last[0] is not None and checkpoint.seq < last[0]:
                return False  # another process signed a later head meanwhile
            cursor = connection.execute(
                f"INSERT INTO access_log_checkpoints ({_CHECKPOINT_COLUMNS})"
                f" VALUES ({marks(5)}) ON CONFLICT DO NOTHING",
                _checkpoint_row(checkpoint, self._time),
            )
        return cursor.rowcount == 1

    def checkpoints(self) -> list[Checkpoint]:
        rows = self._fetch_all(
            f"SELECT {_CHECKPOINT_COLUMNS} FROM access_log_checkpoints ORDER BY seq, signed_at"
        )
        return [_checkpoint_from_row(row, self._time) for row in rows]

    def last_checkpoint(self) -> Checkpoint | None:
        row = self._fetch_one(
            f"SELECT {_CHECKPOINT_COLUMNS} FROM access_log_checkpoints"
            " ORDER BY seq DESC, signed_at DESC LIMIT 1"
        )
        return None if row is None else _checkpoint_from_row(row, self._time)

    def purge_before(
        self, cutoff: datetime, event_for: PurgeEventFor, *, dry_run: bool = False
    ) -> int:
        cutoff_db = self._time.to_db(cutoff)
        with self._db.write() as connection:
            _lock(connection, self._dialect)
            first = connection.execute(
                "SELECT seq, prev_hash FROM access_log ORDER BY seq LIMIT 1"
            ).fetchone()
            if first is None:
                return 0
            cut = _cut(connection, int(first[0]) - 1, cutoff_db)
            if cut is None:
                return 0
            row = connection.execute(
                "SELECT count(*), max(at) FROM access_log WHERE seq >= ? AND seq <= ?",
                (first[0], cut.seq),
            ).fetchone()
            if dry_run:
                return int(row[0])
            head = _head(connection)
            assert head is not None  # the log holds at least the entries about to go
            purge = PurgeRange(
                first_seq=int(first[0]),
                last_seq=cut.seq,
                before_hash=first[1],
                last_hash=cut.entry_hash,
                newest_at=self._time.from_db(row[1]),
                event_seq=head.seq + 1,
            )
            # The event goes in first: the delete trigger lets entries go only under one.
            event = seal(purge.event_seq, event_for(purge), head.entry_hash)
            connection.execute(_INSERT, access_row(event, self._time, self._dialect.json))
            cursor = connection.execute(
                "DELETE FROM access_log WHERE seq >= ? AND seq <= ?", (purge.first_seq, cut.seq)
            )
        return cursor.rowcount


def _lock(connection: Transaction, dialect: Dialect) -> None:
    """Wait until no other transaction changes the chain; the lock ends with this one. A
    database without advisory locks has a single writer, and needs none."""
    if dialect.advisory_lock_sql is not None:
        connection.execute(dialect.advisory_lock_sql, (_APPEND_LOCK_CLASS,))


def _head(connection: Transaction) -> ChainPoint | None:
    # A purge never empties the log: its own event stays after what it removed.
    row = connection.execute(_HEAD).fetchone()
    return None if row is None else ChainPoint(row[0], row[1])


def _cut(connection: Transaction, after: int, cutoff: Any) -> ChainPoint | None:
    """The last checkpointed entry that the purge may take: every entry up to it is older than
    the cutoff (as the database keeps it), it still has the hash that was signed, and it was
    signed before the cutoff, so that even an entry whose time was forged was written before."""
    young = connection.execute(
        "SELECT seq FROM access_log WHERE seq > ? AND at >= ? ORDER BY seq LIMIT 1",
        (after, cutoff),
    ).fetchone()
    row = connection.execute(
        "SELECT c.seq, c.entry_hash FROM access_log_checkpoints AS c"
        " JOIN access_log AS e ON e.seq = c.seq AND e.entry_hash = c.entry_hash"
        " WHERE c.seq > ? AND c.seq < ? AND c.signed_at < ? ORDER BY c.seq DESC LIMIT 1",
        (after, young[0] if young else 2**62, cutoff),
    ).fetchone()
    return None if row is None else ChainPoint(row[0], row[1])


def access_row(record: AccessRecord, time: TimeCodec, json: JsonCodec) -> Row:
    """The values of ``record`` in ``ACCESS_COLUMNS`` order; public for the tests that forge
    entries behind the log's back."""
    event = record.event
    return (
        record.seq,
        time.to_db(event.at),
        event.actor.username,
        event.actor.agency_id,
        event.action,
        event.outcome.value,
        event.reason,
        json.to_db(dict(event.query)),
        json.to_db(list(event.read_ids)),
        json.to_db(list(event.image_refs)),
        event.purpose_code,
        event.case_number,
        event.client_address,
        event.actor.signed_in_with,
        record.prev_hash,
        record.entry_hash,
    )


def _from_row(row: Row, time: TimeCodec, json: JsonCodec) -> AccessRecord:
    event = AccessEvent(
        at=time.from_db(row[1]),
        actor=Actor(row[2], row[3], row[13]),
        action=row[4],
        outcome=AccessOutcome(row[5]),
        reason=row[6],
        query=json.from_db(row[7]),
        read_ids=tuple(json.from_db(row[8])),
        image_refs=tuple(json.from_db(row[9])),
        purpose_code=row[10],
        case_number=row[11],
        client_address=row[12],
    )
    # The stored hashes are taken as they are: whether they still fit is for verification to say.
    return AccessRecord(seq=row[0], event=event, prev_hash=row[14], entry_hash=row[15])


def _checkpoint_row(checkpoint: Checkpoint, time: TimeCodec) -> Row:
    return (
        checkpoint.seq,
        checkpoint.entry_hash,
        time.to_db(checkpoint.signed_at),
        checkpoint.key_id,
        checkpoint.signature,
    )


def _checkpoint_from_row(row: Row, time: TimeCodec) -> Checkpoint:
    return Checkpoint(
        seq=row[0],
        entry_hash=row[1],
        signed_at=time.from_db(row[2]),
        key_id=row[3],
        signature=row[4],
    )


def _array_of(values: tuple[str, ...] | None, dialect: Dialect) -> Any:
    return None if values is None else dialect.array(values)
