"""How a person proves who they are: sessions for browsers, API tokens for services, the lockout.

Session tokens and API tokens carry 256 random bits and are stored only as their SHA-256, like
camera keys: a stolen database does not yield a usable credential. Passwords are hashed with
argon2 in ``platekeeper.accounts.passwords``; nothing here sees one.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from platekeeper.domain.access import Actor
from platekeeper.domain.people import Account, Role
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.domain.time import require_utc
from platekeeper.domain.token_scopes import TokenScope, scope_permissions
from platekeeper.errors import InvalidInput

SESSION_TOKEN_PREFIX = "pks_"  # noqa: S105 - a prefix, not a secret
API_TOKEN_PREFIX = "pkt_"  # noqa: S105 - a prefix, not a secret
# Domain separation: the CSRF value is a hash of the session token that no other hash here
# shares, so it cannot be replayed as, or turned into, a session token or its stored hash.
_CSRF_CONTEXT = b"platekeeper csrf v1\x00"


class CredentialKind(StrEnum):
    SESSION = "session"
    TOKEN = "token"  # noqa: S105 - a kind, not a secret
    CONSOLE = "console"
    """A person who signed in at the server's console, for one command."""


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser. Ends when idle too long or at ``expires_at``, whichever comes first."""

    id: str
    account_id: str
    token_hash: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    client_address: str | None = None
    signed_in_with: str = "password"
    """How the person proved who they are, e.g. 'password', 'password+totp', 'oidc'."""

    def __post_init__(self) -> None:
        for name in ("created_at", "last_seen_at", "expires_at"):
            object.__setattr__(self, name, require_utc(getattr(self, name), name))

    def ended(self, now: datetime, max_idle: timedelta) -> bool:
        return now >= self.expires_at or now - self.last_seen_at >= max_idle


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A credential a person issues to a service that acts for them; it expires, always."""

    id: str
    account_id: str
    name: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    scopes: frozenset[TokenScope] = frozenset()
    """What the token may be used for (``token_scopes.py``); none for a token issued before
    tokens had scopes, which is refused until its owner issues a new one."""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput(
                "the token's name is empty", hint="Name the service that uses it, e.g. 'nightly'."
            )
        for name in ("created_at", "expires_at"):
            object.__setattr__(self, name, require_utc(getattr(self, name), name))
        if self.expires_at <= self.created_at:
            raise InvalidInput("a token must expire after it was issued")

    def usable_at(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class PasswordState:
    """What the store keeps about an account's password, apart from the ``Account`` itself."""

    password_hash: str | None
    failed_logins: int = 0
    locked_until: datetime | None = None
    must_change: bool = False
    """The password was set by someone else: it lets its owner choose a new one, nothing more."""

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True, slots=True)
class LockoutRule:
    """``threshold`` failed logins in a row lock the account for ``duration``."""

    threshold: int
    duration: timedelta

    def lock_after(self, failures_in_a_row: int, now: datetime) -> datetime | None:
        """Until when the account is locked after this many failures, or None if it is not."""
        return now + self.duration if failures_in_a_row >= self.threshold else None


UNTIL_RELEASED = datetime(9999, 12, 31, tzinfo=UTC)
"""The ``locked_until`` of a lock that no time ends: a custodian releases it (CJIS AC-7)."""


@dataclass(frozen=True, slots=True)
class FailureCount:
    """Failed sign-ins of one subject (a typed username or a client address) since ``first_at``."""

    failures: int
    first_at: datetime
    locked_until: datetime | None = None

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    @property
    def until_released(self) -> bool:
        """Locked until a custodian releases it, whatever the time."""
        return self.locked_until == UNTIL_RELEASED


@dataclass(frozen=True, slots=True)
class SignInLimit:
    """``threshold`` failures of one subject within ``window`` lock it for ``duration``, or,
    with no duration, until a custodian releases it."""

    threshold: int
    window: timedelta
    duration: timedelta | None

    def lock_after(self, failures: int, now: datetime) -> datetime | None:
        if failures < self.threshold:
            return None
        return UNTIL_RELEASED if self.duration is None else now + self.duration


def failure_subject(kind: str, value: str) -> str:
    """The key failures are counted under: a hash, so that whatever was typed as a username
    (sometimes a password) is not kept; the same for a name that exists and one that does not."""
    digest = hashlib.sha256(f"{kind}\x00{value.strip().lower()}".encode()).hexdigest()
    return f"{kind}:{digest}"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated person, as the API sees them: their account and what they signed in with."""

    account: Account
    credential_kind: CredentialKind
    credential_id: str
    signed_in_with: str = "password"
    """How the person proved who they are for this credential (``Session.signed_in_with``)."""
    scopes: frozenset[TokenScope] | None = None
    """An API token's scopes; None for a session or the console, which have none."""

    @property
    def actor(self) -> Actor:
        """The person as the access log names them, with how they signed in for this access."""
        return Actor(
            self.account.username,
            self.account.agency_id,
            logged_sign_in(self.credential_kind, self.signed_in_with),
        )

    @property
    def permits(self) -> frozenset[Permission] | None:
        """What this credential may do beside the roles: an API token's scopes' permissions;
        None where the roles alone decide."""
        return None if self.scopes is None else scope_permissions(self.scopes)

    @property
    def permissions(self) -> frozenset[Permission]:
        """What this credential may do: its roles' permissions, within its scopes if any."""
        granted = permissions_of(self.account.roles)
        return granted if self.permits is None else granted & self.permits

    def has_role(self, role: Role) -> bool:
        return role in self.account.roles


API_TOKEN_SIGN_IN = "api-token"  # noqa: S105 - a method's name, not a secret
"""How the access log names a call with a person's API token."""
CONSOLE_SIGN_IN_PREFIX = "console+"
"""Before the method of a sign-in at the server's console (``console+password``)."""


def logged_sign_in(kind: CredentialKind, signed_in_with: str) -> str:
    """How the access log names a sign-in of ``kind`` made with ``signed_in_with``: a token
    is one method whatever its issuer's session was; the console is told apart from the web."""
    if kind is CredentialKind.TOKEN:
        return API_TOKEN_SIGN_IN
    if kind is CredentialKind.CONSOLE and not signed_in_with.startswith(CONSOLE_SIGN_IN_PREFIX):
        return CONSOLE_SIGN_IN_PREFIX + signed_in_with
    return signed_in_with


def new_id() -> str:
    return str(uuid.uuid4())


def issue_session_token() -> tuple[str, str]:
    """A new session token and the hash to store; the token goes to the browser only."""
    return _issue(SESSION_TOKEN_PREFIX)


def issue_api_token_secret() -> tuple[str, str]:
    """A new API token and the hash to store; the token is shown once, never stored."""
    return _issue(API_TOKEN_PREFIX)


def _issue(prefix: str) -> tuple[str, str]:
    token = prefix + secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    # 256 random bits: a fast hash resists guessing as well as a slow one, at no cost per request.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token_for(session_token: str) -> str:
    """The CSRF value of a session: derived, so nothing more is stored, and secret as the session
    is, so another site cannot know it. Compare with ``hmac.compare_digest``."""
    return hashlib.sha256(_CSRF_CONTEXT + session_token.encode("utf-8")).hexdigest()
