"""Search approvals as rows and back, in one column order for both backends."""

from __future__ import annotations

from platekeeper.domain.approvals import ApprovalStatus, SearchApproval
from platekeeper.store.rows import Row, TimeCodec

APPROVAL_COLUMNS = (
    "id, requested_by, agency_id, purpose_code, case_number, justification, captured_from,"
    " captured_before, requested_at, status, decided_by, decided_at, expires_at"
)
APPROVAL_COLUMN_COUNT = 13


def approval_row(approval: SearchApproval, time: TimeCodec) -> Row:
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


def approval_from_row(row: Row, time: TimeCodec) -> SearchApproval:
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
