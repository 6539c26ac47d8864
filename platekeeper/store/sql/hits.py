"""Hits: the questions a match puts to a person, with their answers."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from platekeeper.domain.hotlists import (
    Hit,
    HitOutcome,
    HitStatus,
    HitTier,
    MatchKind,
    RejectionReason,
    StateAgreement,
)
from platekeeper.store.protocols import HitFilter, HitTally
from platekeeper.store.sql.database import Repository, Row, marks
from platekeeper.store.sql.dialect import Dialect, TimeCodec

_COLUMNS = (
    "id, read_id, entry_id, list_id, match_kind, score, state_agreement, stale, created_at,"
    " status, verified_by, verified_at, rejection_reason, verification_note, outcome,"
    " outcome_by, outcome_at, tier, reading"
)
_MUTABLE = (
    "status, verified_by, verified_at, rejection_reason, verification_note, outcome,"
    " outcome_by, outcome_at"
)
_INSERT = f"INSERT INTO hits ({_COLUMNS}) VALUES ({marks(19)}) ON CONFLICT DO NOTHING"


class SqlHits(Repository):
    def add(self, hits: Sequence[Hit]) -> list[Hit]:
        if not hits:
            return []
        added = []
        with self._db.write() as connection:
            for hit in hits:
                if connection.execute(_INSERT, _row(hit, self._time)).rowcount == 1:
                    added.append(hit)
        return added

    def tally(self, query: HitFilter) -> list[HitTally]:
        where, params = _where_sql(query, self._time, self._dialect)
        rows = self._fetch_all(
            f"SELECT list_id, status, outcome, count(*) FROM hits{where}"
            " GROUP BY list_id, status, outcome ORDER BY list_id, status, outcome",
            params,
        )
        return [
            HitTally(
                list_id,
                HitStatus(status),
                None if outcome is None else HitOutcome(outcome),
                int(hits),
            )
            for list_id, status, outcome, hits in rows
        ]

    def get(self, hit_id: str) -> Hit | None:
        row = self._fetch_one(f"SELECT {_COLUMNS} FROM hits WHERE id = ?", (hit_id,))
        return None if row is None else _from_row(row, self._time)

    def list(self, query: HitFilter) -> list[Hit]:
        sql, params = _filter_sql(query, self._time, self._dialect)
        return [_from_row(row, self._time) for row in self._fetch_all(sql, params)]

    def count(self, status: HitStatus, list_ids: Collection[str]) -> int:
        row = self._fetch_one(
            "SELECT count(*) FROM hits WHERE status = ? AND tier = ?"
            f" AND {self._dialect.member('list_id')}",
            (status.value, HitTier.ALERT.value, self._dialect.array(sorted(list_ids))),
        )
        return 0 if row is None else int(row[0])

    def update(self, hit: Hit) -> bool:
        sql, params = _update_sql(hit, self._time)
        return self._execute(sql, params) == 1


def _row(hit: Hit, time: TimeCodec) -> Row:
    return (
        hit.id,
        hit.read_id,
        hit.entry_id,
        hit.list_id,
        hit.match_kind.value,
        hit.score,
        hit.state_agreement.value,
        hit.stale,
        time.to_db(hit.created_at),
        *_mutable_values(hit, time),
        hit.tier.value,
        hit.reading,
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


def _from_row(row: Row, time: TimeCodec) -> Hit:
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
        tier=HitTier(row[17]),
        reading=int(row[18]),
    )


def _filter_sql(query: HitFilter, time: TimeCodec, dialect: Dialect) -> tuple[str, list[Any]]:
    """The ``SELECT`` of ``query``, newest first."""
    where, params = _where_sql(query, time, dialect)
    sql = f"SELECT {_COLUMNS} FROM hits{where} ORDER BY created_at DESC, id DESC LIMIT ?"
    return sql, [*params, query.limit]


def _where_sql(query: HitFilter, time: TimeCodec, dialect: Dialect) -> tuple[str, list[Any]]:
    """The ``WHERE`` clause of ``query`` (empty without bounds); its limit is not part of it."""
    lists = None if query.list_ids is None else dialect.array(sorted(query.list_ids))
    statuses = None
    if query.statuses is not None:
        statuses = dialect.array(sorted(status.value for status in query.statuses))
    bounds: list[tuple[str, Any]] = [
        ("status = ?", None if query.status is None else query.status.value),
        ("list_id = ?", query.list_id),
        (dialect.member("list_id"), lists),
        (dialect.member("status"), statuses),
        ("created_at >= ?", time.optional_to_db(query.since)),
        ("tier = ?", None if query.tier is None else query.tier.value),
    ]
    clauses = [clause for clause, value in bounds if value is not None]
    params = [value for _, value in bounds if value is not None]
    if query.with_outcome is not None:
        clauses.append(f"outcome IS {'NOT ' if query.with_outcome else ''}NULL")
    if query.before is not None:
        # Ties on the instant are broken by the id, as the order is: no hit is shown twice.
        at = time.to_db(query.before.created_at)
        clauses.append("(created_at < ? OR (created_at = ? AND id < ?))")
        params.extend((at, at, query.before.hit_id))
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return where, params


def _update_sql(hit: Hit, time: TimeCodec) -> tuple[str, Row]:
    """The guarded ``UPDATE`` of a verified hit or of its outcome.

    A verification applies only to a hit still pending; an outcome only to a hit in the same
    status with no outcome yet. Two people acting on one hit at once: the second changes nothing.
    """
    assignments = ", ".join(f"{column.strip()} = ?" for column in _MUTABLE.split(","))
    if hit.outcome is None:
        guard, guard_params = "status = ?", (HitStatus.PENDING.value,)
    else:
        guard, guard_params = "status = ? AND outcome IS NULL", (hit.status.value,)
    sql = f"UPDATE hits SET {assignments} WHERE id = ? AND {guard}"
    return sql, (*_mutable_values(hit, time), hit.id, *guard_params)
