"""Passwords: the rules a new one must meet, and argon2id hashes of them.

argon2 is slow on purpose; tests pass a ``PasswordHasher`` with cheap parameters, production uses
argon2-cffi's defaults (RFC 9106 low-memory profile), and hashes made under older parameters are
replaced at the next successful login.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from platekeeper.accounts.guessable import ContextWord, weakness
from platekeeper.errors import InvalidInput

MIN_LENGTH = 12
"""The default of ``accounts.password_min_length``."""
# argon2 takes any length; a bound keeps one request from hashing megabytes.
MAX_LENGTH = 256
_NOT_GUESSABLE = "Choose one nobody would guess, such as a passphrase of unrelated words."


def check_password_rules(
    password: str,
    username: str,
    *,
    min_length: int = MIN_LENGTH,
    context: Iterable[ContextWord] = (),
) -> None:
    """Refuse a password that is short, contains the username, or is easy to guess: common,
    breached, or built on a word of ``context`` (``guessable.py``). No composition rules."""
    if len(password) < min_length:
        raise InvalidInput(
            f"the password is shorter than {min_length} characters",
            hint="Use a passphrase of several words; length beats odd characters.",
        )
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"the password is longer than {MAX_LENGTH} characters")
    if username.lower() in password.lower():
        raise InvalidInput(
            "the password contains the username", hint="Choose one that does not contain it."
        )
    why = weakness(password, context)
    if why is not None:
        raise InvalidInput(f"the password is too easy to guess: {why}", hint=_NOT_GUESSABLE)


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
