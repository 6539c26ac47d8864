"""Search approvals in PostgreSQL."""

from __future__ import annotations

from psycopg import errors

from platekeeper.domain.approvals import ApprovalStatus, SearchApproval
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.approval_rows import (
    APPROVAL_COLUMN_COUNT,
    APPROVAL_COLUMNS,
    approval_from_row,
    approval_row,
)
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.time import POSTGRES_TIME

_PARAMS = ", ".join(["%s"] * APPROVAL_COLUMN_COUNT)


class PostgresApprovals:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def add(self, approval: SearchApproval) -> None:
        try:
            with self._db.connection() as connection:
                connection.execute(
                    f"INSERT INTO search_approvals ({APPROVAL_COLUMNS}) VALUES ({_PARAMS})",
                    approval_row(approval, POSTGRES_TIME),
                )
        except errors.ForeignKeyViolation:
            raise NotFound(f"agency {approval.agency_id!r} does not exist") from None
        except errors.IntegrityError:
            raise Conflict(f"approval {approval.id} already exists") from None

    def get(self, approval_id: str) -> SearchApproval | None:
        with self._db.connection() as connection:
            row = connection.execute(
                f"SELECT {APPROVAL_COLUMNS} FROM search_approvals WHERE id = %s", (approval_id,)
            ).fetchone()
        return None if row is None else approval_from_row(row, POSTGRES_TIME)

    def list(self, status: ApprovalStatus | None = None, limit: int = 100) -> list[SearchApproval]:
        where, params = ("", []) if status is None else (" WHERE status = %s", [status.value])
        with self._db.connection() as connection:
            rows = connection.execute(
                f"SELECT {APPROVAL_COLUMNS} FROM search_approvals{where}"
                " ORDER BY requested_at DESC LIMIT %s",
                [*params, limit],
            ).fetchall()
        return [approval_from_row(row, POSTGRES_TIME) for row in rows]

    def decide(self, approval: SearchApproval) -> bool:
        row = approval_row(approval, POSTGRES_TIME)
        with self._db.connection() as connection:
            cursor = connection.execute(
                "UPDATE search_approvals SET status = %s, decided_by = %s, decided_at = %s,"
                " expires_at = %s WHERE id = %s AND status = 'pending'",
                (row[9], row[10], row[11], row[12], approval.id),
            )
        return cursor.rowcount == 1
