"""Passkeys in Chromium, with its virtual authenticator (DevTools WebAuthn domain): enrol one at
the first sign-in, sign in with it after the password, add one from the Security page; and a
browser whose authenticator holds another person's passkey cannot finish this person's sign-in.

Passkeys are bound to a domain name, so these pages are opened as http://localhost, never at
the address the other browser tests use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, expect

from platekeeper.domain.people import Account
from tests.accounts.conftest import PASSWORD, add_person
from tests.web.conftest import WebApp, new_context, shoot


class Browsing:
    """One browser (context) with its own virtual authenticator, on the app at localhost."""

    def __init__(self, browser: Browser, web_app: WebApp) -> None:
        base_url = web_app.base_url.replace("127.0.0.1", "localhost")
        self.context: BrowserContext = new_context(browser, base_url=base_url)
        self.page: Page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.cdp: CDPSession = self.context.new_cdp_session(self.page)
        self.cdp.send("WebAuthn.enable")
        added = self.cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                }
            },
        )
        self.authenticator_id: str = added["authenticatorId"]

    def credentials(self) -> list[dict[str, Any]]:
        answer = self.cdp.send(
            "WebAuthn.getCredentials", {"authenticatorId": self.authenticator_id}
        )
        credentials: list[dict[str, Any]] = answer["credentials"]
        return credentials

    def password_step(self, username: str) -> None:
        self.page.goto("/login")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()

    def enrol_passkey(self, username: str) -> None:
        """The first sign-in of a person with no second factor: a passkey, then the codes."""
        self.password_step(username)
        expect(self.page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
        self.page.get_by_role("button", name="Register a passkey").click()
        expect(self.page.locator("#recovery-codes li")).to_have_count(10)
        self.page.get_by_role("link", name="I have kept them; go on").click()
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        expect(self.page.get_by_role("heading", name="Sign in")).to_be_visible()

    def close(self) -> None:
        self.context.close()
        assert not self.problems, f"the page's script failed: {self.problems}"


@pytest.fixture
def browsing(browser: Browser, web_app: WebApp) -> Iterator[list[Browsing]]:
    opened: list[Browsing] = []
    yield opened
    for one in opened:
        one.close()


def open_browser(browsing: list[Browsing], browser: Browser, web_app: WebApp) -> Browsing:
    one = Browsing(browser, web_app)
    browsing.append(one)
    return one


def newcomer(web_app: WebApp, username: str) -> Account:
    """A person with a password and no second factor yet, as on their first day."""
    return add_person(web_app.services.accounts, username)


def signed_in_with(web_app: WebApp, account: Account) -> list[str]:
    return [s.signed_in_with for s in web_app.services.store.sessions.list(account.id)]


def test_a_passkey_is_enrolled_at_the_first_sign_in_and_signs_in_after_the_password(
    browser: Browser, web_app: WebApp, browsing: list[Browsing]
) -> None:
    account = newcomer(web_app, "newbie")
    chromium = open_browser(browsing, browser, web_app)
    chromium.password_step("newbie")
    shoot(chromium.page, "passkey-enrol")
    chromium.page.get_by_role("button", name="Register a passkey").click()
    # The recovery codes are shown once, with the session open.
    expect(chromium.page.locator("#recovery-codes li")).to_have_count(10)
    chromium.page.get_by_role("link", name="I have kept them; go on").click()
    expect(chromium.page.get_by_role("button", name="Sign out")).to_be_visible()
    (credential,) = chromium.credentials()
    assert credential["rpId"] == "localhost"
    assert credential["isResidentCredential"] is True
    assert signed_in_with(web_app, account) == ["password+webauthn"]
    chromium.sign_out()

    chromium.password_step("newbie")
    expect(chromium.page.get_by_role("heading", name="Passkey or security key")).to_be_visible()
    chromium.page.get_by_role("button", name="Use a passkey").click()
    expect(chromium.page.get_by_role("button", name="Sign out")).to_be_visible()
    assert signed_in_with(web_app, account) == ["password+webauthn"]
    (factor,) = web_app.services.store.second_factors.list(account.id)
    (credential,) = chromium.credentials()
    assert factor.sign_count == credential["signCount"] > 0


def test_another_persons_authenticator_cannot_finish_this_sign_in(
    browser: Browser, web_app: WebApp, browsing: list[Browsing]
) -> None:
    """Mallory knows jdoe's password. Her browser's authenticator holds her own passkey for
    this site: the browser offers nothing for jdoe's sign-in, and her passkey's answer, sent
    for jdoe's pending sign-in anyway, is refused; jdoe gets no session."""
    jdoe = newcomer(web_app, "jdoe")
    newcomer(web_app, "mallory")
    victim = open_browser(browsing, browser, web_app)
    victim.enrol_passkey("jdoe")
    victim.sign_out()
    attacker = open_browser(browsing, browser, web_app)
    attacker.enrol_passkey("mallory")
    attacker.sign_out()
    before = web_app.services.store.second_factors.list(jdoe.id)[0].sign_count

    attacker.password_step("jdoe")
    attacker.page.get_by_role("button", name="Use a passkey").click()
    expect(attacker.page.get_by_text("No passkey was used")).to_be_visible()

    # The answer of her own passkey, asked without the list of jdoe's keys, posted for him.
    attacker.page.evaluate(
        """async () => {
            const asked = await fetch("/login/passkey/options", {method: "POST"});
            const options = await asked.json();
            delete options.allowCredentials;
            const credential = await navigator.credentials.get(
                {publicKey: requestOptions(options)});
            const form = document.querySelector("form[data-passkey]");
            form.querySelector("input[name=credential]").value =
                JSON.stringify(toJSON(credential));
            form.submit();
        }"""
    )
    expect(attacker.page.get_by_role("alert")).to_have_text(
        "this passkey is not registered to you Use a passkey you registered."
    )
    expect(attacker.page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert signed_in_with(web_app, jdoe) == []
    assert web_app.services.store.second_factors.list(jdoe.id)[0].sign_count == before


def test_a_passkey_is_added_from_the_security_page(
    browser: Browser, web_app: WebApp, browsing: list[Browsing]
) -> None:
    account = newcomer(web_app, "newbie")
    chromium = open_browser(browsing, browser, web_app)
    chromium.enrol_passkey("newbie")
    chromium.page.goto("/account/security")
    form = chromium.page.locator("form[action='/account/security/passkey']")
    form.get_by_label("Name").fill("backup key")
    form.get_by_label("Password").fill("not the password")
    form.get_by_role("button", name="Add").click()
    expect(form.locator("[data-passkey-status]")).to_contain_text("password is wrong")
    # The virtual authenticator holds one of this person's keys already: the browser refuses a
    # second on it (excludeCredentials), so the backup goes on another authenticator.
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Add").click()
    expect(form.locator("[data-passkey-status]")).to_have_text(
        "This authenticator holds one of your passkeys already; use another."
    )
    second = chromium.cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {"options": {"protocol": "ctap2", "transport": "usb", "hasUserVerification": False}},
    )
    chromium.cdp.send(
        "WebAuthn.removeVirtualAuthenticator", {"authenticatorId": chromium.authenticator_id}
    )
    chromium.authenticator_id = second["authenticatorId"]
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Add").click()
    expect(chromium.page.get_by_role("status")).to_have_text("The passkey was added.")
    labels = sorted(f.label for f in web_app.services.store.second_factors.list(account.id))
    assert labels == ["backup key", "passkey"]
    shoot(chromium.page, "security-passkeys")
