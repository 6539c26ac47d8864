"""Recipients, share requests and the sharing ledger in PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from psycopg import errors

from platekeeper.domain.recipients import LedgerEntry, Recipient, ShareRequest, ShareStatus
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.dialect import POSTGRES
from platekeeper.store.rows import Row
from platekeeper.store.sharing_rows import (
    LEDGER_COLUMNS,
    LEDGER_INSERT_COLUMNS,
    LEDGER_INSERT_COUNT,
    RECIPIENT_COLUMN_COUNT,
    RECIPIENT_COLUMNS,
    SHARE_REQUEST_COLUMN_COUNT,
    SHARE_REQUEST_COLUMNS,
    ledger_from_row,
    ledger_row,
    recipient_assignments,
    recipient_from_row,
    recipient_row,
    share_request_from_row,
    share_request_row,
)

_ASSIGNMENTS = recipient_assignments("%s")


def _params(count: int) -> str:
    return ", ".join(["%s"] * count)


def _agency_filter(agency_id: str | None) -> tuple[list[str], list[object]]:
    return ([], []) if agency_id is None else (["agency_id = %s"], [agency_id])


def _where(clauses: list[str]) -> str:
    return f" WHERE {' AND '.join(clauses)}" if clauses else ""


def _fetch_all(database: PostgresDatabase, sql: str, params: list[object]) -> list[Row]:
    with database.connection() as connection:
        return connection.execute(sql, params).fetchall()


class PostgresRecipients:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def add(self, recipient: Recipient) -> None:
        try:
            with self._db.connection() as connection:
                connection.execute(
                    f"INSERT INTO recipients ({RECIPIENT_COLUMNS})"
                    f" VALUES ({_params(RECIPIENT_COLUMN_COUNT)})",
                    recipient_row(recipient, POSTGRES.time, POSTGRES.day),
                )
        except errors.ForeignKeyViolation:
            raise NotFound(f"agency {recipient.agency_id!r} does not exist") from None
        except errors.IntegrityError:
            raise Conflict(f"recipient {recipient.id!r} already exists") from None

    def get(self, recipient_id: str) -> Recipient | None:
        with self._db.connection() as connection:
            row = connection.execute(
                f"SELECT {RECIPIENT_COLUMNS} FROM recipients WHERE id = %s", (recipient_id,)
            ).fetchone()
        return None if row is None else recipient_from_row(row, POSTGRES.time, POSTGRES.day)

    def update(self, recipient: Recipient) -> bool:
        row = recipient_row(recipient, POSTGRES.time, POSTGRES.day)
        with self._db.connection() as connection:
            cursor = connection.execute(
                f"UPDATE recipients SET {_ASSIGNMENTS} WHERE id = %s", (*row[2:], recipient.id)
            )
        return cursor.rowcount == 1

    def list(self, agency_id: str | None = None) -> list[Recipient]:
        clauses, params = _agency_filter(agency_id)
        rows = _fetch_all(
            self._db,
            f"SELECT {RECIPIENT_COLUMNS} FROM recipients{_where(clauses)} ORDER BY legal_name, id",
            params,
        )
        return [recipient_from_row(row, POSTGRES.time, POSTGRES.day) for row in rows]


class PostgresShareRequests:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def add(self, request: ShareRequest) -> None:
        try:
            with self._db.connection() as connection:
                connection.execute(
                    f"INSERT INTO share_requests ({SHARE_REQUEST_COLUMNS})"
                    f" VALUES ({_params(SHARE_REQUEST_COLUMN_COUNT)})",
                    share_request_row(request, POSTGRES.time),
                )
        except errors.ForeignKeyViolation:
            raise NotFound(f"recipient {request.recipient_id!r} does not exist") from None
        except errors.IntegrityError:
            raise Conflict(f"share request {request.id} already exists") from None

    def get(self, request_id: str) -> ShareRequest | None:
        with self._db.connection() as connection:
            row = connection.execute(
                f"SELECT {SHARE_REQUEST_COLUMNS} FROM share_requests WHERE id = %s", (request_id,)
            ).fetchone()
        return None if row is None else share_request_from_row(row, POSTGRES.time)

    def list(
        self, agency_id: str | None = None, status: ShareStatus | None = None, limit: int = 100
    ) -> list[ShareRequest]:
        clauses, params = _agency_filter(agency_id)
        if status is not None:
            clauses.append("status = %s")
            params.append(status.value)
        rows = _fetch_all(
            self._db,
            f"SELECT {SHARE_REQUEST_COLUMNS} FROM share_requests{_where(clauses)}"
            " ORDER BY requested_at DESC, id DESC LIMIT %s",
            [*params, limit],
        )
        return [share_request_from_row(row, POSTGRES.time) for row in rows]

    def decide(self, request: ShareRequest) -> bool:
        row = share_request_row(request, POSTGRES.time)
        with self._db.connection() as connection:
            cursor = connection.execute(
                "UPDATE share_requests SET status = %s, decided_by = %s, decided_at = %s"
                " WHERE id = %s AND status = 'pending'",
                (row[11], row[15], row[16], request.id),
            )
        return cursor.rowcount == 1

    def record_export(self, request: ShareRequest, entry: LedgerEntry) -> LedgerEntry | None:
        with self._db.connection() as connection:
            cursor = connection.execute(
                "UPDATE share_requests SET status = 'exported', exported_at = %s,"
                " bundle_sha256 = %s WHERE id = %s AND status IN ('approved', 'exported')",
                (POSTGRES.time.to_db(entry.exported_at), entry.bundle_sha256, request.id),
            )
            if cursor.rowcount != 1:
                return None
            inserted = connection.execute(
                f"INSERT INTO sharing_ledger ({LEDGER_INSERT_COLUMNS})"
                f" VALUES ({_params(LEDGER_INSERT_COUNT)}) RETURNING seq",
                ledger_row(entry, POSTGRES.time),
            ).fetchone()
        assert inserted is not None  # RETURNING gives the inserted row
        return replace(entry, seq=int(inserted[0]))


class PostgresSharingLedger:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def list(self, agency_id: str | None = None, limit: int = 100) -> list[LedgerEntry]:
        clauses, params = _agency_filter(agency_id)
        rows = _fetch_all(
            self._db,
            f"SELECT {LEDGER_COLUMNS} FROM sharing_ledger{_where(clauses)}"
            " ORDER BY seq DESC LIMIT %s",
            [*params, limit],
        )
        return [ledger_from_row(row, POSTGRES.time) for row in rows]
