"""Password rules and hashes, without a database."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from platekeeper.accounts import guessable
from platekeeper.accounts.guessable import context_words
from platekeeper.accounts.passwords import Passwords, check_password_rules
from platekeeper.errors import InvalidInput
from tests.accounts.conftest import cheap_passwords

CONTEXT = context_words("jdoe", "Jane Doe", "riverton-pd", "Springfield Police Department")
LISTED = "too easy to guess: it is a common or breached password"
PADDED = "too easy to guess: most of it is digits, symbols or repetition around a short word"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "shorter than 12"),
        ("x" * 257, "longer than 256"),
        ("my name is JDoe, ok?", "contains the username"),
        # What people type to get past a length rule: a common word or password, dressed up.
        ("Summer2026!!", PADDED),
        ("Password123456", LISTED),
        ("Welcome1Welcome1", PADDED),
        ("Welcome1Welcome", PADDED),
        ("Qwertyuiop123", LISTED),
        ("P@ssw0rd2026!", LISTED),
        ("!!iloveyou1234", LISTED),
        ("Xylophone!2026", LISTED),
        ("Elizabeth1990!", LISTED),
        ("abababababababab", PADDED),
        ("123456789012345", PADDED),
        ("aaaa1111bbbb2222", PADDED),
        # Built on the context: this service, the agency, the person.
        ("Platekeeper2026!", "built on a word of this service"),
        ("P0lice!Keeper!2026", "built on a word of this service"),
        ("Springfield-2026!", "built on the agency's name"),
        ("RivertonPD 2026", "built on the agency's id"),
        ("Jane.Doe.1990!", "built on the person's name"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as refused:
        check_password_rules(password, "jdoe", context=CONTEXT)
    # The person is told why, never pointed to a composition rule.
    hint = refused.value.hint or ""
    assert not any(word in hint for word in ("symbol", "digit", "upper", "special"))


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "lilac tractor ocean 42",
        "correct horse battery",
        "police horse lantern harbour",  # a context word among others is not built on it
        "Quintessence of 7 rivers",
        "aB3$kL9!zQ2#",
        "jane's tulip harbor walk",
    ],
)
def test_passphrases_and_random_passwords_pass(password: str) -> None:
    check_password_rules(password, "jdoe", context=CONTEXT)


def test_the_minimum_length_is_a_setting() -> None:
    with pytest.raises(InvalidInput, match="shorter than 15"):
        check_password_rules("tulip harbor 7", "jdoe", min_length=15)
    check_password_rules("tulip harbor 7", "jdoe", min_length=12)


def test_passwords_made_to_trip_the_repeat_rule_are_judged() -> None:
    # How long the worst of these takes is benchmarks/passwords.py's to measure; here, that each
    # is judged, and refused for what it is.
    for password in ("1" * 255 + "x", "a" + "!1" * 127, ("x" + "1" * 20) * 12, "a" * 255 + "b"):
        with pytest.raises(InvalidInput):
            check_password_rules(password, "jdoe")


def test_the_shipped_list_names_its_source_and_licence() -> None:
    text = (Path(guessable.__file__).parent / guessable.BLOCKLIST_FILE).read_text("utf-8")
    header = " ".join(line for line in text.splitlines() if line.startswith("#"))
    for needed in ("zxcvbn", "MIT", "public domain"):
        assert needed in header
    listed = guessable.blocklist()
    assert len(listed) > 20_000
    assert {"password", "qwertyuiop", "iloveyou", "xylophone"} <= listed
    # Every entry is a core the check can meet: none the other rules refuse already.
    assert not any(guessable.too_plain(entry) for entry in listed)


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
