"""The storage contract for the agency's directory (SCIM): provisioning tokens, users, groups and
their members; every backend passes unchanged."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from platekeeper.domain.directory import DirectoryGroup, DirectoryToken, DirectoryUser
from platekeeper.errors import Conflict, NotFound
from platekeeper.store import Store
from tests.conftest import NOW, make_agency
from tests.store.test_accounts_contract import make_account


def make_user(user_id: str = "u1", user_name: str = "jane.doe", **changes: object) -> DirectoryUser:
    user = DirectoryUser(
        id=user_id,
        agency_id="demo-pd",
        user_name=user_name,
        display_name="Jane Doe",
        active=True,
        created_at=NOW,
        updated_at=NOW,
        external_id=f"ext-{user_id}",
        given_name="Jane",
        family_name="Doe",
        title="Detective",
    )
    return replace(user, **changes)  # type: ignore[arg-type]


def make_group(group_id: str = "g1", name: str = "ALPR-Analysts", *members: str) -> DirectoryGroup:
    return DirectoryGroup(
        group_id, "demo-pd", name, NOW, NOW, f"ext-{group_id}", frozenset(members)
    )


def test_a_token_is_found_by_its_hash_revoked_once_and_listed_per_agency(store: Store) -> None:
    token = DirectoryToken(
        "t1", "demo-pd", "entra-id", "hash-1", "casey", NOW, NOW + timedelta(days=30)
    )
    store.directory_tokens.add(token)
    assert store.directory_tokens.by_token_hash("hash-1") == token
    assert store.directory_tokens.get("t1") == token
    store.directory_tokens.record_use("t1", NOW + timedelta(minutes=5))
    store.directory_tokens.record_use("t1", NOW + timedelta(minutes=1))  # an older use is no news
    assert store.directory_tokens.revoke("t1", NOW + timedelta(hours=1))
    assert not store.directory_tokens.revoke("t1", NOW + timedelta(hours=2))
    [listed] = store.directory_tokens.list("demo-pd")
    assert listed.last_used_at == NOW + timedelta(minutes=5)
    assert listed.revoked_at == NOW + timedelta(hours=1)
    store.agencies.add(make_agency("other-pd"))
    assert store.directory_tokens.list("other-pd") == []
    with pytest.raises(NotFound):
        store.directory_tokens.add(replace(token, id="t2", token_hash="h2", agency_id="nowhere"))


def test_users_round_trip_and_are_found_by_username_and_external_id(store: Store) -> None:
    user = make_user()
    store.directory_users.add(user)
    assert store.directory_users.get("u1") == user
    assert store.directory_users.list("demo-pd", user_name="jane.doe") == [user]
    assert store.directory_users.list("demo-pd", external_id="ext-u1") == [user]
    assert store.directory_users.list("demo-pd", user_name="someone.else") == []
    with pytest.raises(Conflict):
        store.directory_users.add(make_user("u2"))  # the same userName in the agency
    account = make_account("jane.doe")
    store.accounts.add(account, None)
    linked = replace(user, active=False, account_id=account.id, updated_at=NOW + timedelta(hours=1))
    store.directory_users.update(linked)
    assert store.directory_users.get("u1") == linked
    assert store.directory_users.by_account(account.id) == linked
    store.directory_users.add(make_user("u2", "jim.doe"))
    with pytest.raises(Conflict):  # one account, one directory user
        store.directory_users.update(replace(make_user("u2", "jim.doe"), account_id=account.id))
    assert store.directory_users.delete("u1")
    assert not store.directory_users.delete("u1")


def test_groups_keep_their_members_and_lose_deleted_users(store: Store) -> None:
    for user_id, name in (("u1", "jane.doe"), ("u2", "jim.doe"), ("u3", "joan.doe")):
        store.directory_users.add(make_user(user_id, name))
    group = make_group("g1", "ALPR-Analysts", "u1", "u2")
    store.directory_groups.add(group)
    store.directory_groups.add(make_group("g2", "ALPR-Officers", "u2"))
    assert store.directory_groups.get("g1") == group
    assert [g.id for g in store.directory_groups.of_user("u2")] == ["g1", "g2"]
    assert store.directory_groups.list("demo-pd", display_name="ALPR-Officers")[0].id == "g2"
    changed = replace(group, display_name="ALPR-Investigators", members=frozenset({"u3"}))
    store.directory_groups.update(changed)
    assert store.directory_groups.get("g1") == changed
    assert [g.id for g in store.directory_groups.of_user("u1")] == []
    with pytest.raises(Conflict):
        store.directory_groups.add(make_group("g3", "ALPR-Officers"))
    with pytest.raises(NotFound):
        store.directory_groups.add(make_group("g4", "Nobody", "no-such-user"))
    assert store.directory_groups.get("g4") is None  # the group went with its refused members
    store.directory_users.delete("u3")
    assert store.directory_groups.get("g1").members == frozenset()  # type: ignore[union-attr]
    assert store.directory_groups.delete("g2")
    assert store.directory_groups.of_user("u2") == []
