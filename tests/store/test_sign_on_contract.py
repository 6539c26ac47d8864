"""The storage contract for single sign-on: linked identities, sign-ins under way, and the ID
tokens of federated sessions. Every backend passes unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.domain.sign_on import FederatedIdentity, SignOnRequest
from platekeeper.errors import Conflict, NotFound
from platekeeper.store import Store
from tests.conftest import NOW
from tests.store.test_accounts_contract import make_account, make_session

ISSUER = "https://login.example.gov"


def _request(binding: str = "b1", at: timedelta = timedelta(0)) -> SignOnRequest:
    return SignOnRequest(binding, f"state-{binding}", "nonce", "verifier", "/search", NOW + at)


def test_an_identity_links_one_subject_to_one_account(store: Store) -> None:
    store.accounts.add(make_account(), None)
    store.accounts.add(make_account("asmith"), None)
    link = FederatedIdentity(ISSUER, "sub-1", "id-jdoe", NOW)
    store.federated_identities.link(link)
    assert store.federated_identities.get(ISSUER, "sub-1") == link
    assert store.federated_identities.of_account(ISSUER, "id-jdoe") == link
    assert store.federated_identities.get("https://other.example", "sub-1") is None
    # Another subject cannot take the same account, nor the subject a second account.
    with pytest.raises(Conflict):
        store.federated_identities.link(FederatedIdentity(ISSUER, "sub-2", "id-jdoe", NOW))
    with pytest.raises(Conflict):
        store.federated_identities.link(FederatedIdentity(ISSUER, "sub-1", "id-asmith", NOW))
    with pytest.raises(NotFound):
        store.federated_identities.link(FederatedIdentity(ISSUER, "sub-3", "missing", NOW))
    store.federated_identities.record_sign_in(ISSUER, "sub-1", NOW + timedelta(hours=1))
    found = store.federated_identities.get(ISSUER, "sub-1")
    assert found is not None
    assert found.last_sign_in_at == NOW + timedelta(hours=1)


def test_a_sign_in_under_way_is_taken_back_once(store: Store) -> None:
    store.sign_on_requests.add(_request())
    assert store.sign_on_requests.take("b1") == _request()
    assert store.sign_on_requests.take("b1") is None
    assert store.sign_on_requests.take("never") is None


def test_old_sign_ins_under_way_are_forgotten(store: Store) -> None:
    store.sign_on_requests.add(_request("old"))
    store.sign_on_requests.add(_request("new", timedelta(minutes=20)))
    assert store.sign_on_requests.forget_before(NOW + timedelta(minutes=10)) == 1
    assert store.sign_on_requests.take("old") is None
    assert store.sign_on_requests.take("new") is not None


def test_a_federated_session_keeps_its_id_token_until_the_session_ends(store: Store) -> None:
    store.accounts.add(make_account(), None)
    store.sessions.add(make_session())
    store.federated_sessions.add("s1", ISSUER, "header.payload.signature")
    assert store.federated_sessions.id_token("s1") == (ISSUER, "header.payload.signature")
    assert store.federated_sessions.id_token("s2") is None
    assert store.sessions.delete("s1")
    assert store.federated_sessions.id_token("s1") is None
    store.sessions.add(make_session(name="s3"))
    store.federated_sessions.add("s3", ISSUER, "token")
    assert store.sessions.delete_for_account("id-jdoe") == 1
    assert store.federated_sessions.id_token("s3") is None
