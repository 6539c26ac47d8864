"""Recipients, share requests and ledger entries as rows and back, in one column order for both
backends."""

from __future__ import annotations

import json

from platekeeper.domain.recipients import (
    Agreement,
    LedgerEntry,
    Recipient,
    RecipientStatus,
    ShareRequest,
    ShareRule,
    ShareStatus,
)
from platekeeper.domain.sharing import EntityType
from platekeeper.store.rows import Row
from platekeeper.store.sql.dialect import DayCodec, TimeCodec

RECIPIENT_COLUMNS = (
    "id, agency_id, legal_name, entity_type, state, contact, approving_official,"
    " purpose_and_need, next_review_on, created_at, agreement_signed_on, agreement_expires_on,"
    " status"
)
RECIPIENT_COLUMN_COUNT = 13
RECIPIENT_UPDATABLE = (
    "legal_name, entity_type, state, contact, approving_official, purpose_and_need,"
    " next_review_on, created_at, agreement_signed_on, agreement_expires_on, status"
)
"""Every column but ``id`` and ``agency_id``, in row order after them (``created_at`` is
written back unchanged)."""


def recipient_assignments(placeholder: str) -> str:
    """``legal_name = ?, ...`` for ``RECIPIENT_UPDATABLE`` in a backend's placeholder."""
    return ", ".join(
        f"{column.strip()} = {placeholder}" for column in RECIPIENT_UPDATABLE.split(",")
    )


SHARE_REQUEST_COLUMNS = (
    "id, agency_id, recipient_id, purpose, case_number, requested_by, requested_at, read_ids,"
    " plate, captured_from, captured_before, status, rule, citation, reason, decided_by,"
    " decided_at, exported_at, bundle_sha256"
)
SHARE_REQUEST_COLUMN_COUNT = 19

LEDGER_COLUMNS = (
    "seq, exported_at, agency_id, recipient_id, request_id, exported_by, read_count,"
    " image_count, bundle_sha256"
)
LEDGER_INSERT_COLUMNS = LEDGER_COLUMNS.removeprefix("seq, ")
LEDGER_INSERT_COUNT = 8


def recipient_row(recipient: Recipient, time: TimeCodec, day: DayCodec) -> Row:
    agreement = recipient.agreement
    return (
        recipient.id,
        recipient.agency_id,
        recipient.legal_name,
        recipient.entity_type.value,
        recipient.state,
        recipient.contact,
        recipient.approving_official,
        recipient.purpose_and_need,
        day.to_db(recipient.next_review_on),
        time.to_db(recipient.created_at),
        None if agreement is None else day.to_db(agreement.signed_on),
        None if agreement is None else day.to_db(agreement.expires_on),
        recipient.status.value,
    )


def recipient_from_row(row: Row, time: TimeCodec, day: DayCodec) -> Recipient:
    agreement = None if row[10] is None else Agreement(day.from_db(row[10]), day.from_db(row[11]))
    return Recipient(
        id=row[0],
        agency_id=row[1],
        legal_name=row[2],
        entity_type=EntityType(row[3]),
        state=row[4],
        contact=row[5],
        approving_official=row[6],
        purpose_and_need=row[7],
        next_review_on=day.from_db(row[8]),
        created_at=time.from_db(row[9]),
        agreement=agreement,
        status=RecipientStatus(row[12]),
    )


def share_request_row(request: ShareRequest, time: TimeCodec) -> Row:
    return (
        request.id,
        request.agency_id,
        request.recipient_id,
        request.purpose,
        request.case_number,
        request.requested_by,
        time.to_db(request.requested_at),
        json.dumps(list(request.read_ids)),
        request.plate,
        time.optional_to_db(request.captured_from),
        time.optional_to_db(request.captured_before),
        request.status.value,
        None if request.rule is None else request.rule.value,
        request.citation,
        request.reason,
        request.decided_by,
        time.optional_to_db(request.decided_at),
        time.optional_to_db(request.exported_at),
        request.bundle_sha256,
    )


def share_request_from_row(row: Row, time: TimeCodec) -> ShareRequest:
    return ShareRequest(
        id=row[0],
        agency_id=row[1],
        recipient_id=row[2],
        purpose=row[3],
        case_number=row[4],
        requested_by=row[5],
        requested_at=time.from_db(row[6]),
        read_ids=tuple(json.loads(row[7])),
        plate=row[8],
        captured_from=time.optional_from_db(row[9]),
        captured_before=time.optional_from_db(row[10]),
        status=ShareStatus(row[11]),
        rule=None if row[12] is None else ShareRule(row[12]),
        citation=row[13],
        reason=row[14],
        decided_by=row[15],
        decided_at=time.optional_from_db(row[16]),
        exported_at=time.optional_from_db(row[17]),
        bundle_sha256=row[18],
    )


def ledger_row(entry: LedgerEntry, time: TimeCodec) -> Row:
    """The values of ``LEDGER_INSERT_COLUMNS``: the store numbers the entry."""
    return (
        time.to_db(entry.exported_at),
        entry.agency_id,
        entry.recipient_id,
        entry.request_id,
        entry.exported_by,
        entry.read_count,
        entry.image_count,
        entry.bundle_sha256,
    )


def ledger_from_row(row: Row, time: TimeCodec) -> LedgerEntry:
    return LedgerEntry(
        seq=row[0],
        exported_at=time.from_db(row[1]),
        agency_id=row[2],
        recipient_id=row[3],
        request_id=row[4],
        exported_by=row[5],
        read_count=row[6],
        image_count=row[7],
        bundle_sha256=row[8],
    )
