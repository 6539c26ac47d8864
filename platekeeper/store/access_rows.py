"""Access-log entries and checkpoints as rows and back, in one column order for both backends.

The backends differ in how they keep an instant and a JSON value (SQLite: integer microseconds
and text; PostgreSQL: timestamptz and jsonb); each passes its codecs. Times are kept to the
microsecond on both, so an entry's hash recomputes identically from either.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessRecord, Actor, Checkpoint
from platekeeper.store.protocols import AccessFilter
from platekeeper.store.rows import Row
from platekeeper.store.sql.dialect import JsonCodec, TimeCodec

ACCESS_COLUMNS = (
    "seq, at, username, agency_id, action, outcome, reason, query, read_ids, image_refs,"
    " purpose_code, case_number, client_address, prev_hash, entry_hash"
)
CHECKPOINT_COLUMNS = "seq, entry_hash, signed_at, key_id, signature"


def access_row(record: AccessRecord, time: TimeCodec, json: JsonCodec) -> Row:
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
        record.prev_hash,
        record.entry_hash,
    )


def access_from_row(row: Row, time: TimeCodec, json: JsonCodec) -> AccessRecord:
    event = AccessEvent(
        at=time.from_db(row[1]),
        actor=Actor(row[2], row[3]),
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
    return AccessRecord(seq=row[0], event=event, prev_hash=row[13], entry_hash=row[14])


def checkpoint_row(checkpoint: Checkpoint, time: TimeCodec) -> Row:
    return (
        checkpoint.seq,
        checkpoint.entry_hash,
        time.to_db(checkpoint.signed_at),
        checkpoint.key_id,
        checkpoint.signature,
    )


def checkpoint_from_row(row: Row, time: TimeCodec) -> Checkpoint:
    return Checkpoint(
        seq=row[0],
        entry_hash=row[1],
        signed_at=time.from_db(row[2]),
        key_id=row[3],
        signature=row[4],
    )


def access_filter_sql(
    query: AccessFilter,
    *,
    placeholder: str,
    instant: Callable[[datetime], Any],
    plate_expression: str,
) -> tuple[str, list[Any]]:
    """``SELECT`` for ``query``, newest first, with its parameters; the backends differ only in
    how a parameter is written, how an instant is kept and how the query's plate is reached."""
    conditions = [
        ("username = {}", query.username),
        ("action = {}", query.action),
        ("outcome = {}", None if query.outcome is None else query.outcome.value),
        ("case_number = {}", query.case_number),
        ("purpose_code = {}", query.purpose_code),
        (f"{plate_expression} = {{}}", query.plate),
        ("at >= {}", None if query.at_from is None else instant(query.at_from)),
        ("at < {}", None if query.at_before is None else instant(query.at_before)),
    ]
    present = [
        (clause.format(placeholder), value) for clause, value in conditions if value is not None
    ]
    where = f" WHERE {' AND '.join(c for c, _ in present)}" if present else ""
    order = "ORDER BY at DESC, seq DESC LIMIT {0} OFFSET {0}"
    sql = f"SELECT {ACCESS_COLUMNS} FROM access_log{where} {order}"
    return sql.format(placeholder), [*(v for _, v in present), query.limit, query.offset]
