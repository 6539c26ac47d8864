"""The custodian's desk passes the same accessibility checks as every main page
(``test_accessibility.AUDIT_SCRIPT``): the pages a selection of reads opens, the compliance report
as a page, its evidence, a dry run's result, and a refusal in the signed-in frame."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from platekeeper.domain.people import Role
from tests.web.conftest import WebApp, shoot, sign_in
from tests.web.test_accessibility import AUDIT_SCRIPT

DESK_PAGES: list[tuple[Role, str, int]] = [
    (Role.CUSTODIAN, "/retention", 200),
    (Role.CUSTODIAN, "/reports", 200),
    (Role.CUSTODIAN, "/holds", 200),
    (Role.CUSTODIAN, "/holds/new?read={read}&case_number=2026-000123", 200),
    (Role.CUSTODIAN, "/holds/new?read=no-such-read", 404),
    (Role.CUSTODIAN, "/sharing/new?read={read}&purpose=stolen-vehicle", 200),
    (Role.ANALYST, "/holds/new?read={read}", 200),
    (Role.AUDITOR, "/reports/compliance?from=2026-11-01&to=2026-11-28", 200),
    (Role.AUDITOR, "/reports/evidence?seq=1", 200),
    (Role.CUSTODIAN, "/search", 403),
    (Role.AUDITOR, "/holds", 403),
]


@pytest.mark.parametrize(
    ("role", "path", "status"), DESK_PAGES, ids=[f"{role}{path}" for role, path, _ in DESK_PAGES]
)
def test_the_desk_is_labelled_structured_and_legible(
    page: Page, web_app: WebApp, role: Role, path: str, status: int
) -> None:
    read = web_app.ingest("7ABC123")
    sign_in(page, web_app.person(role))
    response = page.goto(path.format(read=read.id))
    assert response is not None
    assert response.status == status, path
    findings: list[Any] = page.evaluate(AUDIT_SCRIPT)
    assert findings == []
    if status == 200:
        _shoot_both_widths(
            page, f"desk-{role}-{path.split('?', maxsplit=1)[0].strip('/').replace('/', '-')}"
        )


def _shoot_both_widths(page: Page, name: str) -> None:
    """The page as a desk and as a phone show it, for people to look at."""
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        shoot(page, f"{name}-{width}")


def test_a_dry_runs_result_is_labelled_structured_and_legible(page: Page, web_app: WebApp) -> None:
    web_app.ingest("7ABC123")
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/retention")
    page.get_by_role("button", name="Dry run the purge now").click()
    expect(page.locator("#dry-run")).to_be_visible()
    findings: list[Any] = page.evaluate(AUDIT_SCRIPT)
    assert findings == []
    _shoot_both_widths(page, "desk-custodian-retention-dry-run")
