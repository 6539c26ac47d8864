"""CJIS AC-11 and AC-8 in Chromium: an idle page locks itself, hides its plates (not dims them),
unlocks only with the person's password checked by the server, and stays locked through a
reload; the alert screen keeps listening and counts alerts without showing them. Time is
Playwright's clock, not a wait; the lock time is the real setting's default."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from platekeeper.config import WebSettings
from platekeeper.domain.people import Role
from platekeeper.errors import AuthenticationFailed
from platekeeper.store.protocols import AccessFilter
from tests.api.people import PASSWORD
from tests.factors import Authenticators
from tests.web.conftest import WebApp, shoot, sign_in
from tests.web.test_alerts import LISTED, card_of, open_alerts, stolen

__all__ = ["stolen"]  # the fixture: a stolen-vehicle list holding LISTED
LOCKED = "Screen locked"
PAST_THE_LOCK = f"{WebSettings().lock_after_idle_minutes}:05"


def lock_by_idling(page: Page) -> None:
    with page.expect_response("**/session/lock") as answer:
        page.clock.fast_forward(PAST_THE_LOCK)
    assert answer.value.status == 204
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible()


def unlock(page: Page, password: str) -> None:
    """Type the password and wait for the server's answer."""
    with page.expect_response("**/session/unlock"):
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Unlock").click()


def wait_for_listener(web_app: WebApp) -> None:
    live = web_app.services.alerts.live
    deadline = time.monotonic() + 10
    while live.subscriber_count == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live.subscriber_count == 1, "the page listens to the live alert stream"


def test_every_sign_in_page_shows_the_system_use_notice(page: Page) -> None:
    page.goto("/login")
    expect(page.locator("#system-use")).to_contain_text("criminal justice information")
    expect(page.locator("#system-use")).to_contain_text("monitored")
    expect(page.locator("#liability")).to_contain_text("1798.90.54")


def test_an_idle_page_locks_hides_its_plates_and_unlocks_only_with_the_password(
    page: Page, stolen: WebApp
) -> None:
    stolen.ingest(LISTED, index=1)
    page.clock.install()
    open_alerts(page, stolen)
    expect(card_of(page, LISTED)).to_have_count(1)
    lock_by_idling(page)
    assert LISTED not in page.inner_text("body"), "the locked page shows no plate"
    expect(page.locator("main")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    shoot(page, "screen-locked")

    unlock(page, "not my password at all")
    expect(page.get_by_role("alert")).to_contain_text("wrong password")
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible()
    assert LISTED not in page.inner_text("body")
    # Another person's valid password is no better: the insider at an unattended desk.
    unlock(page, PASSWORD + " of someone else")
    expect(page.get_by_role("alert")).to_contain_text("wrong password")

    unlock(page, PASSWORD)
    expect(page.get_by_role("heading", name=LOCKED)).to_have_count(0)
    expect(card_of(page, LISTED)).to_be_visible()


def test_an_alert_while_locked_is_counted_not_shown(page: Page, stolen: WebApp) -> None:
    page.clock.install()
    open_alerts(page, stolen)
    expect(page.get_by_text("No hit waits for verification.")).to_be_visible()
    wait_for_listener(stolen)
    lock_by_idling(page)
    stolen.ingest(LISTED, index=2)
    expect(page.get_by_role("status")).to_contain_text("1 new alert arrived")
    expect(page).to_have_title("(1) Screen locked · PlateKeeper")
    assert LISTED not in page.content(), "no plate reached the locked page, hidden or not"
    assert stolen.services.alerts.live.subscriber_count == 1, "it went on listening"
    shoot(page, "screen-locked-alert")

    unlock(page, PASSWORD)
    expect(card_of(page, LISTED)).to_have_count(1)
    expect(page).to_have_title("Alerts · PlateKeeper")


def test_a_reload_or_another_page_shows_only_the_lock_screen(page: Page, web_app: WebApp) -> None:
    page.clock.install()
    sign_in(page, web_app.person(Role.ANALYST), next_path="/account")
    lock_by_idling(page)
    page.reload()
    expect(page).to_have_url(f"{web_app.base_url}/session/locked?next=%2Faccount")
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    refused = page.request.get("/api/v1/auth/me")
    assert (refused.status, refused.json()["code"]) == (401, "session_locked")
    page.goto("/search")
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible()

    # The lock screen without script: its form posts the password, and a wrong one is refused.
    unlock(page, "not my password at all")
    expect(page.get_by_role("alert")).to_contain_text("wrong password")
    unlock(page, PASSWORD)
    expect(page).to_have_url(f"{web_app.base_url}/search")
    assert page.request.get("/api/v1/auth/me").status == 200


def test_a_custodian_releases_a_locked_username_on_the_people_page(
    page: Page, web_app: WebApp
) -> None:
    accounts = web_app.services.accounts
    for _ in range(web_app.services.settings.accounts.lockout_failures):
        with pytest.raises(AuthenticationFailed):
            accounts.login("avery", "not the password at all", "203.0.113.7")
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/people/avery")
    expect(page.locator("[data-locked]")).to_have_text("locked")
    page.get_by_role("button", name="Release the lock").click()
    expect(page.get_by_role("status")).to_have_text("The sign-in lock was released.")
    expect(page.locator("[data-locked]")).to_have_count(0)
    expect(page.get_by_role("button", name="Release the lock")).to_have_count(0)
    # Released: avery signs in again, both steps, from another address.
    Authenticators.of(web_app.services).sign_in("avery", PASSWORD, "203.0.113.8")
    [released] = web_app.services.store.access_log.find(
        AccessFilter(username="casey", action="accounts:unlock")
    )
    assert released.event.query == {"username": "avery"}
