"""Recipients, share requests and the sharing ledger."""

from __future__ import annotations

import json
from dataclasses import replace

from platekeeper.domain.recipients import (
    Agreement,
    CourtOrder,
    Declaration,
    LedgerEntry,
    Recipient,
    RecipientStatus,
    ShareRequest,
    ShareRule,
    ShareStatus,
)
from platekeeper.domain.sharing import EntityType, RecipientRole
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.sql.database import Repository, Row, marks
from platekeeper.store.sql.dialect import ConstraintViolation, DayCodec, TimeCodec, Violation

_RECIPIENT_COLUMNS = (
    "id, agency_id, legal_name, entity_type, state, contact, approving_official,"
    " purpose_and_need, next_review_on, created_at, agreement_signed_on, agreement_expires_on,"
    " status, role, declaration_signed_by, declaration_signer_title, declaration_signed_on,"
    " declaration_text, declaration_recorded_by, declaration_recorded_at,"
    " declaration_expires_on, declaration_withdrawn_on"
)
# Every column but id and agency_id, in row order after them; created_at is written back
# unchanged.
_RECIPIENT_ASSIGNMENTS = ", ".join(f"{column} = ?" for column in _RECIPIENT_COLUMNS.split(", ")[2:])
_SHARE_REQUEST_COLUMNS = (
    "id, agency_id, recipient_id, purpose, case_number, requested_by, requested_at, read_ids,"
    " plate, captured_from, captured_before, status, rule, citation, reason, decided_by,"
    " decided_at, exported_at, bundle_sha256, court_order_reference, court_order_court,"
    " court_order_issued_on"
)
_LEDGER_COLUMNS = (
    "seq, exported_at, agency_id, recipient_id, request_id, exported_by, read_count,"
    " image_count, bundle_sha256"
)
_LEDGER_INSERT_COLUMNS = _LEDGER_COLUMNS.removeprefix("seq, ")


def _agency_filter(agency_id: str | None) -> tuple[list[str], list[object]]:
    return ([], []) if agency_id is None else (["agency_id = ?"], [agency_id])


def _where(clauses: list[str]) -> str:
    return f" WHERE {' AND '.join(clauses)}" if clauses else ""


class SqlRecipients(Repository):
    def add(self, recipient: Recipient) -> None:
        try:
            self._execute(
                f"INSERT INTO recipients ({_RECIPIENT_COLUMNS}) VALUES ({marks(22)})",
                _recipient_row(recipient, self._time, self._dialect.day),
            )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {recipient.agency_id!r} does not exist") from None
            raise Conflict(f"recipient {recipient.id!r} already exists") from None

    def get(self, recipient_id: str) -> Recipient | None:
        row = self._fetch_one(
            f"SELECT {_RECIPIENT_COLUMNS} FROM recipients WHERE id = ?", (recipient_id,)
        )
        return None if row is None else _recipient_from_row(row, self._time, self._dialect.day)

    def update(self, recipient: Recipient) -> bool:
        row = _recipient_row(recipient, self._time, self._dialect.day)
        changed = self._execute(
            f"UPDATE recipients SET {_RECIPIENT_ASSIGNMENTS} WHERE id = ?",
            (*row[2:], recipient.id),
        )
        return changed == 1

    def list(self, agency_id: str | None = None) -> list[Recipient]:
        clauses, params = _agency_filter(agency_id)
        rows = self._fetch_all(
            f"SELECT {_RECIPIENT_COLUMNS} FROM recipients{_where(clauses)} ORDER BY legal_name, id",
            params,
        )
        return [_recipient_from_row(row, self._time, self._dialect.day) for row in rows]


