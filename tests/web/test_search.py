"""The analyst's search in the browser: refused without a purpose, logged either way, and
exact, partial, look-alike, camera and area searches that find the right reads."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from platekeeper.access import Basis, Requester
from platekeeper.config import Settings
from platekeeper.domain import GeoPoint
from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.people import Role
from platekeeper.store.protocols import AccessFilter
from platekeeper.web.maps import tile_of
from tests.web.conftest import WebApp, http_get, shoot, sign_in

PURPOSE = "stolen-vehicle"
CASE = "2026-000123"
PACIFIC = "America/Los_Angeles"
"""The test agency's clock (California's), on which its people type times."""
TYPED = "%Y-%m-%dT%H:%M:%S"


@pytest.fixture
def approval_beyond_days() -> int | None:
    """Unset: no search needs a supervisor's approval. A test parametrizes it to need one."""
    return None


@pytest.fixture
def map_tile_url() -> str | None:
    """Unset: maps are drawn without tiles. A test parametrizes it to draw them."""
    return None


@pytest.fixture
def web_settings(
    web_settings: Settings, approval_beyond_days: int | None, map_tile_url: str | None
) -> Settings:
    access = web_settings.access.model_copy(update={"approval_beyond_days": approval_beyond_days})
    web = web_settings.web.model_copy(update={"map_tile_url": map_tile_url})
    return web_settings.model_copy(update={"access": access, "web": web})


def open_search(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.ANALYST), next_path="/search")
    expect(page.get_by_role("heading", name="Search reads", level=1)).to_be_visible()


def state_basis(page: Page, case_number: str = CASE) -> None:
    page.get_by_label("Purpose").select_option(PURPOSE)
    page.get_by_label("Case number").fill(case_number)


