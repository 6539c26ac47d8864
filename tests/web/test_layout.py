"""Every main page fits the screen it is shown on, prints without its navigation, and follows the
system's dark setting with readable contrast.

A page whose table is wider than a phone must scroll that table inside its own box (or stack its
rows), never the whole document sideways. The pages are filled with some of everything first (a
hot list, reads and their hits, people and cameras), so that the tables have rows to overflow
with. Each page is photographed at both widths into ``artifacts/screenshots/``.
"""

from __future__ import annotations

from typing import Any, Literal

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from platekeeper.domain.people import Role
from tests.web.conftest import SCREENSHOTS, WebApp, new_context, sign_in
from tests.web.test_accessibility import AUDIT_SCRIPT
from tests.web.test_dashboard import LISTED, lists_of

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
SEARCH = "/search?plate=&camera_id=main-st-north&purpose=stolen-vehicle&case_number=2026-000123"

PAGES: list[tuple[str, Role | None, str]] = [
    ("home", None, "/"),
    ("login", None, "/login"),
    ("transparency", None, "/transparency"),
    ("dashboard", Role.OFFICER, "/dashboard"),
    ("account", Role.OFFICER, "/account"),
    ("alerts", Role.OFFICER, "/alerts"),
    ("search", Role.ANALYST, "/search"),
    ("search-results", Role.ANALYST, SEARCH),
    ("hotlists", Role.ANALYST, "/hotlists"),
    ("hotlist", Role.ANALYST, "/hotlists/stolen"),
    ("holds", Role.SUPERVISOR, "/holds"),
    ("cameras", Role.CUSTODIAN, "/cameras"),
    ("people", Role.CUSTODIAN, "/people"),
    ("sharing", Role.CUSTODIAN, "/sharing"),
    ("access-log", Role.AUDITOR, "/audit"),
    ("signals", Role.AUDITOR, "/audit/signals"),
    ("retention", Role.AUDITOR, "/retention"),
    ("reports", Role.AUDITOR, "/reports"),
]

# The document's width beyond the window, and the elements that stick out past its right edge,
# so that a failure names what to fix.
OVERFLOW_SCRIPT = """
() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  const scrolled = (el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(node).overflowX)) return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0 && !scrolled(el)) {
      wide.push(el.tagName.toLowerCase() + "." + el.className + " " + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
          wide: wide.slice(0, 8)};
}
"""


def fill(web_app: WebApp) -> None:
    """Some of everything, so that each page's tables have rows."""
    lists_of(web_app)
    for index in range(3):
        web_app.ingest(LISTED, index=index)
    for index, plate in enumerate(("5DEF456", "8OLD888", "6CAR777"), start=10):
        web_app.ingest(plate, index=index)


def open_as(
    browser: Browser,
    web_app: WebApp,
    role: Role | None,
    viewport: ViewportSize,
    scheme: Literal["light", "dark"] = "light",
) -> Page:
    context = new_context(
        browser, base_url=web_app.base_url, viewport=viewport, color_scheme=scheme
    )
    page = context.new_page()
    if role is not None:
        sign_in(page, web_app.person(role))
    return page


@pytest.mark.parametrize(("name", "role", "path"), PAGES, ids=[name for name, _, _ in PAGES])
def test_every_main_page_fits_a_phone_and_a_laptop_without_sideways_scrolling(
    browser: Browser, web_app: WebApp, name: str, role: Role | None, path: str
) -> None:
    fill(web_app)
    for label, viewport in (("390", PHONE), ("1366", DESKTOP)):
        page = open_as(browser, web_app, role, viewport)
        try:
            response = page.goto(path)
            assert response is not None
            assert response.status == 200, path
            measured: dict[str, Any] = page.evaluate(OVERFLOW_SCRIPT)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
            assert measured["scroll"] <= measured["inner"], (label, measured)
        finally:
            page.context.close()


DARK_PAGES = [p for p in PAGES if p[0] not in ("search-results",)]


@pytest.mark.parametrize(
    ("name", "role", "path"), DARK_PAGES, ids=[name for name, _, _ in DARK_PAGES]
)
def test_every_main_page_in_the_dark_theme_keeps_its_contrast(
    browser: Browser, web_app: WebApp, name: str, role: Role | None, path: str
) -> None:
    fill(web_app)
    page = open_as(browser, web_app, role, DESKTOP, "dark")
    try:
        page.goto(path)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background != "rgb(246, 247, 249)", "the page ignored the dark setting"
        if name in ("dashboard", "search-results", "alerts"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-dark.png"), full_page=True)
        assert page.evaluate(AUDIT_SCRIPT) == []
    finally:
        page.context.close()


def test_a_printed_page_has_no_navigation_and_its_tables_whole(
    browser: Browser, web_app: WebApp
) -> None:
    fill(web_app)
    page = open_as(browser, web_app, Role.CUSTODIAN, PHONE)
    try:
        page.goto("/cameras")
        table = page.get_by_role("table").first
        assert table.evaluate("t => getComputedStyle(t).overflowX") == "auto"  # on the phone
        page.emulate_media(media="print", color_scheme="dark")
        assert not page.get_by_role("navigation", name="Main").is_visible()
        assert not page.get_by_role("button", name="Sign out").is_visible()
        assert table.evaluate("t => getComputedStyle(t).display") == "table"
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == (
            "rgb(255, 255, 255)"
        )
        pdf = page.pdf(format="Letter")
        assert pdf.startswith(b"%PDF")
    finally:
        page.context.close()
