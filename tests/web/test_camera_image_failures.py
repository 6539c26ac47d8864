"""The cameras page tells the custodian which cameras' images sent as URLs could not be fetched,
and why (the host and status, never the URL)."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from platekeeper.domain.people import Role
from platekeeper.store.protocols.image_fetches import PendingFetch
from tests.web.conftest import WebApp, sign_in

_URL = "https://images.example.invalid/lpr/made-up.jpg?signature=made-up-secret"


def test_images_given_up_on_are_shown_by_camera(page: Page, web_app: WebApp) -> None:
    fetches = web_app.services.store.image_fetches
    now = web_app.clock.now()
    for index, reason in enumerate(["images.example.invalid answered 404", "the latest reason"]):
        read = web_app.ingest(
            "7ABC123", index=index, captured_at=now - timedelta(minutes=9 - index)
        )
        fetches.queue(PendingFetch(read.id, read.camera_id, _URL, 0, now))
        fetches.fail(read.id, 1, reason, now - timedelta(minutes=5 - index))

    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/cameras")

    row = page.locator(f"#image-failures-{web_app.camera.id}")
    expect(row).to_contain_text("2")
    expect(row).to_contain_text("the latest reason")
    expect(page.get_by_role("heading", name="Images not fetched")).to_be_visible()
    assert "made-up-secret" not in page.content()


def test_no_section_without_failures(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/cameras")

    expect(page.get_by_role("heading", name="Cameras", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Images not fetched")).to_have_count(0)
