"""Accounts, sessions and API tokens in PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import errors

from platekeeper.domain.credentials import ApiToken, PasswordState, Session
from platekeeper.domain.people import Account
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.account_rows import (
    ACCOUNT_COLUMNS,
    ACCOUNT_UPDATE_COLUMNS,
    API_CREDENTIAL_COLUMNS,
    LOGIN_STATE_COLUMNS,
    POSTGRES_DAY,
    SESSION_COLUMNS,
    account_from_row,
    account_row,
    account_update_row,
    api_token_from_row,
    api_token_row,
    password_state_from_row,
    session_from_row,
    session_row,
)
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.dialect import POSTGRES
from platekeeper.store.rows import Row

_ACCOUNT_PARAMS = ", ".join(["%s"] * 13)
_ACCOUNT_SET = ", ".join(f"{column} = %s" for column in ACCOUNT_UPDATE_COLUMNS)


class _Repository:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def _fetch_one(self, sql: str, params: tuple[Any, ...]) -> Row | None:
        with self._db.connection() as connection:
            return connection.execute(sql, params).fetchone()

    def _fetch_all(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        with self._db.connection() as connection:
            return connection.execute(sql, params).fetchall()

    def _execute(self, sql: str, params: tuple[Any, ...]) -> int:
        """Run one statement; return how many rows it changed."""
        with self._db.connection() as connection:
            return connection.execute(sql, params).rowcount


class PostgresAccounts(_Repository):
    def add(self, account: Account, password_hash: str | None) -> None:
        row = (*account_row(account, POSTGRES.time, POSTGRES_DAY), password_hash)
        try:
            self._execute(
                f"INSERT INTO accounts ({ACCOUNT_COLUMNS}, password_hash)"
                f" VALUES ({_ACCOUNT_PARAMS})",
                row,
            )
        except errors.ForeignKeyViolation:
            raise NotFound(f"agency {account.agency_id!r} does not exist") from None
        except errors.UniqueViolation:
            raise Conflict(
                f"username {account.username!r} is taken",
                hint="Each person has one account; look it up with 'platekeeper user show'.",
            ) from None

    def get(self, account_id: str) -> Account | None:
        return self._one("id", account_id)

    def by_username(self, username: str) -> Account | None:
        return self._one("username", username)

    def list(self, agency_id: str | None = None) -> list[Account]:
        if agency_id is None:
            rows = self._fetch_all(f"SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY username")
        else:
            rows = self._fetch_all(
                f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE agency_id = %s ORDER BY username",
                (agency_id,),
            )
        return [account_from_row(row, POSTGRES.time, POSTGRES_DAY) for row in rows]

    def update(self, account: Account) -> None:
        values = account_update_row(account, POSTGRES.time, POSTGRES_DAY)
        self._change(f"UPDATE accounts SET {_ACCOUNT_SET} WHERE id = %s", (*values, account.id))

    def touch(self, account_id: str, at: datetime) -> None:
        # greatest() skips NULL, so the first activity is taken as it is.
        self._change(
            "UPDATE accounts SET last_active_at = greatest(last_active_at, %s) WHERE id = %s",
            (at, account_id),
        )

    def password_state(self, account_id: str) -> PasswordState | None:
        row = self._fetch_one(
            f"SELECT {LOGIN_STATE_COLUMNS} FROM accounts WHERE id = %s", (account_id,)
        )
        return None if row is None else password_state_from_row(row, POSTGRES.time)

    def set_password_hash(self, account_id: str, password_hash: str) -> None:
        self._change(
            "UPDATE accounts SET password_hash = %s WHERE id = %s", (password_hash, account_id)
        )

    def record_failed_login(self, account_id: str) -> int:
        row = self._fetch_one(
            "UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = %s"
            " RETURNING failed_logins",
            (account_id,),
        )
        if row is None:
            raise NotFound(f"account {account_id!r} does not exist")
        return int(row[0])

    def lock(self, account_id: str, until: datetime) -> None:
        self._change(
            "UPDATE accounts SET locked_until = %s, failed_logins = 0 WHERE id = %s",
            (until, account_id),
        )

    def record_login(self, account_id: str, at: datetime) -> None:
        self._change(
            "UPDATE accounts SET failed_logins = 0, locked_until = NULL,"
            " last_active_at = greatest(last_active_at, %s) WHERE id = %s",
            (at, account_id),
        )

    def _one(self, column: str, value: str) -> Account | None:
        row = self._fetch_one(
            f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {column} = %s", (value,)
        )
        return None if row is None else account_from_row(row, POSTGRES.time, POSTGRES_DAY)

    def _change(self, sql: str, params: tuple[Any, ...]) -> None:
        if self._execute(sql, params) == 0:
            raise NotFound(f"account {params[-1]!r} does not exist")


class PostgresSessions(_Repository):
    def add(self, session: Session) -> None:
        try:
            self._execute(
                f"INSERT INTO sessions ({SESSION_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                session_row(session, POSTGRES.time),
            )
        except errors.ForeignKeyViolation:
            raise NotFound(f"account {session.account_id!r} does not exist") from None
        except errors.UniqueViolation:
            raise Conflict("that session already exists") from None

    def by_token_hash(self, token_hash: str) -> Session | None:
        row = self._fetch_one(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = %s", (token_hash,)
        )
        return None if row is None else session_from_row(row, POSTGRES.time)

    def list(self, account_id: str) -> list[Session]:
        rows = self._fetch_all(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE account_id = %s ORDER BY created_at",
            (account_id,),
        )
        return [session_from_row(row, POSTGRES.time) for row in rows]

    def touch(self, session_id: str, at: datetime) -> None:
        self._execute(
            "UPDATE sessions SET last_seen_at = greatest(last_seen_at, %s) WHERE id = %s",
            (at, session_id),
        )

    def delete(self, session_id: str) -> bool:
        return self._execute("DELETE FROM sessions WHERE id = %s", (session_id,)) > 0

    def delete_for_account(self, account_id: str, *, keep: str | None = None) -> int:
        return self._execute(
            "DELETE FROM sessions WHERE account_id = %s AND id IS DISTINCT FROM %s",
            (account_id, keep),
        )

    def delete_ended(self, now: datetime, idle_since: datetime) -> int:
        return self._execute(
            "DELETE FROM sessions WHERE expires_at <= %s OR last_seen_at <= %s", (now, idle_since)
        )


class PostgresApiTokens(_Repository):
    def add(self, token: ApiToken) -> None:
        try:
            self._execute(
                f"INSERT INTO api_tokens ({API_CREDENTIAL_COLUMNS})"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                api_token_row(token, POSTGRES.time),
            )
        except errors.ForeignKeyViolation:
            raise NotFound(f"account {token.account_id!r} does not exist") from None
        except errors.UniqueViolation:
            raise Conflict("that token already exists", hint="Issue a new token.") from None

    def get(self, token_id: str) -> ApiToken | None:
        return self._one("id", token_id)

    def by_token_hash(self, token_hash: str) -> ApiToken | None:
        return self._one("token_hash", token_hash)

    def list(self, account_id: str) -> list[ApiToken]:
        rows = self._fetch_all(
            f"SELECT {API_CREDENTIAL_COLUMNS} FROM api_tokens WHERE account_id = %s"
            " ORDER BY created_at DESC, id",
            (account_id,),
        )
        return [api_token_from_row(row, POSTGRES.time) for row in rows]

    def revoke(self, token_id: str, at: datetime) -> bool:
        changed = self._execute(
            "UPDATE api_tokens SET revoked_at = %s WHERE id = %s AND revoked_at IS NULL",
            (at, token_id),
        )
        return changed > 0

    def revoke_for_account(self, account_id: str, at: datetime) -> int:
        return self._execute(
            "UPDATE api_tokens SET revoked_at = %s WHERE account_id = %s AND revoked_at IS NULL",
            (at, account_id),
        )

    def record_use(self, token_id: str, at: datetime) -> None:
        self._execute(
            "UPDATE api_tokens SET last_used_at = greatest(last_used_at, %s) WHERE id = %s",
            (at, token_id),
        )

    def _one(self, column: str, value: str) -> ApiToken | None:
        row = self._fetch_one(
            f"SELECT {API_CREDENTIAL_COLUMNS} FROM api_tokens WHERE {column} = %s", (value,)
        )
        return None if row is None else api_token_from_row(row, POSTGRES.time)