class SqlShareRequests(Repository):
    def add(self, request: ShareRequest) -> None:
        try:
            self._execute(
                f"INSERT INTO share_requests ({_SHARE_REQUEST_COLUMNS}) VALUES ({marks(22)})",
                _share_request_row(request, self._time, self._dialect.day),
            )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"recipient {request.recipient_id!r} does not exist") from None
            raise Conflict(f"share request {request.id} already exists") from None

    def get(self, request_id: str) -> ShareRequest | None:
        row = self._fetch_one(
            f"SELECT {_SHARE_REQUEST_COLUMNS} FROM share_requests WHERE id = ?", (request_id,)
        )
        return None if row is None else _share_request_from_row(row, self._time, self._dialect.day)

    def list(
        self, agency_id: str | None = None, status: ShareStatus | None = None, limit: int = 100
    ) -> list[ShareRequest]:
        clauses, params = _agency_filter(agency_id)
        if status is not None:
            clauses.append("status = ?")
            params.append(status.value)
        rows = self._fetch_all(
            f"SELECT {_SHARE_REQUEST_COLUMNS} FROM share_requests{_where(clauses)}"
            " ORDER BY requested_at DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [_share_request_from_row(row, self._time, self._dialect.day) for row in rows]

    def decide(self, request: ShareRequest) -> bool:
        changed = self._execute(
            "UPDATE share_requests SET status = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND status = 'pending'",
            (
                request.status.value,
                request.decided_by,
                self._time.optional_to_db(request.decided_at),
                request.id,
            ),
        )
        return changed == 1

    def record_export(self, request: ShareRequest, entry: LedgerEntry) -> LedgerEntry | None:
        # One transaction: a request marked exported always has its ledger entry.
        with self._db.write() as connection:
            cursor = connection.execute(
                "UPDATE share_requests SET status = 'exported', exported_at = ?,"
                " bundle_sha256 = ? WHERE id = ? AND status IN ('approved', 'exported')",
                (self._time.to_db(entry.exported_at), entry.bundle_sha256, request.id),
            )
            if cursor.rowcount != 1:
                return None
            inserted = connection.execute(
                f"INSERT INTO sharing_ledger ({_LEDGER_INSERT_COLUMNS})"
                f" VALUES ({marks(8)}) RETURNING seq",
                _ledger_row(entry, self._time),
            ).fetchone()
        assert inserted is not None  # RETURNING gives the inserted row
        return replace(entry, seq=int(inserted[0]))


class SqlSharingLedger(Repository):
    def list(self, agency_id: str | None = None, limit: int = 100) -> list[LedgerEntry]:
        clauses, params = _agency_filter(agency_id)
        rows = self._fetch_all(
            f"SELECT {_LEDGER_COLUMNS} FROM sharing_ledger{_where(clauses)}"
            " ORDER BY seq DESC LIMIT ?",
            [*params, limit],
        )
        return [_ledger_from_row(row, self._time) for row in rows]


def _recipient_row(recipient: Recipient, time: TimeCodec, day: DayCodec) -> Row:
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
        recipient.role.value,
        *_declaration_row(recipient.declaration, time, day),
    )


def _declaration_row(declaration: Declaration | None, time: TimeCodec, day: DayCodec) -> Row:
    if declaration is None:
        return (None,) * 8
    return (
        declaration.signed_by,
        declaration.signer_title,
        day.to_db(declaration.signed_on),
        declaration.text,
        declaration.recorded_by,
        time.to_db(declaration.recorded_at),
        None if declaration.expires_on is None else day.to_db(declaration.expires_on),
        None if declaration.withdrawn_on is None else day.to_db(declaration.withdrawn_on),
    )


def _declaration_from_row(row: Row, time: TimeCodec, day: DayCodec) -> Declaration | None:
    if row[0] is None:
        return None
    return Declaration(
        signed_by=row[0],
        signer_title=row[1],
        signed_on=day.from_db(row[2]),
        text=row[3],
        recorded_by=row[4],
        recorded_at=time.from_db(row[5]),
        expires_on=None if row[6] is None else day.from_db(row[6]),
        withdrawn_on=None if row[7] is None else day.from_db(row[7]),
    )


def _recipient_from_row(row: Row, time: TimeCodec, day: DayCodec) -> Recipient:
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
        role=RecipientRole(row[13]),
        declaration=_declaration_from_row(row[14:22], time, day),
    )


def _share_request_row(request: ShareRequest, time: TimeCodec, day: DayCodec) -> Row:
    order = request.court_order
    return (
        request.id,
        request.agency_id,
        request.recipient_id,
        request.purpose,
        request.case_number,
        request.requested_by,
        time.to_db(request.requested_at),
        # A text column on both databases, written as it always was.
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
        None if order is None else order.reference,
        None if order is None else order.court,
        day.optional_to_db(None if order is None else order.issued_on),
    )


def _share_request_from_row(row: Row, time: TimeCodec, day: DayCodec) -> ShareRequest:
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
        court_order=None if row[19] is None else CourtOrder(row[19], row[20], day.from_db(row[21])),
    )


def _ledger_row(entry: LedgerEntry, time: TimeCodec) -> Row:
    """The values of ``_LEDGER_INSERT_COLUMNS``: the database numbers the entry."""
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


def _ledger_from_row(row: Row, time: TimeCodec) -> LedgerEntry:
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
