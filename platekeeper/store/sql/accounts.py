"""Accounts, sessions and API tokens.

Credentials (password hash, failures in a row, lock) are columns of ``accounts`` but not of
``_ACCOUNT_COLUMNS``: reading an ``Account`` never reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from platekeeper.domain.credentials import ApiToken, FailureCount, PasswordState, Session
from platekeeper.domain.people import (
    Account,
    AccountStatus,
    Role,
    SuspensionReason,
    TrainingRecord,
)
from platekeeper.domain.stewardship import AccountChange, ChangeKind, RoleGrant
from platekeeper.domain.token_scopes import parse_scopes, scopes_text
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.sql.database import Repository, Row, marks
from platekeeper.store.sql.dialect import (
    ConstraintViolation,
    DayCodec,
    TimeCodec,
    Violation,
)

_ACCOUNT_FIELDS = (
    "id", "username", "display_name", "agency_id", "job_title", "roles", "status",
    "suspension_reason", "training_completed_on", "training_expires_on", "created_at",
    "last_active_at", "inactive_since",
)  # fmt: skip
_ACCOUNT_COLUMNS = ", ".join(_ACCOUNT_FIELDS)
# An update never moves an account to another name, agency or creation time.
_UPDATED = [
    index
    for index, field in enumerate(_ACCOUNT_FIELDS)
    if field not in ("id", "username", "agency_id", "created_at")
]
_ACCOUNT_SET = ", ".join(f"{_ACCOUNT_FIELDS[index]} = ?" for index in _UPDATED)
_LOGIN_STATE_COLUMNS = "password_hash, failed_logins, locked_until, must_change_password"
_GRANT_COLUMNS = "awaiting_approval, pending_roles, pending_by, pending_at"
_SESSION_COLUMNS = (
    "id, account_id, token_hash, created_at, last_seen_at, expires_at, client_address,"
    " signed_in_with"
)
_API_CREDENTIAL_COLUMNS = (
    "id, account_id, name, token_hash, created_at, expires_at, last_used_at, revoked_at, scopes"
)


class SqlAccounts(Repository):
    def add(
        self,
        account: Account,
        password_hash: str | None,
        *,
        must_change: bool = False,
        grant: RoleGrant | None = None,
    ) -> None:
        row = (
            *_account_row(account, self._time, self._dialect.day),
            password_hash,
            must_change,
            *self._grant_row(grant),
        )
        try:
            self._execute(
                f"INSERT INTO accounts ({_ACCOUNT_COLUMNS}, password_hash, must_change_password,"
                f" {_GRANT_COLUMNS}) VALUES ({marks(len(row))})",
                row,
            )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {account.agency_id!r} does not exist") from None
            raise Conflict(
                f"username {account.username!r} is taken",
                hint="Each person has one account; look it up with 'platekeeper user show'.",
            ) from None

    def get(self, account_id: str) -> Account | None:
        return self._one("id", account_id)

    def by_username(self, username: str) -> Account | None:
        return self._one("username", username)

    def list(self, agency_id: str | None = None) -> list[Account]:
        where, params = ("", []) if agency_id is None else (" WHERE agency_id = ?", [agency_id])
        rows = self._fetch_all(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts{where} ORDER BY username", params
        )
        return [_account_from_row(row, self._time, self._dialect.day) for row in rows]

    def update(self, account: Account) -> None:
        row = _account_row(account, self._time, self._dialect.day)
        values = [row[index] for index in _UPDATED]
        self._change(f"UPDATE accounts SET {_ACCOUNT_SET} WHERE id = ?", (*values, account.id))

    def touch(self, account_id: str, at: datetime) -> None:
        instant = self._time.to_db(at)
        self._change(
            f"UPDATE accounts SET last_active_at = {self._dialect.later('last_active_at')}"
            " WHERE id = ?",
            (instant, instant, account_id),
        )

    def password_state(self, account_id: str) -> PasswordState | None:
        row = self._fetch_one(
            f"SELECT {_LOGIN_STATE_COLUMNS} FROM accounts WHERE id = ?", (account_id,)
        )
        return None if row is None else _password_state_from_row(row, self._time)

    def set_password_hash(
        self, account_id: str, password_hash: str, *, must_change: bool = False
    ) -> None:
        self._change(
            "UPDATE accounts SET password_hash = ?, must_change_password = ? WHERE id = ?",
            (password_hash, must_change, account_id),
        )

    def request_roles(self, account_id: str, grant: RoleGrant | None) -> None:
        self._change(
            f"UPDATE accounts SET {', '.join(f'{c} = ?' for c in _GRANT_COLUMNS.split(', '))}"
            " WHERE id = ?",
            (*self._grant_row(grant), account_id),
        )

    def pending_grant(self, account_id: str) -> RoleGrant | None:
        row = self._fetch_one(f"SELECT {_GRANT_COLUMNS} FROM accounts WHERE id = ?", (account_id,))
        if row is None or row[1] is None:
            return None
        return RoleGrant(
            roles=_roles_from_db(row[1]),
            requested_by=row[2],
            requested_at=self._time.from_db(row[3]),
            new_account=bool(row[0]),
        )

    def _grant_row(self, grant: RoleGrant | None) -> Row:
        if grant is None:
            return (False, None, None, None)
        return (
            grant.new_account,
            _roles_to_db(grant.roles),
            grant.requested_by,
            self._time.to_db(grant.requested_at),
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
            (self._time.to_db(until), account_id),
        )

    def record_login(self, account_id: str, at: datetime) -> None:
        instant = self._time.to_db(at)
        self._change(
            "UPDATE accounts SET failed_logins = 0, locked_until = NULL,"
            f" last_active_at = {self._dialect.later('last_active_at')} WHERE id = ?",
            (instant, instant, account_id),
        )

    def _one(self, column: str, value: str) -> Account | None:
        row = self._fetch_one(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE {column} = ?", (value,)
        )
        return None if row is None else _account_from_row(row, self._time, self._dialect.day)

    def _change(self, sql: str, params: Sequence[Any]) -> None:
        """Run ``sql``, whose last parameter is the account's id; the account must exist."""
        if self._execute(sql, params) == 0:
            raise _missing(str(params[-1]))


