"""The app served for real, and Debian's Chromium driven by Playwright against it.

Chromium comes from Debian (``scripts/setup --dev`` installs it); Playwright never downloads a
browser here. Each test gets a fresh app on SQLite with one person per role, and a fresh browser
context, so cookies never leak from one journey into the next. ``shoot`` saves a screenshot of a
page under ``artifacts/screenshots/`` for people to look at; nothing there is committed.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from platekeeper.app import create_app
from platekeeper.config import Settings
from platekeeper.demo.render import (
    crop_plate,
    encode_jpeg,
    render_plate,
    render_scene,
    style_for_region,
)
from platekeeper.domain import Camera, CameraKind, GeoPoint, PlateBox, PlateRead, Point
from platekeeper.domain.people import Role
from platekeeper.ingest.service import IngestItem
from platekeeper.services import Services
from tests.api.people import PASSWORD, Person, staff
from tests.conftest import (
    NOW,
    FixedClock,
    build_test_services,
    make_agency,
    make_camera,
    make_submission,
)
from tests.ports import free_port, served

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ENV = "PLATEKEEPER_TEST_CHROMIUM"
REQUIRE_ENV = "PLATEKEEPER_TEST_REQUIRE_BROWSER"
CAMERA_SPOT = GeoPoint(38.5816, -121.4944)
# Without these, Chromium calls Google's services at start, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def chromium_path() -> str:
    path = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"Chromium is not at {path} but the browser tests are required")
        pytest.skip("install Debian's chromium (scripts/setup --dev does) to run browser tests")
    return path


# Per module, not per session: Playwright's sync API keeps an event loop running in this thread
# while it is open, and tests elsewhere that call asyncio.run() would fail after these.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


@dataclass
class WebApp:
    """The running app, its services, the people of its agency and its cameras."""

    base_url: str
    services: Services
    clock: FixedClock
    people: dict[Role, Person]
    camera: Camera
    patrol_car: Camera

    def person(self, role: Role) -> Person:
        return self.people[role]

    def ingest(
        self,
        plate_text: str,
        *,
        index: int = 0,
        camera: Camera | None = None,
        captured_at: datetime | None = None,
        location: GeoPoint | None = CAMERA_SPOT,
    ) -> PlateRead:
        """A read of ``plate_text`` stored as a camera would send it, with a drawn photo."""
        camera = camera or self.camera
        rng = random.Random(f"{plate_text}-{index}")
        plate = render_plate(plate_text, style_for_region("us-ca"))
        frame, corners = render_scene(plate, rng, size=(640, 360))
        crop = crop_plate(frame, corners)
        top_left, top_right, bottom_right, bottom_left = (
            Point(round(corner.x), round(corner.y)) for corner in corners
        )
        box = PlateBox((top_left, top_right, bottom_right, bottom_left))
        submission = replace(
            make_submission(
                index,
                plate_text=plate_text,
                captured_at=captured_at or self.clock.now() - timedelta(minutes=index + 1),
                location=location,
            ),
            box=box,
        )
        item = IngestItem(submission, encode_jpeg(frame, 85), encode_jpeg(crop, 90))
        [stored] = self.services.ingest.ingest(camera, [item])
        read = self.services.store.reads.get(stored.read_id)
        assert read is not None
        return read


@pytest.fixture
def web_port() -> int:
    return free_port()


@pytest.fixture
def web_settings(settings: Settings, web_port: int) -> Settings:
    # Tests speak plain HTTP to 127.0.0.1; production cookies stay Secure. Passkeys need a
    # domain name, never an address: pages that use one are opened as http://localhost.
    accounts = settings.accounts.model_copy(
        update={"cookie_secure": False, "webauthn_origins": (f"http://localhost:{web_port}",)}
    )
    return settings.model_copy(update={"accounts": accounts})


@pytest.fixture
def web_app(web_settings: Settings, web_port: int) -> Iterator[WebApp]:
    clock = FixedClock(NOW)
    services = build_test_services(web_settings, clock)
    services.store.agencies.add(make_agency())
    camera, _ = make_camera("main-st-north")
    patrol_car, _ = make_camera("patrol-12", kind=CameraKind.MOBILE)
    services.store.cameras.add(camera)
    services.store.cameras.add(patrol_car)
    people = staff(services)
    with served(create_app(services), web_port) as base_url:
        yield WebApp(base_url, services, clock, people, camera, patrol_car)
    services.close()


HTTP_TIMEOUT_S = 30.0
"""A plain request's wait, as long as a page load's: a fresh app's first answer on a loaded
two-core CI machine has taken over httpx's default 5 s."""


def http_get(url: str, **options: Any) -> httpx.Response:
    """``httpx.get`` with the suite's wait: every plain request of the browser tests uses it."""
    return httpx.get(url, timeout=HTTP_TIMEOUT_S, **options)


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A browser context with the suite's waits: every test's context comes from here."""
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    # A page load waits for its styles, scripts and fonts; on a loaded two-core CI machine a
    # fresh app's first load has taken over 10 s, so navigation alone gets more room.
    context.set_default_navigation_timeout(30_000)
    return context


@pytest.fixture
def page(browser: Browser, web_app: WebApp) -> Iterator[Page]:
    context = new_context(
        browser, base_url=web_app.base_url, viewport={"width": 1280, "height": 900}
    )
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    yield opened
    context.close()
    assert not problems, f"the page's script failed: {problems}"


def sign_in(page: Page, person: Person, next_path: str | None = None) -> None:
    """Sign in through the login page, as a person would."""
    page.goto("/login" if next_path is None else f"/login?next={next_path}")
    page.get_by_label("Username").fill(person.account.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    second_step(page, person)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def second_step(page: Page, person: Person) -> None:
    """The code from the person's test authenticator, on the page after the password."""
    page.get_by_label("Code from your authenticator app").fill(person.code())
    page.get_by_role("button", name="Sign in").click()


def shoot(page: Page, name: str) -> Path:
    """A full-page screenshot of ``page`` as ``artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
