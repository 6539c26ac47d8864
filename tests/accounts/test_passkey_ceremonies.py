"""The WebAuthn ceremonies against a software authenticator's real signatures: what they accept,
and each way an answer could be replayed, redirected, copied or lent to someone else."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from platekeeper.accounts.passkeys import (
    CEREMONY_TIMEOUT,
    Ceremonies,
    Challenges,
    KnownKey,
    PasskeyRefused,
    RelyingParty,
    user_handle,
)
from platekeeper.accounts.service import AccountService
from platekeeper.config import AccountSettings
from platekeeper.domain.people import Account
from platekeeper.errors import InvalidInput
from tests.accounts.authenticator import SoftKey, b64url
from tests.accounts.conftest import add_person
from tests.conftest import FixedClock

RP_ID = "alpr.example.gov"
ORIGIN = "https://alpr.example.gov"


@pytest.fixture
def ceremonies(clock: FixedClock) -> Ceremonies:
    return Ceremonies(RelyingParty(RP_ID, "PlateKeeper", (ORIGIN,)), Challenges(clock))


@pytest.fixture
def person(accounts: AccountService) -> Account:
    return add_person(accounts, "jdoe")


def enrol(ceremonies: Ceremonies, account: Account, key: SoftKey) -> KnownKey:
    options = ceremonies.registration_options(f"enrol:{account.id}", account, [])
    new = ceremonies.verify_registration(f"enrol:{account.id}", key.register(options))
    return KnownKey(new.credential_id, new.public_key, new.sign_count)


def test_a_registered_key_signs_in_and_its_counter_moves(
    ceremonies: Ceremonies, person: Account
) -> None:
    key = SoftKey(RP_ID, ORIGIN)
    known = enrol(ceremonies, person, key)
    assert known.credential_id == key.credential_id
    assert key.user_handle == user_handle(person)
    assert person.username.encode() not in key.user_handle
    options = ceremonies.authentication_options("pending-1", [known])
    assert [c["id"] for c in json.loads(options)["allowCredentials"]] == [b64url(key.credential_id)]
    assertion = ceremonies.verify_authentication(
        "pending-1", person, key.answer(options, step=5), [known]
    )
    assert (assertion.credential_id, assertion.new_sign_count) == (key.credential_id, 5)
    assert assertion.user_verified


def test_registration_excludes_keys_already_registered(
    ceremonies: Ceremonies, person: Account
) -> None:
    known = enrol(ceremonies, person, SoftKey(RP_ID, ORIGIN))
    options = json.loads(ceremonies.registration_options("enrol", person, [known]))
    assert [c["id"] for c in options["excludeCredentials"]] == [b64url(known.credential_id)]
    assert options["rp"] == {"id": RP_ID, "name": "PlateKeeper"}
    assert options["authenticatorSelection"]["userVerification"] == "preferred"


def test_an_answer_is_accepted_once(ceremonies: Ceremonies, person: Account) -> None:
    key = SoftKey(RP_ID, ORIGIN)
    known = enrol(ceremonies, person, key)
    options = ceremonies.authentication_options("pending-1", [known])
    answer = key.answer(options)
    ceremonies.verify_authentication("pending-1", person, answer, [known])
    with pytest.raises(PasskeyRefused, match="no passkey request is waiting"):
        ceremonies.verify_authentication("pending-1", person, answer, [known])


def test_an_answer_after_the_timeout_is_refused(
    ceremonies: Ceremonies, person: Account, clock: FixedClock
) -> None:
    key = SoftKey(RP_ID, ORIGIN)
    known = enrol(ceremonies, person, key)
    options = ceremonies.authentication_options("pending-1", [known])
    clock.advance(CEREMONY_TIMEOUT + timedelta(seconds=1))
    with pytest.raises(PasskeyRefused, match="expired"):
        ceremonies.verify_authentication("pending-1", person, key.answer(options), [known])


def test_an_answer_to_one_sign_in_does_not_complete_another(
    ceremonies: Ceremonies, person: Account
) -> None:
    """The challenge of one pending sign-in, answered, is no answer to another's."""
    key = SoftKey(RP_ID, ORIGIN)
    known = enrol(ceremonies, person, key)
    mine = ceremonies.authentication_options("pending-mine", [known])
    ceremonies.authentication_options("pending-theirs", [known])
    with pytest.raises(PasskeyRefused, match="not accepted"):
        ceremonies.verify_authentication("pending-theirs", person, key.answer(mine), [known])


def test_a_registration_challenge_is_no_sign_in_challenge(
    ceremonies: Ceremonies, person: Account
) -> None:
    key = SoftKey(RP_ID, ORIGIN)
    known = enrol(ceremonies, person, key)
    options = ceremonies.registration_options("pending-1", person, [known])
    with pytest.raises(PasskeyRefused, match="no passkey request is waiting"):
        ceremonies.verify_authentication("pending-1", person, key.answer(options), [known])


