"""A read's detail and a vehicle's history in the browser: purpose first, images through the
audited API, positions on an offline map, and plate text shown as text, never as markup."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Dialog, Locator, Page, expect

from platekeeper.domain import GeoPoint
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.people import Role
from platekeeper.errors import InvalidInput
from platekeeper.store.protocols import AccessFilter
from tests.web.conftest import WebApp, http_get, shoot, sign_in
from tests.web.test_search import CASE, PURPOSE, search, state_basis

SCRIPT_PLATE = "<script>7X"
# Any script whose text or address carries the plate: markup that slipped through escaping.
_INJECTED_SCRIPTS = """() => [...document.querySelectorAll('script')]
    .filter(s => s.textContent.includes('7X') || (s.getAttribute('src') || '').includes('7X'))
    .length"""


def state_basis_and_open(page: Page, button: str) -> None:
    state_basis(page)
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def expect_loaded(image: Locator) -> None:
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0


def test_a_read_asks_for_a_purpose_then_shows_its_images_facts_and_map(
    page: Page, web_app: WebApp
) -> None:
    read = web_app.ingest("7ABC123")
    sign_in(page, web_app.person(Role.ANALYST), next_path=f"/reads/{read.id}")
    expect(page.get_by_role("heading", name="Open a read")).to_be_visible()
    log = web_app.services.store.access_log
    assert log.find(AccessFilter(username="avery", action="reads:view")) == []

    state_basis_and_open(page, "Open the read")
    expect(page.get_by_role("heading", name="Read of 7ABC123", level=1)).to_be_visible()
    expect_loaded(page.get_by_role("img", name="Plate crop of the read 7ABC123"))
    expect_loaded(page.get_by_role("img", name="Full image of the read 7ABC123"))
    facts = page.locator("dl")
    expect(facts).to_contain_text(web_app.camera.name)
    expect(facts).to_contain_text("2026-11-28 03:59:00 PST")
    # The read was taken where its fixed camera stands: one marker, labelled with the camera.
    expect(page.locator("figure#read-map svg g.marker text")).to_have_text(
        [f"{web_app.camera.name} (1)"]
    )
    shoot(page, "read-detail")

    [view] = log.find(AccessFilter(username="avery", action="reads:view"))
    assert view.event.outcome is AccessOutcome.ALLOWED
    assert (view.event.purpose_code, view.event.case_number) == (PURPOSE, CASE)
    images = log.find(AccessFilter(username="avery", action="images:view"))
    assert sorted(entry.event.query["image"] for entry in images) == ["crop", "full"]
    assert all(entry.event.case_number == CASE for entry in images)


def test_a_read_with_a_malformed_case_is_refused_on_the_page_and_logged(
    page: Page, web_app: WebApp
) -> None:
    read = web_app.ingest("7ABC123")
    sign_in(page, web_app.person(Role.OFFICER), next_path=f"/reads/{read.id}")
    state_basis(page, case_number="see notes")
    page.get_by_role("button", name="Open the read").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Case number: “see notes” is not a case number in the agency's format, which looks "
        "like 2026-000123"
    )
    expect(page.get_by_label("Case number")).to_have_value("see notes")
    [refused] = web_app.services.store.access_log.find(
        AccessFilter(username="olivia", action="reads:view")
    )
    assert refused.event.outcome is AccessOutcome.DENIED


def test_a_plate_text_holding_markup_renders_as_text(page: Page, web_app: WebApp) -> None:
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    # Markup is no plate: a camera sending it is refused, naming the character, not stored.
    with pytest.raises(InvalidInput, match="LESS-THAN SIGN"):
        web_app.ingest(SCRIPT_PLATE)
    sign_in(page, web_app.person(Role.ANALYST), next_path="/search")
    page.get_by_label("Plate (exact)").fill(SCRIPT_PLATE)
    state_basis(page)
    search(page)
    expect(page.get_by_role("alert")).to_contain_text("LESS-THAN SIGN")
    expect(page.get_by_label("Plate (exact)")).to_have_value(SCRIPT_PLATE)
    assert page.evaluate(_INJECTED_SCRIPTS) == 0
    assert dialogs == []


def test_a_vehicle_history_needs_a_purpose_then_shows_a_timeline_and_a_map(
    page: Page, web_app: WebApp
) -> None:
    now = web_app.clock.now()
    web_app.ingest("7ABC123", index=0)
    web_app.ingest("7ABC123", index=1, captured_at=now - timedelta(hours=3))
    moving = GeoPoint(38.6000, -121.4500)
    web_app.ingest(
        "7ABC123", index=2, camera=web_app.patrol_car, location=moving,
        captured_at=now - timedelta(days=1, hours=2),
    )  # fmt: skip
    web_app.ingest("5DEF456", index=3)
    sign_in(page, web_app.person(Role.ANALYST), next_path="/vehicles/7ABC123")
    expect(page.get_by_role("heading", name="Why you need this history")).to_be_visible()
    expect(page.locator("table.timeline")).to_have_count(0)
    log = web_app.services.store.access_log
    assert log.find(AccessFilter(username="avery", action="vehicles:history")) == []

    state_basis_and_open(page, "Show the history")
    timeline = page.get_by_role("region", name="Timeline")
    days = timeline.locator("li.day h3")
    expect(days).to_have_text(
        [
            "Saturday 2026-11-28 · 2 reads (America/Los_Angeles)",
            "Friday 2026-11-27 · 1 read (America/Los_Angeles)",
        ]
    )
    expect(timeline.locator("li.moment time.at")).to_have_text(
        ["03:59:00 PST", "01:00:00 PST", "02:00:00 PST"]  # the agency's clock
    )
    expect(timeline).to_contain_text(web_app.patrol_car.name)
    # Each moment shows its crop, inlined in the page: no image request, no access of its own.
    thumbnails = timeline.get_by_role("img", name="Plate crop of 7ABC123")
    expect(thumbnails).to_have_count(3)
    for index in range(3):
        expect_loaded(thumbnails.nth(index))
        assert (thumbnails.nth(index).get_attribute("src") or "").startswith("data:image/jpeg")
    markers = page.locator("figure#history-map svg g.marker")
    expect(markers).to_have_count(2)  # the fixed camera's spot, and the patrol car's
    expect(markers.locator("text")).to_contain_text([f"{web_app.camera.name} (2)"])
    # The patrol car's read is drawn where it was taken, as a patrol car's.
    expect(page.locator("figure#history-map svg g.marker.patrol")).to_have_count(1)
    shoot(page, "vehicle-history")

    [history] = log.find(AccessFilter(username="avery", action="vehicles:history"))
    assert history.event.outcome is AccessOutcome.ALLOWED
    assert history.event.case_number == CASE
    assert len(history.event.read_ids) == 3
    assert len(history.event.image_refs) == 3
    assert log.find(AccessFilter(username="avery", action="images:view")) == []

    page.get_by_label("From (America/Los_Angeles)").fill("2026-11-28T00:00:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Show again").click()
    expect(days).to_have_text(["Saturday 2026-11-28 · 2 reads (America/Los_Angeles)"])


def test_the_history_on_screen_exports_as_csv_and_pdf_each_logged_as_an_export(
    page: Page, web_app: WebApp
) -> None:
    now = web_app.clock.now()
    older = web_app.ingest("7ABC123", index=1, captured_at=now - timedelta(days=2))
    newer = web_app.ingest("7ABC123", index=0)
    web_app.ingest("5DEF456", index=2)
    sign_in(page, web_app.person(Role.ANALYST), next_path="/vehicles/7ABC123")
    state_basis_and_open(page, "Show the history")
    page.get_by_label("From (America/Los_Angeles)").fill(
        f"{now - timedelta(days=1):%Y-%m-%dT%H:%M:%S}"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Show again").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == f"history-{CASE}-page-1.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["read_id"] for row in rows] == [newer.id]
    pacific = newer.captured_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert rows[0]["captured_at_local"] == pacific.isoformat(timespec="microseconds")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF with the crops").click()
    assert download.value.suggested_filename == f"history-{CASE}-page-1.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    exports = web_app.services.store.access_log.find(
        AccessFilter(username="avery", action="reads:export")
    )
    assert sorted(entry.event.query["export"] for entry in exports) == ["csv", "pdf"]
    for entry in exports:
        assert entry.event.case_number == CASE
        assert entry.event.query["plate"] == "7ABC123"
        assert entry.event.read_ids == (newer.id,)
        assert older.id not in entry.event.read_ids


def test_an_officer_sees_a_read_but_no_vehicle_history(page: Page, web_app: WebApp) -> None:
    read = web_app.ingest("7ABC123")
    sign_in(page, web_app.person(Role.OFFICER), next_path=f"/reads/{read.id}")
    state_basis_and_open(page, "Open the read")
    expect(page.get_by_role("heading", name="Read of 7ABC123")).to_be_visible()
    expect(page.get_by_role("link", name="Vehicle history")).to_have_count(0)
    officer = web_app.person(Role.OFFICER)
    response = http_get(
        f"{web_app.base_url}/vehicles/7ABC123",
        params={"purpose": PURPOSE, "case_number": CASE},
        headers={**officer.headers, "Accept": "text/html"},
    )
    assert response.status_code == 403
    assert response.headers["cache-control"] == "no-store"


def test_pages_of_plate_data_are_never_cached(web_app: WebApp) -> None:
    read = web_app.ingest("7ABC123")
    analyst = web_app.person(Role.ANALYST)
    basis = {"purpose": PURPOSE, "case_number": CASE}
    for path, params in [
        ("/search", {"plate": "7ABC123", **basis}),
        (f"/reads/{read.id}", basis),
        ("/vehicles/7ABC123", basis),
    ]:
        response = http_get(f"{web_app.base_url}{path}", params=params, headers=analyst.headers)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
        assert "7ABC123" in response.text
