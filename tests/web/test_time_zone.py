"""Pages show times on the clock of the reader's agency: the demo-like California agency reads
Pacific time (PST in November), and when its custodian sets another zone, the pages follow."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.gate import Person
from platekeeper.domain.people import Role
from platekeeper.store.protocols import AccessFilter
from tests.web.conftest import WebApp, sign_in
from tests.web.test_accessibility import AUDIT_SCRIPT


def test_the_dashboard_reads_pacific_time_then_the_zone_the_custodian_sets(
    page: Page, web_app: WebApp
) -> None:
    sign_in(page, web_app.person(Role.OFFICER))
    # The server's clock is 2026-11-28 12:00 UTC: 04:00 in California.
    expect(page.get_by_text("As of 2026-11-28 04:00 PST")).to_be_visible()
    expect(page.get_by_text("UTC", exact=False)).to_have_count(0)

    custodian = Person(Actor("casey", "demo-pd"), frozenset({Role.CUSTODIAN}))
    web_app.services.cameras.set_time_zone(custodian, "America/New_York")
    page.reload()
    expect(page.get_by_text("As of 2026-11-28 07:00 EST")).to_be_visible()


def test_the_custodian_sets_the_agencys_zone_on_the_cameras_page_and_it_is_logged(
    page: Page, web_app: WebApp
) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/cameras")
    zone = page.get_by_label("Time zone (an IANA name, such as America/Los_Angeles)")
    expect(zone).to_have_value("America/Los_Angeles")
    assert page.evaluate(AUDIT_SCRIPT) == []

    # A name that is not a zone is refused in words, what was typed kept, nothing changed.
    zone.fill("Pacific Time")
    with page.expect_navigation():
        page.get_by_role("button", name="Set the time zone").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a time zone")
    expect(zone).to_have_value("Pacific Time")
    agency = web_app.services.store.agencies.get("demo-pd")
    assert agency is not None
    assert agency.time_zone == "America/Los_Angeles"

    zone.fill("America/New_York")
    with page.expect_navigation():
        page.get_by_role("button", name="Set the time zone").click()
    expect(page.get_by_role("status")).to_contain_text("The agency's time zone was changed")
    expect(zone).to_have_value("America/New_York")
    agency = web_app.services.store.agencies.get("demo-pd")
    assert agency is not None
    assert agency.time_zone == "America/New_York"
    log = web_app.services.store.access_log
    entries = log.find(AccessFilter(action="agency:time-zone"))
    [refusal] = [e for e in entries if e.event.outcome is AccessOutcome.DENIED]
    [allowed] = [e for e in entries if e.event.outcome is AccessOutcome.ALLOWED]
    assert refusal.event.query["time_zone"] == "Pacific Time"
    assert allowed.event.actor.username == web_app.person(Role.CUSTODIAN).account.username
    assert allowed.event.query["time_zone"] == "America/New_York"
    # The pages follow at once.
    page.goto("/dashboard")
    expect(page.get_by_text("As of 2026-11-28 07:00 EST")).to_be_visible()