class SqlAccountChanges(Repository):
    def add(self, change: AccountChange) -> None:
        self._execute(
            "INSERT INTO account_changes (username, changed_by, change, at) VALUES (?, ?, ?, ?)",
            (change.username, change.changed_by, change.change.value, self._time.to_db(change.at)),
        )

    def between(self, first: str, second: str, since: datetime) -> list[AccountChange]:
        rows = self._fetch_all(
            "SELECT username, changed_by, change, at FROM account_changes"
            " WHERE ((username = ? AND changed_by = ?) OR (username = ? AND changed_by = ?))"
            " AND at >= ? ORDER BY at",
            (first, second, second, first, self._time.to_db(since)),
        )
        return [
            AccountChange(row[0], row[1], ChangeKind(row[2]), self._time.from_db(row[3]))
            for row in rows
        ]


class SqlSignInFailures(Repository):
    """Failures per subject; a count older than the window starts again from one."""

    def get(self, subject: str) -> FailureCount | None:
        row = self._fetch_one(
            "SELECT failures, first_at, locked_until FROM sign_in_failures WHERE subject = ?",
            (subject,),
        )
        if row is None:
            return None
        return FailureCount(row[0], self._time.from_db(row[1]), self._time.optional_from_db(row[2]))

    def record(self, subject: str, now: datetime, window_start: datetime) -> int:
        instant, stale = self._time.to_db(now), self._time.to_db(window_start)
        with self._db.write() as connection:
            row = connection.execute(
                "INSERT INTO sign_in_failures (subject, failures, first_at) VALUES (?, 1, ?)"
                " ON CONFLICT (subject) DO UPDATE SET"
                " failures = CASE WHEN sign_in_failures.first_at < ? THEN 1"
                " ELSE sign_in_failures.failures + 1 END,"
                " first_at = CASE WHEN sign_in_failures.first_at < ? THEN ?"
                " ELSE sign_in_failures.first_at END"
                " RETURNING failures",
                (subject, instant, stale, stale, instant),
            ).fetchone()
        return int(row[0])

    def lock(self, subject: str, until: datetime) -> None:
        self._execute(
            "UPDATE sign_in_failures SET locked_until = ?, failures = 0 WHERE subject = ?",
            (self._time.to_db(until), subject),
        )

    def clear(self, subject: str) -> None:
        self._execute("DELETE FROM sign_in_failures WHERE subject = ?", (subject,))

    def forget_before(self, instant: datetime) -> int:
        """Drop counts that started before ``instant`` and hold no lock past it."""
        before = self._time.to_db(instant)
        return self._execute(
            "DELETE FROM sign_in_failures WHERE first_at < ?"
            " AND (locked_until IS NULL OR locked_until < ?)",
            (before, before),
        )


