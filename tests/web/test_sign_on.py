"""Single sign-on in Chromium against a real OpenID provider (scripts/with-oidc-provider).

The provider is the npm oidc-provider package: discovery, the authorisation code with PKCE,
RS256-signed ID tokens, nonce and logout are its own. What PlateKeeper must hold to: only a
sign-in with a second factor the provider vouches for gets in; a group maps to a role, and none
gets nothing; a person new to PlateKeeper reaches nothing before a custodian records their
training; signing out ends the provider's session too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from platekeeper.app import create_app
from platekeeper.config import Settings
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.people import Role
from platekeeper.services import Services
from platekeeper.store.protocols.access_log import AccessFilter
from platekeeper.web.sign_on import BINDING_COOKIE
from tests.api.people import CONSOLE, staff
from tests.conftest import NOW, FixedClock, build_test_services, make_agency
from tests.oidc import UNMAPPED_GROUP, DirectoryAccount, RealProvider, real_provider, with_sign_on
from tests.ports import free_port, served
from tests.web.conftest import new_context, shoot


class SignOnApp:
    def __init__(self, base_url: str, services: Services, provider: RealProvider) -> None:
        self.base_url = base_url
        self.services = services
        self.provider = provider


@pytest.fixture
def sign_on_app(web_settings: Settings, tmp_path: Path) -> Iterator[SignOnApp]:
    provider = real_provider()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = with_sign_on(web_settings, provider, base_url, tmp_path)
    services = build_test_services(settings, FixedClock(NOW))
    services.store.agencies.add(make_agency())
    staff(services)
    with served(create_app(services), port) as url:
        assert url == base_url
        yield SignOnApp(base_url, services, provider)
    services.close()


@pytest.fixture
def sso_page(browser: Browser, sign_on_app: SignOnApp) -> Iterator[Page]:
    context = new_context(browser, base_url=sign_on_app.base_url)
    yield context.new_page()
    context.close()


def _sign_in_at_provider(page: Page, account: DirectoryAccount, *, with_code: bool) -> None:
    page.goto("/login")
    page.get_by_role("link", name="Sign in with the test provider").click()
    expect(page.get_by_role("heading", name="Test provider sign-in")).to_be_visible()
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    if with_code:
        page.get_by_label("One-time code (optional)").fill(account.code)
    page.get_by_role("button", name="Sign in at the provider").click()


def _session_cookie(page: Page) -> str | None:
    found = [c["value"] for c in page.context.cookies() if c["name"] == "pk_session"]
    return found[0] if found else None


def _record_training(app: SignOnApp, username: str) -> None:
    account = app.services.accounts.by_username(username)
    app.services.accounts.record_training(CONSOLE, account.id, date(2026, 6, 1))


def test_a_person_signing_in_with_a_second_factor_gets_the_role_their_group_maps_to(
    sso_page: Page, sign_on_app: SignOnApp
) -> None:
    account = sign_on_app.provider.put_account("jane.roe", groups=["ALPR-Analysts"])
    _sign_in_at_provider(sso_page, account, with_code=True)
    # New here: the account exists now, but reaches nothing until training is recorded.
    expect(sso_page.get_by_role("alert")).to_contain_text("No ALPR training is on record")
    assert _session_cookie(sso_page) is None
    shoot(sso_page, "sign-on-training-not-recorded")
    made = sign_on_app.services.accounts.by_username("jane.roe")
    assert made.roles == frozenset({Role.ANALYST})
    assert made.training is None

    _record_training(sign_on_app, "jane.roe")
    sso_page.goto("/login")
    # The provider still knows the browser: no password asked, straight back in.
    sso_page.get_by_role("link", name="Sign in with the test provider").click()
    expect(sso_page.get_by_role("button", name="Sign out")).to_be_visible()
    sso_page.goto("/account")
    expect(sso_page.locator("main")).to_contain_text("analyst")
    sso_page.goto("/search")
    expect(sso_page).to_have_url(f"{sign_on_app.base_url}/search")
    # The access log says how the person signed in and what vouched for the second factor.
    [entry] = [
        record.event
        for record in sign_on_app.services.access_log.entries(
            AccessFilter(action="auth:login", outcome=AccessOutcome.ALLOWED, username="jane.roe")
        )
    ]
    assert "(oidc)" in entry.reason
    assert "amr otp" in entry.reason


def test_the_same_person_without_a_second_factor_is_refused_and_gets_no_session(
    sso_page: Page, sign_on_app: SignOnApp
) -> None:
    account = sign_on_app.provider.put_account("jane.roe", groups=["ALPR-Analysts"])
    _sign_in_at_provider(sso_page, account, with_code=True)
    _record_training(sign_on_app, "jane.roe")
    sso_page.context.clear_cookies()  # a fresh browser: the provider asks again

    _sign_in_at_provider(sso_page, account, with_code=False)
    expect(sso_page.get_by_role("alert")).to_contain_text("did not include a second factor")
    assert _session_cookie(sso_page) is None
    shoot(sso_page, "sign-on-no-second-factor")
    sso_page.goto("/search")
    expect(sso_page).to_have_url(f"{sign_on_app.base_url}/login?next=%2Fsearch")
    refusals = [
        record.event
        for record in sign_on_app.services.access_log.entries(
            AccessFilter(action="auth:login", outcome=AccessOutcome.DENIED)
        )
        if "no second factor" in record.event.reason
    ]
    assert [event.actor.username for event in refusals] == ["jane.roe"]


def test_a_group_that_maps_to_no_role_gets_nothing(sso_page: Page, sign_on_app: SignOnApp) -> None:
    account = sign_on_app.provider.put_account("pat.lee", groups=[UNMAPPED_GROUP])
    _sign_in_at_provider(sso_page, account, with_code=True)
    expect(sso_page.get_by_role("alert")).to_contain_text("None of your groups")
    assert _session_cookie(sso_page) is None
    assert sign_on_app.services.store.accounts.by_username("pat.lee") is None


def test_signing_out_ends_the_providers_session_too(sso_page: Page, sign_on_app: SignOnApp) -> None:
    account = sign_on_app.provider.put_account("jane.roe", groups=["ALPR-Analysts"])
    _sign_in_at_provider(sso_page, account, with_code=True)
    _record_training(sign_on_app, "jane.roe")
    sso_page.goto("/login")
    sso_page.get_by_role("link", name="Sign in with the test provider").click()
    expect(sso_page.get_by_role("button", name="Sign out")).to_be_visible()

    sso_page.get_by_role("button", name="Sign out").click()
    expect(sso_page).to_have_url(f"{sign_on_app.base_url}/login")
    assert _session_cookie(sso_page) is None
    # Whoever sits down at this browser next must give the password at the provider again.
    sso_page.get_by_role("link", name="Sign in with the test provider").click()
    expect(sso_page.get_by_role("heading", name="Test provider sign-in")).to_be_visible()
    assert all(c["name"] != BINDING_COOKIE or c["value"] for c in sso_page.context.cookies())
