"""Accounts the agency's directory vouches for, on each backend: made at first sign-in without
training, linked once, roles kept in step with groups, and never a way around the rules a
custodian is held to."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.accounts.directory import DirectoryAccounts
from platekeeper.accounts.events import AccountEvents
from platekeeper.accounts.messages import TrainingNotRecorded
from platekeeper.accounts.service import AccountService
from platekeeper.domain.people import AccountStatus, Role
from platekeeper.domain.sign_on import DirectoryPerson
from platekeeper.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from platekeeper.store import Store
from tests.accounts.conftest import OPERATOR, TRAINED_ON, RecordingSink, add_person
from tests.conftest import FixedClock, make_agency

ISSUER = "https://login.example.gov"


def _person(username: str = "jane.roe", subject: str = "sub-1") -> DirectoryPerson:
    return DirectoryPerson(ISSUER, subject, username, "Jane Roe", ("ALPR-Analysts",))


@pytest.fixture
def directory(
    store: Store, clock: FixedClock, sink: RecordingSink, accounts: AccountService
) -> DirectoryAccounts:
    return DirectoryAccounts(store, clock, AccountEvents(sink, clock), accounts.staffing)


def test_a_first_sign_in_makes_an_account_without_training_that_reaches_nothing(
    directory: DirectoryAccounts, accounts: AccountService, store: Store
) -> None:
    account = directory.admit(_person(), frozenset({Role.ANALYST}), "demo-pd", "Crime Analyst")
    assert (account.username, account.roles, account.training) == (
        "jane.roe",
        frozenset({Role.ANALYST}),
        None,
    )
    assert store.federated_identities.get(ISSUER, "sub-1") is not None
    # Every way in asks for the account's standing: refused, and not suspended for it.
    with pytest.raises(TrainingNotRecorded):
        accounts.check_standing(account, "auth:login", None)
    assert accounts.get(account.id).status is AccountStatus.ACTIVE
    assert accounts.sweep() == []
    accounts.record_training(OPERATOR, account.id, TRAINED_ON)
    trained = accounts.check_standing(accounts.get(account.id), "auth:login", None)
    assert trained.training is not None


def test_a_session_forced_open_for_an_untrained_account_reaches_nothing(
    directory: DirectoryAccounts, accounts: AccountService
) -> None:
    """An insider's new way in that forgot the checks and called open_session anyway."""
    account = directory.admit(_person(), frozenset({Role.ANALYST}), "demo-pd", "")
    _, token = accounts.open_session(account, "oidc", "test", None)
    with pytest.raises(AuthenticationFailed):
        accounts.resolve_session(token)
    with pytest.raises(AuthenticationFailed):
        accounts.resolve_session(token)  # and the session is gone


def test_the_next_sign_in_finds_the_same_account_by_its_subject(
    directory: DirectoryAccounts,
) -> None:
    first = directory.admit(_person(), frozenset({Role.ANALYST}), "demo-pd", "")
    again = directory.admit(_person(), frozenset({Role.ANALYST}), "demo-pd", "")
    assert again.id == first.id
    # Another subject of the provider with the same username is someone else: refused.
    with pytest.raises(PermissionDenied, match="exists here already"):
        directory.admit(_person(subject="sub-2"), frozenset({Role.ANALYST}), "demo-pd", "")


def test_a_local_account_with_a_password_is_never_taken_over(
    directory: DirectoryAccounts, accounts: AccountService, sink: RecordingSink
) -> None:
    local = add_person(accounts, "jane.roe", Role.CUSTODIAN)
    with pytest.raises(PermissionDenied, match="exists here already"):
        directory.admit(_person(), frozenset({Role.ANALYST}), "demo-pd", "")
    assert accounts.get(local.id).roles == frozenset({Role.CUSTODIAN})
    assert ("auth:login", "denied") in sink.actions()


def test_an_account_the_directory_made_without_a_password_is_linked(
    directory: DirectoryAccounts, store: Store, clock: FixedClock
) -> None:
    made = directory.admit(_person(), frozenset({Role.ANALYST}), "demo-pd", "")
    # Provisioned by another provider (SCIM, say) of the same agency: the name meets it.
    other = DirectoryPerson("https://other.example.gov", "x-9", "jane.roe", "Jane Roe", ())
    assert directory.admit(other, frozenset({Role.ANALYST}), "demo-pd", "").id == made.id


def test_a_move_to_another_agency_is_refused(directory: DirectoryAccounts, store: Store) -> None:
    store.agencies.add(make_agency("north-pd"))
    directory.admit(_person(), frozenset({Role.ANALYST}), "demo-pd", "")
    with pytest.raises(PermissionDenied, match="north-pd"):
        directory.admit(_person(), frozenset({Role.ANALYST}), "north-pd", "")


def test_privileged_roles_from_groups_wait_for_a_second_privileged_person(
    directory: DirectoryAccounts, accounts: AccountService
) -> None:
    # Only privileged roles: the whole account waits, even with nobody to approve yet.
    boss = directory.admit(_person(), frozenset({Role.CUSTODIAN}), "demo-pd", "")
    grant = accounts.pending_roles(boss.id)
    assert grant is not None
    assert grant.new_account
    accounts.record_training(OPERATOR, boss.id, TRAINED_ON)
    with pytest.raises(AuthenticationFailed, match="second privileged"):
        accounts.check_standing(accounts.get(boss.id), "auth:login", None)


def test_groups_change_roles_at_the_next_sign_in(
    directory: DirectoryAccounts, accounts: AccountService
) -> None:
    analyst = frozenset({Role.ANALYST})
    account = directory.admit(_person(), analyst | {Role.SUPERVISOR}, "demo-pd", "")
    assert account.roles == analyst  # at work as an analyst while supervisor waits
    pending = accounts.pending_roles(account.id)
    assert pending is not None
    assert not pending.new_account
    # Signing in again with the same groups asks nothing anew.
    directory.admit(_person(), analyst | {Role.SUPERVISOR}, "demo-pd", "")
    assert accounts.pending_roles(account.id) == pending
    # Out of the supervisors' group: the waiting grant is withdrawn.
    assert directory.admit(_person(), analyst, "demo-pd", "").roles == analyst
    assert accounts.pending_roles(account.id) is None
    # An officer now, and no longer an analyst: at once, nothing privileged is added.
    officer = directory.admit(_person(), frozenset({Role.OFFICER}), "demo-pd", "")
    assert officer.roles == frozenset({Role.OFFICER})


def test_a_username_or_name_that_names_a_post_is_refused(
    directory: DirectoryAccounts,
) -> None:
    with pytest.raises(InvalidInput, match="names a role"):
        directory.admit(_person("night.shift"), frozenset({Role.ANALYST}), "demo-pd", "")
    shared = DirectoryPerson(ISSUER, "sub-3", "jroe", "Patrol Unit 3", ())
    with pytest.raises(InvalidInput, match="names a role"):
        directory.admit(shared, frozenset({Role.ANALYST}), "demo-pd", "")


def test_waiting_for_training_ends_in_suspension_only_after_the_idle_limit(
    directory: DirectoryAccounts, accounts: AccountService, clock: FixedClock
) -> None:
    account = directory.admit(_person(), frozenset({Role.ANALYST}), "demo-pd", "")
    clock.advance(timedelta(days=91))
    [(suspended, _)] = accounts.sweep()
    assert suspended.id == account.id
    assert suspended.status is AccountStatus.SUSPENDED
