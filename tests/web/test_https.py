"""The pages over HTTPS in Chromium: sign-in works behind the lab certificate, the browser is
told to keep to HTTPS, and the session cookie it holds is Secure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from platekeeper.config import Settings
from platekeeper.domain.people import Role
from platekeeper.http.tls import ReloadingCertificate
from tests.api.people import Person, staff
from tests.conftest import NOW, FixedClock, build_test_services, make_agency
from tests.tls.conftest import make_lab_certificate, serving
from tests.web.conftest import new_context, sign_in


@dataclass
class HttpsApp:
    base_url: str
    people: dict[Role, Person]


@pytest.fixture
def https_app(web_settings: Settings, tmp_path: Path) -> Iterator[HttpsApp]:
    """The app over HTTPS with a lab certificate; ``accounts.cookie_secure`` is off, as for the
    other page tests, so a Secure cookie here is HTTPS's doing."""
    services = build_test_services(web_settings, FixedClock(NOW))
    services.store.agencies.add(make_agency())
    people = staff(services)
    lab = make_lab_certificate(tmp_path / "tls")
    try:
        with serving(services, ReloadingCertificate(lab, 60)) as url:
            yield HttpsApp(url, people)
    finally:
        services.close()


def test_signing_in_over_https_keeps_the_session_cookie_secure(
    browser: Browser, https_app: HttpsApp
) -> None:
    # The lab certificate is self-signed: Chromium is told to accept it, as a tester would.
    context = new_context(browser, base_url=https_app.base_url, ignore_https_errors=True)
    try:
        page = context.new_page()
        login = page.goto("/login")
        assert login is not None
        assert login.headers["strict-transport-security"] == "max-age=31536000"
        sign_in(page, https_app.people[Role.SUPERVISOR])
        assert page.url.startswith("https://")
        [session] = [cookie for cookie in context.cookies() if cookie["name"] == "pk_session"]
        assert session.get("secure") is True
        assert session.get("httpOnly") is True
    finally:
        context.close()