class SqlSessionLocks(Repository):
    def lock(self, session_id: str, at: datetime) -> bool:
        # Only a session that exists locks: INSERT ... SELECT finds none for an ended one.
        return (
            self._execute(
                "INSERT INTO session_locks (session_id, locked_at)"
                " SELECT id, ? FROM sessions WHERE id = ? ON CONFLICT DO NOTHING",
                (self._time.to_db(at), session_id),
            )
            > 0
        )

    def unlock(self, session_id: str) -> bool:
        return self._execute("DELETE FROM session_locks WHERE session_id = ?", (session_id,)) > 0

    def locked_at(self, session_id: str) -> datetime | None:
        row = self._fetch_one(
            "SELECT locked_at FROM session_locks WHERE session_id = ?", (session_id,)
        )
        return None if row is None else self._time.from_db(row[0])


class SqlSessions(Repository):
    def add(self, session: Session) -> None:
        try:
            self._execute(
                f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES ({marks(8)})",
                _session_row(session, self._time),
            )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise _missing(session.account_id) from None
            raise Conflict("that session already exists") from None

    def by_token_hash(self, token_hash: str) -> Session | None:
        row = self._fetch_one(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE token_hash = ?", (token_hash,)
        )
        return None if row is None else _session_from_row(row, self._time)

    def list(self, account_id: str) -> list[Session]:
        rows = self._fetch_all(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE account_id = ? ORDER BY created_at",
            (account_id,),
        )
        return [_session_from_row(row, self._time) for row in rows]

    def touch(self, session_id: str, at: datetime) -> None:
        # last_seen_at is never NULL, so the larger of the two is the later.
        self._execute(
            f"UPDATE sessions SET last_seen_at = {self._dialect.greatest}(last_seen_at, ?)"
            " WHERE id = ?",
            (self._time.to_db(at), session_id),
        )

    def delete(self, session_id: str) -> bool:
        return self._execute("DELETE FROM sessions WHERE id = ?", (session_id,)) > 0

    def delete_for_account(self, account_id: str, *, keep: str | None = None) -> int:
        # Two statements rather than one with "id IS NOT ?", which SQLite alone takes.
        if keep is None:
            return self._execute("DELETE FROM sessions WHERE account_id = ?", (account_id,))
        return self._execute(
            "DELETE FROM sessions WHERE account_id = ? AND id <> ?", (account_id, keep)
        )

    def delete_ended(self, now: datetime, idle_since: datetime) -> int:
        return self._execute(
            "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?",
            (self._time.to_db(now), self._time.to_db(idle_since)),
        )


class SqlApiTokens(Repository):
    def add(self, token: ApiToken) -> None:
        try:
            self._execute(
                f"INSERT INTO api_tokens ({_API_CREDENTIAL_COLUMNS}) VALUES ({marks(9)})",
                _token_row(token, self._time),
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
        rows = self._fetch_all(
            f"SELECT {_API_CREDENTIAL_COLUMNS} FROM api_tokens WHERE account_id = ?"
            " ORDER BY created_at DESC, id",
            (account_id,),
        )
        return [_token_from_row(row, self._time) for row in rows]

    def revoke(self, token_id: str, at: datetime) -> bool:
        changed = self._execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            (self._time.to_db(at), token_id),
        )
        return changed > 0

    def revoke_for_account(self, account_id: str, at: datetime) -> int:
        return self._execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
            (self._time.to_db(at), account_id),
        )

    def record_use(self, token_id: str, at: datetime) -> None:
        instant = self._time.to_db(at)
        self._execute(
            f"UPDATE api_tokens SET last_used_at = {self._dialect.later('last_used_at')}"
            " WHERE id = ?",
            (instant, instant, token_id),
        )

    def _one(self, column: str, value: str) -> ApiToken | None:
        row = self._fetch_one(
            f"SELECT {_API_CREDENTIAL_COLUMNS} FROM api_tokens WHERE {column} = ?", (value,)
        )
        return None if row is None else _token_from_row(row, self._time)


