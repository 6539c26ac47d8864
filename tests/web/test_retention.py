"""Retention in the browser: the rules the policy sets for each class of data, the oldest read
kept, the next purge, a custodian's dry run with what legal holds keep, and the purge ledger
after a run, with counts and capture times but no plate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from platekeeper.config import Settings
from platekeeper.domain.access import Actor
from platekeeper.domain.gate import Person
from platekeeper.domain.people import Role
from platekeeper.domain.zones import local_time
from platekeeper.store.protocols.access_log import AccessFilter
from tests.policy.samples import write_complete_policy
from tests.web.conftest import WebApp, shoot, sign_in

OLD_PLATE = "4RTN552"
NEW_PLATE = "8KWD913"


@pytest.fixture
def web_settings(web_settings: Settings) -> Settings:
    """The demo policy, read when the services are built: non-hit reads kept 30 days."""
    write_complete_policy(web_settings.data_dir)
    return web_settings


def test_the_rules_and_the_ledger_after_a_purge(page: Page, web_app: WebApp) -> None:
    old = web_app.ingest(OLD_PLATE)
    web_app.clock.advance(timedelta(days=31))
    new = web_app.ingest(NEW_PLATE, index=1)
    report = web_app.services.purge.run()
    [non_hit] = [c for c in report.entry.classes if c.data_class == "non-hit-reads"]
    assert non_hit.reads == 1
    assert web_app.services.store.reads.get(old.id) is None

    sign_in(page, web_app.person(Role.AUDITOR), next_path="/retention")
    expect(page.get_by_role("heading", name="Retention", level=1)).to_be_visible()
    rules = page.get_by_role("table", name="Retention rules by data class")
    for data_class, kept in (
        ("non-hit-reads", "30 days"),
        ("hit-reads", "730 days"),
        ("access-log", "1825 days"),
    ):
        header = page.get_by_role("rowheader", name=data_class, exact=True)
        expect(rules.locator("tr").filter(has=header)).to_contain_text(kept)
    expect(rules).to_contain_text("policy")
    expect(page.get_by_text("Oldest non-hit read kept")).to_be_visible()
    expect(page.locator("dd").filter(has_text="captured on")).to_contain_text(
        new.captured_at.date().isoformat()
    )

    ledger = page.locator("table.purge-ledger")
    expect(ledger.locator("tbody")).to_have_count(1)
    purged = ledger.get_by_role("row").filter(has_text="non-hit-reads")
    expect(purged.locator("td").nth(2)).to_have_text("1")
    shown = local_time(old.captured_at, "America/Los_Angeles", "%Y-%m-%d %H:%M %Z")
    expect(purged).to_contain_text(shown)  # the agency's clock
    content = page.content()
    assert OLD_PLATE not in content
    assert NEW_PLATE not in content
    shoot(page, "retention")


def test_before_any_purge_the_ledger_says_so(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.AUDITOR), next_path="/retention")
    expect(page.get_by_text("No purge has run yet.")).to_be_visible()
    expect(page.locator("dd").filter(has_text="none kept")).to_be_visible()


def test_an_officer_is_refused_retention(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.OFFICER), next_path="/account")
    response = page.goto("/retention")
    assert response is not None
    assert response.status == 403


def test_the_custodian_dry_runs_the_purge_and_sees_what_holds_keep(
    page: Page, web_app: WebApp
) -> None:
    held = web_app.ingest(OLD_PLATE)
    due = web_app.ingest("5LMN204", index=1)
    analyst, supervisor = (web_app.person(role).account for role in (Role.ANALYST, Role.SUPERVISOR))
    hold = web_app.services.holds.request(
        Person(Actor(analyst.username, analyst.agency_id), analyst.roles),
        case_number="2026-004711",
        reason="The district attorney needs this read for the Main St. trial.",
        expires_at=web_app.clock.now() + timedelta(days=90),
        read_ids=(held.id,),
    )
    web_app.services.holds.approve(
        Person(Actor(supervisor.username, supervisor.agency_id), supervisor.roles), hold.id
    )
    web_app.clock.advance(timedelta(days=31))
    web_app.ingest(NEW_PLATE, index=2)

    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/retention")
    menu = page.get_by_role("navigation")
    for item in ("Retention", "Legal holds", "Sharing", "Reports"):
        expect(menu.get_by_role("link", name=item, exact=True)).to_be_visible()
    for item in ("Search", "Access log"):
        expect(menu.get_by_role("link", name=item, exact=True)).to_have_count(0)
    glance = page.locator("#next-purge")
    expect(glance).to_contain_text("when the server next starts, then every 1 hour")
    expect(glance).to_contain_text(held.captured_at.date().isoformat())

    page.get_by_role("button", name="Dry run the purge now").click()
    result = page.locator("#dry-run")
    expect(result.get_by_role("status")).to_contain_text("Nothing was deleted")
    expect(result.get_by_role("status")).to_contain_text("would take 1 read now")
    row = result.get_by_role("row").filter(has=page.get_by_role("rowheader", name="non-hit-reads"))
    expect(row.locator("td").first).to_have_text("1 read")
    expect(row.locator("td").last).to_have_text("1 read")
    expect(page.locator("table.purge-ledger")).to_contain_text("dry run")
    assert OLD_PLATE not in page.content()
    shoot(page, "retention-dry-run")

    [logged] = web_app.services.store.access_log.find(
        AccessFilter(username="casey", action="retention:purge")
    )
    assert logged.event.query["dry_run"] == "true"
    assert logged.event.query["non-hit-reads"] == "1"

    # The dry run deleted nothing: the real run after it takes the read it counted, and the
    # next run is due an interval after that.
    report = web_app.services.purge.run()
    [non_hit] = [c for c in report.entry.classes if c.data_class == "non-hit-reads"]
    assert non_hit.reads == 1
    assert non_hit.oldest_purged == due.captured_at
    assert web_app.services.store.reads.get(held.id) is not None
    page.goto("/retention")
    expect(page.locator("#next-purge")).to_contain_text("(every 1 hour; the last ran")
