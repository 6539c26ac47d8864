"""Hits as rows and back, in one column order for both backends, and the SQL they share."""

from __future__ import annotations

from typing import Any

from platekeeper.domain.hotlists import (
    Hit,
    HitOutcome,
    HitStatus,
    MatchKind,
    RejectionReason,
    StateAgreement,
)
from platekeeper.store.protocols import HitFilter
from platekeeper.store.rows import Row
from platekeeper.store.sql.dialect import TimeCodec

HIT_COLUMNS = (
    "id, read_id, entry_id, list_id, match_kind, score, state_agreement, stale, created_at,"
    " status, verified_by, verified_at, rejection_reason, verification_note, outcome,"
    " outcome_by, outcome_at"
)
HIT_COLUMN_COUNT = 17
_MUTABLE = (
    "status, verified_by, verified_at, rejection_reason, verification_note, outcome,"
    " outcome_by, outcome_at"
)


def hit_row(hit: Hit, time: TimeCodec, stale: Any) -> Row:
    """``stale`` as the backend keeps a boolean (SQLite: 0 or 1)."""
    return (
        hit.id,
        hit.read_id,
        hit.entry_id,
        hit.list_id,
        hit.match_kind.value,
        hit.score,
        hit.state_agreement.value,
        stale,
        time.to_db(hit.created_at),
        *_mutable_values(hit, time),
    )


def _mutable_values(hit: Hit, time: TimeCodec) -> Row:
    return (
        hit.status.value,
        hit.verified_by,
        time.optional_to_db(hit.verified_at),
        None if hit.rejection_reason is None else hit.rejection_reason.value,
        hit.verification_note,
        None if hit.outcome is None else hit.outcome.value,
        hit.outcome_by,
        time.optional_to_db(hit.outcome_at),
    )


def hit_from_row(row: Row, time: TimeCodec) -> Hit:
    return Hit(
        id=row[0],
        read_id=row[1],
        entry_id=row[2],
        list_id=row[3],
        match_kind=MatchKind(row[4]),
        score=float(row[5]),
        state_agreement=StateAgreement(row[6]),
        stale=bool(row[7]),
        created_at=time.from_db(row[8]),
        status=HitStatus(row[9]),
        verified_by=row[10],
        verified_at=time.optional_from_db(row[11]),
        rejection_reason=None if row[12] is None else RejectionReason(row[12]),
        verification_note=row[13],
        outcome=None if row[14] is None else HitOutcome(row[14]),
        outcome_by=row[15],
        outcome_at=time.optional_from_db(row[16]),
    )


def hit_filter_sql(query: HitFilter, time: TimeCodec, mark: str) -> tuple[str, list[Any]]:
    """The ``SELECT`` of ``query``, newest first, with ``mark`` as the parameter placeholder."""
    bounds = [
        ("status = {}", None if query.status is None else query.status.value),
        ("list_id = {}", query.list_id),
        ("created_at >= {}", time.optional_to_db(query.since)),
    ]
    clauses = [clause.format(mark) for clause, value in bounds if value is not None]
    params = [value for _, value in bounds if value is not None]
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT {HIT_COLUMNS} FROM hits{where} ORDER BY created_at DESC, id DESC LIMIT {mark}"
    return sql, [*params, query.limit]


def hit_update_sql(hit: Hit, time: TimeCodec, mark: str) -> tuple[str, Row]:
    """The guarded ``UPDATE`` of a verified hit or of its outcome.

    A verification applies only to a hit still pending; an outcome only to a hit in the same
    status with no outcome yet. Two people acting on one hit at once: the second changes nothing.
    """
    assignments = ", ".join(f"{column.strip()} = {mark}" for column in _MUTABLE.split(","))
    if hit.outcome is None:
        guard, guard_params = f"status = {mark}", (HitStatus.PENDING.value,)
    else:
        guard, guard_params = f"status = {mark} AND outcome IS NULL", (hit.status.value,)
    sql = f"UPDATE hits SET {assignments} WHERE id = {mark} AND {guard}"
    return sql, (*_mutable_values(hit, time), hit.id, *guard_params)
