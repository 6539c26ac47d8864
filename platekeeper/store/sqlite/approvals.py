"""Search approvals in SQLite."""

from __future__ import annotations

import sqlite3

from platekeeper.domain.approvals import ApprovalStatus, SearchApproval
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.approval_rows import (
    APPROVAL_COLUMN_COUNT,
    APPROVAL_COLUMNS,
    approval_from_row,
    approval_row,
)
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.time import SQLITE_TIME

_PARAMS = ", ".join("?" * APPROVAL_COLUMN_COUNT)


class SqliteApprovals:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, approval: SearchApproval) -> None:
        try:
            with self._db.write() as connection:
                connection.execute(
                    f"INSERT INTO search_approvals ({APPROVAL_COLUMNS}) VALUES ({_PARAMS})",
                    approval_row(approval, SQLITE_TIME),
                )
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == "SQLITE_CONSTRAINT_FOREIGNKEY":
                raise NotFound(f"agency {approval.agency_id!r} does not exist") from None
            raise Conflict(f"approval {approval.id} already exists") from None

    def get(self, approval_id: str) -> SearchApproval | None:
        row = self._db.fetch_one(
            f"SELECT {APPROVAL_COLUMNS} FROM search_approvals WHERE id = ?", (approval_id,)
        )
        return None if row is None else approval_from_row(row, SQLITE_TIME)

    def list(self, status: ApprovalStatus | None = None, limit: int = 100) -> list[SearchApproval]:
        where, params = ("", []) if status is None else (" WHERE status = ?", [status.value])
        rows = self._db.fetch_all(
            f"SELECT {APPROVAL_COLUMNS} FROM search_approvals{where}"
            " ORDER BY requested_at DESC LIMIT ?",
            [*params, limit],
        )
        return [approval_from_row(row, SQLITE_TIME) for row in rows]

    def decide(self, approval: SearchApproval) -> bool:
        row = approval_row(approval, SQLITE_TIME)
        with self._db.write() as connection:
            cursor = connection.execute(
                "UPDATE search_approvals SET status = ?, decided_by = ?, decided_at = ?,"
                " expires_at = ? WHERE id = ? AND status = 'pending'",
                (row[9], row[10], row[11], row[12], approval.id),
            )
        return cursor.rowcount == 1