def search(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()


def expect_plates(page: Page, plates: list[str]) -> None:
    """The result table lists ``plates``, newest first."""
    table = page.get_by_role("table", name="Reads matching the search")
    expect(table.locator("tbody .plate")).to_have_text(plates)


def test_a_search_without_purpose_is_refused_then_with_one_succeeds_and_is_logged(
    page: Page, web_app: WebApp
) -> None:
    web_app.ingest("7ABC123", index=0)
    web_app.ingest("7ABC123", index=1)
    web_app.ingest("5DEF456", index=2)
    open_search(page, web_app)
    shoot(page, "search-form")

    page.get_by_label("Plate (exact)").fill("7ABC123")
    search(page)
    refusal = page.get_by_role("alert")
    # In people's words, each field under the label the form shows, never the API's names.
    expect(refusal).to_contain_text("The search was not run")
    expect(refusal.get_by_role("listitem")).to_have_text(
        [
            "Purpose: choose the authorised purpose from the list",
            "Case number: enter the case number this search is for",
        ]
    )
    expect(refusal).not_to_contain_text("case_number")
    expect(page.get_by_label("Case number")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#case_number-error")).to_have_text(
        "enter the case number this search is for"
    )
    expect(page.get_by_role("table", name="Reads matching the search")).to_have_count(0)
    expect(page.get_by_label("Plate (exact)")).to_have_value("7ABC123")  # nothing typed is lost
    log = web_app.services.store.access_log
    [denied] = log.find(AccessFilter(username="avery", action="reads:search"))
    assert denied.event.outcome is AccessOutcome.DENIED
    assert denied.event.query == {"plate": "7ABC123"}

    state_basis(page)
    search(page)
    expect(page.get_by_role("status").first).to_have_text("2 reads found, newest first.")
    expect_plates(page, ["7ABC123", "7ABC123"])
    assert "plate=7ABC123" in page.url
    assert f"case_number={CASE}" in page.url
    shoot(page, "search-results")
    allowed = log.find(
        AccessFilter(username="avery", action="reads:search", outcome=AccessOutcome.ALLOWED)
    )
    assert [(entry.event.purpose_code, entry.event.case_number) for entry in allowed] == [
        (PURPOSE, CASE)
    ]
    assert len(allowed[0].event.read_ids) == 2

    # The search lives in the URL: back shows the refusal again, forward the results.
    page.go_back()
    expect(page.get_by_role("alert")).to_be_visible()
    page.go_forward()
    expect(page.get_by_role("table", name="Reads matching the search")).to_be_visible()


def test_the_results_export_as_csv_with_the_same_criteria_and_basis(
    page: Page, web_app: WebApp
) -> None:
    stored = [web_app.ingest("7ABC123", index=0), web_app.ingest("5DEF456", index=1)]
    open_search(page, web_app)
    page.get_by_label("Partial plate").fill("7AB*")
    state_basis(page)
    search(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == f"reads-{CASE}-page-1.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["plate_text"], row["camera_name"]) for row in rows] == [
        ("7ABC123", web_app.camera.name)
    ]
    [export] = web_app.services.store.access_log.find(
        AccessFilter(username="avery", action="reads:export")
    )
    assert export.event.case_number == CASE
    assert export.event.query == {"plate_pattern": "7AB*", "export": "csv"}
    assert export.event.read_ids == tuple(read.id for read in stored[:1])


def search_among(page: Page, web_app: WebApp, plates: list[str], field: str, value: str) -> None:
    """Store a read of each of ``plates`` (newest first), then search ``field`` for ``value``."""
    for index, plate in enumerate(plates):
        web_app.ingest(plate, index=index)
    open_search(page, web_app)
    page.get_by_label(field).fill(value)
    state_basis(page)
    search(page)


def test_a_partial_plate_finds_the_plates_it_describes(page: Page, web_app: WebApp) -> None:
    plates = ["7ABC123", "7ABD123", "7ABC999", "5DEF456"]
    search_among(page, web_app, plates, "Partial plate", "7AB?123")
    expect_plates(page, ["7ABC123", "7ABD123"])
    page.get_by_label("Partial plate").fill("7AB*9")
    search(page)
    expect_plates(page, ["7ABC999"])
    page.get_by_label("Partial plate").fill("7*9")
    search(page)
    expect(page.get_by_role("alert")).to_contain_text("at least 3 are needed")


def test_tolerating_misreads_finds_look_alike_and_one_off_plates(
    page: Page, web_app: WebApp
) -> None:
    plates = ["7ABC123", "7A8C123", "7ABC1Z3", "7ABC128", "7XBC128"]
    search_among(page, web_app, plates, "Plate (exact)", "7ABC123")
    expect_plates(page, ["7ABC123"])
    page.get_by_label("Tolerate misreads").check()
    search(page)
    # Look-alikes, and one character off (8 for 3); two off (X for A too) is another plate.
    expect_plates(page, ["7ABC123", "7A8C123", "7ABC1Z3", "7ABC128"])
    expect(page.get_by_label("Tolerate misreads")).to_be_checked()
    [latest, *_] = web_app.services.store.access_log.find(
        AccessFilter(username="avery", action="reads:search")
    )
    assert latest.event.query["tolerate_misreads"] == "yes"


def test_a_camera_an_area_and_a_time_range_narrow_the_search(page: Page, web_app: WebApp) -> None:
    at_camera = web_app.ingest("7ABC123", index=0)
    elsewhere = GeoPoint(38.6400, -121.3000)
    web_app.ingest("6CAR777", index=1, camera=web_app.patrol_car, location=elsewhere)
    web_app.ingest("8OLD888", index=2, captured_at=web_app.clock.now() - timedelta(days=3))
    open_search(page, web_app)
    state_basis(page)
    page.get_by_role("combobox", name="Camera").select_option(web_app.camera.id)
    search(page)
    expect_plates(page, ["7ABC123", "8OLD888"])
    page.get_by_label("From (America/Los_Angeles)").fill("2026-11-28T00:00:00")
    search(page)
    expect_plates(page, ["7ABC123"])

    page.get_by_role("combobox", name="Camera").select_option("")
    page.get_by_label("From (America/Los_Angeles)").fill("")
    assert at_camera.location is not None
    for edge, degrees in {"South": 38.5, "West": -121.6, "North": 38.7, "East": -121.4}.items():
        page.get_by_label(edge, exact=True).fill(str(degrees))
    search(page)
    expect_plates(page, ["7ABC123", "8OLD888"])
    expect(page.locator("svg.map rect.area")).to_have_count(1)
    page.get_by_label("North", exact=True).fill("38.0")
    search(page)
    expect(page.get_by_role("alert")).to_contain_text("south-west corner")
    expect(page.get_by_label("North", exact=True)).to_have_value("38.0")


def test_a_time_range_typed_on_the_agencys_clock_finds_the_reads_of_that_local_hour(
    page: Page, web_app: WebApp
) -> None:
    # 01:30 and 09:30 Pacific on 27 November; read as UTC, 09:00 to 10:00 would find the first.
    web_app.ingest("7ABC123", index=0, captured_at=datetime(2026, 11, 27, 9, 30, tzinfo=UTC))
    web_app.ingest("7ABC123", index=1, captured_at=datetime(2026, 11, 27, 17, 30, tzinfo=UTC))
    open_search(page, web_app)
    expect(page.get_by_role("group", name="When, on the agency's clock")).to_be_visible()
    state_basis(page)
    page.get_by_label("Plate (exact)").fill("7ABC123")
    page.get_by_label(f"From ({PACIFIC})").fill("2026-11-27T09:00:00")
    page.get_by_label(f"Before ({PACIFIC})").fill("2026-11-27T10:00:00")
    search(page)
    table = page.get_by_role("table", name="Reads matching the search")
    expect(table.locator("tbody time")).to_have_text(["2026-11-27 09:30:00 PST"])
    [entry] = web_app.services.store.access_log.find(
        AccessFilter(username="avery", action="reads:search")
    )
    assert len(entry.event.read_ids) == 1
    # The form keeps what was typed, on the same clock.
    expect(page.get_by_label(f"From ({PACIFIC})")).to_have_value("2026-11-27T09:00")


def test_the_map_shows_the_agencys_cameras(page: Page, web_app: WebApp) -> None:
    open_search(page, web_app)
    figure = page.locator("figure#cameras-map")
    # The fixed camera has a position; the patrol car has none, so it is not drawn.
    expect(figure.locator("svg g.marker.camera")).to_have_count(1)
    expect(figure.locator("svg g.marker text")).to_have_text(web_app.camera.name)
    figure.get_by_text("The positions on this map as a table").click()
    expect(figure.get_by_role("cell", name="38.58160")).to_be_visible()


@pytest.mark.parametrize("approval_beyond_days", [7])
def test_a_search_reaching_back_needs_a_supervisors_approval(page: Page, web_app: WebApp) -> None:
    web_app.ingest("7ABC123", index=0, captured_at=web_app.clock.now() - timedelta(days=10))
    open_search(page, web_app)
    page.get_by_label("Plate (exact)").fill("7ABC123")
    state_basis(page)
    search(page)
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("more than 7 days need a supervisor's approval")
    expect(refusal).to_contain_text("Request one")
    expect(page.get_by_role("table", name="Reads matching the search")).to_have_count(0)

    start, end = web_app.clock.now() - timedelta(days=20), web_app.clock.now()
    analyst, supervisor = (
        Requester(Actor(web_app.person(role).account.username, "demo-pd"), frozenset({role}))
        for role in (Role.ANALYST, Role.SUPERVISOR)
    )
    approvals = web_app.services.approvals
    request = approvals.request(analyst, Basis(PURPOSE, CASE), start, end, "Burglary series.")
    approvals.decide(supervisor, request.id, approve=True)
    page.get_by_label(f"From ({PACIFIC})").fill(f"{start.astimezone(ZoneInfo(PACIFIC)):{TYPED}}")
    page.get_by_label(f"Before ({PACIFIC})").fill(f"{end.astimezone(ZoneInfo(PACIFIC)):{TYPED}}")
    page.get_by_label("Supervisor's approval").fill(request.id)
    search(page)
    expect_plates(page, ["7ABC123"])


@pytest.mark.parametrize("map_tile_url", ["https://tiles.example/{z}/{x}/{y}.png"])
def test_a_configured_tile_server_draws_tiles_under_the_markers(web_app: WebApp) -> None:
    analyst = web_app.person(Role.ANALYST)
    response = http_get(f"{web_app.base_url}/search", headers=analyst.headers)
    assert "https://tiles.example" in response.headers["content-security-policy"]
    html = response.text
    zoom = int(re.findall(r'href="https://tiles\.example/(\d+)/', html)[0])
    assert web_app.camera.location is not None
    x, y = tile_of(web_app.camera.location, zoom)
    tile = html.index(f'href="https://tiles.example/{zoom}/{x}/{y}.png"')
    assert html.rindex("<image", 0, tile) < html.index('<g class="marker camera">')


def test_without_a_tile_server_the_map_loads_nothing_from_elsewhere(web_app: WebApp) -> None:
    analyst = web_app.person(Role.ANALYST)
    html = http_get(f"{web_app.base_url}/search", headers=analyst.headers).text
    assert '<g class="marker camera">' in html
    assert "<image" not in html
    assert "https://" not in html
