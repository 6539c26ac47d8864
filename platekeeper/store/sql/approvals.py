"""Supervisors' approvals of searches reaching back."""

from __future__ import annotations

from platekeeper.domain.approvals import ApprovalStatus, SearchApproval
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.sql.database import Repository, Row, marks
from platekeeper.store.sql.dialect import ConstraintViolation, TimeCodec, Violation

_COLUMNS = (
    "id, requested_by, agency_id, purpose_code, case_number, justification, captured_from,"
    " captured_before, requested_at, status, decided_by, decided_at, expires_at"
)


class SqlApprovals(Repository):
    def add(self, approval: SearchApproval) -> None:
        try:
            self._execute(
                f"INSERT INTO search_approvals ({_COLUMNS}) VALUES ({marks(13)})",
                _row(approval, self._time),
            )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {approval.agency_id!r} does not exist") from None
            raise Conflict(f"approval {approval.id} already exists") from None

    def get(self, approval_id: str) -> SearchApproval | None:
        row = self._fetch_one(
            f"SELECT {_COLUMNS} FROM search_approvals WHERE id = ?", (approval_id,)
        )
        return None if row is None else _from_row(row, self._time)

    def list(
        self, agency_id: str | None = None, status: ApprovalStatus | None = None, limit: int = 100
    ) -> list[SearchApproval]:
        bounds = [("agency_id = ?", agency_id), ("status = ?", status and status.value)]
        clauses = [clause for clause, value in bounds if value is not None]
        params: list[object] = [value for _, value in bounds if value is not None]
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._fetch_all(
            f"SELECT {_COLUMNS} FROM search_approvals{where} ORDER BY requested_at DESC LIMIT ?",
            [*params, limit],
        )
        return [_from_row(row, self._time) for row in rows]

    def decide(self, approval: SearchApproval) -> bool:
        row = _row(approval, self._time)
        changed = self._execute(
            "UPDATE search_approvals SET status = ?, decided_by = ?, decided_at = ?,"
            " expires_at = ? WHERE id = ? AND status = 'pending'",
            (*row[9:13], approval.id),
        )
        return changed == 1


def _row(approval: SearchApproval, time: TimeCodec) -> Row:
    return (
        approval.id,
        approval.requested_by,
        approval.agency_id,
        approval.purpose_code,
        approval.case_number,
        approval.justification,
        time.to_db(approval.captured_from),
        time.to_db(approval.captured_before),
        time.to_db(approval.requested_at),
        approval.status.value,
        approval.decided_by,
        time.optional_to_db(approval.decided_at),
        time.optional_to_db(approval.expires_at),
    )


def _from_row(row: Row, time: TimeCodec) -> SearchApproval:
    return SearchApproval(
        id=row[0],
        requested_by=row[1],
        agency_id=row[2],
        purpose_code=row[3],
        case_number=row[4],
        justification=row[5],
        captured_from=time.from_db(row[6]),
        captured_before=time.from_db(row[7]),
        requested_at=time.from_db(row[8]),
        status=ApprovalStatus(row[9]),
        decided_by=row[10],
        decided_at=time.optional_from_db(row[11]),
        expires_at=time.optional_from_db(row[12]),
    )
