"""The officer's alert desk in the browser: a hit is seen with its warnings, verified with its
three checks or rejected with a reason, and its outcome recorded; new hits arrive live."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Locator, Page, expect

from platekeeper.domain.access import Actor
from platekeeper.domain.hotlists import AlertLevel, HitOutcome, HitStatus, ListSource
from platekeeper.domain.people import Role
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.hotlists.service import Editor
from platekeeper.store.protocols import AccessFilter, HitFilter
from tests.web.conftest import WebApp, shoot, sign_in

PURPOSE = "alert-verification"
CASE = "2026-004242"
LISTED = "7ABC123"
SUPERVISOR = Editor(Actor("sam", "demo-pd"), frozenset({Role.SUPERVISOR}))


@pytest.fixture
def stolen(web_app: WebApp) -> WebApp:
    """The agency's stolen-vehicle list, with one California plate, as a supervisor made it."""
    hotlists = web_app.services.hotlists
    hotlists.create_list(
        SUPERVISOR,
        list_id="stolen",
        name="Stolen vehicles",
        source=ListSource.MANUAL,
        priority=1,
        alert_level=AlertLevel.CRITICAL,
        covert=False,
    )
    draft = EntryDraft(plate=LISTED, reason="stolen vehicle", state="CA", case_number="2026-000777")
    hotlists.add_entry(SUPERVISOR, "stolen", draft)
    web_app.services.hotlist_matcher.reload()
    return web_app


def open_alerts(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.OFFICER), next_path="/alerts")
    page.get_by_label("Purpose").select_option(PURPOSE)
    page.get_by_label("Case number").fill(CASE)
    page.get_by_role("button", name="Show the alerts").click()
    expect(page.get_by_role("heading", name="Hits of the agency")).to_be_visible()


def card_of(page: Page, plate: str) -> Locator:
    return page.locator("article.hit-card").filter(has=page.locator(".plate", has_text=plate))


def choose(card: Locator, label: str, value: str, button: str) -> None:
    card.get_by_label(label).select_option(value)
    card.get_by_role("button", name=button).click()


def only_hit(web_app: WebApp) -> str:
    [hit] = web_app.services.store.hits.list(HitFilter())
    return hit.id


def test_an_officer_verifies_a_hit(page: Page, stolen: WebApp) -> None:
    stolen.ingest(LISTED, index=1)
    open_alerts(page, stolen)
    card = card_of(page, LISTED)
    expect(card).to_have_count(1)
    expect(card.get_by_text("Stolen vehicles")).to_be_visible()
    expect(card.locator(".hit-warnings")).to_contain_text("unverified")
    expect(card.get_by_role("img", name="The plate as the camera saw it")).to_be_visible()
    expect(card.locator("[data-status]")).to_have_text("Awaiting verification")
    shoot(page, "alerts")

    card.get_by_label("The characters match the image").check()
    card.get_by_label("The state matches the image and the entry").check()
    card.get_by_role("button", name="Confirm the hit").click()
    expect(card.get_by_role("alert")).to_contain_text("still active in its source system")
    expect(card.get_by_label("The characters match the image")).to_be_checked()  # kept

    card.get_by_label("The entry is still active in its source system").check()
    card.get_by_role("button", name="Confirm the hit").click()
    expect(card.get_by_role("status")).to_contain_text("Confirmed by olivia")
    choose(card, "What came of it", "stop", "Record the outcome")
    expect(card.get_by_role("status")).to_contain_text("Outcome: Stop,")
    shoot(page, "alert-verified")

    hit = stolen.services.store.hits.get(only_hit(stolen))
    assert hit is not None
    assert (hit.status, hit.verified_by, hit.outcome) == (
        HitStatus.CONFIRMED,
        "olivia",
        HitOutcome.STOP,
    )
    log = stolen.services.store.access_log
    steps = log.find(AccessFilter(username="olivia", action="alerts:verify"))
    assert [(s.event.query["step"], s.event.outcome.value) for s in reversed(steps)] == [
        ("confirm", "denied"),
        ("confirm", "allowed"),
        ("outcome", "allowed"),
    ]
    views = log.find(AccessFilter(username="olivia", action="alerts:view"))
    assert views, "the officer's looks at the hit are in the access log"
    assert all(v.event.case_number == CASE for v in views)
    # The crop came with the list, logged in the list's own access, never fetched apart.
    assert any(v.event.query.get("crops") == "yes" and v.event.image_refs for v in views)
    assert not any(v.event.query.get("image") == "crop" for v in views)


