"""CJIS AC-7: N failed sign-ins within a window lock a username until a custodian releases it
(or, as a setting, for a period); the lock holds on every way in. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.accounts.events import actor_of
from platekeeper.accounts.lockout import Attempt
from platekeeper.accounts.messages import PasswordChangeRequired
from platekeeper.accounts.sealing import SecretSeal
from platekeeper.accounts.second_factor import SecondFactors
from platekeeper.accounts.service import AccountService
from platekeeper.config import AccountSettings
from platekeeper.domain.credentials import Principal
from platekeeper.domain.people import Role
from platekeeper.errors import AuthenticationFailed, Conflict, NotFound, PermissionDenied
from platekeeper.store import Store
from tests.accounts.conftest import PASSWORD, RecordingSink, add_person, cheap_passwords
from tests.conftest import FixedClock, make_agency
from tests.factors import Authenticators

WRONG = "not the password at all"
LIMIT = AccountSettings().lockout_failures


def fail(accounts: AccountService, username: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            accounts.login(username, WRONG, address)


def custodian(auth: Authenticators, username: str = "casey", agency: str = "demo-pd") -> Principal:
    add_person(auth.accounts, username, Role.CUSTODIAN, agency_id=agency)
    principal, _ = auth.sign_in(username, PASSWORD, "10.0.0.9")
    return principal


def test_failures_count_within_the_window_only(
    accounts: AccountService, auth: Authenticators, clock: FixedClock
) -> None:
    add_person(accounts)
    fail(accounts, "jdoe", LIMIT - 1)
    clock.advance(timedelta(minutes=AccountSettings().lockout_window_minutes + 1))
    fail(accounts, "jdoe", 1)  # the count started again: one, not five
    auth.sign_in("jdoe", PASSWORD, "10.0.0.1")


def test_a_lock_holds_until_a_custodian_of_the_agency_releases_it(
    accounts: AccountService, auth: Authenticators, clock: FixedClock, sink: RecordingSink
) -> None:
    account = add_person(accounts)
    boss = custodian(auth)
    fail(accounts, "jdoe", LIMIT)
    assert "until a custodian releases it" in sink.events[-1].reason
    clock.advance(timedelta(days=7))
    with pytest.raises(AuthenticationFailed, match="locked") as refused:
        accounts.login("jdoe", PASSWORD, "10.0.0.1")
    assert "Ask a custodian" in str(refused.value.hint)
    assert accounts.is_locked(account)
    accounts.unlock(boss, account.id)
    assert sink.events[-1].action == "accounts:unlock"
    assert sink.events[-1].actor.username == "casey"
    assert sink.events[-1].query == {"username": "jdoe"}
    auth.sign_in("jdoe", PASSWORD, "10.0.0.1")
    with pytest.raises(Conflict, match="not locked"):
        accounts.unlock(boss, account.id)


def test_nobody_releases_their_own_lock_nor_another_agencys(
    accounts: AccountService, auth: Authenticators, store: Store, sink: RecordingSink
) -> None:
    store.agencies.add(make_agency("other-pd"))
    own = add_person(accounts, "casey", Role.CUSTODIAN)
    signed_in, token = auth.sign_in("casey", PASSWORD, "10.0.0.9")
    # Someone types casey's name with wrong passwords; casey's open session is untouched.
    fail(accounts, "casey", LIMIT, "203.0.113.5")
    assert accounts.resolve_session(token).account.id == own.id
    with pytest.raises(PermissionDenied, match="own account"):
        accounts.unlock(signed_in, own.id)
    stranger = custodian(auth, "olga", "other-pd")
    with pytest.raises(NotFound):
        accounts.unlock(stranger, own.id)
    add_person(accounts, "ana")
    colleague, _ = auth.sign_in("ana", PASSWORD, "10.0.0.8")
    with pytest.raises(PermissionDenied, match="custodian role"):
        accounts.unlock(colleague, own.id)
    assert accounts.is_locked(own)
    refusals = [e for e in sink.events if e.action == "accounts:unlock"]
    assert [e.outcome.value for e in refusals] == ["denied", "denied", "denied"]


def test_the_lock_holds_for_every_way_in(accounts: AccountService, sink: RecordingSink) -> None:
    account = add_person(accounts)
    fail(accounts, "jdoe", LIMIT)
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.console_login("jdoe", PASSWORD)
    # A second factor, a passkey or single sign-on all end in open_session: refused too.
    for way in ("totp", "webauthn", "oidc"):
        with pytest.raises(AuthenticationFailed, match="locked"):
            accounts.open_session(account, way, "proved", "10.0.0.1")
        assert sink.events[-1].reason == f"account locked ({way} accepted)"
        assert sink.events[-1].outcome.value == "denied"


def test_second_factor_failures_count_toward_the_same_lock(accounts: AccountService) -> None:
    """The second-factor step calls the same counter as the password does."""
    account = add_person(accounts)
    attempt = Attempt("jdoe", actor_of(account), "10.0.0.1", action="auth:second-factor")
    fail(accounts, "jdoe", LIMIT - 2)
    accounts.lockout.refuse_if_locked(attempt)
    accounts.lockout.failed(attempt, "wrong code")
    locked = accounts.lockout.failed(attempt, "wrong code")
    assert "locked" in locked.message
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.lockout.refuse_if_locked(attempt)
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.login("jdoe", PASSWORD, "10.0.0.1")


def test_release_after_a_period_is_the_alternative(
    store: Store, clock: FixedClock, sink: RecordingSink
) -> None:
    settings = AccountSettings(lockout_release="after_period", lockout_minutes=30)
    accounts = AccountService(store, clock, settings, sink, passwords=cheap_passwords())
    factors = SecondFactors(
        store, clock, settings, sink, accounts=accounts, seal=SecretSeal.generated()
    )
    auth = Authenticators(accounts, factors, store, clock)
    add_person(accounts)
    fail(accounts, "jdoe", LIMIT)
    clock.advance(timedelta(minutes=29))
    with pytest.raises(AuthenticationFailed, match="locked") as refused:
        accounts.login("jdoe", PASSWORD, "10.0.0.1")
    assert "1 minute" in str(refused.value.hint)
    clock.advance(timedelta(minutes=1))
    auth.sign_in("jdoe", PASSWORD, "10.0.0.1")


def test_an_address_lock_still_ends_by_itself(
    accounts: AccountService, auth: Authenticators, clock: FixedClock
) -> None:
    """Someone locking others out from one address is slowed down; the address's own lock
    ends after lockout_minutes, so a station's staff are not locked out until a custodian comes."""
    add_person(accounts)
    attacker = "203.0.113.9"
    for number in range(AccountSettings().address_lockout_failures):
        fail(accounts, f"victim{number}", 1, attacker)
    with pytest.raises(AuthenticationFailed, match="your address"):
        accounts.login("jdoe", PASSWORD, attacker)
    clock.advance(timedelta(minutes=AccountSettings().lockout_minutes))
    auth.sign_in("jdoe", PASSWORD, attacker)


