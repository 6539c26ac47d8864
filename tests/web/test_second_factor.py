"""The second factor in Chromium: enrolling an authenticator at the first sign-in (the code
computed from the secret the page shows), signing in with it, one's own Security page, and a
custodian's reset on the person's page."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from playwright.sync_api import Page, expect

from platekeeper.domain.people import Role
from tests.api.people import PASSWORD
from tests.web.conftest import WebApp, shoot, sign_in


def _password(page: Page, username: str, next_path: str = "/account") -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_enrolling_an_authenticator_then_signing_in_with_it(page: Page, web_app: WebApp) -> None:
    olivia = web_app.services.accounts.by_username("olivia")
    web_app.services.store.second_factors.delete_for_account(olivia.id)  # never enrolled
    _password(page, "olivia")
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    expect(page.locator("#system-use")).to_contain_text("criminal justice information")
    secret = page.locator("#totp-secret").inner_text()
    totp = pyotp.TOTP(secret)
    shoot(page, "second-factor-enrol")
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid")
    assert page.locator("#totp-secret").inner_text() == secret  # the same secret, again
    page.get_by_label("Code from the app").fill(totp.at(web_app.clock.now()))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them; go on").click()
    expect(page.get_by_role("heading", name="Signed in as Olivia")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The next sign-in asks for the app's code; the one used to enrol does not work twice.
    web_app.clock.advance(timedelta(seconds=30))
    _password(page, "olivia")
    page.get_by_label("Code from your authenticator app").fill(totp.at(web_app.clock.now()))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Signed in as Olivia")).to_be_visible()
    page.goto("/account/security")
    expect(page.locator("#signed-in-with")).to_have_text("password+totp")
    expect(page.locator("#codes-left")).to_have_text("10")


def test_a_wrong_code_is_refused_on_the_page(page: Page, web_app: WebApp) -> None:
    _password(page, "avery")
    expect(page.locator("#system-use")).to_contain_text("criminal justice information")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    shoot(page, "second-factor-code")


def test_adding_an_authenticator_on_the_security_page(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.ANALYST), next_path="/account/security")
    form = page.get_by_role("form", name="Add an authenticator app")
    form.get_by_label("Name").fill("spare phone")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Add").click()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).at(web_app.clock.now()))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_have_text("The authenticator was added.")
    expect(page.locator("#factors")).to_contain_text("spare phone")
    shoot(page, "security")


def test_a_custodian_resets_someones_second_factors(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/people/avery")
    page.get_by_role("button", name="Reset second factors").click()
    expect(page.get_by_role("status")).to_contain_text("enrols a new one")
    avery = web_app.services.accounts.by_username("avery")
    assert web_app.services.store.second_factors.list(avery.id) == []
    # Their own account: the page refuses it with the reason.
    page.goto("/people/casey")
    page.get_by_role("button", name="Reset second factors").click()
    expect(page.get_by_role("alert")).to_contain_text("own account")