def test_a_new_hit_appears_without_a_reload(page: Page, stolen: WebApp) -> None:
    open_alerts(page, stolen)
    expect(page.get_by_text("No hit waits for verification.")).to_be_visible()
    live = stolen.services.alerts.live
    deadline = time.monotonic() + 10
    while live.subscriber_count == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live.subscriber_count == 1, "the page listens to the live alert stream"
    stolen.ingest(LISTED, index=2)
    expect(card_of(page, LISTED)).to_have_count(1)
    expect(page.get_by_text("No hit waits for verification.")).to_have_count(0)


def test_rejecting_needs_a_reason_and_a_rejected_hit_never_leads_to_a_stop(
    page: Page, stolen: WebApp
) -> None:
    stolen.ingest("7A8C123", index=3)  # B read as 8
    open_alerts(page, stolen)
    card = card_of(page, "7A8C123")
    expect(card.locator(".hit-warnings")).to_contain_text("not an exact match")
    hit_id = only_hit(stolen)

    card.get_by_role("button", name="Reject the hit").click()  # no reason chosen
    expect(card.locator("select[name=reason]:invalid")).to_have_count(1)
    form = {"purpose": PURPOSE, "case_number": CASE, "reason": ""}
    refused = page.request.post(
        f"/alerts/{hit_id}/reject",
        form={**form, "csrf_token": csrf_of(page)},
        headers={"HX-Request": "true"},
    )
    assert refused.status == 422
    assert "reason is required" in refused.text()
    without_script = page.request.post(
        f"/alerts/{hit_id}/reject", form={**form, "csrf_token": csrf_of(page)}
    )
    assert without_script.status == 422
    assert "<h1>Hit on Stolen vehicles</h1>" in without_script.text()
    assert "reason is required" in without_script.text()
    still = stolen.services.store.hits.get(hit_id)
    assert still is not None
    assert still.status is HitStatus.PENDING

    choose(card, "Reason", "other", "Reject the hit")
    expect(card.get_by_role("alert")).to_contain_text("needs a note")
    choose(card, "Reason", "misread", "Reject the hit")
    expect(card.get_by_role("status")).to_contain_text("Rejected by olivia")
    # A rejected hit is not offered a stop or an arrest, and a forged form is refused.
    expect(card.locator("select[name=outcome] option[value=stop]")).to_have_count(0)
    expect(card.locator("select[name=outcome] option[value=arrest]")).to_have_count(0)
    forged = page.request.post(
        f"/alerts/{hit_id}/outcome",
        form={
            "purpose": PURPOSE,
            "case_number": CASE,
            "outcome": "stop",
            "csrf_token": csrf_of(page),
        },
        headers={"HX-Request": "true"},
    )
    assert forged.status == 422
    assert "a rejected hit cannot have led to a stop" in forged.text()
    choose(card, "What came of it", "false-hit", "Record the outcome")
    expect(card.get_by_role("status")).to_contain_text("Outcome: False hit,")
    rejected = stolen.services.store.hits.get(hit_id)
    assert rejected is not None
    assert (rejected.status, rejected.outcome) == (HitStatus.REJECTED, HitOutcome.FALSE_HIT)


def test_the_alerts_ask_a_purpose_first_and_keep_what_was_typed(page: Page, stolen: WebApp) -> None:
    stolen.ingest(LISTED, index=4)
    sign_in(page, stolen.person(Role.OFFICER), next_path="/alerts")
    expect(page.locator("article.hit-card")).to_have_count(0)
    page.get_by_label("Purpose").select_option(PURPOSE)
    page.get_by_label("Case number").fill("not a case")
    page.get_by_role("button", name="Show the alerts").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Case number")).to_have_value("not a case")
    expect(page.get_by_label("Purpose")).to_have_value(PURPOSE)
    expect(page.locator("article.hit-card")).to_have_count(0)


def test_a_hit_has_a_page_with_the_full_image(page: Page, stolen: WebApp) -> None:
    stolen.ingest(LISTED, index=5)
    open_alerts(page, stolen)
    card_of(page, LISTED).get_by_role("link", name="Full image and details").click()
    expect(page.get_by_role("heading", name="Hit on Stolen vehicles")).to_be_visible()
    image = page.get_by_role("img", name="The camera's full image of the car")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") == 640
    shoot(page, "alert-detail")


def csrf_of(page: Page) -> str:
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token
    return token