def _missing(account_id: str) -> NotFound:
    return NotFound(f"account {account_id!r} does not exist")


def _roles_to_db(roles: frozenset[Role]) -> str:
    # One sorted, comma-separated text, so that equal sets are equal rows.
    return ",".join(sorted(role.value for role in roles))


def _roles_from_db(value: str) -> frozenset[Role]:
    return frozenset(Role(name) for name in value.split(","))


def _account_row(account: Account, time: TimeCodec, day: DayCodec) -> Row:
    """The values of ``account`` in ``_ACCOUNT_FIELDS`` order."""
    training = account.training
    return (
        account.id,
        account.username,
        account.display_name,
        account.agency_id,
        account.job_title,
        _roles_to_db(account.roles),
        account.status.value,
        None if account.suspension_reason is None else account.suspension_reason.value,
        None if training is None else day.to_db(training.completed_on),
        None if training is None else day.to_db(training.expires_on),
        time.to_db(account.created_at),
        time.optional_to_db(account.last_active_at),
        time.optional_to_db(account.inactive_since),
    )


def _account_from_row(row: Row, time: TimeCodec, day: DayCodec) -> Account:
    training = None if row[8] is None else TrainingRecord(day.from_db(row[8]), day.from_db(row[9]))
    return Account(
        id=row[0],
        username=row[1],
        display_name=row[2],
        agency_id=row[3],
        job_title=row[4],
        roles=_roles_from_db(row[5]),
        status=AccountStatus(row[6]),
        suspension_reason=None if row[7] is None else SuspensionReason(row[7]),
        training=training,
        created_at=time.from_db(row[10]),
        last_active_at=time.optional_from_db(row[11]),
        inactive_since=time.optional_from_db(row[12]),
    )


def _password_state_from_row(row: Row, time: TimeCodec) -> PasswordState:
    return PasswordState(
        password_hash=row[0],
        failed_logins=row[1],
        locked_until=time.optional_from_db(row[2]),
        must_change=bool(row[3]),
    )


def _session_row(session: Session, time: TimeCodec) -> Row:
    return (
        session.id,
        session.account_id,
        session.token_hash,
        time.to_db(session.created_at),
        time.to_db(session.last_seen_at),
        time.to_db(session.expires_at),
        session.client_address,
        session.signed_in_with,
    )


def _session_from_row(row: Row, time: TimeCodec) -> Session:
    return Session(
        id=row[0],
        account_id=row[1],
        token_hash=row[2],
        created_at=time.from_db(row[3]),
        last_seen_at=time.from_db(row[4]),
        expires_at=time.from_db(row[5]),
        client_address=row[6],
        signed_in_with=row[7],
    )


def _token_row(token: ApiToken, time: TimeCodec) -> Row:
    return (
        token.id,
        token.account_id,
        token.name,
        token.token_hash,
        time.to_db(token.created_at),
        time.to_db(token.expires_at),
        time.optional_to_db(token.last_used_at),
        time.optional_to_db(token.revoked_at),
        scopes_text(token.scopes),
    )


def _token_from_row(row: Row, time: TimeCodec) -> ApiToken:
    return ApiToken(
        id=row[0],
        account_id=row[1],
        name=row[2],
        token_hash=row[3],
        created_at=time.from_db(row[4]),
        expires_at=time.from_db(row[5]),
        last_used_at=time.optional_from_db(row[6]),
        revoked_at=time.optional_from_db(row[7]),
        scopes=parse_scopes([row[8]]),
    )