def test_the_sweep_keeps_a_lock_that_waits_for_a_custodian(
    accounts: AccountService, clock: FixedClock
) -> None:
    account = add_person(accounts)
    fail(accounts, "jdoe", LIMIT)
    clock.advance(timedelta(days=2))
    accounts.sweep()
    assert accounts.is_locked(account)


def test_only_a_whole_sign_in_resets_the_count(
    accounts: AccountService, auth: Authenticators
) -> None:
    """A password accepted halfway (a second factor, or a new password, still to come) leaves
    the failures before it counted: else the right password between wrong codes would make
    guessing the codes endless."""
    account = add_person(accounts)
    boss = custodian(auth)
    accounts.set_password(boss, account.id, PASSWORD + " given")
    fail(accounts, "jdoe", LIMIT - 1)
    with pytest.raises(PasswordChangeRequired):  # accepted, but no session comes of it
        accounts.login("jdoe", PASSWORD + " given", "10.0.0.1")
    fail(accounts, "jdoe", 1)
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.login("jdoe", PASSWORD + " given", "10.0.0.1")
    # The same for a password that leaves a second factor to come.
    auth.enrol(add_person(accounts, "ana"))
    fail(accounts, "ana", LIMIT - 1, "10.0.0.2")
    auth.pending("ana", PASSWORD, "10.0.0.2")  # accepted, but no session comes of it
    fail(accounts, "ana", 1, "10.0.0.2")
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.login("ana", PASSWORD, "10.0.0.2")


def test_a_session_opened_resets_the_count(accounts: AccountService, auth: Authenticators) -> None:
    add_person(accounts)
    fail(accounts, "jdoe", LIMIT - 1)
    auth.sign_in("jdoe", PASSWORD, "10.0.0.1")
    fail(accounts, "jdoe", LIMIT - 1)
    auth.sign_in("jdoe", PASSWORD, "10.0.0.1")
