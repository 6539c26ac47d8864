"""Accounts, sessions and API tokens in SQLite."""

from __future__ import annotations

from datetime import datetime

from platekeeper.domain.credentials import ApiToken, PasswordState, Session
from platekeeper.domain.people import Account
from platekeeper.domain.time import to_epoch_us
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.account_rows import (
    ACCOUNT_COLUMNS,
    ACCOUNT_UPDATE_COLUMNS,
    API_CREDENTIAL_COLUMNS,
    LOGIN_STATE_COLUMNS,
    SESSION_COLUMNS,
    SQLITE_DAY,
    account_from_row,
    account_row,
    account_update_row,
    api_token_from_row,
    api_token_row,
    password_state_from_row,
    session_from_row,
    session_row,
)
from platekeeper.store.sql.dialect import ConstraintViolation, Violation
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.dialect import SQLITE

_ACCOUNT_PARAMS = ", ".join("?" * 13)
_ACCOUNT_SET = ", ".join(f"{column} = ?" for column in ACCOUNT_UPDATE_COLUMNS)


class SqliteAccounts:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, account: Account, password_hash: str | None) -> None:
        row = (*account_row(account, SQLITE.time, SQLITE_DAY), password_hash)
        try:
            with self._db.write() as connection:
                connection.execute(
                    f"INSERT INTO accounts ({ACCOUNT_COLUMNS}, password_hash)"
                    f" VALUES ({_ACCOUNT_PARAMS})",
                    row,
                )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {account.agency_id!r} does not exist") from None
            raise _taken(account) from None

    def get(self, account_id: str) -> Account | None:
        return self._one("id", account_id)

    def by_username(self, username: str) -> Account | None:
        return self._one("username", username)

    def list(self, agency_id: str | None = None) -> list[Account]:
        if agency_id is None:
            rows = self._db.fetch_all(f"SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY username")
        else:
            rows = self._db.fetch_all(
                f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE agency_id = ? ORDER BY username",
                (agency_id,),
            )
        return [account_from_row(row, SQLITE.time, SQLITE_DAY) for row in rows]

    def update(self, account: Account) -> None:
        values = account_update_row(account, SQLITE.time, SQLITE_DAY)
        self._change(f"UPDATE accounts SET {_ACCOUNT_SET} WHERE id = ?", (*values, account.id))

    def touch(self, account_id: str, at: datetime) -> None:
        self._change(
            "UPDATE accounts SET last_active_at = max(coalesce(last_active_at, 0), ?) WHERE id = ?",
            (to_epoch_us(at), account_id),
        )

    def password_state(self, account_id: str) -> PasswordState | None:
        row = self._db.fetch_one(
            f"SELECT {LOGIN_STATE_COLUMNS} FROM accounts WHERE id = ?", (account_id,)
        )
        return None if row is None else password_state_from_row(row, SQLITE.time)

    def set_password_hash(self, account_id: str, password_hash: str) -> None:
        self._change(
            "UPDATE accounts SET password_hash = ? WHERE id = ?", (password_hash, account_id)
        )

    def record_failed_login(self, account_id: str) -> int:
        with self._db.write() as connection:
            row = connection.execute(
                "UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = ?"
                " RETURNING failed_logins",
                (account_id,),
            ).fetchone()
        if row is None:
            raise _missing(account_id)
        return int(row[0])

    def lock(self, account_id: str, until: datetime) -> None:
        self._change(
            "UPDATE accounts SET locked_until = ?, failed_logins = 0 WHERE id = ?",
            (to_epoch_us(until), account_id),
        )

    def record_login(self, account_id: str, at: datetime) -> None:
        self._change(
            "UPDATE accounts SET failed_logins = 0, locked_until = NULL,"
            " last_active_at = max(coalesce(last_active_at, 0), ?) WHERE id = ?",
            (to_epoch_us(at), account_id),
        )

    def _one(self, column: str, value: str) -> Account | None:
        row = self._db.fetch_one(
            f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {column} = ?", (value,)
        )
        return None if row is None else account_from_row(row, SQLITE.time, SQLITE_DAY)

    def _change(self, sql: str, params: tuple[object, ...]) -> None:
        with self._db.write() as connection:
            cursor = connection.execute(sql, params)
        if cursor.rowcount == 0:
            raise _missing(str(params[-1]))


