"""People in the browser: a custodian adds a person, suspends and reactivates accounts, and the
accounts service's refusals are shown with their reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect

from platekeeper.accounts.pending import SecondFactorNeeded
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.people import AccountStatus, Role, SuspensionReason, TrainingRecord
from platekeeper.store.protocols import AccessFilter
from tests.api.people import PASSWORD, add_person
from tests.factors import Authenticators
from tests.web.conftest import WebApp, shoot, sign_in


def fill_person(page: Page, username: str, name: str, title: str, role: Role) -> Locator:
    """The "Add a person" form, filled in with training completed on 2026-10-01."""
    form = page.get_by_role("region", name="Add a person")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Job title").fill(title)
    form.get_by_label(role.value).check()
    form.get_by_label("Training completed on").fill("2026-10-01")
    return form


def test_a_custodian_adds_a_person_then_suspends_and_reactivates_them(
    page: Page, web_app: WebApp
) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/people")
    form = fill_person(page, "jdoe", "Jane Doe", "Detective", Role.ANALYST)
    form.get_by_role("button", name="Add the person").click()

    expect(page.get_by_role("heading", name="Jane Doe can now sign in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("shown only this once")
    password = page.get_by_label("Initial password of jdoe").input_value()
    # The password the custodian was shown opens only the step where jdoe chooses their own.
    with pytest.raises(SecondFactorNeeded) as needed:
        web_app.services.accounts.change_password_at_sign_in(
            "jdoe", password, "a passphrase of my own 4"
        )
    assert needed.value.challenge is not None
    assert needed.value.challenge.must_enrol  # and a second factor to enrol, then a session

    page.get_by_role("link", name="All people").click()
    row = page.locator("#person-jdoe")
    expect(row).to_contain_text("Detective")
    expect(row).to_contain_text("analyst")
    expect(row).to_contain_text("expires 2027-10-01")

    row.get_by_role("link", name="Jane Doe").click()
    page.get_by_role("button", name="Suspend").click()
    expect(page.get_by_role("status")).to_have_text(
        "The account was suspended; its sessions ended."
    )
    page.get_by_role("link", name="All people").click()
    suspended = page.get_by_role("region", name="Suspended accounts (1)")
    expect(suspended).to_contain_text("Jane Doe (jdoe): suspended because a custodian suspended it")
    shoot(page, "people")

    suspended.get_by_role("link", name="Jane Doe").click()
    # Reactivation needs training completed since the account stopped (the policy's rule).
    page.get_by_label("Training completed on (if new)").fill("2026-11-28")
    page.get_by_role("button", name="Reactivate").click()
    expect(page.get_by_role("status")).to_have_text("The account was reactivated.")
    account = web_app.services.accounts.by_username("jdoe")
    assert account.status is AccountStatus.ACTIVE
    changes = web_app.services.store.access_log.find(AccessFilter(username="casey"))
    assert [
        r.event.action for r in reversed(changes) if not r.event.action.startswith("auth:")
    ] == [
        "accounts:create",
        "accounts:suspend",
        "accounts:reactivate",
    ]


def test_a_reactivation_without_current_training_is_refused_with_the_reason(
    page: Page, web_app: WebApp
) -> None:
    lapsed = add_person(web_app.services, "lee", Role.OFFICER)
    # A record from a year before, lapsed since: no service records lapsed training today.
    store = web_app.services.store
    store.accounts.update(
        replace(lapsed.account, training=TrainingRecord(date(2025, 6, 1), date(2026, 6, 1)))
    )
    web_app.services.accounts.sweep()
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/people")
    suspended = page.get_by_role("region", name="Suspended accounts (1)")
    expect(suspended).to_contain_text("the holder's training has expired")
    expect(page.locator("#person-lee")).to_contain_text("lapsed")

    suspended.get_by_role("link", name="Lee").click()
    page.get_by_role("button", name="Reactivate").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("training completed 2025-06-01 is not current")
    expect(refusal).to_contain_text("record the new training's date")
    shoot(page, "person-refused-reactivation")
    account = web_app.services.accounts.by_username("lee")
    assert account.suspension_reason is SuspensionReason.TRAINING_EXPIRED

    page.get_by_label("Training completed on (if new)").fill("2026-11-28")
    page.get_by_role("button", name="Reactivate").click()
    expect(page.get_by_role("status")).to_have_text("The account was reactivated.")
    expect(page.get_by_text("expires 2027-11-28")).to_be_visible()


def test_a_custodian_cannot_change_their_own_account(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/people/casey")
    expect(page.get_by_text("This is your own account")).to_be_visible()
    page.get_by_role("button", name="Suspend").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "a custodian may not change their own account"
    )
    assert web_app.services.accounts.by_username("casey").status is AccountStatus.ACTIVE
    refusals = web_app.services.store.access_log.find(AccessFilter(action="accounts:suspend"))
    assert [(r.event.actor.username, r.event.outcome) for r in refusals] == [
        ("casey", AccessOutcome.DENIED)
    ]


def test_a_refused_person_keeps_what_was_typed_but_not_the_password(
    page: Page, web_app: WebApp
) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/people")
    form = fill_person(page, "patrol", "Night shift", "Officer", Role.OFFICER)
    form.get_by_label("Use this password").check()
    form.get_by_label("Initial password").fill("a long enough passphrase here")
    form.get_by_role("button", name="Add the person").click()
    refusal = form.get_by_role("alert")
    expect(refusal).to_contain_text("names a role, a team or a shift, not a person")
    expect(form.get_by_label("Username")).to_have_value("patrol")
    expect(form.get_by_label("Job title")).to_have_value("Officer")
    expect(form.get_by_label("officer")).to_be_checked()
    expect(form.get_by_label("Use this password")).to_be_checked()
    expect(form.get_by_label("Initial password")).to_have_value("")


def test_other_roles_do_not_reach_people(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.SUPERVISOR), next_path="/account")
    response = page.goto("/people")
    assert response is not None
    assert response.status == 403
    response = page.goto("/people/avery")
    assert response is not None
    assert response.status == 403


def test_roles_training_and_deactivation(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/people/olivia")
    roles = page.get_by_role("group", name="Roles of olivia")
    roles.get_by_label("supervisor").check()
    page.get_by_role("button", name="Set the roles").click()
    expect(page.get_by_role("status")).to_contain_text("The roles were changed")
    # A privileged role waits for a second privileged person of the agency.
    olivia = web_app.services.accounts.by_username("olivia")
    assert olivia.roles == {Role.OFFICER}
    sam, _ = Authenticators.of(web_app.services).sign_in("sam", PASSWORD)
    web_app.services.accounts.approve_roles(sam, olivia.id)
    assert web_app.services.accounts.by_username("olivia").roles == {
        Role.OFFICER,
        Role.SUPERVISOR,
    }

    page.get_by_label("Completed on", exact=True).fill("2026-11-02")
    page.get_by_label("Expires on (empty: 365 days after)").fill("2026-12-15")
    page.get_by_role("button", name="Record the training").click()
    expect(page.get_by_role("status")).to_have_text("The training was recorded.")
    expect(page.get_by_text("expires within 30 days")).to_be_visible()

    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_contain_text("The account was deactivated")
    account = web_app.services.accounts.by_username("olivia")
    assert account.status is AccountStatus.DEACTIVATED
    expect(page.get_by_role("button", name="Suspend")).to_have_count(0)
