"""The access-log page in Chromium: every entry shows how its person signed in, and an auditor
finds the accesses made one way (here, with an API token) with a filter."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from platekeeper.domain.credentials import API_TOKEN_SIGN_IN, hash_token
from platekeeper.domain.people import Role
from tests.web.conftest import WebApp, http_get, shoot, sign_in

PLATE = "9QZX417"
PURPOSE = {"purpose": "stolen-vehicle", "case_number": "2026-000123"}


def page_session_method(page: Page, web_app: WebApp) -> str:
    """How the session of the page's cookie says its person signed in."""
    [token] = [c["value"] for c in page.context.cookies() if c["name"] == "pk_session"]
    session = web_app.services.store.sessions.by_token_hash(hash_token(token))
    assert session is not None
    return session.signed_in_with


def filter_log(page: Page, *, who: str, action: str = "", signed_in_with: str = "") -> None:
    page.get_by_label("Who").fill(who)
    page.get_by_label("Action").select_option(value=action)
    page.get_by_label("Signed in with").fill(signed_in_with)
    page.get_by_role("button", name="Filter").click()


def test_the_page_shows_and_filters_how_each_person_signed_in(page: Page, web_app: WebApp) -> None:
    analyst = web_app.person(Role.ANALYST)
    searched = http_get(
        f"{web_app.base_url}/api/v1/reads",
        params={"plate": PLATE, **PURPOSE},
        headers=analyst.headers,
    )
    assert searched.is_success

    sign_in(page, web_app.person(Role.AUDITOR), next_path="/audit")
    method = page_session_method(page, web_app)
    rows = page.locator("table.audit-entries tbody tr")
    expect(page.get_by_role("columnheader", name="Who")).to_be_visible()

    filter_log(page, who="aude", action="auth:login")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("span.sign-in")).to_have_text(method)

    filter_log(page, who="avery", signed_in_with=API_TOKEN_SIGN_IN)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("reads:search")
    expect(rows.first.locator("span.sign-in")).to_have_text(API_TOKEN_SIGN_IN)
    expect(page.get_by_label("Signed in with")).to_have_value(API_TOKEN_SIGN_IN)
    assert PLATE not in page.content().upper()
    shoot(page, "audit-log-sign-in")

    filter_log(page, who="avery", signed_in_with=method)  # avery never used a browser
    expect(page.locator("table.audit-entries tbody")).to_contain_text("No entries.")
