"""Loopholes of issue 15 in the policy file's access section: job titles never checked, the
refresher interval ignored, training valid until 2099 accepted, reactivation without retraining.
Each test fails on fb08a52; the store-backed ones run on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from platekeeper.accounts.service import AccountService
from platekeeper.config import AccountSettings, Settings
from platekeeper.domain.people import Account, AccountStatus, Role, SuspensionReason
from platekeeper.domain.policy import RoleAccess
from platekeeper.domain.staffing import StaffingRules, add_months, normalise_title
from platekeeper.errors import InvalidInput
from platekeeper.services import build_services
from platekeeper.store import Store
from tests.accounts.conftest import OPERATOR, RecordingSink, cheap_passwords
from tests.conftest import NOW, FixedClock
from tests.policy.samples import complete_policy, write_complete_policy
from tests.store.conftest import empty_store, store  # noqa: F401 (fixtures)

TODAY = NOW.date()
RECENT = TODAY - timedelta(days=30)


def policy_rules() -> StaffingRules:
    """The demo policy's access section: analysts are Crime Analysts or Detectives, and every
    role retrains every 12 months."""
    return StaffingRules.from_policy(complete_policy().access, 365)


@pytest.fixture
def accounts(store: Store, clock: FixedClock, sink: RecordingSink) -> AccountService:  # noqa: F811
    return AccountService(
        store, clock, AccountSettings(), sink, passwords=cheap_passwords(), staffing=policy_rules()
    )


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


def create(
    accounts: AccountService,
    title: str = "Crime Analyst",
    *roles: Role,
    completed: date = RECENT,
    expires: date | None = None,
    username: str = "jdoe",
) -> Account:
    return accounts.create(
        OPERATOR,
        username=username,
        display_name=f"Jane Doe {username}",
        agency_id="demo-pd",
        job_title=title,
        roles=roles or (Role.ANALYST,),
        training_completed_on=completed,
        training_expires_on=expires,
    )


@pytest.mark.parametrize(
    "title",
    [
        "Parking Enforcement Volunteer",
        "Analyst",  # a part of a listed title is not the title
        "Crime Analyst Intern",  # nor is a listed title with more words
        "Senior Crime Analyst",
        "Crime\u200bAnalyst",  # a zero-width space is not a space
        "Police Officer",  # listed, but for another role
    ],
)
def test_a_title_the_policy_does_not_list_for_the_role_is_refused(
    accounts: AccountService, sink: RecordingSink, title: str
) -> None:
    with pytest.raises(InvalidInput, match="may not hold the analyst role"):
        create(accounts, title)
    assert sink.actions()[-1] == ("accounts:create", "denied")


@pytest.mark.parametrize(
    "title", ["crime analyst", "  Crime   Analyst ", "\uff23\uff32\uff29\uff2d\uff25 ANALYST"]
)
def test_a_listed_title_is_matched_whole_across_case_width_and_spaces(
    accounts: AccountService, title: str
) -> None:
    create(accounts, title)


def test_every_role_held_must_list_the_title(accounts: AccountService) -> None:
    with pytest.raises(InvalidInput, match="supervisor role"):
        create(accounts, "Detective", Role.ANALYST, Role.SUPERVISOR)


def test_a_role_change_is_held_to_the_title(accounts: AccountService, sink: RecordingSink) -> None:
    account = create(accounts, "Detective")
    with pytest.raises(InvalidInput, match="custodian role"):
        accounts.set_roles(OPERATOR, account.id, [Role.CUSTODIAN])
    assert sink.actions()[-1] == ("accounts:roles", "denied")
    assert accounts.get(account.id).roles == {Role.ANALYST}


@pytest.mark.parametrize(
    ("completed", "expires", "why"),
    [
        (TODAY + timedelta(days=1), None, "in the future"),
        (date(2099, 1, 1), None, "in the future"),
        (RECENT, date(2099, 12, 31), "cannot count until 2099-12-31"),
        (RECENT, RECENT + timedelta(days=400), "refresher interval ends it"),
        (TODAY - timedelta(days=400), None, "not current"),  # older than the 12 months
    ],
)
def test_training_outside_the_refresher_interval_is_refused_everywhere(
    accounts: AccountService, completed: date, expires: date | None, why: str
) -> None:
    with pytest.raises(InvalidInput, match=why):
        create(accounts, completed=completed, expires=expires)
    account = create(accounts, username="other")
    with pytest.raises(InvalidInput, match=why):
        accounts.record_training(OPERATOR, account.id, completed, expires)
    accounts.suspend(OPERATOR, account.id)
    with pytest.raises(InvalidInput, match=why):
        accounts.reactivate(OPERATOR, account.id, completed, expires)


def test_training_without_an_expiry_ends_with_the_refresher_interval(
    accounts: AccountService,
) -> None:
    training = create(accounts, completed=RECENT).training
    assert training is not None
    assert training.expires_on == add_months(RECENT, 12)


@pytest.mark.parametrize("how", ["suspended", "idle", "deactivated"])
def test_reactivation_needs_training_since_the_account_stopped(
    accounts: AccountService, clock: FixedClock, how: str
) -> None:
    account = create(accounts)
    if how == "suspended":
        accounts.suspend(OPERATOR, account.id)
    elif how == "deactivated":
        accounts.deactivate(OPERATOR, account.id)
    else:
        clock.advance(timedelta(days=91))
        assert [r for _, r in accounts.sweep()] == [SuspensionReason.INACTIVITY]
    clock.advance(timedelta(days=2))
    with pytest.raises(InvalidInput, match="predates the suspension"):
        accounts.reactivate(OPERATOR, account.id)  # on file
    with pytest.raises(InvalidInput, match="predates the suspension"):
        accounts.reactivate(OPERATOR, account.id, RECENT + timedelta(days=1))
    retrained = clock.now().date() - timedelta(days=1)
    back = accounts.reactivate(OPERATOR, account.id, retrained)
    assert back.status is AccountStatus.ACTIVE
    assert back.inactive_since is None


def test_a_lapsed_refresher_suspends_even_with_a_longer_expiry_on_file(
    store: Store,  # noqa: F811
    clock: FixedClock,
    sink: RecordingSink,
) -> None:
    """Training recorded before the policy was enforced (or before it shortened the interval)
    keeps its long expiry in the store; the refresher interval still ends it."""
    lax = AccountService(store, clock, AccountSettings(), sink, passwords=cheap_passwords())
    account = create(lax, completed=RECENT)
    stored = store.accounts.get(account.id)
    assert stored is not None
    assert stored.training is not None
    store.accounts.update(
        replace(stored, training=replace(stored.training, expires_on=date(2099, 1, 1)))
    )
    strict = AccountService(
        store,
        clock,
        AccountSettings(max_idle_days=365),
        sink,
        passwords=cheap_passwords(),
        staffing=policy_rules(),
    )
    clock.advance(timedelta(days=340))  # past 12 months from RECENT, long before 2099
    assert [(a.username, r) for a, r in strict.sweep()] == [
        ("jdoe", SuspensionReason.TRAINING_EXPIRED)
    ]


def test_without_a_policy_file_training_is_held_to_the_settings() -> None:
    rules = StaffingRules.without_policy(365)
    assert rules.title_refusal("Parking Enforcement Volunteer", [Role.ANALYST]) is None
    with pytest.raises(InvalidInput, match="cannot count until 2099"):
        rules.training(RECENT, date(2099, 1, 1), [Role.ANALYST], TODAY)
    with pytest.raises(InvalidInput, match="in the future"):
        rules.training(TODAY + timedelta(days=1), None, [Role.ANALYST], TODAY)


def test_a_policy_with_titles_still_todo_lets_nobody_hold_the_role() -> None:
    rules = StaffingRules.from_policy([RoleAccess(Role.ANALYST, ("TODO",), "TODO", 12)], 365)
    assert "none yet" in (rules.title_refusal("TODO", [Role.ANALYST]) or "")
    assert "does not describe the auditor role" in (
        rules.title_refusal("Auditor", [Role.AUDITOR]) or ""
    )
    assert normalise_title(" Crime  ANALYST ") == "crime analyst"


def test_the_composition_root_holds_accounts_to_the_policy_file(settings: Settings) -> None:
    write_complete_policy(settings.data_dir)
    services = build_services(settings)
    try:
        services.store.upgrade()
        assert services.accounts.staffing.roles is not None
        assert services.accounts.staffing.title_refusal(
            "Parking Enforcement Volunteer", [Role.ANALYST]
        )
    finally:
        services.close()