@pytest.mark.parametrize(
    ("origin", "rp_id"),
    [
        ("https://alpr.example.gov.evil.test", RP_ID),  # a look-alike site relaying the challenge
        ("http://alpr.example.gov", RP_ID),  # the same host without TLS
        ("https://alpr.example.gov:8443", RP_ID),  # another port: checked exactly
        (ORIGIN, "evil.test"),  # a key made for another site
    ],
)
def test_an_answer_for_another_site_is_refused(
    ceremonies: Ceremonies, person: Account, origin: str, rp_id: str
) -> None:
    key = SoftKey(RP_ID, ORIGIN)
    known = enrol(ceremonies, person, key)
    options = ceremonies.authentication_options("pending-1", [known])
    elsewhere = SoftKey(rp_id, origin, key.credential_id, key.private_key, key.sign_count)
    with pytest.raises(PasskeyRefused, match="not accepted"):
        ceremonies.verify_authentication("pending-1", person, elsewhere.answer(options), [known])


def test_a_registration_from_another_origin_is_refused(
    ceremonies: Ceremonies, person: Account
) -> None:
    options = ceremonies.registration_options("enrol", person, [])
    answer = SoftKey(RP_ID, "https://evil.test").register(options)
    with pytest.raises(PasskeyRefused, match="origin"):
        ceremonies.verify_registration("enrol", answer)


def test_another_persons_passkey_signs_nobody_else_in(
    ceremonies: Ceremonies, accounts: AccountService, person: Account
) -> None:
    """Mallory holds a valid passkey of her own; with it she cannot finish jdoe's sign-in."""
    mallory = add_person(accounts, "mallory")
    victim_key = enrol(ceremonies, person, SoftKey(RP_ID, ORIGIN))
    mallory_key = SoftKey(RP_ID, ORIGIN)
    mallory_known = enrol(ceremonies, mallory, mallory_key)
    options = ceremonies.authentication_options("pending-jdoe", [victim_key])
    with pytest.raises(PasskeyRefused, match="not registered to you"):
        ceremonies.verify_authentication(
            "pending-jdoe", person, mallory_key.answer(options), [victim_key]
        )
    # Nor when her key is (wrongly) among the keys offered: the key names its own account.
    options = ceremonies.authentication_options("pending-jdoe", [victim_key, mallory_known])
    with pytest.raises(PasskeyRefused, match="belongs to another account"):
        ceremonies.verify_authentication(
            "pending-jdoe", person, mallory_key.answer(options), [victim_key, mallory_known]
        )


def test_a_forged_signature_is_refused(ceremonies: Ceremonies, person: Account) -> None:
    """The credential id is no secret: without the private key, the answer fails."""
    key = SoftKey(RP_ID, ORIGIN)
    known = enrol(ceremonies, person, key)
    forger = SoftKey(RP_ID, ORIGIN, key.credential_id, user_handle=key.user_handle)
    options = ceremonies.authentication_options("pending-1", [known])
    with pytest.raises(PasskeyRefused, match="not accepted"):
        ceremonies.verify_authentication("pending-1", person, forger.answer(options), [known])


def test_a_copied_key_is_found_out_by_its_counter(ceremonies: Ceremonies, person: Account) -> None:
    key = SoftKey(RP_ID, ORIGIN)
    known = enrol(ceremonies, person, key)
    clone = key.copy()
    options = ceremonies.authentication_options("pending-1", [known])
    assertion = ceremonies.verify_authentication("pending-1", person, key.answer(options), [known])
    known = KnownKey(known.credential_id, known.public_key, assertion.new_sign_count)
    options = ceremonies.authentication_options("pending-2", [known])
    with pytest.raises(PasskeyRefused, match="counter went back"):
        ceremonies.verify_authentication("pending-2", person, clone.answer(options), [known])


def test_malformed_and_oversized_answers_are_refused(
    ceremonies: Ceremonies, person: Account
) -> None:
    known = enrol(ceremonies, person, SoftKey(RP_ID, ORIGIN))
    for answer in ("not json", "{}", json.dumps({"id": "x", "rawId": "!!", "response": {}})):
        ceremonies.authentication_options("pending-1", [known])
        with pytest.raises(PasskeyRefused, match="malformed"):
            ceremonies.verify_authentication("pending-1", person, answer, [known])
    ceremonies.authentication_options("pending-1", [known])
    with pytest.raises(PasskeyRefused, match="too long"):
        ceremonies.verify_authentication("pending-1", person, "x" * 70_000, [known])


def test_no_options_without_a_registered_key(ceremonies: Ceremonies) -> None:
    with pytest.raises(InvalidInput, match="no passkey"):
        ceremonies.authentication_options("pending-1", [])


@pytest.mark.parametrize(
    ("rp_id", "origins", "words"),
    [
        ("https://alpr.example.gov", (ORIGIN,), "not a domain name"),
        ("10.0.0.5", ("https://10.0.0.5",), "not a domain name"),
        (RP_ID, ("https://example.gov",), "not at or below"),
        (RP_ID, ("http://alpr.example.gov",), "plain http"),
        (RP_ID, ("https://alpr.example.gov/login",), "not an origin"),
    ],
)
def test_settings_refuse_a_relying_party_browsers_would_refuse(
    rp_id: str, origins: tuple[str, ...], words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        AccountSettings(webauthn_rp_id=rp_id, webauthn_origins=origins)


def test_settings_accept_the_servers_own_name_and_its_subdomains() -> None:
    settings = AccountSettings(
        webauthn_rp_id="example.gov",
        webauthn_origins=("https://alpr.example.gov", "https://example.gov:8443"),
    )
    assert RelyingParty.from_settings(settings).origins == (
        "https://alpr.example.gov",
        "https://example.gov:8443",
    )
