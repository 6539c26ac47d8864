"""CJIS AC-11 on the server: a locked session opens nothing until its person's password unlocks
it; wrong passwords count toward the lockout, whose lock ends the session; the session's idle end
still applies. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.accounts.messages import SessionLocked, SignInLocked, WrongPassword
from platekeeper.accounts.pending import SecondFactorInvalid
from platekeeper.accounts.screen_lock import ScreenState
from platekeeper.accounts.service import AccountService
from platekeeper.config import AccountSettings
from platekeeper.domain.token_scopes import scopes_reaching
from platekeeper.errors import AuthenticationFailed, InvalidInput
from tests.accounts.conftest import OPERATOR, PASSWORD, RecordingSink, add_person
from tests.conftest import FixedClock
from tests.factors import Authenticators

ADDRESS = "10.0.0.1"


def locked_session(auth: Authenticators, username: str = "jdoe") -> str:
    principal, token = auth.sign_in(username, PASSWORD, ADDRESS)
    auth.accounts.screen_locks.lock(principal, ADDRESS)
    return token


def test_a_locked_session_opens_nothing_but_its_unlock(
    accounts: AccountService, auth: Authenticators, sink: RecordingSink
) -> None:
    add_person(accounts)
    token = locked_session(auth)
    assert sink.actions()[-1] == ("auth:lock", "allowed")
    with pytest.raises(SessionLocked):
        accounts.resolve_session(token, ADDRESS)
    assert accounts.screen_state(token) is ScreenState.LOCKED
    principal = accounts.resolve_session(token, ADDRESS, while_locked=True)
    accounts.screen_locks.unlock(principal, PASSWORD, ADDRESS)
    assert sink.actions()[-1] == ("auth:unlock", "allowed")
    assert accounts.resolve_session(token, ADDRESS).account.username == "jdoe"
    assert accounts.screen_state(token) is ScreenState.OPEN


def test_a_colleagues_password_does_not_unlock_it(
    accounts: AccountService, auth: Authenticators
) -> None:
    """The insider at an unattended desk types their own, valid, password."""
    add_person(accounts)
    add_person(accounts, "mallory")
    token = locked_session(auth)
    victim = accounts.resolve_session(token, ADDRESS, while_locked=True)
    with pytest.raises(WrongPassword):
        accounts.screen_locks.unlock(victim, PASSWORD + " of mallory", ADDRESS)
    auth.sign_in("mallory", PASSWORD, "10.0.0.2")  # mallory's own sign-in is untouched
    with pytest.raises(SessionLocked):
        accounts.resolve_session(token, ADDRESS)


def test_guessing_at_the_locked_screen_locks_the_account_and_ends_the_session(
    accounts: AccountService, auth: Authenticators, sink: RecordingSink
) -> None:
    add_person(accounts)
    token = locked_session(auth)
    principal = accounts.resolve_session(token, ADDRESS, while_locked=True)
    limit = AccountSettings().lockout_failures
    for _ in range(limit - 1):
        with pytest.raises(WrongPassword):
            accounts.screen_locks.unlock(principal, "a guess at it", ADDRESS)
        assert accounts.screen_state(token) is ScreenState.LOCKED
    with pytest.raises(SignInLocked):
        accounts.screen_locks.unlock(principal, "a guess at it", ADDRESS)
    assert accounts.screen_state(token) is ScreenState.ENDED
    denied = [e for e in sink.events if e.action == "auth:unlock"]
    assert len(denied) == limit
    assert all(e.outcome.value == "denied" for e in denied)
    # The right password no longer helps: the account waits for a custodian.
    with pytest.raises(SignInLocked):
        accounts.screen_locks.unlock(principal, PASSWORD, ADDRESS)
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.login("jdoe", PASSWORD, ADDRESS)
    accounts.unlock(OPERATOR, principal.account.id)
    auth.sign_in("jdoe", PASSWORD, ADDRESS)


def test_the_session_still_ends_when_idle_while_locked(
    accounts: AccountService, auth: Authenticators, clock: FixedClock
) -> None:
    add_person(accounts)
    token = locked_session(auth)
    clock.advance(timedelta(minutes=AccountSettings().session_idle_minutes))
    assert accounts.screen_state(token) is ScreenState.ENDED
    with pytest.raises(AuthenticationFailed, match="ended"):
        accounts.resolve_session(token, ADDRESS, while_locked=True)


def test_a_new_sign_in_starts_unlocked_and_tokens_have_no_screen(
    accounts: AccountService, auth: Authenticators
) -> None:
    account = add_person(accounts)
    locked_session(auth)
    _, fresh = auth.sign_in("jdoe", PASSWORD, ADDRESS)  # the locked session ended with it
    assert accounts.screen_state(fresh) is ScreenState.OPEN
    _, secret = accounts.issue_api_token(
        OPERATOR, "script", 7, scopes=scopes_reaching(account.roles), account_id=account.id
    )
    with pytest.raises(InvalidInput, match="only a browser"):
        accounts.screen_locks.lock(accounts.resolve_token(secret), ADDRESS)


def test_a_listening_alert_screen_holds_its_lock_through_the_idle_time_not_past_the_last_hour(
    accounts: AccountService, auth: Authenticators, clock: FixedClock
) -> None:
    add_person(accounts)
    token = locked_session(auth)
    settings = AccountSettings()
    heartbeat = timedelta(minutes=2)
    held = timedelta()
    while held < timedelta(minutes=settings.session_idle_minutes * 2):
        clock.advance(heartbeat)
        held += heartbeat
        assert accounts.hold_locked_screen(token) is ScreenState.LOCKED, held
    # Held is not unlocked: nothing but the unlock step opens.
    with pytest.raises(SessionLocked):
        accounts.resolve_session(token, ADDRESS)
    while held < timedelta(hours=settings.session_max_hours):
        clock.advance(timedelta(minutes=10))
        held += timedelta(minutes=10)
        accounts.hold_locked_screen(token)
    assert accounts.hold_locked_screen(token) is ScreenState.ENDED


def test_only_a_locked_screen_is_held_an_open_one_ends_when_idle(
    accounts: AccountService, auth: Authenticators, clock: FixedClock
) -> None:
    add_person(accounts)
    _, token = auth.sign_in("jdoe", PASSWORD, ADDRESS)
    for _ in range(AccountSettings().session_idle_minutes):
        clock.advance(timedelta(minutes=1))
        accounts.hold_locked_screen(token)  # a stream listening on an unlocked, unused page
    assert accounts.hold_locked_screen(token) is ScreenState.ENDED
    with pytest.raises(AuthenticationFailed, match="ended"):
        accounts.resolve_session(token, ADDRESS, while_locked=True)


def test_a_code_of_the_second_factor_unlocks_and_a_wrong_one_counts_as_a_wrong_password(
    accounts: AccountService, auth: Authenticators, sink: RecordingSink
) -> None:
    add_person(accounts)
    token = locked_session(auth)
    principal = accounts.resolve_session(token, ADDRESS, while_locked=True)
    with pytest.raises(SecondFactorInvalid):
        auth.factors.unlock_screen(principal, "000000", ADDRESS)
    assert accounts.screen_state(token) is ScreenState.LOCKED
    assert sink.actions()[-1][1] == "denied", "the wrong code is logged as a failed attempt"
    used = auth.code(principal.account)
    auth.factors.unlock_screen(principal, used, ADDRESS)
    assert accounts.screen_state(token) is ScreenState.OPEN
    assert sink.events[-1].reason == "screen unlocked (second factor)"
    # A code unlocks once: replayed at the next lock, it is refused.
    auth.accounts.screen_locks.lock(principal, ADDRESS)
    with pytest.raises(SecondFactorInvalid):
        auth.factors.unlock_screen(principal, used, ADDRESS)
    assert accounts.screen_state(token) is ScreenState.LOCKED
