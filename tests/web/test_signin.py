"""Signing in and out in the browser, and what every page's frame guarantees."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from platekeeper.domain.people import Role
from tests.web.conftest import WebApp, http_get, second_step, shoot, sign_in


def test_the_login_page_carries_the_liability_notice(page: Page) -> None:
    page.goto("/login")
    expect(page.locator("#liability")).to_contain_text("1798.90.54")
    expect(page.get_by_text("minutes without use")).to_be_visible()
    shoot(page, "login")


def test_a_page_asks_for_sign_in_and_returns_to_it(page: Page, web_app: WebApp) -> None:
    page.goto("/account")
    expect(page).to_have_url(f"{web_app.base_url}/login?next=%2Faccount")
    page.get_by_label("Username").fill(web_app.person(Role.ANALYST).account.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    second_step(page, web_app.person(Role.ANALYST))
    expect(page).to_have_url(f"{web_app.base_url}/account")
    expect(page.get_by_role("heading", name="Signed in as Avery")).to_be_visible()


def test_a_wrong_password_is_refused_on_the_page(page: Page, web_app: WebApp) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(web_app.person(Role.OFFICER).account.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_the_menu_shows_only_what_the_roles_open(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.AUDITOR), next_path="/account")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Access log")).to_be_visible()
    expect(menu.get_by_role("link", name="Search")).to_have_count(0)
    expect(menu.get_by_role("link", name="Alerts")).to_have_count(0)


def test_signing_out_ends_the_session(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.OFFICER), next_path="/account")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{web_app.base_url}/login")
    page.goto("/account")
    expect(page).to_have_url(f"{web_app.base_url}/login?next=%2Faccount")


def test_a_link_to_another_site_is_never_followed_after_sign_in(
    page: Page, web_app: WebApp
) -> None:
    sign_in(page, web_app.person(Role.OFFICER), next_path="//evil.example/")
    assert page.url.startswith(web_app.base_url)


def test_pages_forbid_inline_scripts_and_framing(web_app: WebApp) -> None:
    response = http_get(f"{web_app.base_url}/login")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"


def test_an_unknown_page_is_a_page_not_json(page: Page) -> None:
    response = page.goto("/no-such-page")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("alert")).to_be_visible()
