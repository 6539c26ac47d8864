"""Passwords: the rules a new one must meet, and argon2id hashes of them.

argon2 is slow on purpose; tests pass a ``PasswordHasher`` with cheap parameters, production uses
argon2-cffi's defaults (RFC 9106 low-memory profile), and hashes made under older parameters are
replaced at the next successful login.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from platekeeper.errors import InvalidInput

MIN_LENGTH = 12
# argon2 takes any length; a bound keeps one request from hashing megabytes.
MAX_LENGTH = 256
# The most common passwords long enough to pass the length rule, as breach lists rank them.
_COMMON = frozenset(
    {
        "123456789012", "1234567890123", "12345678901234", "123456789abc", "1q2w3e4r5t6y",
        "qwertyuiopas", "qwertyuiop12", "qwerty123456", "password1234", "password12345",
        "password123!", "passwordpassword", "p@ssw0rd1234", "iloveyou1234", "letmein12345",
        "welcome12345", "welcome123456", "changeme1234", "administrator", "abc123456789",
        "aaaaaaaaaaaa", "111111111111", "000000000000", "trustno11234", "football1234",
        "baseball1234", "monkey123456", "dragon123456", "sunshine1234", "princess1234",
        "platekeeper1", "platekeeper123", "platekeeper2026", "police123456", "sheriff12345",
    }
)  # fmt: skip


def check_password_rules(password: str, username: str) -> None:
    """Refuse a password that is short, contains the username, or is a common one."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"the password is shorter than {MIN_LENGTH} characters",
            hint="Use a passphrase of several words; length beats odd characters.",
        )
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"the password is longer than {MAX_LENGTH} characters")
    if username.lower() in password.lower():
        raise InvalidInput(
            "the password contains the username", hint="Choose one that does not contain it."
        )
    if password.lower() in _COMMON or len(set(password)) < 4:
        raise InvalidInput(
            "the password is too easy to guess",
            hint="Choose one nobody would guess, such as a passphrase of unrelated words.",
        )


class Passwords:
    """Hashes and checks passwords, taking the same time whether or not an account exists."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; with no hash (no such account, or no password set) it
        does the same work against a dummy hash, so the time taken tells nothing."""
        if password_hash is None:
            self._verify(self._dummy(), password)
            return False
        return self._verify(password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash
