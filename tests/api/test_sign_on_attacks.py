"""Single sign-on as an attacker would try it, over real HTTP against the running app and the
real OpenID provider (scripts/with-oidc-provider): replaying the provider's answer, finishing a
sign-in in another browser, swapping the state, a directory entry taking over a local account,
an identity provider granting a privileged role no second person approved."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest

from platekeeper.app import create_app
from platekeeper.config import Settings
from platekeeper.domain.people import Role
from platekeeper.services import Services
from platekeeper.web.sign_on import BINDING_COOKIE
from tests.api.people import CONSOLE, PASSWORD, add_person, staff
from tests.conftest import NOW, FixedClock, build_test_services, make_agency
from tests.factors import Authenticators
from tests.oidc import DirectoryAccount, RealProvider, real_provider, with_sign_on
from tests.ports import free_port, served

_MAX_HOPS = 12


@dataclass
class SsoApp:
    base_url: str
    services: Services
    provider: RealProvider


@pytest.fixture
def sso_app(settings: Settings, tmp_path: Path) -> Iterator[SsoApp]:
    provider = real_provider()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    accounts = settings.accounts.model_copy(update={"cookie_secure": False})
    settings = with_sign_on(
        settings.model_copy(update={"accounts": accounts}), provider, base_url, tmp_path
    )
    services = build_test_services(settings, FixedClock(NOW))
    services.store.agencies.add(make_agency())
    staff(services)
    with served(create_app(services), port):
        yield SsoApp(base_url, services, provider)
    services.close()


def _to_callback(
    browser: httpx.Client, app: SsoApp, account: DirectoryAccount, *, with_code: bool = True
) -> str:
    """Follow a sign-in from PlateKeeper through the provider's login page, as a browser does,
    and return the provider's answer (the callback URL) without opening it."""
    response = browser.get(f"{app.base_url}/login/oidc")
    for _ in range(_MAX_HOPS):
        location = response.headers.get("location")
        if location is not None:
            target = str(response.url.join(location))
            if target.startswith(f"{app.base_url}/login/oidc/callback"):
                return target
            response = browser.get(target)
            continue
        action = re.search(r'action="([^"]+)"', response.text)
        assert action is not None, response.text
        form = {"username": account.username, "password": account.password}
        if with_code:
            form["code"] = account.code
        response = browser.post(str(response.url.join(action.group(1))), data=form)
    pytest.fail("the provider never answered")


def _browser() -> httpx.Client:
    return httpx.Client(timeout=30.0, headers={"Accept": "text/html"})


def _trained_person(app: SsoApp, username: str) -> DirectoryAccount:
    """A directory person who signed in once (so their account exists) and has training."""
    account = app.provider.put_account(username, groups=["ALPR-Analysts"])
    with _browser() as browser:
        refused = browser.get(_to_callback(browser, app, account))
    assert refused.status_code == 403  # training not recorded yet
    made = app.services.accounts.by_username(username)
    app.services.accounts.record_training(CONSOLE, made.id, date(2026, 6, 1))
    return account


def test_the_providers_answer_signs_in_once_and_only_in_the_browser_that_asked(
    sso_app: SsoApp,
) -> None:
    account = _trained_person(sso_app, "jane.roe")
    with _browser() as browser:
        callback = _to_callback(browser, sso_app, account)
        binding = browser.cookies.get(BINDING_COOKIE)
        # Another browser (the attacker's, or a victim lured to the link) has no binding.
        with _browser() as other:
            stolen = other.get(callback)
        assert stolen.status_code == 401
        assert "pk_session" not in stolen.cookies
        assert "no sign-in was started in this browser" in stolen.text
        # The one that asked: the binding was not spent by the attempt above.
        answered = browser.get(callback)
        assert answered.status_code == 200, answered.text
        assert "pk_session" in answered.cookies
        # Replaying the same answer with the same cookie finds the sign-in used up.
        browser.cookies.set(BINDING_COOKIE, binding or "", path="/login/oidc")
        replayed = browser.get(callback)
    assert replayed.status_code == 401
    assert "pk_session" not in replayed.cookies


