"""Legal holds in the browser: reads selected in a search are held (an analyst's or a custodian's
request), a supervisor or another custodian approves, nobody approves their own, and a selection
naming another agency's read or none is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from playwright.sync_api import Locator, Page, expect

from platekeeper.access import Requester
from platekeeper.domain import PlateRead
from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.holds import HoldStatus, PlateSpan
from platekeeper.domain.people import Role
from platekeeper.store.protocols.access_log import AccessFilter
from tests.api.people import Person, add_person
from tests.conftest import make_agency, make_camera
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


def _selected(*reads: PlateRead, case_number: str = "") -> str:
    """The address a search's "hold these reads" leads to."""
    query = [("read", read.id) for read in reads]
    return "/holds/new?" + urlencode(
        query + ([("case_number", case_number)] if case_number else [])
    )


def _ask_for_the_hold(page: Page, case_number: str | None = CASE) -> None:
    form = page.locator("form[action='/holds/new']")
    if case_number is not None:
        form.get_by_label("Case number").fill(case_number)
    form.get_by_label("Reason").fill(REASON)
    form.get_by_label("Held until").fill("2027-05-31T00:00")
    form.get_by_role("button", name="Ask for the hold").click()


def test_an_analyst_asks_for_a_hold_and_a_supervisor_approves_it(
    page: Page, web_app: WebApp
) -> None:
    reads = [web_app.ingest("7ABC123", index=0), web_app.ingest("8XYZ999", index=1)]
    sign_in(page, web_app.person(Role.ANALYST), next_path=quote(_selected(*reads), safe=""))
    _ask_for_the_hold(page)

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


def test_the_custodian_holds_reads_selected_in_a_search(page: Page, web_app: WebApp) -> None:
    reads = [web_app.ingest("7ABC123", index=0), web_app.ingest("8XYZ999", index=1)]
    casey = web_app.person(Role.CUSTODIAN)
    # The search's case comes along: the hold is for the case the reads were found for.
    sign_in(page, casey, next_path=quote(_selected(*reads, case_number=CASE), safe=""))
    chosen = page.get_by_role("table", name="2 reads to hold")
    expect(chosen.locator("tbody tr")).to_have_count(2)
    for read in reads:
        expect(chosen).to_contain_text(read.id)
    expect(chosen).to_contain_text(web_app.camera.name)
    expect(page.locator("form[action='/holds/new']").get_by_label("Case number")).to_have_value(
        CASE
    )
    content = page.content()
    assert "7ABC123" not in content
    assert "8XYZ999" not in content
    shoot(page, "holds-new")

    _ask_for_the_hold(page, case_number=None)
    expect(page.get_by_role("status")).to_contain_text("requested")
    row = _row(page, CASE)
    expect(row).to_contain_text("2 reads by id")
    expect(row).to_contain_text("pending")
    expect(row).to_contain_text("casey")
    [hold] = web_app.services.store.legal_holds.list("demo-pd")
    assert set(hold.read_ids) == {read.id for read in reads}
    # "Held until 2027-05-31 00:00" on the agency's clock: midnight Pacific daylight time.
    assert hold.expires_at == datetime(2027, 5, 31, 7, 0, tzinfo=UTC)
    [shown] = web_app.services.store.access_log.find(
        AccessFilter(username="casey", action="holds:select", outcome=AccessOutcome.ALLOWED)
    )
    assert set(shown.event.read_ids) == {read.id for read in reads}

    # The two-person rule: another custodian approves it.
    cora = add_person(web_app.services, "cora", Role.CUSTODIAN)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, cora, next_path="/holds")
    _row(page, CASE).get_by_role("button", name="Approve").click()
    expect(_row(page, CASE)).to_contain_text("active")
    approved = web_app.services.store.legal_holds.get(hold.id)
    assert approved is not None
    assert approved.approved_by == "cora"


def test_a_selection_naming_another_agencys_read_holds_nothing(page: Page, web_app: WebApp) -> None:
    ours = web_app.ingest("7ABC123")
    web_app.services.store.agencies.add(make_agency("other-pd"))
    elsewhere, _ = make_camera("elm-st", agency_id="other-pd")
    web_app.services.store.cameras.add(elsewhere)
    theirs = web_app.ingest("8XYZ999", index=1, camera=elsewhere)
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/account")

    response = page.goto(_selected(ours, theirs) + "&read=no-such-read")
    assert response is not None
    assert response.status == 404
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text(f"no such reads in your agency: {theirs.id}, no-such-read")
    expect(refusal).not_to_contain_text(ours.id)
    expect(page.locator("form[action='/holds/new']")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    response = page.goto("/holds/new")
    assert response is not None
    assert response.status == 422
    expect(page.get_by_role("alert")).to_contain_text("no reads are selected")

    # Posted by hand, another agency's read is refused by the service all the same.
    form: dict[str, str | float | bool] = {"csrf_token": _csrf(page), "read_ids": theirs.id}
    form |= {"case_number": CASE, "reason": REASON, "expires_at": "2027-05-31T00:00"}
    posted = page.request.post("/holds/new", form=form)
    assert posted.status == 404
    assert web_app.services.store.legal_holds.list("demo-pd") == []
    assert web_app.services.store.legal_holds.list("other-pd") == []


def test_a_refused_selected_hold_keeps_the_reads_and_what_was_typed(
    page: Page, web_app: WebApp
) -> None:
    read = web_app.ingest("7ABC123")
    sign_in(page, web_app.person(Role.ANALYST), next_path=_selected(read))
    _ask_for_the_hold(page, case_number="not-a-case")
    expect(page.get_by_role("alert")).to_contain_text("not in the agency's format")
    expect(page.get_by_role("table", name="1 read to hold")).to_contain_text(read.id)
    form = page.locator("form[action='/holds/new']")
    expect(form.get_by_label("Reason")).to_have_value(REASON)
    expect(form.get_by_label("Case number")).to_have_value("not-a-case")


def test_an_auditor_is_refused_holds_in_the_signed_in_frame(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.AUDITOR), next_path="/account")
    response = page.goto("/holds")
    assert response is not None
    assert response.status == 403
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("an analyst, a custodian or a supervisor (holds:manage)")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_have_count(0)
    expect(page.get_by_role("navigation").get_by_role("link", name="Access log")).to_be_visible()
