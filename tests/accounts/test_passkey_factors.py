"""Passkeys as second factors, on each backend: enrolling the first at sign-in, signing in with
one after the password, adding more, and the insider's ways around them."""

from __future__ import annotations

import json

import pytest

from platekeeper.accounts.passkey_factors import PasskeyFactors
from platekeeper.accounts.passkeys import Ceremonies, Challenges, PasskeyRefused, RelyingParty
from platekeeper.accounts.pending import SecondFactorNeeded
from platekeeper.accounts.second_factor import SecondFactors, SignedIn
from platekeeper.accounts.service import AccountService
from platekeeper.domain.credentials import CredentialKind, Principal
from platekeeper.domain.factors import FactorKind
from platekeeper.domain.people import Account
from platekeeper.errors import AuthenticationFailed, PermissionDenied
from platekeeper.store import Store
from tests.accounts.authenticator import SoftKey, b64url
from tests.accounts.conftest import PASSWORD, RecordingSink, add_person
from tests.conftest import FixedClock
from tests.factors import Authenticators

RP_ID = "alpr.example.gov"
ORIGIN = "https://alpr.example.gov"
ADDRESS = "192.0.2.7"


@pytest.fixture
def passkeys(
    store: Store,
    clock: FixedClock,
    sink: RecordingSink,
    accounts: AccountService,
    factors: SecondFactors,
) -> PasskeyFactors:
    ceremonies = Ceremonies(RelyingParty(RP_ID, "PlateKeeper", (ORIGIN,)), Challenges(clock))
    return PasskeyFactors(
        store, clock, sink, accounts=accounts, factors=factors, ceremonies=ceremonies
    )


def pending(accounts: AccountService, username: str) -> str:
    with pytest.raises(SecondFactorNeeded) as needed:
        accounts.login(username, PASSWORD, ADDRESS)
    assert needed.value.challenge is not None
    return needed.value.challenge.token


def enrolled(passkeys: PasskeyFactors, accounts: AccountService, account: Account) -> SoftKey:
    """The person's passkey, enrolled at their first sign-in."""
    key = SoftKey(RP_ID, ORIGIN)
    token = pending(accounts, account.username)
    answer = key.register(passkeys.enrolment_options(token))
    passkeys.confirm_enrolment(token, answer, "yubikey", ADDRESS)
    return key


def signed_in(
    passkeys: PasskeyFactors, accounts: AccountService, username: str, key: SoftKey
) -> SignedIn:
    token = pending(accounts, username)
    return passkeys.complete(token, key.answer(passkeys.sign_in_options(token)), ADDRESS)


def test_a_first_passkey_enrolled_at_sign_in_opens_the_session(
    passkeys: PasskeyFactors, accounts: AccountService, store: Store, sink: RecordingSink
) -> None:
    account = add_person(accounts, "jdoe")
    token = pending(accounts, "jdoe")
    key = SoftKey(RP_ID, ORIGIN)
    signed = passkeys.confirm_enrolment(
        token, key.register(passkeys.enrolment_options(token)), "yubikey", ADDRESS
    )
    assert signed.principal.signed_in_with == "password+webauthn"
    assert len(signed.recovery_codes) == 10
    (factor,) = store.second_factors.list(account.id)
    assert (factor.kind, factor.label, factor.confirmed) == (FactorKind.WEBAUTHN, "yubikey", True)
    session = store.sessions.list(account.id)[0]
    assert session.signed_in_with == "password+webauthn"
    reasons = [e.reason for e in sink.events if e.action == "factors:enrol"]
    assert reasons
    assert "passkey 'yubikey'" in reasons[-1]
    login = [e for e in sink.events if e.action == "auth:login"][-1]
    assert "password+webauthn" in login.reason
    assert login.client_address == ADDRESS


def test_a_passkey_signs_in_after_the_password_and_its_counter_is_kept(
    passkeys: PasskeyFactors, accounts: AccountService, store: Store, sink: RecordingSink
) -> None:
    account = add_person(accounts, "jdoe")
    key = enrolled(passkeys, accounts, account)
    signed = signed_in(passkeys, accounts, "jdoe", key)
    accepted = [e for e in sink.events if e.action == "auth:second-factor"][-1]
    assert accepted.outcome.value == "allowed"
    assert accepted.reason.startswith("passkey 'yubikey' (")
    assert accepted.reason.endswith("accepted with user verification")
    assert accepted.client_address == ADDRESS
    assert signed.principal.signed_in_with == "password+webauthn"
    assert signed.recovery_codes == ()
    (factor,) = store.second_factors.list(account.id)
    assert factor.sign_count == key.sign_count == 1
    assert accounts.resolve_session(signed.session_token).signed_in_with == "password+webauthn"


def test_a_pending_sign_in_completes_once(
    passkeys: PasskeyFactors, accounts: AccountService
) -> None:
    key = enrolled(passkeys, accounts, add_person(accounts, "jdoe"))
    token = pending(accounts, "jdoe")
    passkeys.complete(token, key.answer(passkeys.sign_in_options(token)), ADDRESS)
    with pytest.raises(AuthenticationFailed, match="expired or was never started"):
        passkeys.sign_in_options(token)


