"""What anyone sees without signing in: the landing page and the transparency page, in counts."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import WebApp, http_get, shoot

DISTINCTIVE_PLATE = "8QXZ417"


def test_the_transparency_page_shows_counts_but_no_plate(page: Page, web_app: WebApp) -> None:
    read_ids = [web_app.ingest(DISTINCTIVE_PLATE, index=index).id for index in range(3)]
    page.goto("/transparency")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    content = page.content()
    assert DISTINCTIVE_PLATE not in content
    assert not any(read_id in content for read_id in read_ids)
    shoot(page, "transparency")


def test_the_landing_page_counts_reads_without_showing_them(page: Page, web_app: WebApp) -> None:
    web_app.ingest(DISTINCTIVE_PLATE)
    page.goto("/")
    expect(page.get_by_text("Reads stored")).to_be_visible()
    assert DISTINCTIVE_PLATE not in page.content()
    shoot(page, "home")


def test_every_page_has_an_icon_and_the_old_address_of_one_answers(
    page: Page, web_app: WebApp
) -> None:
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto("/login")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon is not None
    svg = http_get(web_app.base_url + icon)
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    ico = http_get(web_app.base_url + "/favicon.ico")
    assert ico.status_code == 200
    assert ico.headers["content-type"] == "image/vnd.microsoft.icon"
    assert ico.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert missing == []
