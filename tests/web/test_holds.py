"""Legal holds in the browser: an analyst asks, a supervisor approves, nobody approves their own."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Locator, Page, expect

from platekeeper.access import Requester
from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.holds import HoldStatus, PlateSpan
from platekeeper.domain.people import Role
from platekeeper.store.protocols.access_log import AccessFilter
from tests.api.people import Person
from tests.web.conftest import WebApp, shoot, sign_in

CASE = "2026-004711"
REASON = "The district attorney needs these reads for the Main St. burglary trial."


def _row(page: Page, case_number: str) -> Locator:
    return page.locator("#holds tbody tr").filter(has_text=case_number)


def _requester(person: Person) -> Requester:
    account = person.account
    return Requester(Actor(account.username, account.agency_id), account.roles)


def _csrf(page: Page) -> str:
    return page.locator("input[name=csrf_token]").first.get_attribute("value") or ""


def test_an_analyst_asks_for_a_hold_and_a_supervisor_approves_it(
    page: Page, web_app: WebApp
) -> None:
    reads = [web_app.ingest("7ABC123", index=0), web_app.ingest("8XYZ999", index=1)]
    sign_in(page, web_app.person(Role.ANALYST), next_path="/holds")
    form = page.locator("form[action='/holds']")
    form.get_by_label("Case number").fill(CASE)
    form.get_by_label("Reason").fill(REASON)
    form.get_by_label("Expires at").fill("2027-05-31T00:00")
    form.get_by_label("Read ids").fill("\n".join(read.id for read in reads))
    form.get_by_role("button", name="Ask for the hold").click()

    expect(page.get_by_role("status")).to_contain_text("requested")
    row = _row(page, CASE)
    expect(row).to_contain_text("2 reads by id")
    expect(row).to_contain_text("pending")
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)
    [hold] = web_app.services.holds.list(_requester(web_app.person(Role.ANALYST)))
    refused = page.request.post(f"/holds/{hold.id}/approve", form={"csrf_token": _csrf(page)})
    assert refused.status == 403

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, web_app.person(Role.SUPERVISOR), next_path="/holds")
    _row(page, CASE).get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("approved")
    row = _row(page, CASE)
    expect(row).to_contain_text("active")
    expect(row).to_contain_text("sam")
    shoot(page, "holds")
    _row(page, CASE).get_by_role("button", name="Release").click()
    expect(_row(page, CASE)).to_contain_text("released by sam")

    steps = web_app.services.store.access_log.find(
        AccessFilter(username="sam", action="holds:approve", outcome=AccessOutcome.ALLOWED)
    )
    assert [step.event.reason.rsplit("; ", 1)[-1] for step in steps] == [
        "hold released",
        "hold approved",
    ]
    approved = steps[1]
    assert approved.event.case_number == CASE
    assert set(approved.event.read_ids) == {read.id for read in reads}


def test_nobody_approves_their_own_hold(page: Page, web_app: WebApp) -> None:
    sam = web_app.person(Role.SUPERVISOR)
    now = web_app.clock.now()
    hold = web_app.services.holds.request(
        _requester(sam),
        case_number=CASE,
        reason=REASON,
        expires_at=now + timedelta(days=90),
        plates=PlateSpan("7abc 123", now - timedelta(days=7), now),
    )
    sign_in(page, sam, next_path="/holds")
    row = _row(page, CASE)
    expect(row.locator(".plate")).to_have_text("7ABC123")
    expect(row).to_contain_text("Your request")
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)

    refused = page.request.post(f"/holds/{hold.id}/approve", form={"csrf_token": _csrf(page)})
    assert refused.status == 403
    assert "nobody may approve their own hold" in refused.text()
    assert web_app.services.store.legal_holds.get(hold.id) == hold
    assert hold.status(now) is HoldStatus.PENDING


def test_a_refused_request_keeps_what_was_typed(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.ANALYST), next_path="/holds")
    form = page.locator("form[action='/holds']")
    form.get_by_label("Case number").fill("not-a-case")
    form.get_by_label("Reason").fill(REASON)
    form.get_by_label("Expires at").fill("2027-05-31T00:00")
    form.get_by_label("Plate").fill("7ABC123")
    form.get_by_label("Captured from").fill("2026-11-01T00:00")
    form.get_by_label("Captured before").fill("2026-11-28T00:00")
    form.get_by_role("button", name="Ask for the hold").click()

    expect(page.locator("#new-hold").get_by_role("alert")).to_contain_text("not in the agency's")
    form = page.locator("form[action='/holds']")
    expect(form.get_by_label("Reason")).to_have_value(REASON)
    expect(form.get_by_label("Plate")).to_have_value("7ABC123")
    expect(page.get_by_text("No legal holds.")).to_be_visible()
