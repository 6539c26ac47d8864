"""Password rules and hashes, without a database."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from platekeeper.accounts.passwords import Passwords, check_password_rules
from platekeeper.errors import InvalidInput
from tests.accounts.conftest import cheap_passwords


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "shorter than 12"),
        ("x" * 257, "longer than 256"),
        ("my name is JDoe, ok?", "contains the username"),
        ("Password1234", "too easy to guess"),
        ("abababababababab", "too easy to guess"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_password_rules(password, "jdoe")


def test_a_passphrase_passes() -> None:
    check_password_rules("correct horse battery", "jdoe")


def test_hash_and_verify() -> None:
    passwords = cheap_passwords()
    stored = passwords.hash("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert passwords.verify(stored, "correct horse battery")
    assert not passwords.verify(stored, "correct horse battery!")
    assert not passwords.verify("not a hash", "correct horse battery")


def test_no_hash_is_checked_against_a_dummy_and_fails() -> None:
    passwords = cheap_passwords()
    assert not passwords.verify(None, "anything at all")
    assert passwords._dummy_hash is not None  # the same work as for a real account


def test_a_hash_made_with_other_parameters_needs_a_rehash() -> None:
    old = cheap_passwords().hash("correct horse battery")
    stronger = Passwords(PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    assert stronger.needs_rehash(old)
    assert not cheap_passwords().needs_rehash(old)


def test_production_parameters_are_argon2_cffis_defaults() -> None:
    assert Passwords()._hasher.time_cost == PasswordHasher().time_cost >= 2
