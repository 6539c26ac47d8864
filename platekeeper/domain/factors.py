"""A person's second factors: what they hold besides their password, and the rules of using it.

CJIS Security Policy 5.9.5 (IA-2(1)/(2)) asks a second factor of every person. Two kinds are
kept: a TOTP authenticator (RFC 6238) and a WebAuthn credential (a passkey or security key). A
TOTP secret is a secret: the store keeps it sealed with a key outside the database
(``sealed_secret``), and a code is accepted once only, however long it stays valid: the last
accepted time step is kept, and a code of that step or an earlier one is refused.

Recovery codes stand in for a lost authenticator; each works once and is kept only as a hash.
A pending sign-in is the state between the password and the second factor: short-lived, bound to
one account, its token kept only as a hash, and it opens nothing but the second step.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from platekeeper.domain.time import require_utc
from platekeeper.errors import InvalidInput

PENDING_TOKEN_PREFIX = "pkp_"  # noqa: S105 - a prefix, not a secret
RECOVERY_CODE_COUNT = 10
PENDING_SIGN_IN_LIFETIME = timedelta(minutes=5)
MAX_LABEL = 60
# Ten characters from an alphabet without look-alikes (0/O, 1/I/L): about 48 bits each, shown
# in two groups of five for reading off a sheet of paper.
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_RECOVERY_LENGTH = 10
# Domain separation, as for the CSRF value: a recovery code's hash is no other hash here.
_RECOVERY_CONTEXT = b"platekeeper recovery code v1\x00"


class FactorKind(StrEnum):
    TOTP = "totp"
    WEBAUTHN = "webauthn"


SIGNED_IN_WITH_FACTOR = {
    FactorKind.TOTP: "password+totp",
    FactorKind.WEBAUTHN: "password+webauthn",
}
SIGNED_IN_WITH_RECOVERY_CODE = "password+recovery-code"
# Single sign-on proves its second factor at the identity provider (its amr/acr is checked
# before a session is opened); a person who signs in so has shown one.
_MULTI_FACTOR_ALONE = frozenset({"oidc", "saml"})


def proves_second_factor(signed_in_with: str) -> bool:
    """Whether a session signed in this way showed a second factor (``Session.signed_in_with``)."""
    first, _, second = signed_in_with.partition("+")
    return bool(second) or first in _MULTI_FACTOR_ALONE


@dataclass(frozen=True, slots=True)
class SecondFactor:
    """One authenticator of one person. It counts only once ``confirmed_at`` is set: a TOTP
    secret becomes a factor when its holder has typed a first code from it.

    TOTP: ``sealed_secret`` (the base32 secret, sealed) and ``last_step`` (the time step of the
    last accepted code). WebAuthn: ``credential_id`` (base64url), ``public_key`` (COSE, base64url)
    and ``sign_count``."""

    id: str
    account_id: str
    kind: FactorKind
    label: str
    created_at: datetime
    confirmed_at: datetime | None = None
    last_used_at: datetime | None = None
    sealed_secret: str | None = None
    last_step: int | None = None
    credential_id: str | None = None
    public_key: str | None = None
    sign_count: int = 0

    def __post_init__(self) -> None:
        label = " ".join(self.label.split())
        if not label or len(label) > MAX_LABEL:
            raise InvalidInput(
                f"a second factor's label has 1 to {MAX_LABEL} characters",
                hint="Name the device, e.g. 'work phone'.",
            )
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "created_at", require_utc(self.created_at, "created_at"))
        if self.kind is FactorKind.TOTP and self.sealed_secret is None:
            raise InvalidInput("a TOTP factor needs its secret")
        if self.kind is FactorKind.WEBAUTHN and (self.credential_id is None or not self.public_key):
            raise InvalidInput("a WebAuthn factor needs its credential id and public key")

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


def step_is_fresh(step: int, last_step: int | None) -> bool:
    """Whether a TOTP code of time step ``step`` may be accepted: only a later one than the last
    accepted, so that a code seen over a shoulder, or replayed, opens nothing."""
    return last_step is None or step > last_step


@dataclass(frozen=True, slots=True)
class PendingSignIn:
    """A person who proved their password and has yet to show a second factor (or, with none,
    to enrol one). ``first_factor`` is how they proved who they are so far, e.g. 'password'."""

    id: str
    account_id: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    first_factor: str = "password"
    client_address: str | None = None

    def __post_init__(self) -> None:
        for name in ("created_at", "expires_at"):
            object.__setattr__(self, name, require_utc(getattr(self, name), name))

    def usable_at(self, now: datetime) -> bool:
        return now < self.expires_at


def issue_pending_token() -> tuple[str, str]:
    """A new pending sign-in token and the hash to store (SHA-256, as session tokens)."""
    token = PENDING_TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Fresh recovery codes, e.g. 'k7m2p-x9r4t', shown once to their holder."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_recovery_code(code: str) -> str:
    """A recovery code as typed, without spaces, dashes or capitals."""
    return "".join(ch for ch in code.lower() if ch.isalnum())


def looks_like_recovery_code(code: str) -> bool:
    plain = normalise_recovery_code(code)
    return len(plain) == _RECOVERY_LENGTH and all(ch in _RECOVERY_ALPHABET for ch in plain)


def hash_recovery_code(account_id: str, code: str) -> str:
    """The stored form of a recovery code: salted by the account, so a code of one person's
    sheet never matches another's row. 48 random bits are not worth a slow hash online, where
    the lockout counts every wrong one."""
    material = _RECOVERY_CONTEXT + f"{account_id}\x00{normalise_recovery_code(code)}".encode()
    return hashlib.sha256(material).hexdigest()
