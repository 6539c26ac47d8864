"""A passkey's signature counter in storage, on every backend: it only ever moves forward, so a
copied key answering with a counter already seen is refused however the answers race."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from platekeeper.store import Store
from tests.conftest import NOW
from tests.store.test_accounts_contract import make_account
from tests.store.test_factors_contract import passkey, totp_factor


@pytest.fixture
def holder(store: Store) -> Store:
    store.accounts.add(make_account(), "$argon2id$hash")
    return store


def test_the_counter_moves_forward_only(holder: Store) -> None:
    holder.second_factors.add(passkey())  # stored counter 3
    later = NOW + timedelta(minutes=1)
    assert holder.second_factors.advance_sign_count("k1", 4, later)
    assert not holder.second_factors.advance_sign_count("k1", 4, later), "the same count twice"
    assert not holder.second_factors.advance_sign_count("k1", 2, later), "a count gone back"
    stored = holder.second_factors.get("k1")
    assert stored is not None
    assert (stored.sign_count, stored.last_used_at) == (4, later)


def test_a_key_without_a_counter_stays_at_zero(holder: Store) -> None:
    """Some passkeys (synced ones) always report 0: accepted while the stored count is 0 too;
    a 0 after a real count is a counter gone back."""
    holder.second_factors.add(replace(passkey(), sign_count=0))
    assert holder.second_factors.advance_sign_count("k1", 0, NOW)
    assert holder.second_factors.advance_sign_count("k1", 0, NOW)
    assert holder.second_factors.advance_sign_count("k1", 7, NOW)
    assert not holder.second_factors.advance_sign_count("k1", 0, NOW)


def test_only_a_passkey_has_a_counter(holder: Store) -> None:
    holder.second_factors.add(totp_factor())
    assert not holder.second_factors.advance_sign_count("f1", 5, NOW)
    assert not holder.second_factors.advance_sign_count("no-such-factor", 5, NOW)
