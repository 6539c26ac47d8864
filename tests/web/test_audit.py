"""The access log in the browser: an auditor sees an analyst's searches, who, why and with what
outcome, but never the plate searched; the chain verifies, and a row changed behind the app's
back is named; the misuse signals list the entries behind them, again without the plate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from playwright.sync_api import Browser, Locator, Page, expect

from platekeeper.domain.access import AccessOutcome, AccessRecord
from platekeeper.domain.people import Role
from platekeeper.store.protocols import AccessFilter
from platekeeper.store.sqlite import SqliteStore
from platekeeper.web.pages.audit import PAGE_SIZE
from tests.api.people import CONSOLE, PASSWORD
from tests.audit.conftest import RawSql, make_event
from tests.web.conftest import WebApp, http_get, new_context, shoot, sign_in

PLATE = "9QZX417"
"""A plate found nowhere else on the pages: any occurrence is a leak."""
PURPOSE = {"purpose": "stolen-vehicle", "case_number": "2026-000123"}
PURPOSE_LABEL = "Recovery of a stolen vehicle or plate"
NO_BASIS: Mapping[str, str] = {}


def analyst_searches(
    web_app: WebApp, basis: Mapping[str, str] = NO_BASIS, times: int = 1
) -> list[AccessRecord]:
    """``times`` searches for ``PLATE`` by the analyst over the API, stating ``basis``; the
    entries they made."""
    analyst = web_app.person(Role.ANALYST)
    for _ in range(times):
        http_get(
            f"{web_app.base_url}/api/v1/reads",
            params={"plate": PLATE, **basis},
            headers=analyst.headers,
        )
    return web_app.services.access_log.entries(
        AccessFilter(username="avery", action="reads:search", limit=times)
    )


def entry_rows(page: Page) -> Locator:
    return page.locator("table.audit-entries tbody tr")


def assert_no_plate(page: Page) -> None:
    content = page.content().upper()
    assert PLATE not in content


def test_an_auditor_sees_the_access_log_but_no_plate(page: Page, web_app: WebApp) -> None:
    web_app.ingest(PLATE)
    searches = analyst_searches(web_app, PURPOSE, times=3)
    assert [s.event.outcome for s in searches] == [AccessOutcome.ALLOWED] * 3
    assert searches[0].event.query["plate"] == PLATE  # the log keeps it; the page must not show it

    sign_in(page, web_app.person(Role.AUDITOR), next_path="/audit")
    expect(page.get_by_role("heading", name="Access log", level=1)).to_be_visible()
    assert_no_plate(page)
    page.get_by_label("Who").fill("avery")
    page.get_by_label("Action").select_option(label="Searched reads")
    page.get_by_role("button", name="Filter").click()
    expect(entry_rows(page)).to_have_count(3)
    newest = entry_rows(page).first
    for shown in ("Avery", "avery", "Searched reads", PURPOSE_LABEL, "2026-000123", "allowed"):
        expect(newest).to_contain_text(shown)
    expect(newest).to_contain_text("plate: withheld")
    expect(newest.locator("td").last).to_have_text("1")  # the one read it returned, as a count
    assert_no_plate(page)
    shoot(page, "audit-log")

    [reading] = web_app.services.access_log.entries(
        AccessFilter(username="aude", action="audit:read", limit=1)
    )
    assert dict(reading.event.query) == {"username": "avery", "action": "reads:search"}

    # Three searches under one case are the case being worked; one more under another case
    # number makes them a plate searched again and again.
    analyst_searches(web_app, {**PURPOSE, "case_number": "2026-000777"})
    page.get_by_role("link", name="Misuse signals").click()
    signal = page.locator("section.audit-signal").filter(
        has_text="One vehicle looked up on many days or cases"
    )
    expect(signal).to_contain_text("Avery")
    expect(signal.locator("table.audit-entries tbody tr")).to_have_count(4)
    expect(signal).to_contain_text("plate: withheld")
    assert_no_plate(page)
    shoot(page, "audit-signals")


def test_filtering_by_outcome_shows_a_refused_search(page: Page, web_app: WebApp) -> None:
    analyst_searches(web_app, PURPOSE)
    [refused] = analyst_searches(web_app)  # no purpose: refused, and logged with its plate
    assert refused.event.outcome is AccessOutcome.DENIED

    sign_in(page, web_app.person(Role.AUDITOR), next_path="/audit")
    page.get_by_label("Outcome").select_option("denied")
    page.get_by_role("button", name="Filter").click()
    expect(entry_rows(page)).to_have_count(1)
    row = entry_rows(page).first
    expect(row).to_contain_text("avery")
    expect(row).to_contain_text("denied")
    expect(row).to_contain_text(refused.event.reason)
    expect(page.locator("table.audit-entries .badge.ok")).to_have_count(0)
    assert_no_plate(page)


def test_the_chain_verifies_and_a_changed_entry_is_named(page: Page, web_app: WebApp) -> None:
    [search] = analyst_searches(web_app, PURPOSE)
    checkpoint = web_app.services.access_log.checkpoint()
    assert checkpoint is not None

    sign_in(page, web_app.person(Role.AUDITOR), next_path="/audit")
    page.get_by_role("button", name="Verify the chain").click()
    verified = page.locator("#verification").get_by_role("status")
    expect(verified).to_contain_text("Chain verified")
    expect(verified).to_contain_text(f"Last checkpoint: entry {checkpoint.seq}")

    store = web_app.services.store
    assert isinstance(store, SqliteStore)
    raw = RawSql(store, None)
    try:
        raw.disable_triggers()
        raw.execute(
            "UPDATE access_log SET case_number = '2026-999999' WHERE seq = ?", (search.seq,)
        )
    finally:
        raw.close()
    page.get_by_role("button", name="Verify the chain").click()
    broken = page.locator("#verification").get_by_role("alert")
    expect(broken).to_contain_text(f"Chain broken at entry {search.seq}")
    expect(broken).to_contain_text("modified")
    expect(broken).to_contain_text(f"entry {search.seq} (")
    shoot(page, "audit-chain-broken")


def test_pages_of_entries_follow_newest_first(page: Page, web_app: WebApp) -> None:
    for index in range(PAGE_SIZE + 5):
        web_app.services.access_log.record(make_event(index, username="olivia"))

    sign_in(page, web_app.person(Role.AUDITOR), next_path="/audit?username=olivia")
    expect(entry_rows(page)).to_have_count(PAGE_SIZE)
    expect(page.get_by_role("link", name="Newer entries")).to_have_count(0)
    page.get_by_role("link", name="Older entries").click()
    expect(entry_rows(page)).to_have_count(5)
    expect(page.get_by_label("Who")).to_have_value("olivia")
    expect(page.get_by_role("link", name="Older entries")).to_have_count(0)
    expect(page.get_by_role("link", name="Newer entries")).to_be_visible()


def test_a_filter_that_does_not_parse_is_shown_with_what_was_typed(
    page: Page, web_app: WebApp
) -> None:
    sign_in(page, web_app.person(Role.AUDITOR), next_path="/audit")
    response = page.goto("/audit?username=avery&date_from=2026-11-30&date_to=2026-11-01")
    assert response is not None
    assert response.status == 422
    expect(page.get_by_role("alert")).to_contain_text("the filters are not valid")
    expect(page.locator("#date_to-error")).to_have_text("the last day lies before the first")
    expect(page.get_by_label("Who")).to_have_value("avery")
    expect(page.get_by_label("From")).to_have_value("2026-11-30")


def test_an_analyst_is_refused_the_access_log(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.ANALYST), next_path="/account")
    response = page.goto("/audit")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("table.audit-entries")).to_have_count(0)
    [refusal] = web_app.services.access_log.entries(
        AccessFilter(username="avery", action="audit:read", limit=1)
    )
    assert refusal.event.outcome is AccessOutcome.DENIED


def test_the_log_filtered_by_a_persons_name_fits_at_1366(browser: Browser, web_app: WebApp) -> None:
    """An auditor types part of a person's name, not their username; the entries show in the
    agency's time (California: PST), with every column inside the page at 1366 x 900."""
    web_app.services.accounts.create(
        CONSOLE,
        username="dkim",
        display_name="Dana Kim",
        agency_id="demo-pd",
        job_title="Analyst",
        roles=[Role.ANALYST],
        training_completed_on=date(2026, 6, 1),
        password=PASSWORD,
    )
    night = datetime(2026, 11, 29, 10, 15, tzinfo=UTC)  # 02:15 in California, on the 29th
    evening = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)  # 19:00 in California, on the 28th
    web_app.services.access_log.record(make_event(1, at=evening, username="dkim"))
    web_app.services.access_log.record(make_event(3, at=night, username="dkim"))
    web_app.services.access_log.record(make_event(2, at=night, username="avery"))
    context = new_context(
        browser, base_url=web_app.base_url, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    try:
        sign_in(page, web_app.person(Role.AUDITOR), next_path="/audit")
        page.get_by_label("Who").fill("dana")
        page.get_by_role("button", name="Filter").click()
        expect(entry_rows(page)).to_have_count(2)
        row = entry_rows(page).first
        expect(row).to_contain_text("Dana Kim")
        expect(row).to_contain_text("2026-11-29 02:15:00 PST")
        expect(row).to_contain_text("Searched reads")
        expect(page.get_by_label("Who")).to_have_value("dana")
        widths = page.evaluate(
            """() => ({
                page: document.documentElement.scrollWidth,
                box: document.querySelector('.audit-scroll').clientWidth,
                table: document.querySelector('table.audit-entries').scrollWidth,
            })"""
        )
        assert widths["page"] <= 1366
        assert widths["table"] <= widths["box"], widths
        shoot(page, "audit-log-1366")
        # The days of the filter are the agency's too: 03:00 UTC on the 29th is the 28th there.
        page.goto("/audit?username=dana&date_from=2026-11-28&date_to=2026-11-28")
        expect(entry_rows(page)).to_have_count(1)
        expect(entry_rows(page).first).to_contain_text("2026-11-28 19:00:00 PST")
        page.goto("/audit?username=dana&date_from=2026-11-29&date_to=2026-11-29")
        expect(entry_rows(page)).to_have_count(1)
        expect(entry_rows(page).first).to_contain_text("2026-11-29 02:15:00 PST")
    finally:
        context.close()