def test_another_persons_passkey_cannot_finish_this_sign_in(
    passkeys: PasskeyFactors, accounts: AccountService, sink: RecordingSink
) -> None:
    """Mallory knows jdoe's password and holds a passkey of her own: it opens nothing of his,
    and every try counts toward jdoe's lockout."""
    enrolled(passkeys, accounts, add_person(accounts, "jdoe"))
    mallory_key = enrolled(passkeys, accounts, add_person(accounts, "mallory"))
    token = pending(accounts, "jdoe")
    answer = mallory_key.answer(passkeys.sign_in_options(token))
    with pytest.raises(PasskeyRefused, match="not registered to you"):
        passkeys.complete(token, answer, ADDRESS)
    refused = [e for e in sink.events if e.action == "auth:second-factor"][-1]
    assert refused.actor.username == "jdoe"
    assert "passkey: this passkey" in refused.reason
    for _ in range(3):
        passkeys.sign_in_options(token)
        with pytest.raises(PasskeyRefused):
            passkeys.complete(token, answer, ADDRESS)
    passkeys.sign_in_options(token)
    with pytest.raises(AuthenticationFailed, match="locked"):
        passkeys.complete(token, answer, ADDRESS)


def test_a_copied_key_is_refused_once_the_original_signed_in(
    passkeys: PasskeyFactors, accounts: AccountService
) -> None:
    key = enrolled(passkeys, accounts, add_person(accounts, "jdoe"))
    clone = key.copy()
    signed_in(passkeys, accounts, "jdoe", key)
    with pytest.raises(PasskeyRefused, match="counter went back"):
        signed_in(passkeys, accounts, "jdoe", clone)


def test_a_password_alone_enrols_no_passkey_for_someone_who_has_a_factor(
    passkeys: PasskeyFactors, accounts: AccountService, store: Store
) -> None:
    """A stolen password must not let the thief register their own key in the owner's name."""
    account = add_person(accounts, "jdoe")
    enrolled(passkeys, accounts, account)
    token = pending(accounts, "jdoe")
    with pytest.raises(PermissionDenied, match="second factor already"):
        passkeys.enrolment_options(token)
    # Nor an answer made up without options: the refusal comes before any check of it.
    made_up = json.dumps({"challenge": "AAAA", "user": {"id": "AAAA"}})
    with pytest.raises(PermissionDenied):
        passkeys.confirm_enrolment(token, SoftKey(RP_ID, ORIGIN).register(made_up), "mine", ADDRESS)
    assert len(store.second_factors.list(account.id)) == 1


def test_adding_a_passkey_needs_a_sign_in_with_a_second_factor(
    passkeys: PasskeyFactors,
    accounts: AccountService,
    auth: Authenticators,
    store: Store,
) -> None:
    account = add_person(accounts, "jdoe")
    principal, _ = auth.sign_in("jdoe", PASSWORD)
    assert principal.signed_in_with == "password+totp"
    second = SoftKey(RP_ID, ORIGIN)
    added = passkeys.add(
        principal, second.register(passkeys.add_options(principal, PASSWORD)), "laptop"
    )
    assert added.recovery_codes == ()  # the TOTP factor came with them
    kinds = sorted(f.kind.value for f in store.second_factors.list(account.id))
    assert kinds == ["totp", "webauthn"]
    assert added.factor.credential_id == b64url(second.credential_id)
    # The same authenticator is not offered a second registration.
    options = json.loads(passkeys.add_options(principal, PASSWORD))
    assert [c["id"] for c in options["excludeCredentials"]] == [b64url(second.credential_id)]
    # A session that showed no second factor (one made before factors were required) adds none.
    weak = Principal(principal.account, CredentialKind.SESSION, principal.credential_id, "password")
    with pytest.raises(PermissionDenied, match="needs a sign-in with a second factor"):
        passkeys.add_options(weak, PASSWORD)


def test_an_api_token_adds_no_passkey(
    passkeys: PasskeyFactors, accounts: AccountService, auth: Authenticators
) -> None:
    add_person(accounts, "jdoe")
    principal, _ = auth.sign_in("jdoe", PASSWORD)
    token = Principal(principal.account, CredentialKind.TOKEN, "tok-1", principal.signed_in_with)
    with pytest.raises(PasskeyRefused, match="signed-in browser"):
        passkeys.add_options(token, PASSWORD)


def test_a_removed_passkey_signs_in_no_more(
    passkeys: PasskeyFactors, accounts: AccountService, factors: SecondFactors
) -> None:
    account = add_person(accounts, "jdoe")
    key = enrolled(passkeys, accounts, account)
    signed = signed_in(passkeys, accounts, "jdoe", key)
    other = SoftKey(RP_ID, ORIGIN)
    passkeys.add(signed.principal, other.register(passkeys.add_options(signed.principal, PASSWORD)))
    # Both were added at the same instant of the test clock: told apart by credential id.
    (first,) = [
        f for f in factors.list(signed.principal) if f.credential_id == b64url(key.credential_id)
    ]
    factors.remove(signed.principal, first.id, PASSWORD)
    token = pending(accounts, "jdoe")
    answer = key.answer(passkeys.sign_in_options(token))
    with pytest.raises(PasskeyRefused, match="not registered to you"):
        passkeys.complete(token, answer, ADDRESS)
    assert signed_in(passkeys, accounts, "jdoe", other).principal.account.id == account.id
