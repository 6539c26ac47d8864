"""Cameras in the browser: the agency's cameras with their last contact, registering one (its key
shown once), changing status and rotating the key."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from platekeeper.domain import CameraStatus
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.people import Role
from platekeeper.store.protocols import AccessFilter
from tests.web.conftest import WebApp, shoot, sign_in


def test_the_cameras_are_listed_with_their_last_contact(page: Page, web_app: WebApp) -> None:
    web_app.ingest("7ABC123")
    web_app.services.store.cameras.record_contact(
        "patrol-12", web_app.clock.now() - timedelta(hours=3)
    )
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/cameras")
    fixed = page.locator("#camera-main-st-north")
    expect(fixed).to_contain_text("2026-11-28 04:00 PST")
    expect(fixed).to_contain_text("38.58160, -121.49440")
    expect(fixed.get_by_text("silent")).to_have_count(0)
    mobile = page.locator("#camera-patrol-12")
    expect(mobile).to_contain_text("mobile")
    expect(mobile).to_contain_text("2026-11-28 01:00 PST")
    expect(mobile.get_by_text("silent", exact=True)).to_be_visible()
    shoot(page, "cameras")


def test_a_registered_cameras_key_is_shown_once_and_works(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/cameras")
    form = page.get_by_role("region", name="Register a camera")
    form.get_by_label("Id").fill("j-st-east")
    form.get_by_label("Name").fill("J St & 5th, eastbound")
    form.get_by_label("Kind").select_option("fixed")
    form.get_by_label("Latitude").fill("38.5802")
    form.get_by_label("Longitude").fill("-121.4921")
    form.get_by_label("Heading").fill("90")
    form.get_by_role("button", name="Register the camera").click()

    expect(page.get_by_role("heading", name="Camera j-st-east is registered")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("shown only this once")
    key = page.get_by_label("Ingest key of j-st-east").input_value()
    assert key.startswith("pkc_")
    assert web_app.services.ingest.authenticate(key).id == "j-st-east"
    page.get_by_role("link", name="Back to the cameras").click()
    expect(page.locator("#camera-j-st-east")).to_contain_text("J St & 5th, eastbound")
    assert key not in page.content()
    [event] = web_app.services.store.access_log.find(AccessFilter(action="cameras:register"))
    assert (event.event.actor.username, event.event.outcome) == ("casey", AccessOutcome.ALLOWED)


def test_a_refused_registration_keeps_what_was_typed(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/cameras")
    form = page.get_by_role("region", name="Register a camera")
    form.get_by_label("Id").fill("k-st")
    form.get_by_label("Name").fill("K St")
    form.get_by_label("Heading").fill("90")
    form.get_by_role("button", name="Register the camera").click()
    expect(form.get_by_role("alert")).to_contain_text("has no location")
    expect(form.get_by_label("Id")).to_have_value("k-st")
    expect(form.get_by_label("Heading")).to_have_value("90")
    assert web_app.services.store.cameras.get("k-st") is None


def test_status_and_key_rotation(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/cameras")
    row = page.locator("#camera-patrol-12")
    row.get_by_label("Status of patrol-12", exact=True).select_option("maintenance")
    row.get_by_role("button", name="Change the status of patrol-12").click()
    expect(page.get_by_role("status")).to_have_text("The camera's status was changed.")
    camera = web_app.services.store.cameras.get("patrol-12")
    assert camera is not None
    assert camera.status is CameraStatus.MAINTENANCE

    page.locator("#camera-main-st-north").get_by_role(
        "button", name="Rotate the key of main-st-north"
    ).click()
    expect(page.get_by_role("alert")).to_contain_text("old key no longer works")
    key = page.get_by_label("Ingest key of main-st-north").input_value()
    assert web_app.services.ingest.authenticate(key).id == "main-st-north"
    rotated = web_app.services.store.cameras.get("main-st-north")
    assert rotated is not None
    assert rotated.api_key_hash != web_app.camera.api_key_hash


def test_people_without_policy_rights_are_refused(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.ANALYST), next_path="/account")
    response = page.goto("/cameras")
    assert response is not None
    assert response.status == 403
    refusals = web_app.services.store.access_log.find(AccessFilter(action="policy:manage"))
    assert [(r.event.actor.username, r.event.outcome) for r in refusals] == [
        ("avery", AccessOutcome.DENIED)
    ]
