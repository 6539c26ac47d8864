"""The storage contract for second factors, recovery codes and pending sign-ins: every backend
passes unchanged, and the two replay guards hold under a second try."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.domain.factors import FactorKind, PendingSignIn, SecondFactor
from platekeeper.errors import Conflict, NotFound
from platekeeper.store import Store
from tests.conftest import NOW
from tests.store.test_accounts_contract import make_account


def totp_factor(factor_id: str = "f1", account_id: str = "id-jdoe") -> SecondFactor:
    return SecondFactor(
        factor_id, account_id, FactorKind.TOTP, "phone", NOW, sealed_secret="v1:sealed"
    )


def passkey(factor_id: str = "k1", credential_id: str = "cred-1") -> SecondFactor:
    return SecondFactor(
        factor_id,
        "id-jdoe",
        FactorKind.WEBAUTHN,
        "security key",
        NOW,
        confirmed_at=NOW,
        credential_id=credential_id,
        public_key="pQECAyYgASFYIA",
        sign_count=3,
    )


@pytest.fixture
def holder(store: Store) -> Store:
    store.accounts.add(make_account(), "$argon2id$hash")
    return store


def test_a_factor_counts_once_confirmed(holder: Store) -> None:
    holder.second_factors.add(totp_factor())
    assert holder.second_factors.list("id-jdoe") == []
    assert holder.second_factors.list("id-jdoe", confirmed_only=False) == [totp_factor()]
    assert holder.second_factors.confirm("f1", NOW, 100)
    assert not holder.second_factors.confirm("f1", NOW, 101), "confirmed twice"
    (stored,) = holder.second_factors.list("id-jdoe")
    assert (stored.confirmed_at, stored.last_step, stored.last_used_at) == (NOW, 100, NOW)


def test_a_time_step_is_accepted_once_and_never_an_earlier_one(holder: Store) -> None:
    holder.second_factors.add(totp_factor())
    holder.second_factors.confirm("f1", NOW, 100)
    assert not holder.second_factors.accept_step("f1", 100, NOW), "the confirming code reused"
    assert holder.second_factors.accept_step("f1", 101, NOW + timedelta(seconds=30))
    assert not holder.second_factors.accept_step("f1", 101, NOW + timedelta(seconds=31))
    assert not holder.second_factors.accept_step("f1", 99, NOW + timedelta(seconds=32))
    stored = holder.second_factors.get("f1")
    assert stored is not None
    assert stored.last_step == 101


def test_webauthn_credentials_round_trip_and_are_unique(holder: Store) -> None:
    holder.second_factors.add(passkey())
    assert holder.second_factors.by_credential_id("cred-1") == passkey()
    with pytest.raises(Conflict):
        holder.second_factors.add(passkey("k2"))
    holder.second_factors.record_use("k1", NOW + timedelta(minutes=1), sign_count=4)
    stored = holder.second_factors.get("k1")
    assert stored is not None
    assert stored.sign_count == 4
    assert stored.last_used_at == NOW + timedelta(minutes=1)


def test_factors_of_a_missing_account_are_refused(store: Store) -> None:
    with pytest.raises(NotFound):
        store.second_factors.add(totp_factor(account_id="nobody"))


def test_deleting_factors(holder: Store) -> None:
    holder.second_factors.add(totp_factor())
    holder.second_factors.add(totp_factor("waiting"))
    holder.second_factors.confirm("f1", NOW, 1)
    assert holder.second_factors.delete_unconfirmed("id-jdoe") == 1
    assert holder.second_factors.get("f1") is not None
    holder.second_factors.add(passkey())
    assert holder.second_factors.delete("k1")
    assert not holder.second_factors.delete("k1")
    assert holder.second_factors.delete_for_account("id-jdoe") == 1
    assert holder.second_factors.list("id-jdoe", confirmed_only=False) == []


def test_a_recovery_code_is_spent_once(holder: Store) -> None:
    holder.recovery_codes.replace("id-jdoe", ["h1", "h2"], NOW)
    assert holder.recovery_codes.remaining("id-jdoe") == 2
    assert holder.recovery_codes.use("id-jdoe", "h1", NOW)
    assert not holder.recovery_codes.use("id-jdoe", "h1", NOW), "spent twice"
    assert not holder.recovery_codes.use("id-other", "h2", NOW), "another's code"
    assert holder.recovery_codes.remaining("id-jdoe") == 1


def test_new_recovery_codes_replace_the_old(holder: Store) -> None:
    holder.recovery_codes.replace("id-jdoe", ["h1", "h2"], NOW)
    holder.recovery_codes.replace("id-jdoe", ["h3"], NOW)
    assert not holder.recovery_codes.use("id-jdoe", "h2", NOW)
    assert holder.recovery_codes.use("id-jdoe", "h3", NOW)
    assert holder.recovery_codes.delete_for_account("id-jdoe") == 1


def test_pending_sign_ins_are_found_by_hash_and_end(holder: Store) -> None:
    pending = PendingSignIn(
        "p1", "id-jdoe", "hash-p1", NOW, NOW + timedelta(minutes=5), "password", "10.0.0.1"
    )
    holder.pending_sign_ins.add(pending)
    assert holder.pending_sign_ins.by_token_hash("hash-p1") == pending
    assert holder.pending_sign_ins.by_token_hash("p1") is None
    assert holder.pending_sign_ins.delete_ended(NOW + timedelta(minutes=4)) == 0
    assert holder.pending_sign_ins.delete("p1")
    assert not holder.pending_sign_ins.delete("p1"), "completed twice"
    holder.pending_sign_ins.add(pending)
    assert holder.pending_sign_ins.delete_ended(NOW + timedelta(minutes=5)) == 1
    holder.pending_sign_ins.add(pending)
    assert holder.pending_sign_ins.delete_for_account("id-jdoe") == 1
