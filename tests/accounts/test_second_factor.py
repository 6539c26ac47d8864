"""The second factor on every backend, tried the way an insider would try to get around it: the
password alone, a pending token used as a session, a code used twice, a recovery code spent
twice, guessing codes after the password, a reset person's old token, a session from before
the rule."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from platekeeper.accounts.pending import SecondFactorInvalid, SecondFactorNeeded
from platekeeper.accounts.sealing import SecretSeal
from platekeeper.accounts.second_factor import SecondFactors
from platekeeper.accounts.service import AccountService
from platekeeper.config import AccountSettings
from platekeeper.domain.credentials import CredentialKind, Principal
from platekeeper.domain.factors import FactorKind, SecondFactor
from platekeeper.domain.people import Role
from platekeeper.domain.stewardship import ChangeKind
from platekeeper.domain.token_scopes import TokenScope
from platekeeper.errors import AuthenticationFailed, Conflict, PermissionDenied, StoreError
from platekeeper.store import Store
from tests.accounts.conftest import OPERATOR, PASSWORD, RecordingSink, add_person, cheap_passwords
from tests.conftest import NOW, FixedClock
from tests.factors import Authenticators, secret_of


def _code(username: str, clock: FixedClock, steps: int = 0) -> str:
    totp = pyotp.TOTP(secret_of(username))
    return totp.generate_otp(totp.timecode(clock.now()) + steps)


def test_a_password_alone_opens_no_session(
    auth: Authenticators, accounts: AccountService, store: Store, sink: RecordingSink
) -> None:
    account = add_person(accounts)
    auth.enrol(account)
    with pytest.raises(SecondFactorNeeded) as needed:
        accounts.login("jdoe", PASSWORD)
    assert store.sessions.list(account.id) == []
    challenge = needed.value.challenge
    assert challenge is not None
    assert challenge.methods == ("totp", "recovery-code")
    assert challenge.expires_at == NOW + timedelta(minutes=5)
    # The pending token is no session: sent as a cookie, it opens nothing.
    with pytest.raises(AuthenticationFailed, match="not signed in"):
        accounts.resolve_session(challenge.token)
    assert ("auth:password", "allowed") in sink.actions()
    assert ("auth:login", "allowed") not in sink.actions()


def test_the_second_step_opens_the_session_and_says_how(
    auth: Authenticators, factors: SecondFactors, clock: FixedClock
) -> None:
    auth.enrol(add_person(auth.accounts))
    token = auth.pending("jdoe", PASSWORD)
    signed_in = factors.complete(token, _code("jdoe", clock), "10.0.0.1")
    assert signed_in.principal.signed_in_with == "password+totp"
    resolved = auth.accounts.resolve_session(signed_in.session_token)
    assert resolved.signed_in_with == "password+totp"
    with pytest.raises(AuthenticationFailed, match="expired or was never started"):
        factors.complete(token, _code("jdoe", clock, 1), "10.0.0.1")  # the pending is used up


def test_a_code_is_accepted_once_and_never_an_older_one(
    auth: Authenticators, factors: SecondFactors, clock: FixedClock
) -> None:
    auth.enrol(add_person(auth.accounts))
    factors.complete(auth.pending("jdoe", PASSWORD), _code("jdoe", clock), None)
    with pytest.raises(SecondFactorInvalid, match="not valid"):
        factors.complete(auth.pending("jdoe", PASSWORD), _code("jdoe", clock), None)
    with pytest.raises(SecondFactorInvalid):
        factors.complete(auth.pending("jdoe", PASSWORD), _code("jdoe", clock, -1), None)
    # One step of drift either way is allowed; two are not.
    factors.complete(auth.pending("jdoe", PASSWORD), _code("jdoe", clock, 1), None)
    clock.advance(timedelta(minutes=2))
    with pytest.raises(SecondFactorInvalid):
        factors.complete(auth.pending("jdoe", PASSWORD), _code("jdoe", clock, -2), None)
    factors.complete(auth.pending("jdoe", PASSWORD), _code("jdoe", clock, -1), None)


def test_a_recovery_code_works_once(
    auth: Authenticators, factors: SecondFactors, store: Store
) -> None:
    account = add_person(auth.accounts)
    codes = auth.enrol(account)
    assert len(set(codes)) == 10
    signed_in = factors.complete(auth.pending("jdoe", PASSWORD), codes[0].upper(), None)
    assert signed_in.principal.signed_in_with == "password+recovery-code"
    assert store.recovery_codes.remaining(account.id) == 9
    with pytest.raises(SecondFactorInvalid):
        factors.complete(auth.pending("jdoe", PASSWORD), codes[0], None)
    add_person(auth.accounts, "other")
    auth.enrol(auth.accounts.by_username("other"))
    with pytest.raises(SecondFactorInvalid):  # one person's sheet opens nobody else
        factors.complete(auth.pending("other", PASSWORD), codes[1], None)


def test_guessing_codes_locks_like_guessing_passwords(
    auth: Authenticators, factors: SecondFactors, clock: FixedClock
) -> None:
    account = add_person(auth.accounts)
    auth.enrol(account)
    # The password again between guesses clears nothing: the count goes on.
    for _ in range(AccountSettings().lockout_failures - 1):
        with pytest.raises(SecondFactorInvalid):
            factors.complete(auth.pending("jdoe", PASSWORD), "000000", None)
    token = auth.pending("jdoe", PASSWORD)
    with pytest.raises(AuthenticationFailed, match="locked"):
        factors.complete(token, "111111", None)
    with pytest.raises(AuthenticationFailed, match="locked"):
        auth.accounts.login("jdoe", PASSWORD)
    with pytest.raises(AuthenticationFailed, match="locked"):
        factors.complete(token, _code("jdoe", clock), None)
    # As for guessed passwords, the lock waits for a custodian (CJIS AC-7, the default):
    # waiting opens nothing, neither the password nor the right code.
    clock.advance(timedelta(days=1))
    with pytest.raises(AuthenticationFailed, match="locked") as refused:
        auth.accounts.login("jdoe", PASSWORD)
    assert "Ask a custodian" in str(refused.value.hint)
    auth.accounts.unlock(OPERATOR, account.id)
    auth.sign_in("jdoe", PASSWORD)


def test_a_pending_sign_in_expires(
    auth: Authenticators, factors: SecondFactors, clock: FixedClock
) -> None:
    auth.enrol(add_person(auth.accounts))
    token = auth.pending("jdoe", PASSWORD)
    clock.advance(timedelta(minutes=5))
    with pytest.raises(AuthenticationFailed, match="expired"):
        factors.complete(token, _code("jdoe", clock), None)


def test_a_person_without_a_factor_enrols_then_signs_in(
    accounts: AccountService, factors: SecondFactors, clock: FixedClock, store: Store
) -> None:
    account = add_person(accounts)
    with pytest.raises(SecondFactorNeeded) as needed:
        accounts.login("jdoe", PASSWORD)
    challenge = needed.value.challenge
    assert challenge is not None
    assert challenge.must_enrol
    enrolment = factors.begin_enrolment(challenge.token)
    assert enrolment.uri.startswith("otpauth://totp/PlateKeeper:jdoe?secret=")
    assert enrolment.qr_svg.startswith("<svg")
    assert store.second_factors.list(account.id) == []  # not a factor before its first code
    totp = pyotp.TOTP(enrolment.secret)
    with pytest.raises(SecondFactorInvalid):
        factors.confirm_enrolment(challenge.token, enrolment.factor_id, "123456", None)
    signed_in = factors.confirm_enrolment(
        challenge.token, enrolment.factor_id, totp.at(clock.now()), None
    )
    assert signed_in.principal.signed_in_with == "password+totp"
    assert len(signed_in.recovery_codes) == 10
    # Its first code was that step's: it does not open the next sign-in.
    with pytest.raises(SecondFactorNeeded) as again:
        accounts.login("jdoe", PASSWORD)
    assert again.value.challenge is not None
    with pytest.raises(SecondFactorInvalid):
        factors.complete(again.value.challenge.token, totp.at(clock.now()), None)


def test_a_password_does_not_add_a_factor_to_someone_who_has_one(
    auth: Authenticators, factors: SecondFactors
) -> None:
    auth.enrol(add_person(auth.accounts))
    token = auth.pending("jdoe", PASSWORD)
    with pytest.raises(PermissionDenied, match="second factor already"):
        factors.begin_enrolment(token)


def test_the_secret_is_sealed_at_rest_and_bound_to_its_row(
    store: Store, clock: FixedClock, sink: RecordingSink
) -> None:
    accounts = AccountService(store, clock, AccountSettings(), sink, passwords=cheap_passwords())
    seal = SecretSeal.generated()
    factors = SecondFactors(store, clock, AccountSettings(), sink, accounts=accounts, seal=seal)
    jdoe, other = add_person(accounts), add_person(accounts, "other")
    factors.seed_totp(OPERATOR, jdoe.id, secret_of("jdoe"))
    [stored] = store.second_factors.list(jdoe.id)
    assert stored.sealed_secret is not None
    assert secret_of("jdoe") not in stored.sealed_secret
    assert seal.open(stored.sealed_secret, jdoe.id, stored.id) == secret_of("jdoe")
    with pytest.raises(StoreError, match="does not open"):
        seal.open(stored.sealed_secret, other.id, stored.id)
    with pytest.raises(StoreError, match="does not open"):
        SecretSeal.generated().open(stored.sealed_secret, jdoe.id, stored.id)


def test_a_custodians_reset_ends_everything_and_links_the_two(
    auth: Authenticators, accounts: AccountService, store: Store
) -> None:
    custodian_account = add_person(accounts, "cust", Role.CUSTODIAN)
    custodian, _ = auth.sign_in("cust", PASSWORD)
    account = add_person(accounts)
    auth.enrol(account)
    _, session = auth.sign_in("jdoe", PASSWORD)
    _, token = accounts.issue_api_token(
        OPERATOR, "nightly", 30, account_id=account.id, scopes=[TokenScope.SEARCH]
    )
    with pytest.raises(PermissionDenied, match="own account"):
        accounts.reset_second_factors(custodian, custodian_account.id)
    jdoe, _ = auth.sign_in("jdoe", PASSWORD)
    with pytest.raises(PermissionDenied, match="custodian role"):
        accounts.reset_second_factors(jdoe, custodian_account.id)
    assert accounts.reset_second_factors(custodian, account.id) == 1
    assert store.second_factors.list(account.id, confirmed_only=False) == []
    assert store.recovery_codes.remaining(account.id) == 0
    with pytest.raises(AuthenticationFailed):
        accounts.resolve_session(session)
    with pytest.raises(AuthenticationFailed, match="revoked"):
        accounts.resolve_token(token)
    [change] = [
        c for c in store.account_changes.between("cust", "jdoe", account.created_at)
        if c.change is ChangeKind.SECOND_FACTOR_RESET
    ]  # fmt: skip
    assert change.changed_by == "cust"
    assert not accounts.independence.decide("cust", "jdoe").allowed
    with pytest.raises(SecondFactorNeeded) as needed:
        accounts.login("jdoe", PASSWORD)
    assert needed.value.challenge is not None
    assert needed.value.challenge.must_enrol


def test_a_token_of_a_person_without_a_factor_opens_nothing(
    auth: Authenticators, accounts: AccountService
) -> None:
    account = add_person(accounts)
    _, token = accounts.issue_api_token(
        OPERATOR, "nightly", 30, account_id=account.id, scopes=[TokenScope.SEARCH]
    )
    with pytest.raises(SecondFactorNeeded, match="no second factor enrolled"):
        accounts.resolve_token(token)
    auth.enrol(account)
    assert accounts.resolve_token(token).account.id == account.id


def test_issuing_a_token_needs_a_sign_in_with_a_second_factor(
    auth: Authenticators, accounts: AccountService
) -> None:
    account = add_person(accounts)
    auth.enrol(account)
    password_only = Principal(account, CredentialKind.SESSION, "s", "password")
    with pytest.raises(PermissionDenied, match="second factor"):
        accounts.issue_api_token(password_only, "nightly", 30, scopes=[TokenScope.SEARCH])
    strong, _ = auth.sign_in("jdoe", PASSWORD)
    accounts.issue_api_token(strong, "nightly", 30, scopes=[TokenScope.SEARCH])


def test_a_session_from_before_the_rule_ends_under_it(
    store: Store, clock: FixedClock, sink: RecordingSink
) -> None:
    lax_settings = AccountSettings(second_factor_required=False)
    lax = AccountService(store, clock, lax_settings, sink, passwords=cheap_passwords())
    add_person(lax)
    principal, token = lax.login("jdoe", PASSWORD)
    assert principal.signed_in_with == "password"
    strict = AccountService(store, clock, AccountSettings(), sink, passwords=cheap_passwords())
    with pytest.raises(SecondFactorNeeded, match="without a second factor"):
        strict.resolve_session(token)
    with pytest.raises(AuthenticationFailed, match="not signed in"):
        strict.resolve_session(token)  # and it is gone


def test_ones_own_factors_need_the_password_and_keep_the_last(
    auth: Authenticators, factors: SecondFactors, clock: FixedClock
) -> None:
    auth.enrol(add_person(auth.accounts))
    principal, _ = auth.sign_in("jdoe", PASSWORD)
    [only] = factors.list(principal)
    with pytest.raises(PermissionDenied, match="current password"):
        factors.remove(principal, only.id, "not my password")
    with pytest.raises(Conflict, match="last second factor"):
        factors.remove(principal, only.id, PASSWORD)
    added = factors.add_totp(principal, PASSWORD, "spare phone")
    assert (
        factors.confirm_totp(principal, added.factor_id, pyotp.TOTP(added.secret).at(clock.now()))
        == ()
    )
    factors.remove(principal, only.id, PASSWORD)
    assert [f.label for f in factors.list(principal)] == ["spare phone"]
    codes = factors.regenerate_recovery_codes(principal, PASSWORD)
    assert len(codes) == 10
    weak = Principal(principal.account, CredentialKind.SESSION, "s", "password")
    with pytest.raises(PermissionDenied, match="sign-in with a second factor"):
        factors.regenerate_recovery_codes(weak, PASSWORD)


def test_the_console_asks_a_code_and_refuses_a_passkey_alone(
    auth: Authenticators, factors: SecondFactors, store: Store, clock: FixedClock
) -> None:
    account = add_person(auth.accounts)
    with pytest.raises(SecondFactorNeeded, match="console needs a second factor"):
        auth.accounts.console_login("jdoe", PASSWORD)
    with pytest.raises(PermissionDenied, match="no second factor yet"):
        factors.console_login("jdoe", PASSWORD, lambda _a, _m: "000000")
    store.second_factors.add(
        SecondFactor(
            "key",
            account.id,
            FactorKind.WEBAUTHN,
            "security key",
            NOW,
            confirmed_at=NOW,
            credential_id="cred",
            public_key="pk",
        )
    )
    with pytest.raises(PermissionDenied, match="passkey works only in a browser"):
        factors.console_login("jdoe", PASSWORD, lambda _a, _m: "000000")
    auth.enrol(account)
    with pytest.raises(SecondFactorInvalid):
        factors.console_login("jdoe", PASSWORD, lambda _a, _m: "000000")
    principal = factors.console_login("jdoe", PASSWORD, lambda _a, _m: _code("jdoe", clock))
    assert (principal.credential_kind, principal.signed_in_with) == (
        CredentialKind.CONSOLE,
        "password+totp",
    )
