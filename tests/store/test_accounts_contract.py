"""The storage contract for accounts, sessions and API tokens: every backend passes unchanged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from platekeeper.domain.credentials import ApiToken, Session
from platekeeper.domain.people import Account, AccountStatus, Role, SuspensionReason, TrainingRecord
from platekeeper.errors import Conflict, NotFound
from platekeeper.store import Store
from tests.conftest import NOW


def make_account(username: str = "jdoe", agency_id: str = "demo-pd") -> Account:
    return Account(
        id=f"id-{username}",
        username=username,
        display_name="Jane Doe",
        agency_id=agency_id,
        job_title="Detective",
        roles=frozenset({Role.ANALYST, Role.SUPERVISOR}),
        status=AccountStatus.ACTIVE,
        created_at=NOW,
        training=TrainingRecord(date(2026, 6, 1), date(2027, 6, 1)),
    )


def make_session(account_id: str = "id-jdoe", name: str = "s1") -> Session:
    return Session(
        name, account_id, f"hash-{name}", NOW, NOW, NOW + timedelta(hours=12), "10.0.0.1"
    )


def make_token(account_id: str = "id-jdoe", name: str = "t1") -> ApiToken:
    return ApiToken(
        name, account_id, f"token {name}", f"hash-{name}", NOW, NOW + timedelta(days=30)
    )


def test_accounts_round_trip_without_credentials(store: Store) -> None:
    account = make_account()
    store.accounts.add(account, "$argon2id$hash")
    assert store.accounts.get(account.id) == account
    assert store.accounts.by_username("jdoe") == account
    assert store.accounts.list("demo-pd") == [account]
    assert store.accounts.list("other-pd") == []
    assert store.accounts.get("missing") is None
    state = store.accounts.password_state(account.id)
    assert state is not None
    assert (state.password_hash, state.failed_logins, state.locked_until) == (
        "$argon2id$hash",
        0,
        None,
    )


def test_usernames_are_unique_and_agencies_must_exist(store: Store) -> None:
    store.accounts.add(make_account(), None)
    with pytest.raises(Conflict):
        store.accounts.add(replace(make_account(), id="another-id"), None)
    with pytest.raises(NotFound):
        store.accounts.add(make_account("lost", agency_id="no-such-pd"), None)


def test_an_update_stores_status_roles_training_and_activity(store: Store) -> None:
    store.accounts.add(make_account(), None)
    changed = replace(
        make_account(),
        roles=frozenset({Role.CUSTODIAN}),
        training=TrainingRecord(date(2026, 11, 1), date(2027, 11, 1)),
        last_active_at=NOW + timedelta(hours=1),
    ).suspended(SuspensionReason.INACTIVITY)
    store.accounts.update(changed)
    assert store.accounts.get(changed.id) == changed
    with pytest.raises(NotFound):
        store.accounts.update(make_account("ghost"))


def test_touch_never_moves_activity_back(store: Store) -> None:
    account = make_account()
    store.accounts.add(account, None)
    store.accounts.touch(account.id, NOW + timedelta(hours=2))
    store.accounts.touch(account.id, NOW + timedelta(hours=1))
    stored = store.accounts.get(account.id)
    assert stored is not None
    assert stored.last_active_at == NOW + timedelta(hours=2)


def test_failures_count_up_lock_and_clear(store: Store) -> None:
    account = make_account()
    store.accounts.add(account, None)
    assert [store.accounts.record_failed_login(account.id) for _ in range(3)] == [1, 2, 3]
    store.accounts.lock(account.id, NOW + timedelta(minutes=15))
    state = store.accounts.password_state(account.id)
    assert state is not None
    assert (state.failed_logins, state.locked_until) == (0, NOW + timedelta(minutes=15))
    store.accounts.record_failed_login(account.id)
    store.accounts.record_login(account.id, NOW + timedelta(minutes=20))
    state = store.accounts.password_state(account.id)
    assert state is not None
    assert (state.failed_logins, state.locked_until) == (0, None)
    stored = store.accounts.get(account.id)
    assert stored is not None
    assert stored.last_active_at == NOW + timedelta(minutes=20)
    store.accounts.set_password_hash(account.id, "$argon2id$new")
    assert store.accounts.password_state(account.id) == replace(
        state, password_hash="$argon2id$new"
    )
    with pytest.raises(NotFound):
        store.accounts.record_failed_login("ghost")


def test_sessions_are_found_by_hash_touched_and_ended(store: Store) -> None:
    store.accounts.add(make_account(), None)
    first, second = make_session(name="s1"), make_session(name="s2")
    store.sessions.add(first)
    store.sessions.add(second)
    assert store.sessions.by_token_hash("hash-s1") == first
    assert store.sessions.by_token_hash("nope") is None
    with pytest.raises(Conflict):
        store.sessions.add(replace(first, id="s3"))
    store.sessions.touch("s1", NOW + timedelta(minutes=5))
    store.sessions.touch("s1", NOW + timedelta(minutes=1))
    assert store.sessions.by_token_hash("hash-s1") == replace(
        first, last_seen_at=NOW + timedelta(minutes=5)
    )
    assert store.sessions.delete_for_account("id-jdoe", keep="s2") == 1
    assert [s.id for s in store.sessions.list("id-jdoe")] == ["s2"]
    assert store.sessions.delete("s2")
    assert not store.sessions.delete("s2")


def test_ended_sessions_are_deleted_in_bulk(store: Store) -> None:
    store.accounts.add(make_account(), None)
    store.sessions.add(make_session(name="old"))
    store.sessions.add(replace(make_session(name="new"), last_seen_at=NOW + timedelta(hours=1)))
    assert store.sessions.delete_ended(NOW + timedelta(hours=1), NOW + timedelta(minutes=30)) == 1
    assert [s.id for s in store.sessions.list("id-jdoe")] == ["new"]
    assert store.sessions.delete_ended(NOW + timedelta(hours=12), NOW) == 1


def test_api_tokens_round_trip_and_revoke(store: Store) -> None:
    store.accounts.add(make_account(), None)
    first = make_token(name="t1")
    second = replace(make_token(name="t2"), created_at=NOW + timedelta(minutes=1))
    store.api_tokens.add(first)
    store.api_tokens.add(second)
    assert store.api_tokens.get("t1") == first
    assert store.api_tokens.by_token_hash("hash-t2") == second
    assert [t.id for t in store.api_tokens.list("id-jdoe")] == ["t2", "t1"]
    store.api_tokens.record_use("t1", NOW + timedelta(minutes=3))
    assert store.api_tokens.revoke("t1", NOW + timedelta(minutes=4))
    assert not store.api_tokens.revoke("t1", NOW + timedelta(minutes=5))
    assert store.api_tokens.get("t1") == replace(
        first, last_used_at=NOW + timedelta(minutes=3), revoked_at=NOW + timedelta(minutes=4)
    )
    assert store.api_tokens.revoke_for_account("id-jdoe", NOW + timedelta(minutes=6)) == 1
    assert not store.api_tokens.revoke("missing", NOW)
    with pytest.raises(NotFound):
        store.api_tokens.add(make_token("ghost", name="t3"))


def test_signing_out_everywhere_ends_each_session_of_that_account_alone(store: Store) -> None:
    store.accounts.add(make_account(), None)
    store.accounts.add(make_account("asmith"), None)
    for session in (make_session(name="s1"), make_session(name="s2")):
        store.sessions.add(session)
    store.sessions.add(make_session("id-asmith", name="other"))
    assert store.sessions.delete_for_account("id-jdoe") == 2
    assert store.sessions.list("id-jdoe") == []
    assert [s.id for s in store.sessions.list("id-asmith")] == ["other"]


def test_late_news_of_a_login_or_a_token_use_never_moves_it_back(store: Store) -> None:
    account = make_account()
    store.accounts.add(account, None)
    store.accounts.record_login(account.id, NOW + timedelta(hours=2))
    store.accounts.record_login(account.id, NOW + timedelta(hours=1))
    stored = store.accounts.get(account.id)
    assert stored is not None
    assert stored.last_active_at == NOW + timedelta(hours=2)
    store.api_tokens.add(make_token())
    store.api_tokens.record_use("t1", NOW + timedelta(minutes=3))
    store.api_tokens.record_use("t1", NOW + timedelta(minutes=1))
    token = store.api_tokens.get("t1")
    assert token is not None
    assert token.last_used_at == NOW + timedelta(minutes=3)