class SqliteSessions:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, session: Session) -> None:
        try:
            with self._db.write() as connection:
                connection.execute(
                    f"INSERT INTO sessions ({SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    session_row(session, SQLITE.time),
                )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise _missing(session.account_id) from None
            raise Conflict("that session already exists") from None

    def by_token_hash(self, token_hash: str) -> Session | None:
        row = self._db.fetch_one(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = ?", (token_hash,)
        )
        return None if row is None else session_from_row(row, SQLITE.time)

    def list(self, account_id: str) -> list[Session]:
        rows = self._db.fetch_all(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE account_id = ? ORDER BY created_at",
            (account_id,),
        )
        return [session_from_row(row, SQLITE.time) for row in rows]

    def touch(self, session_id: str, at: datetime) -> None:
        with self._db.write() as connection:
            connection.execute(
                "UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE id = ?",
                (to_epoch_us(at), session_id),
            )

    def delete(self, session_id: str) -> bool:
        with self._db.write() as connection:
            cursor = connection.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return cursor.rowcount > 0

    def delete_for_account(self, account_id: str, *, keep: str | None = None) -> int:
        with self._db.write() as connection:
            cursor = connection.execute(
                "DELETE FROM sessions WHERE account_id = ? AND id IS NOT ?", (account_id, keep)
            )
        return cursor.rowcount

    def delete_ended(self, now: datetime, idle_since: datetime) -> int:
        with self._db.write() as connection:
            cursor = connection.execute(
                "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?",
                (to_epoch_us(now), to_epoch_us(idle_since)),
            )
        return cursor.rowcount


class SqliteApiTokens:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, token: ApiToken) -> None:
        try:
            with self._db.write() as connection:
                connection.execute(
                    f"INSERT INTO api_tokens ({API_CREDENTIAL_COLUMNS})"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    api_token_row(token, SQLITE.time),
                )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise _missing(token.account_id) from None
            raise Conflict("that token already exists", hint="Issue a new token.") from None

    def get(self, token_id: str) -> ApiToken | None:
        return self._one("id", token_id)

    def by_token_hash(self, token_hash: str) -> ApiToken | None:
        return self._one("token_hash", token_hash)

    def list(self, account_id: str) -> list[ApiToken]:
        rows = self._db.fetch_all(
            f"SELECT {API_CREDENTIAL_COLUMNS} FROM api_tokens WHERE account_id = ?"
            " ORDER BY created_at DESC, id",
            (account_id,),
        )
        return [api_token_from_row(row, SQLITE.time) for row in rows]

    def revoke(self, token_id: str, at: datetime) -> bool:
        with self._db.write() as connection:
            cursor = connection.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (to_epoch_us(at), token_id),
            )
        return cursor.rowcount > 0

    def revoke_for_account(self, account_id: str, at: datetime) -> int:
        with self._db.write() as connection:
            cursor = connection.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
                (to_epoch_us(at), account_id),
            )
        return cursor.rowcount

    def record_use(self, token_id: str, at: datetime) -> None:
        with self._db.write() as connection:
            connection.execute(
                "UPDATE api_tokens SET last_used_at = max(coalesce(last_used_at, 0), ?)"
                " WHERE id = ?",
                (to_epoch_us(at), token_id),
            )

    def _one(self, column: str, value: str) -> ApiToken | None:
        row = self._db.fetch_one(
            f"SELECT {API_CREDENTIAL_COLUMNS} FROM api_tokens WHERE {column} = ?", (value,)
        )
        return None if row is None else api_token_from_row(row, SQLITE.time)


def _taken(account: Account) -> Conflict:
    return Conflict(
        f"username {account.username!r} is taken",
        hint="Each person has one account; look it up with 'platekeeper user show'.",
    )


def _missing(account_id: str) -> NotFound:
    return NotFound(f"account {account_id!r} does not exist")
