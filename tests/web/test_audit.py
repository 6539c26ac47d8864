"""The access log in the browser: an auditor sees an analyst's searches, who, why and with what
outcome, but never the plate searched; the chain verifies, and a row changed behind the app's
back is named; the misuse signals list the entries behind them, again without the plate."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
from playwright.sync_api import Locator, Page, expect

from platekeeper.domain.access import AccessOutcome, AccessRecord
from platekeeper.domain.people import Role
from platekeeper.store.protocols import AccessFilter
from platekeeper.store.sqlite import SqliteStore
from platekeeper.web.pages.audit import PAGE_SIZE
from tests.audit.conftest import RawSql, make_event
from tests.web.conftest import WebApp, shoot, sign_in

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
        httpx.get(
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
    page.get_by_label("Action").fill("reads:search")
    page.get_by_role("button", name="Filter").click()
    expect(entry_rows(page)).to_have_count(3)
    newest = entry_rows(page).first
    for shown in ("Avery", "avery", "reads:search", PURPOSE_LABEL, "2026-000123", "allowed"):
        expect(newest).to_contain_text(shown)
    expect(newest).to_contain_text("plate: withheld")
    expect(newest.locator("td").last).to_have_text("1")  # the one read it returned, as a count
    assert_no_plate(page)
    shoot(page, "audit-log")

    [reading] = web_app.services.access_log.entries(
        AccessFilter(username="aude", action="audit:read", limit=1)
    )
    assert dict(reading.event.query) == {"username": "avery", "action": "reads:search"}

    page.get_by_role("link", name="Misuse signals").click()
    signal = page.locator("section.audit-signal").filter(
        has_text="One plate searched again and again"
    )
    expect(signal).to_contain_text("Avery")
    expect(signal.locator("table.audit-entries tbody tr")).to_have_count(3)
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
    expect(page.get_by_label("From (UTC)")).to_have_value("2026-11-30")


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
