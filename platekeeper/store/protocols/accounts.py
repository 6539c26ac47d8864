"""Accounts, sessions and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from platekeeper.domain.credentials import ApiToken, FailureCount, PasswordState, Session
from platekeeper.domain.people import Account
from platekeeper.domain.stewardship import AccountChange, RoleGrant


class AccountRepository(Protocol):
    """People's accounts. Credentials live in the same rows but never in an ``Account``: they
    are read and written only through the password methods here."""

    def add(
        self,
        account: Account,
        password_hash: str | None,
        *,
        must_change: bool = False,
        grant: RoleGrant | None = None,
    ) -> None:
        """``Conflict`` if the username is taken, ``NotFound`` if the agency does not exist."""
        ...

    def get(self, account_id: str) -> Account | None: ...
    def by_username(self, username: str) -> Account | None: ...
    def list(self, agency_id: str | None = None) -> list[Account]:
        """By username."""
        ...

    def update(self, account: Account) -> None:
        """Store name, title, roles, status, training and last activity; the id, username,
        agency and creation time never change."""
        ...

    def touch(self, account_id: str, at: datetime) -> None:
        """Record activity at ``at``, unless later activity is recorded already."""
        ...

    def password_state(self, account_id: str) -> PasswordState | None: ...
    def set_password_hash(
        self, account_id: str, password_hash: str, *, must_change: bool = False
    ) -> None:
        """``must_change``: someone else set it; its owner must choose a new one."""
        ...

    def request_roles(self, account_id: str, grant: RoleGrant | None) -> None:
        """Keep ``grant`` waiting for approval; None withdraws or ends it."""
        ...

    def pending_grant(self, account_id: str) -> RoleGrant | None: ...
    def record_failed_login(self, account_id: str) -> int:
        """Count one more failed login in a row, atomically; return the count."""
        ...

    def lock(self, account_id: str, until: datetime) -> None:
        """Refuse logins until ``until``; failures are counted afresh after it."""
        ...

    def record_login(self, account_id: str, at: datetime) -> None:
        """A successful login: failures cleared, lock lifted, activity recorded."""
        ...


class AccountChangeRepository(Protocol):
    """Who created an account, set its password or changed its roles; kept for the record."""

    def add(self, change: AccountChange) -> None: ...
    def between(self, first: str, second: str, since: datetime) -> list[AccountChange]:
        """Changes since ``since`` that either of the two usernames made to the other's account."""
        ...


class SignInFailureRepository(Protocol):
    """Failed sign-ins per subject (a hashed username or client address), known or not."""

    def get(self, subject: str) -> FailureCount | None: ...
    def record(self, subject: str, now: datetime, window_start: datetime) -> int:
        """Count one more failure, atomically, afresh if the count began before
        ``window_start``; return the count."""
        ...

    def lock(self, subject: str, until: datetime) -> None: ...
    def clear(self, subject: str) -> None: ...
    def forget_before(self, instant: datetime) -> int: ...


class SessionRepository(Protocol):
    def add(self, session: Session) -> None: ...
    def by_token_hash(self, token_hash: str) -> Session | None: ...
    def list(self, account_id: str) -> list[Session]: ...
    def touch(self, session_id: str, at: datetime) -> None: ...
    def delete(self, session_id: str) -> bool:
        """End one session; False if there was none."""
        ...

    def delete_for_account(self, account_id: str, *, keep: str | None = None) -> int:
        """End every session of the account but ``keep``; return how many ended."""
        ...

    def delete_ended(self, now: datetime, idle_since: datetime) -> int:
        """Delete sessions past their expiry or unused since ``idle_since``."""
        ...


class SessionLockRepository(Protocol):
    """Sessions whose screen is locked (CJIS AC-11); ending a session ends its lock."""

    def lock(self, session_id: str, at: datetime) -> bool:
        """Lock the session; False if it was locked already or does not exist."""
        ...

    def unlock(self, session_id: str) -> bool:
        """False if it was not locked."""
        ...

    def locked_at(self, session_id: str) -> datetime | None: ...


class ApiTokenRepository(Protocol):
    def add(self, token: ApiToken) -> None: ...
    def get(self, token_id: str) -> ApiToken | None: ...
    def by_token_hash(self, token_hash: str) -> ApiToken | None: ...
    def list(self, account_id: str) -> list[ApiToken]:
        """Revoked and expired ones too, newest first."""
        ...

    def revoke(self, token_id: str, at: datetime) -> bool:
        """False if the token does not exist or was revoked already."""
        ...

    def revoke_for_account(self, account_id: str, at: datetime) -> int: ...
    def record_use(self, token_id: str, at: datetime) -> None: ...
