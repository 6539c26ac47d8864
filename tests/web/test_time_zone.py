"""Pages show times on the clock of the reader's agency: the demo-like California agency reads
Pacific time (PST in November), and when its custodian sets another zone, the pages follow."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from platekeeper.domain.access import Actor
from platekeeper.domain.gate import Person
from platekeeper.domain.people import Role
from tests.web.conftest import WebApp, sign_in


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
