"""The account service on every backend: sign-in, lockout, lapse, administration, tokens."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from argon2 import PasswordHasher

from platekeeper.accounts.messages import PasswordChangeRequired
from platekeeper.accounts.passwords import Passwords
from platekeeper.accounts.pending import SecondFactorNeeded
from platekeeper.accounts.sealing import SecretSeal
from platekeeper.accounts.second_factor import SecondFactors
from platekeeper.accounts.service import AccountService
from platekeeper.config import AccountSettings
from platekeeper.domain.credentials import CredentialKind, Principal
from platekeeper.domain.people import AccountStatus, Role, SuspensionReason
from platekeeper.domain.token_scopes import TokenScope
from platekeeper.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from platekeeper.store import Store
from tests.accounts.conftest import (
    OPERATOR,
    PASSWORD,
    RecordingSink,
    add_person,
    cheap_passwords,
)
from tests.conftest import NOW, FixedClock, make_agency
from tests.factors import Authenticators

SEARCH = [TokenScope.SEARCH]


def sign_in(auth: Authenticators, username: str = "jdoe") -> tuple[Principal, str]:
    return auth.sign_in(username, PASSWORD, "10.0.0.1")


# -- creating ---------------------------------------------------------------------------------


def test_create_records_training_with_the_default_validity(
    accounts: AccountService, sink: RecordingSink
) -> None:
    account = add_person(accounts, "jdoe", Role.ANALYST, Role.OFFICER)
    assert account.status is AccountStatus.ACTIVE
    assert account.training is not None
    assert account.training.expires_on == date(2027, 6, 1)
    assert accounts.by_username("jdoe") == account
    assert accounts.get(account.id) == account
    assert [a.username for a in accounts.list("demo-pd")] == ["jdoe"]
    event = sink.events[-1]
    assert (event.action, event.outcome.value) == ("accounts:create", "allowed")
    assert event.query == {"username": "jdoe"}
    assert event.actor.username == "cli:root"


def test_create_refuses_the_camera_role_a_taken_username_and_stale_training(
    accounts: AccountService,
) -> None:
    with pytest.raises(InvalidInput, match="camera role"):
        add_person(accounts, "jdoe", Role.CAMERA)
    add_person(accounts, "jdoe")
    with pytest.raises(Conflict, match="taken"):
        add_person(accounts, "jdoe")
    with pytest.raises(InvalidInput, match="not current"):
        accounts.create(
            OPERATOR,
            username="old",
            display_name="Old Timer",
            agency_id="demo-pd",
            job_title="Officer",
            roles=[Role.OFFICER],
            training_completed_on=date(2020, 1, 1),
        )
    with pytest.raises(NotFound):
        add_person(accounts, "lost", agency_id="no-such-pd")


def test_create_checks_the_password_rules(accounts: AccountService) -> None:
    with pytest.raises(InvalidInput, match="shorter than 12"):
        add_person(accounts, "jdoe", password="short")
    with pytest.raises(InvalidInput, match="contains the username"):
        add_person(accounts, "jdoe", password="jdoe-is-my-password")
    # The agency's name is a context word (NIST SP 800-63B), as are the person's and ours.
    with pytest.raises(InvalidInput, match=r"built on .*the agency's name"):
        add_person(accounts, "jdoe", password="City-Police 2026!")
    with pytest.raises(InvalidInput, match="too easy to guess"):
        add_person(accounts, "jdoe", password="Summer2026!!")
    assert accounts.list() == []


def test_the_minimum_password_length_is_a_setting(
    store: Store, clock: FixedClock, sink: RecordingSink
) -> None:
    settings = AccountSettings(password_min_length=15)
    strict = AccountService(store, clock, settings, sink, passwords=cheap_passwords())
    with pytest.raises(InvalidInput, match="shorter than 15"):
        add_person(strict, "jdoe", password="tulip harbor 7")
    add_person(strict, "jdoe", password="tulip harbor lantern")


# -- signing in -------------------------------------------------------------------------------


def test_login_returns_a_session_that_resolves_to_the_person(
    auth: Authenticators, accounts: AccountService, sink: RecordingSink, clock: FixedClock
) -> None:
    add_person(accounts)
    principal, token = sign_in(auth)
    assert token.startswith("pks_")
    assert principal.credential_kind is CredentialKind.SESSION
    assert principal.account.last_active_at == NOW
    resolved = accounts.resolve_session(token, "10.0.0.1")
    assert resolved.account.id == principal.account.id
    assert resolved.credential_id == principal.credential_id
    assert sink.actions()[-1] == ("auth:login", "allowed")
    assert sink.events[-1].client_address == "10.0.0.1"


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(
    accounts: AccountService, sink: RecordingSink
) -> None:
    add_person(accounts)
    with pytest.raises(AuthenticationFailed) as wrong:
        accounts.login("jdoe", "not the password at all")
    with pytest.raises(AuthenticationFailed) as unknown:
        accounts.login("nobody", PASSWORD)
    assert wrong.value.message == unknown.value.message == "wrong username or password"
    assert [e.reason for e in sink.events[-2:]] == [
        "wrong password (1 within 15 min)",
        "unknown username (1 within 15 min)",
    ]
    assert all(e.outcome.value == "denied" for e in sink.events[-2:])


def test_repeated_failures_lock_the_account_for_a_while_where_the_lock_ends_by_itself(
    store: Store, clock: FixedClock, sink: RecordingSink
) -> None:
    settings = AccountSettings(lockout_release="after_period")
    accounts = AccountService(store, clock, settings, sink, passwords=cheap_passwords())
    seal = SecretSeal.generated()
    auth = Authenticators(
        accounts,
        SecondFactors(store, clock, settings, sink, accounts=accounts, seal=seal),
        store,
        clock,
    )
    add_person(accounts)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed, match="wrong username"):
            accounts.login("jdoe", "not the password at all")
    with pytest.raises(AuthenticationFailed, match="locked") as locked:
        accounts.login("jdoe", "not the password at all")
    assert "15 minute" in str(locked.value.hint)
    # While locked, even the right password is refused.
    clock.advance(timedelta(minutes=10))
    with pytest.raises(AuthenticationFailed, match="locked") as still:
        sign_in(auth)
    assert "5 minute" in str(still.value.hint)
    clock.advance(timedelta(minutes=5))
    sign_in(auth)
    # The try while locked, then the password and the second factor of the one after it.
    assert [e.reason for e in sink.events[-3:-1]] == [
        "account locked",
        "password accepted; second factor needed (totp, recovery-code)",
    ]


def test_a_success_resets_the_count_of_failures(
    auth: Authenticators, accounts: AccountService, store: Store
) -> None:
    account = add_person(accounts)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            accounts.login("jdoe", "not the password at all")
    sign_in(auth)
    state = store.accounts.password_state(account.id)
    assert state is not None
    assert (state.failed_logins, state.locked_until) == (0, None)


def test_signing_in_elsewhere_ends_the_earlier_session(
    auth: Authenticators, accounts: AccountService, sink: RecordingSink
) -> None:
    add_person(accounts)
    _, first = sign_in(auth)
    _, second = sign_in(auth)
    with pytest.raises(AuthenticationFailed):
        accounts.resolve_session(first)
    accounts.resolve_session(second)
    assert "ended 1 earlier session" in sink.events[-1].reason


def test_a_suspended_account_says_so_only_to_whoever_knows_the_password(
    auth: Authenticators,
    accounts: AccountService,
) -> None:
    account = add_person(accounts)
    accounts.suspend(OPERATOR, account.id)
    with pytest.raises(AuthenticationFailed, match="wrong username"):
        accounts.login("jdoe", "not the password at all")
    with pytest.raises(AuthenticationFailed, match="suspended") as refused:
        sign_in(auth)
    assert "custodian" in str(refused.value.hint)


def test_sessions_end_when_idle_and_at_their_absolute_expiry(
    auth: Authenticators, accounts: AccountService, clock: FixedClock
) -> None:
    add_person(accounts)
    _, token = sign_in(auth)
    clock.advance(timedelta(minutes=30))
    with pytest.raises(AuthenticationFailed, match="ended"):
        accounts.resolve_session(token)
    _, token = sign_in(auth)
    for _ in range(12 * 3):
        clock.advance(timedelta(minutes=20))
        if clock.current - NOW >= timedelta(hours=12, minutes=30):
            break
        try:
            accounts.resolve_session(token)
        except AuthenticationFailed:
            break
    # Used every 20 minutes, the session still ends 12 hours after login.
    assert clock.current - (NOW + timedelta(minutes=30)) == timedelta(hours=12)


def test_activity_is_written_at_most_once_a_minute(
    auth: Authenticators, accounts: AccountService, clock: FixedClock, store: Store
) -> None:
    account = add_person(accounts)
    _, token = sign_in(auth)
    clock.advance(timedelta(seconds=30))
    accounts.resolve_session(token)
    assert store.accounts.get(account.id).last_active_at == NOW  # type: ignore[union-attr]
    clock.advance(timedelta(seconds=30))
    accounts.resolve_session(token)
    touched = store.accounts.get(account.id)
    assert touched is not None
    assert touched.last_active_at == NOW + timedelta(minutes=1)


def test_an_idle_account_suspends_itself_when_next_used(
    auth: Authenticators, accounts: AccountService, clock: FixedClock, sink: RecordingSink
) -> None:
    account = add_person(accounts)
    clock.advance(timedelta(days=91))
    with pytest.raises(AuthenticationFailed, match="not used for too long"):
        sign_in(auth)
    assert accounts.get(account.id).suspension_reason is SuspensionReason.INACTIVITY
    suspension = sink.events[-2]
    assert (suspension.actor.username, suspension.action) == ("system", "accounts:suspend")
    assert sink.actions()[-1] == ("auth:login", "denied")


def test_logout_ends_the_session(
    auth: Authenticators, accounts: AccountService, sink: RecordingSink
) -> None:
    add_person(accounts)
    _, token = sign_in(auth)
    accounts.logout(token, "10.0.0.1")
    with pytest.raises(AuthenticationFailed):
        accounts.resolve_session(token)
    assert sink.actions()[-1] == ("auth:logout", "allowed")
    accounts.logout(token)  # a second time does nothing
    assert sink.actions()[-1] == ("auth:logout", "allowed")
    assert len([a for a in sink.actions() if a[0] == "auth:logout"]) == 1


def test_an_old_hash_is_replaced_at_the_next_login(
    store: Store, clock: FixedClock, sink: RecordingSink
) -> None:
    weak = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    stronger = Passwords(PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    before = AccountService(store, clock, AccountSettings(), sink, passwords=weak)
    account = add_person(before)
    after = AccountService(store, clock, AccountSettings(), sink, passwords=stronger)
    # The password step replaces it, whatever the second step does next.
    with pytest.raises(SecondFactorNeeded):
        after.login("jdoe", PASSWORD)
    state = store.accounts.password_state(account.id)
    assert state is not None
    assert state.password_hash is not None
    assert "t=2" in state.password_hash
    assert not stronger.needs_rehash(state.password_hash)


def test_no_event_carries_a_password_or_a_token(
    auth: Authenticators, accounts: AccountService, sink: RecordingSink
) -> None:
    account = add_person(accounts)
    _, session_token = sign_in(auth)
    with pytest.raises(AuthenticationFailed):
        accounts.login("jdoe", "a wrong guess here")
    with pytest.raises(AuthenticationFailed):
        accounts.login("correct horse battery", PASSWORD)
    _, api_token = accounts.issue_api_token(
        OPERATOR, "nightly", 30, account_id=account.id, scopes=SEARCH
    )
    text = repr(sink.events)
    for secret in (PASSWORD, "a wrong guess here", session_token, api_token):
        assert secret not in text


# -- administration ---------------------------------------------------------------------------


def custodian_session(auth: Authenticators, username: str = "cust") -> Principal:
    add_person(auth.accounts, username, Role.CUSTODIAN)
    principal, _ = sign_in(auth, username)
    return principal


def test_only_a_custodian_manages_accounts_and_never_their_own(
    auth: Authenticators, accounts: AccountService, sink: RecordingSink
) -> None:
    custodian = custodian_session(auth)
    analyst = add_person(accounts, "jdoe")
    analyst_session, _ = sign_in(auth, "jdoe")
    with pytest.raises(PermissionDenied, match="custodian role"):
        accounts.suspend(analyst_session, analyst.id)
    assert sink.actions()[-1] == ("accounts:suspend", "denied")
    with pytest.raises(PermissionDenied, match="their own account"):
        accounts.set_roles(custodian, custodian.account.id, [Role.CUSTODIAN, Role.ANALYST])
    accounts.suspend(custodian, analyst.id)
    with pytest.raises(PermissionDenied, match="their own account"):
        accounts.reactivate(custodian, custodian.account.id)


def test_a_custodian_manages_only_their_own_agency(
    auth: Authenticators, accounts: AccountService, store: Store
) -> None:
    store.agencies.add(make_agency("other-pd"))
    custodian = custodian_session(auth)
    other = add_person(accounts, "elsewhere", agency_id="other-pd")
    # Another agency's account is answered as one that does not exist (it used to be refused
    # naming its agency, which told the custodian that it exists and where).
    with pytest.raises(NotFound) as theirs:
        accounts.suspend(custodian, other.id)
    with pytest.raises(NotFound) as nobodys:
        accounts.suspend(custodian, "no-such-id")
    assert theirs.value.message == nobodys.value.message.replace("no-such-id", other.id)
    assert "other-pd" not in theirs.value.message


def test_reactivation_needs_a_current_training_record(
    auth: Authenticators, accounts: AccountService, clock: FixedClock, sink: RecordingSink
) -> None:
    custodian = custodian_session(auth)
    account = add_person(accounts, "jdoe")
    clock.advance(timedelta(days=100))  # training (to 2027-06-01) still current; idle > 90 days
    assert [(a.username, r) for a, r in accounts.sweep()] == [
        ("cust", SuspensionReason.INACTIVITY),
        ("jdoe", SuspensionReason.INACTIVITY),
    ]
    # The custodian is suspended too; the console reactivates them, once retrained.
    accounts.reactivate(OPERATOR, custodian.account.id, clock.now().date())
    custodian, _ = sign_in(auth, "cust")
    clock.advance(timedelta(days=365))  # now training has expired
    with pytest.raises(InvalidInput, match="not current"):
        accounts.reactivate(custodian, account.id)
    reactivated = accounts.reactivate(custodian, account.id, date(2028, 1, 1))
    assert reactivated.status is AccountStatus.ACTIVE
    assert reactivated.last_active_at == clock.current
    assert sink.actions()[-1] == ("accounts:reactivate", "allowed")
    sign_in(auth, "jdoe")


def test_expired_training_suspends_at_the_sweep(
    accounts: AccountService, clock: FixedClock
) -> None:
    account = add_person(accounts)
    accounts.record_training(OPERATOR, account.id, date(2026, 1, 1), date(2026, 12, 1))
    clock.advance(timedelta(days=2))  # 30 November: the last day it counts
    assert accounts.sweep() == []
    clock.advance(timedelta(days=1))
    [(suspended, reason)] = accounts.sweep()
    assert reason is SuspensionReason.TRAINING_EXPIRED
    assert suspended.status is AccountStatus.SUSPENDED
    assert accounts.sweep() == []


def test_deactivation_ends_sessions_and_revokes_tokens_at_once(
    auth: Authenticators, accounts: AccountService, sink: RecordingSink
) -> None:
    account = add_person(accounts)
    _, session = sign_in(auth)
    _, token = accounts.issue_api_token(
        OPERATOR, "nightly", 30, account_id=account.id, scopes=SEARCH
    )
    deactivated = accounts.deactivate(OPERATOR, account.id)
    assert deactivated.status is AccountStatus.DEACTIVATED
    with pytest.raises(AuthenticationFailed):
        accounts.resolve_session(session)
    with pytest.raises(AuthenticationFailed, match="revoked"):
        accounts.resolve_token(token)
    with pytest.raises(AuthenticationFailed, match="deactivated"):
        sign_in(auth)
    assert "1 session(s) ended, 1 token(s) revoked" in sink.events[-2].reason


def test_set_roles_and_record_training(accounts: AccountService) -> None:
    account = add_person(accounts)
    changed = accounts.set_roles(OPERATOR, account.id, [Role.SUPERVISOR])
    assert accounts.get(account.id).roles == changed.roles == frozenset({Role.SUPERVISOR})
    with pytest.raises(InvalidInput):
        accounts.set_roles(OPERATOR, account.id, [])
    trained = accounts.record_training(OPERATOR, account.id, date(2026, 11, 1))
    assert trained.training is not None
    assert trained.training.expires_on == date(2027, 11, 1)


def test_changing_ones_own_password_needs_the_current_one(
    auth: Authenticators, accounts: AccountService
) -> None:
    add_person(accounts)
    principal, token = sign_in(auth)
    with pytest.raises(PermissionDenied, match="current password"):
        accounts.set_password(principal, principal.account.id, "a new long passphrase")
    accounts.set_password(
        principal, principal.account.id, "a new long passphrase", current_password=PASSWORD
    )
    accounts.resolve_session(token)  # this session stays
    sign_in_with = auth.sign_in("jdoe", "a new long passphrase")
    assert sign_in_with[0].signed_in_with == "password+totp"


def test_a_custodian_resets_a_password_and_ends_the_persons_sessions(
    auth: Authenticators,
    accounts: AccountService,
) -> None:
    custodian = custodian_session(auth)
    account = add_person(accounts, "jdoe")
    _, token = sign_in(auth)
    accounts.set_password(custodian, account.id, "temporary passphrase 1")
    with pytest.raises(AuthenticationFailed):
        accounts.resolve_session(token)
    # The password a custodian set only lets its owner choose a new one.
    with pytest.raises(PasswordChangeRequired):
        accounts.login("jdoe", "temporary passphrase 1")
    with pytest.raises(SecondFactorNeeded):
        accounts.change_password_at_sign_in("jdoe", "temporary passphrase 1", "my own passphrase 7")
    auth.sign_in("jdoe", "my own passphrase 7")


# -- API tokens -------------------------------------------------------------------------------


def test_a_person_issues_lists_uses_and_revokes_their_own_token(
    auth: Authenticators, accounts: AccountService, clock: FixedClock, sink: RecordingSink
) -> None:
    add_person(accounts)
    principal, _ = sign_in(auth)
    token, plaintext = accounts.issue_api_token(principal, "nightly export", 30, scopes=SEARCH)
    assert plaintext.startswith("pkt_")
    assert token.expires_at == NOW + timedelta(days=30)
    resolved = accounts.resolve_token(plaintext)
    assert (resolved.credential_kind, resolved.credential_id) == (CredentialKind.TOKEN, token.id)
    assert [t.id for t in accounts.list_api_tokens(principal)] == [token.id]
    with pytest.raises(PermissionDenied, match="cannot issue"):
        accounts.issue_api_token(resolved, "more", 30, scopes=SEARCH)
    revoked = accounts.revoke_api_token(principal, token.id)
    assert revoked.revoked_at == NOW
    with pytest.raises(AuthenticationFailed, match="revoked"):
        accounts.resolve_token(plaintext)
    assert sink.actions()[-1] == ("tokens:revoke", "allowed")


def test_tokens_are_capped_and_expire(accounts: AccountService, clock: FixedClock) -> None:
    account = add_person(accounts)
    with pytest.raises(InvalidInput, match="1 to 90 days"):
        accounts.issue_api_token(
            OPERATOR, "a quarter and a day", 91, account_id=account.id, scopes=SEARCH
        )
    _, plaintext = accounts.issue_api_token(
        OPERATOR, "short", 1, account_id=account.id, scopes=SEARCH
    )
    clock.advance(timedelta(days=1))
    with pytest.raises(AuthenticationFailed, match="expired"):
        accounts.resolve_token(plaintext)
    with pytest.raises(AuthenticationFailed, match="not valid"):
        accounts.resolve_token("pkt_made-up")


def test_others_tokens_are_a_custodians_business_only(
    auth: Authenticators, accounts: AccountService
) -> None:
    custodian = custodian_session(auth)
    account = add_person(accounts, "jdoe")
    token, _ = accounts.issue_api_token(
        OPERATOR, "nightly", 30, account_id=account.id, scopes=SEARCH
    )
    add_person(accounts, "other")
    other, _ = sign_in(auth, "other")
    with pytest.raises(PermissionDenied):
        accounts.revoke_api_token(other, token.id)
    with pytest.raises(PermissionDenied):
        accounts.issue_api_token(custodian, "for-them", 30, account_id=account.id, scopes=SEARCH)
    assert [t.id for t in accounts.list_api_tokens(custodian, account.id)] == [token.id]
    accounts.revoke_api_token(custodian, token.id)
    with pytest.raises(Conflict):
        accounts.revoke_api_token(custodian, token.id)


def test_a_token_stops_working_when_its_account_is_suspended(
    accounts: AccountService,
) -> None:
    account = add_person(accounts)
    _, plaintext = accounts.issue_api_token(
        OPERATOR, "nightly", 30, account_id=account.id, scopes=SEARCH
    )
    accounts.suspend(OPERATOR, account.id)
    with pytest.raises(AuthenticationFailed, match="suspended"):
        accounts.resolve_token(plaintext)
    with pytest.raises(Conflict, match="not active"):
        accounts.issue_api_token(OPERATOR, "again", 30, account_id=account.id, scopes=SEARCH)


def test_token_principal_carries_the_account_as_stored(
    auth: Authenticators, accounts: AccountService
) -> None:
    account = add_person(accounts)
    auth.holding(account.username)
    _, plaintext = accounts.issue_api_token(
        OPERATOR, "nightly", 30, account_id=account.id, scopes=SEARCH
    )
    assert replace(accounts.resolve_token(plaintext).account, last_active_at=None) == replace(
        account, last_active_at=None
    )
