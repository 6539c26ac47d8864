"""Attack 12: sign-in reveals which accounts exist, and one client tries many.

An existing username used to lock on the fifth failure and an invented one never did. Now
failures are counted per typed username, known or not, and per client address across
usernames: the answers, in order, are the same for both names, and an address that fails too
often is stopped whatever name it tries next. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.accounts.service import AccountService
from platekeeper.config import AccountSettings
from platekeeper.domain.credentials import failure_subject
from platekeeper.errors import AuthenticationFailed
from platekeeper.store import Store
from tests.accounts.conftest import OPERATOR, PASSWORD, add_person
from tests.conftest import FixedClock
from tests.factors import Authenticators

WRONG = "not the password at all"


def answers(accounts: AccountService, username: str, tries: int, address: str) -> list[str]:
    said = []
    for _ in range(tries):
        with pytest.raises(AuthenticationFailed) as refused:
            accounts.login(username, WRONG, address)
        said.append(f"{refused.value.code}: {refused.value.message} ({refused.value.hint})")
    return said


def test_an_invented_username_locks_exactly_like_a_real_one(accounts: AccountService) -> None:
    add_person(accounts, "jdoe")
    limit = AccountSettings().lockout_failures
    real = answers(accounts, "jdoe", limit + 2, "10.0.0.1")
    invented = answers(accounts, "jdoe-not-here", limit + 2, "10.0.0.2")
    assert real == invented
    assert "locked" in real[limit - 1]
    assert "locked" not in real[limit - 2]
    # The lock says nothing about the account: the same words for a name that does not exist.
    assert "account" not in real[-1].split("(")[0]


def test_the_right_password_is_refused_alike_while_the_name_is_locked(
    auth: Authenticators, accounts: AccountService, clock: FixedClock
) -> None:
    add_person(accounts, "jdoe")
    answers(accounts, "jdoe", AccountSettings().lockout_failures, "10.0.0.1")
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.login("jdoe", PASSWORD, "10.0.0.1")
    # Locked until a custodian releases it (CJIS AC-7): time alone does not.
    clock.advance(timedelta(days=30))
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.login("jdoe", PASSWORD, "10.0.0.1")
    accounts.unlock(OPERATOR, accounts.by_username("jdoe").id)
    auth.sign_in("jdoe", PASSWORD, "10.0.0.1")


def test_one_address_trying_many_accounts_is_stopped(
    auth: Authenticators, accounts: AccountService, clock: FixedClock
) -> None:
    add_person(accounts, "jdoe")
    attacker = "203.0.113.9"
    limit = AccountSettings().address_lockout_failures
    # Two tries per name stays far under the per-name lock; the address adds them all up.
    for number in range(limit // 2):
        answers(accounts, f"guess{number}", 2, attacker)
    with pytest.raises(AuthenticationFailed, match="your address"):
        accounts.login("jdoe", PASSWORD, attacker)
    with pytest.raises(AuthenticationFailed, match="your address"):
        accounts.login("someone-else", WRONG, attacker)
    # Another client is not punished for it, and a success does not reset the address.
    auth.sign_in("jdoe", PASSWORD, "10.0.0.7")
    clock.advance(timedelta(minutes=AccountSettings().lockout_minutes))
    auth.sign_in("jdoe", PASSWORD, attacker)


def test_a_valid_sign_in_does_not_reset_the_address_count(
    auth: Authenticators, accounts: AccountService
) -> None:
    add_person(accounts, "mine")
    attacker = "203.0.113.10"
    limit = AccountSettings().address_lockout_failures
    for number in range(limit - 1):
        answers(accounts, f"victim{number % 3}", 1, attacker)
        if number % 3 == 0:
            auth.sign_in("mine", PASSWORD, attacker)
    answers(accounts, "victim9", 2, attacker)
    with pytest.raises(AuthenticationFailed, match="your address"):
        accounts.login("mine", PASSWORD, attacker)


def test_failures_are_kept_under_a_hash_never_as_typed(
    accounts: AccountService, store: Store
) -> None:
    answers(accounts, "correct horse battery", 1, "10.0.0.1")
    kept = store.sign_in_failures.get(failure_subject("username", "correct horse battery"))
    assert kept is not None
    assert kept.failures == 1