def test_an_answer_with_another_state_is_refused(sso_app: SsoApp) -> None:
    account = _trained_person(sso_app, "jane.roe")
    with _browser() as browser:
        callback = _to_callback(browser, sso_app, account)
        forged = re.sub(r"state=[^&]+", "state=forged", callback)
        response = browser.get(forged)
    assert response.status_code == 401
    assert "state is not the one this browser sent" in response.text
    assert "pk_session" not in response.cookies


def test_a_directory_entry_cannot_take_over_a_local_account_of_the_same_name(
    sso_app: SsoApp,
) -> None:
    # 'casey' is the agency's custodian, with a password; the directory gains a 'casey' too.
    account = sso_app.provider.put_account("casey", groups=["ALPR-Analysts"], name="Casey Imp")
    with _browser() as browser:
        response = browser.get(_to_callback(browser, sso_app, account))
    assert response.status_code == 403
    assert "exists here already" in response.text
    assert "pk_session" not in response.cookies
    casey = sso_app.services.accounts.by_username("casey")
    assert casey.roles == frozenset({Role.CUSTODIAN})
    assert (
        sso_app.services.store.federated_identities.of_account(sso_app.provider.issuer, casey.id)
        is None
    )


def test_a_privileged_role_from_the_directory_waits_for_a_second_person(
    sso_app: SsoApp,
) -> None:
    _trained_person(sso_app, "jane.roe")
    # The directory adds her to the supervisors' group (put_account gives a new password).
    renewed = sso_app.provider.put_account("jane.roe", groups=["ALPR-Analysts", "ALPR-Supervisors"])
    with _browser() as browser:
        response = browser.get(_to_callback(browser, sso_app, renewed))
    assert response.status_code == 200, response.text
    jane = sso_app.services.accounts.by_username("jane.roe")
    assert jane.roles == frozenset({Role.ANALYST})  # at work as an analyst meanwhile
    grant = sso_app.services.accounts.pending_roles(jane.id)
    assert grant is not None
    assert grant.roles == frozenset({Role.ANALYST, Role.SUPERVISOR})
    # Removed from the group in the directory: the role goes at the next sign-in, at once.
    sam, _ = Authenticators.of(sso_app.services).sign_in("sam", PASSWORD)
    sso_app.services.accounts.approve_roles(sam, jane.id)
    assert sso_app.services.accounts.get(jane.id).roles == grant.roles
    fewer = sso_app.provider.put_account("jane.roe", groups=["ALPR-Analysts"])
    with _browser() as browser:
        assert browser.get(_to_callback(browser, sso_app, fewer)).status_code == 200
    assert sso_app.services.accounts.get(jane.id).roles == frozenset({Role.ANALYST})


def test_a_local_person_signs_in_with_a_password_as_before(sso_app: SsoApp) -> None:
    """Beside single sign-on, a local person signs in as everyone does: the password, then a
    code from their authenticator."""
    lee = add_person(sso_app.services, "lee", Role.ANALYST)
    with _browser() as browser:
        page = browser.get(f"{sso_app.base_url}/login")
        assert "Sign in with the test provider" in page.text
        password = browser.post(
            f"{sso_app.base_url}/login", data={"username": "lee", "password": PASSWORD}
        )
        assert password.status_code == 303
        assert password.headers["location"].startswith("/login/second-factor")
        assert "pk_session" not in password.cookies  # the password alone opens no session
        response = browser.post(
            f"{sso_app.base_url}/login/second-factor", data={"code": lee.code()}
        )
    assert response.status_code == 303, response.text
    assert "pk_session" in response.cookies


def test_an_answer_naming_another_issuer_is_refused(sso_app: SsoApp) -> None:
    """RFC 9207: a code from another provider, mixed into this sign-in, is not redeemed."""
    account = _trained_person(sso_app, "jane.roe")
    with _browser() as browser:
        callback = _to_callback(browser, sso_app, account)
        assert "iss=" in callback  # the provider names itself in its answer
        mixed = re.sub(r"iss=[^&]+", "iss=https%3A%2F%2Fevil.example", callback)
        response = browser.get(mixed)
    assert response.status_code == 401
    assert "another issuer" in response.text
    assert "pk_session" not in response.cookies
