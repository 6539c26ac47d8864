"""Sharing in the browser: the registry of recipients, a request refused with its rule cited, one
approved by a second custodian and exported, and the page when the policy keeps sharing off."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from platekeeper.config import Settings
from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.people import Role
from platekeeper.domain.recipients import ShareStatus
from platekeeper.domain.sharing import EntityType
from platekeeper.sharing.bundle import verify_bundle
from platekeeper.sharing.service import Clerk, RecipientDraft
from platekeeper.store.protocols.access_log import AccessFilter
from tests.api.people import add_person
from tests.policy.samples import write_complete_policy
from tests.sharing.test_service import SHERIFF
from tests.web.conftest import WebApp, shoot, sign_in

CASEY = Clerk(Actor("casey", "demo-pd"), frozenset({Role.CUSTODIAN}))
FBI = replace(
    SHERIFF,
    legal_name="Federal Bureau of Investigation",
    entity_type=EntityType.FEDERAL,
    state="DC",
)


@pytest.fixture
def web_settings(web_settings: Settings) -> Settings:
    """The demo policy under California's profile, read when the services are built: sharing
    on, with public agencies in California only."""
    write_complete_policy(web_settings.data_dir)
    return web_settings


def _register(page: Page, draft: RecipientDraft) -> None:
    """Fill the registration form with ``draft``, as a custodian types it, and send it."""
    form = page.locator("form[action='/sharing/recipients']")
    form.get_by_label("Legal name").fill(draft.legal_name)
    form.get_by_label("Type").select_option(draft.entity_type.value)
    form.get_by_label("State").fill(draft.state)
    form.get_by_label("Contact").fill(draft.contact)
    form.get_by_label("Approving official").fill(draft.approving_official)
    form.get_by_label("Purpose and need").fill(draft.purpose_and_need)
    if draft.agreement is not None:
        form.get_by_label("Signed on").fill(draft.agreement.signed_on.isoformat())
        form.get_by_label("Expires on").fill(draft.agreement.expires_on.isoformat())
    form.get_by_label("Next review on").fill(draft.next_review_on.isoformat())
    form.get_by_role("button", name="Register the recipient").click()


def _enter_request(page: Page, recipient: str, read_id: str, case: str) -> None:
    """The request for a read selected in the search results, as the search's link opens it."""
    page.goto(f"/sharing/new?read={read_id}&purpose=stolen-vehicle")
    expect(page.get_by_role("table", name="1 read to share")).to_contain_text(read_id)
    form = page.locator("form[action='/sharing/new']")
    form.get_by_label("Recipient").select_option(label=recipient)
    expect(form.get_by_label("Purpose")).to_have_value("stolen-vehicle")
    form.get_by_label("Case number at the requesting agency").fill(case)
    form.get_by_role("button", name="Enter the request").click()


def _row(page: Page, text: str) -> Locator:
    return page.locator("#requests tbody tr").filter(has_text=text)


def test_a_federal_recipient_is_refused_at_registration_with_the_rule_cited(
    page: Page, web_app: WebApp
) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/sharing")
    expect(page.locator("#sharing-rules")).to_contain_text("public-agency")

    _register(page, FBI)
    refusal = page.get_by_role("alert").filter(has_text="entity-type")
    expect(refusal).to_contain_text("may not receive ALPR information")
    expect(refusal).to_contain_text("1798.90.55(b)")
    shoot(page, "sharing-refusal")
    assert web_app.services.store.recipients.list() == []

    [refused] = web_app.services.store.access_log.find(
        AccessFilter(username="casey", action="sharing:recipient-add", outcome=AccessOutcome.DENIED)
    )
    assert "entity-type" in refused.event.reason


