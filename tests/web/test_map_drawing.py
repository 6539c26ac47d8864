"""An area drawn on the search's map, with the mouse, searched through the same gate as a typed
one: a rectangle or a circle finds the reads inside it only, a patrol car's by where each was
taken, and the access log records the area searched."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from platekeeper.domain import GeoPoint
from platekeeper.domain.geo import METRES_PER_DEGREE, GeoBox, GeoCircle, parse_area
from platekeeper.domain.people import Role
from platekeeper.store.protocols import AccessFilter
from tests.web.conftest import CAMERA_SPOT, WebApp, new_context, shoot, sign_in
from tests.web.test_accessibility import AUDIT_SCRIPT

PURPOSE = "stolen-vehicle"
CASE = "2026-000123"
EAST_PER_DEGREE = GeoCircle(CAMERA_SPOT.latitude, 0.0, 1.0).metres_per_degree_east

# Runs in the page: a position to the screen's pixels, as the map projects it (web/maps.py).
TO_SCREEN = """
([latitude, longitude]) => {
  const svg = document.querySelector("#cameras-map svg.map");
  const d = svg.dataset;
  const box = svg.viewBox.baseVal;
  const phi = latitude * Math.PI / 180;
  const unitX = (longitude + 180) / 360;
  const unitY = (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2;
  const x = box.width / 2 + (unitX - Number(d.centreX)) * Number(d.pxPerUnit);
  const y = box.height / 2 + (unitY - Number(d.centreY)) * Number(d.pxPerUnit);
  const point = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
  return [point.x, point.y];
}
"""


def near_camera(north_m: float, east_m: float) -> GeoPoint:
    return GeoPoint(
        CAMERA_SPOT.latitude + north_m / METRES_PER_DEGREE,
        CAMERA_SPOT.longitude + east_m / EAST_PER_DEGREE,
    )


def drag(page: Page, start: GeoPoint, end: GeoPoint) -> None:
    page.locator("#cameras-map svg.map").scroll_into_view_if_needed()
    x0, y0 = page.evaluate(TO_SCREEN, [start.latitude, start.longitude])
    x1, y1 = page.evaluate(TO_SCREEN, [end.latitude, end.longitude])
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=4)
    page.mouse.move(x1, y1, steps=4)
    page.mouse.up()


def found_plates(page: Page) -> list[str]:
    table = page.get_by_role("table", name="Reads matching the search")
    expect(table).to_be_visible()
    return sorted(table.locator("tbody .plate").all_inner_texts())


@pytest.fixture
def reads(web_app: WebApp) -> dict[str, GeoPoint]:
    """A read at the fixed camera and three of the patrol car, each where it was taken."""
    web_app.ingest("1AAA111", index=0, location=None)
    placed = {
        "2BBB222": near_camera(0, -600),
        "3CCC333": near_camera(0, 600),
        "4DDD444": near_camera(400, 600),
    }
    for index, (plate, where) in enumerate(placed.items(), start=1):
        web_app.ingest(plate, index=index, camera=web_app.patrol_car, location=where)
    return placed


def open_search(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.ANALYST), next_path="/search")
    page.get_by_label("Purpose").select_option(PURPOSE)
    page.get_by_label("Case number").fill(CASE)


def search_this_area(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Search this area").click()


def test_a_rectangle_drawn_on_the_map_finds_the_reads_inside_it_only(
    page: Page, web_app: WebApp, reads: dict[str, GeoPoint]
) -> None:
    open_search(page, web_app)
    page.get_by_role("button", name="Rectangle").click()
    expect(page.get_by_role("button", name="Rectangle")).to_have_attribute("aria-pressed", "true")
    drag(page, near_camera(800, 300), near_camera(-300, 900))
    expect(page.get_by_role("status").filter(has_text="Area set")).to_contain_text("a box")
    south = float(page.get_by_label("South", exact=True).input_value())
    north = float(page.get_by_label("North", exact=True).input_value())
    assert south == pytest.approx(near_camera(-300, 0).latitude, abs=0.0002)
    assert north == pytest.approx(near_camera(800, 0).latitude, abs=0.0002)
    expect(page.get_by_label("Radius (metres)")).to_have_value("")
    search_this_area(page)

    assert found_plates(page) == ["3CCC333", "4DDD444"]
    figure = page.locator("figure#cameras-map")
    expect(figure.locator("svg rect.area")).to_have_count(1)
    # The patrol car's reads are drawn where each was taken, inside the area.
    expect(figure.locator("svg g.marker.patrol")).to_have_count(2)
    expect(page.get_by_label("South", exact=True)).to_have_value(str(south))
    [logged, *_] = web_app.services.store.access_log.find(
        AccessFilter(username="avery", action="reads:search")
    )
    area = parse_area(logged.event.query["area"])
    assert isinstance(area, GeoBox)
    assert (logged.event.purpose_code, logged.event.case_number) == (PURPOSE, CASE)
    assert all(area.contains(reads[plate]) for plate in ("3CCC333", "4DDD444"))
    assert not area.contains(reads["2BBB222"])
    assert page.evaluate(AUDIT_SCRIPT) == []
    shoot(page, "search-map-drawn-rectangle")


def test_a_circle_drawn_on_the_map_finds_the_reads_within_its_radius(
    page: Page, web_app: WebApp, reads: dict[str, GeoPoint]
) -> None:
    open_search(page, web_app)
    page.get_by_role("button", name="Circle").click()
    west = reads["2BBB222"]
    drag(page, west, near_camera(0, -600 + 250))
    expect(page.get_by_role("status").filter(has_text="Area set")).to_contain_text("a circle")
    radius_m = float(page.get_by_label("Radius (metres)").input_value())
    assert radius_m == pytest.approx(250, abs=20)
    expect(page.get_by_label("South", exact=True)).to_have_value("")
    search_this_area(page)

    assert found_plates(page) == ["2BBB222"]
    expect(page.locator("figure#cameras-map svg circle.area")).to_have_count(1)
    [logged, *_] = web_app.services.store.access_log.find(
        AccessFilter(username="avery", action="reads:search")
    )
    circle = parse_area(logged.event.query["area"])
    assert isinstance(circle, GeoCircle)
    assert circle.contains(west)
    assert not circle.contains(CAMERA_SPOT)
    shoot(page, "search-map-drawn-circle")


def test_a_circle_can_be_typed_instead_and_a_box_with_it_is_refused(
    page: Page, web_app: WebApp, reads: dict[str, GeoPoint]
) -> None:
    open_search(page, web_app)
    page.get_by_label("Centre latitude").fill(str(CAMERA_SPOT.latitude))
    page.get_by_label("Centre longitude").fill(str(CAMERA_SPOT.longitude))
    page.get_by_label("Radius (metres)").fill("700")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    assert found_plates(page) == ["1AAA111", "2BBB222", "3CCC333"]

    page.get_by_label("West", exact=True).fill("-121.5")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("not both")
    expect(page.get_by_label("Radius (metres)")).to_have_value("700")


def test_clearing_empties_the_area_fields(page: Page, web_app: WebApp) -> None:
    open_search(page, web_app)
    page.get_by_role("button", name="Rectangle").click()
    drag(page, near_camera(500, -500), near_camera(-500, 500))
    expect(page.get_by_label("East", exact=True)).not_to_have_value("")
    page.get_by_role("button", name="Clear the area").click()
    for edge in ("South", "West", "North", "East"):
        expect(page.get_by_label(edge, exact=True)).to_have_value("")
    expect(page.locator("#cameras-map svg .drawn")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="cleared")).to_be_visible()


@pytest.fixture
def phone(browser: Browser, web_app: WebApp) -> Iterator[Page]:
    context = new_context(
        browser, base_url=web_app.base_url, viewport={"width": 390, "height": 844}, has_touch=True
    )
    yield context.new_page()
    context.close()


def touch_drag(page: Page, start: GeoPoint, end: GeoPoint) -> None:
    """A finger's drag, as the phone's touch screen sends it (Chrome DevTools Protocol)."""
    page.locator("#cameras-map svg.map").scroll_into_view_if_needed()
    x0, y0 = page.evaluate(TO_SCREEN, [start.latitude, start.longitude])
    x1, y1 = page.evaluate(TO_SCREEN, [end.latitude, end.longitude])
    touch = page.context.new_cdp_session(page)
    steps = [(x0 + (x1 - x0) * i / 6, y0 + (y1 - y0) * i / 6) for i in range(7)]
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [_at(x0, y0)]})
    for x, y in steps[1:]:
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [_at(x, y)]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    touch.detach()


def _at(x: float, y: float) -> dict[str, float]:
    return {"x": x, "y": y}


def test_drawing_with_a_finger_works_on_a_phone_screen(phone: Page, web_app: WebApp) -> None:
    page = phone
    web_app.ingest("3CCC333", index=1, camera=web_app.patrol_car, location=near_camera(0, 600))
    open_search(page, web_app)
    page.get_by_role("button", name="Rectangle").click()
    touch_drag(page, near_camera(300, 300), near_camera(-300, 900))
    expect(page.get_by_role("status").filter(has_text="Area set")).to_contain_text("a box")
    search_this_area(page)
    assert found_plates(page) == ["3CCC333"]
    # The map and its drawing bar fit the phone's width.
    for part in ("#cameras-map", "#cameras-map svg.map", "#cameras-map .map-draw"):
        box = page.locator(part).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 390
    shoot(page, "search-map-drawn-390")