def test_a_refused_registration_keeps_what_was_typed(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/sharing")
    _register(page, replace(FBI, legal_name="Placer County <Sheriff>", state="C1"))

    form = page.locator("form[action='/sharing/recipients']")
    expect(page.locator("#recipients").get_by_role("alert")).to_contain_text(
        "is not a two-letter code"
    )
    expect(form.get_by_label("Legal name")).to_have_value("Placer County <Sheriff>")
    expect(form.get_by_label("Type")).to_have_value("federal")
    expect(form.get_by_label("Signed on")).to_have_value("2026-01-01")
    expect(page.get_by_text("No recipients registered yet.")).to_be_visible()


def test_a_request_is_approved_by_another_custodian_and_exported(
    page: Page, web_app: WebApp
) -> None:
    cora = add_person(web_app.services, "cora", Role.CUSTODIAN)
    web_app.services.sharing.add_recipient(CASEY, SHERIFF)
    read = web_app.ingest("7ABC123")
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/sharing")
    _enter_request(page, SHERIFF.legal_name, read.id, "2026-0042")
    expect(page.locator("#outcome").get_by_role("status")).to_contain_text("pending")

    row = _row(page, "2026-0042")
    expect(row).to_contain_text("Entered by you")
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)
    [entered] = web_app.services.sharing.requests(CASEY)
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    forged = page.request.post(
        f"/sharing/requests/{entered.id}/approve", form={"csrf_token": token or ""}
    )
    assert forged.status == 403
    assert "nobody may approve or deny a share request they entered" in forged.text()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, cora, next_path="/sharing")
    _row(page, "2026-0042").get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status").filter(has_text="approved")).to_be_visible()
    row = _row(page, "2026-0042")
    expect(row).to_contain_text("by cora")
    with page.expect_download() as download:
        row.get_by_role("button", name="Export bundle").click()
    bundle = Path(download.value.path())
    assert zipfile.is_zipfile(bundle)
    assert verify_bundle(bundle.read_bytes()) == []

    page.goto("/sharing")
    expect(_row(page, "2026-0042")).to_contain_text("exported")
    expect(page.locator("#ledger tbody tr")).to_have_count(1)
    expect(page.locator("#ledger tbody tr")).to_contain_text(SHERIFF.legal_name)
    [exported] = web_app.services.sharing.requests(CASEY, ShareStatus.EXPORTED)
    assert exported.decided_by == "cora"
    shoot(page, "sharing")


def test_the_page_says_when_the_policy_keeps_sharing_off(page: Page, web_app: WebApp) -> None:
    # The policy keeps sharing off: its recipients may be registered, nothing goes to them.
    web_app.services.sharing.rules = replace(web_app.services.sharing.rules, enabled=False)
    web_app.services.sharing.add_recipient(CASEY, SHERIFF)
    read = web_app.ingest("7ABC123")
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/sharing")
    expect(page.locator("#sharing-off")).to_contain_text("Sharing is off")

    _enter_request(page, SHERIFF.legal_name, read.id, "2026-0043")
    expect(page.locator("#outcome").get_by_role("alert")).to_contain_text("sharing-disabled")


def test_a_selection_for_sharing_names_only_the_agencys_reads_and_not_too_many(
    page: Page, web_app: WebApp
) -> None:
    web_app.services.sharing.add_recipient(CASEY, SHERIFF)
    read = web_app.ingest("7ABC123")
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/sharing")

    response = page.goto(f"/sharing/new?read={read.id}&read=no-such-read")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("no such reads in your agency: no-such-read")
    expect(page.locator("form[action='/sharing/new']")).to_have_count(0)

    most = web_app.services.settings.sharing.max_reads_per_request
    many = "&".join(f"read=r{n}" for n in range(most + 1))
    response = page.goto(f"/sharing/new?{many}")
    assert response is not None
    assert response.status == 422
    expect(page.get_by_role("alert")).to_contain_text(f"a request shares {most} at most")

    # Each refused selection is in the log.
    refused = web_app.services.store.access_log.find(
        AccessFilter(username="casey", action="sharing:select", outcome=AccessOutcome.DENIED)
    )
    assert sorted("at most" in entry.event.reason for entry in refused) == [False, True]
    assert web_app.services.sharing.requests(CASEY) == []


def test_sharing_is_for_custodians_only(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.ANALYST), next_path="/account")
    response = page.goto("/sharing")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("alert")).to_be_visible()


def test_a_deactivated_recipient_receives_nothing(page: Page, web_app: WebApp) -> None:
    web_app.services.sharing.add_recipient(CASEY, SHERIFF)
    read = web_app.ingest("7ABC123")
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/sharing")
    row = page.locator("#recipients tbody tr").filter(has_text=SHERIFF.legal_name)
    row.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status").filter(has_text="deactivated")).to_be_visible()
    row = page.locator("#recipients tbody tr").filter(has_text=SHERIFF.legal_name)
    expect(row).to_contain_text("suspended")
    expect(row.get_by_role("button", name="Reactivate")).to_be_visible()

    _enter_request(page, f"{SHERIFF.legal_name} (suspended)", read.id, "2026-0044")
    expect(page.locator("#outcome").get_by_role("alert")).to_contain_text("recipient-inactive")
