"""The results of a search as people use them: in view when they arrive, a page at a time with
the crops' thumbnails, at a desk (1366 px) and on a phone (390 px); refusals in the form's words;
rows selected for a legal hold; the page on screen exported as CSV and PDF, each logged."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from platekeeper.config import Settings
from platekeeper.domain import PlateRead
from platekeeper.domain.people import Role
from platekeeper.ingest.service import IngestItem
from platekeeper.store.protocols import AccessFilter
from tests.conftest import make_submission
from tests.web.conftest import WebApp, new_context, shoot, sign_in
from tests.web.test_accessibility import AUDIT_SCRIPT
from tests.web.test_search import CASE, PURPOSE, search, state_basis

PAGE = 3
"""Reads on a page here: the agency caps one look-up at three, so five reads make two pages."""
WIDTHS = {"desk": (1366, 900), "phone": (390, 844)}


@pytest.fixture
def web_settings(web_settings: Settings) -> Settings:
    access = web_settings.access.model_copy(update={"max_results": PAGE})
    return web_settings.model_copy(update={"access": access})


def five_reads(web_app: WebApp) -> list[PlateRead]:
    """Five reads at the fixed camera, newest first; the fourth came without a crop."""
    reads = [
        web_app.ingest(plate, index=i) for i, plate in enumerate(["7ABC101", "7ABC102", "7ABC103"])
    ]
    submission = make_submission(
        3, plate_text="7ABC104", captured_at=web_app.clock.now() - timedelta(minutes=4)
    )
    [stored] = web_app.services.ingest.ingest(web_app.camera, [IngestItem(submission)])
    without_crop = web_app.services.store.reads.get(stored.read_id)
    assert without_crop is not None
    return [*reads, without_crop, web_app.ingest("7ABC105", index=4)]


def at_width(browser: Browser, web_app: WebApp, width: str) -> Page:
    viewport_width, height = WIDTHS[width]
    context = new_context(
        browser, base_url=web_app.base_url, viewport={"width": viewport_width, "height": height}
    )
    return context.new_page()


def no_sideways_scrolling(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate(_WIDE_ELEMENTS)
    assert widths[0] <= widths[1], (
        f"the page is {widths[0]} px wide in a {widths[1]} px window: {wide}"
    )


_WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5).map(el => el.outerHTML.slice(0, 100))"""


def search_the_camera(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.ANALYST), next_path="/search")
    state_basis(page)
    page.get_by_role("combobox", name="Camera").select_option(web_app.camera.id)
    search(page)


def expect_rows(page: Page, plates: list[str]) -> None:
    table = page.get_by_role("table", name="Reads matching the search")
    expect(table.locator("tbody .plate")).to_have_text(plates)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_results_arrive_in_view_a_page_at_a_time_with_thumbnails(
    browser: Browser, web_app: WebApp, width: str
) -> None:
    reads = five_reads(web_app)
    page = at_width(browser, web_app, width)
    search_the_camera(page, web_app)

    # The results, not the top of the long form, are what the window shows when they arrive.
    expect(page).to_have_url(re.compile(r"#results$"))
    expect(page.get_by_role("heading", name="Results")).to_be_in_viewport()
    expect(page.get_by_role("status").first).to_have_text(
        "Reads 1 to 3, newest first; more matched."
    )
    assert page.title().startswith("Reads 1 to 3, newest first; more matched.")
    expect_rows(page, ["7ABC101", "7ABC102", "7ABC103"])
    thumbnails = page.locator("table.reads img.thumb")
    expect(thumbnails).to_have_count(3)
    for index in range(3):
        expect(thumbnails.nth(index)).to_have_js_property("complete", True)
        assert thumbnails.nth(index).evaluate("img => img.naturalWidth") > 0
        assert (thumbnails.nth(index).get_attribute("src") or "").startswith(
            "data:image/jpeg;base64,"
        )
    no_sideways_scrolling(page)
    assert page.evaluate(AUDIT_SCRIPT) == []
    shoot(page, f"search-results-{width}")

    with page.expect_navigation():
        page.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("heading", name="Results")).to_be_in_viewport()
    expect(page.get_by_role("status").first).to_have_text(
        "Reads 4 to 5, newest first; the last of them."
    )
    expect_rows(page, ["7ABC104", "7ABC105"])
    # The read without a crop says so where its thumbnail would be.
    expect(page.locator("table.reads tbody tr").first.locator(".thumb-none")).to_have_text(
        "No image"
    )
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    expect(page.get_by_label("Case number")).to_have_value(CASE)  # the form keeps the search
    no_sideways_scrolling(page)
    assert page.evaluate(AUDIT_SCRIPT) == []
    shoot(page, f"search-results-page-2-{width}")

    # Each page is one access, under the same purpose and case, naming the reads and the crops
    # it showed; no image was fetched, or logged, on its own.
    log = web_app.services.store.access_log
    first, second = reversed(log.find(AccessFilter(username="avery", action="reads:search")))
    assert {(e.event.purpose_code, e.event.case_number) for e in (first, second)} == {
        (PURPOSE, CASE)
    }
    assert first.event.read_ids == tuple(read.id for read in reads[:3])
    assert first.event.image_refs == tuple(read.crop_ref for read in reads[:3])
    assert "after" not in first.event.query
    assert second.event.read_ids == tuple(read.id for read in reads[3:])
    assert second.event.image_refs == (reads[4].crop_ref,)
    assert second.event.query["after"] == reads[2].id
    assert log.find(AccessFilter(username="avery", action="images:view")) == []

    with page.expect_navigation():
        page.get_by_role("link", name="First page").click()
    expect_rows(page, ["7ABC101", "7ABC102", "7ABC103"])
    page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_refusal_names_each_field_as_the_form_labels_it(
    browser: Browser, web_app: WebApp, width: str
) -> None:
    page = at_width(browser, web_app, width)
    sign_in(page, web_app.person(Role.ANALYST), next_path="/search")
    page.get_by_label("Plate (exact)").fill("7ABC123")
    page.get_by_label("Partial plate").fill("7AB*")
    page.get_by_label("From (America/Los_Angeles)").fill("2026-11-28T10:00:00")
    page.get_by_label("Before (America/Los_Angeles)").fill("2026-11-28T09:00:00")
    search(page)
    refusal = page.get_by_role("alert")
    expect(refusal).to_be_in_viewport()
    expect(refusal.get_by_role("listitem")).to_have_text(
        [
            "Purpose: choose the authorised purpose from the list",
            "Case number: enter the case number this search is for",
            "Partial plate: give an exact plate or a partial plate, not both",
        ]
    )
    assert page.title().startswith("Not searched")
    for name in ("purpose", "case_number", "plate_pattern"):
        expect(page.locator(f"#field-{name}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#field-plate")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Partial plate")).to_have_accessible_description(
        re.compile(r"^give an exact plate or a partial plate, not both")
    )
    # Nothing typed is lost, and each problem leads to its field.
    expect(page.get_by_label("Plate (exact)")).to_have_value("7ABC123")
    expect(page.get_by_label("From (America/Los_Angeles)")).to_have_value("2026-11-28T10:00")
    refusal.get_by_role("link", name="Case number").click()
    expect(page.get_by_label("Case number")).to_be_focused()
    no_sideways_scrolling(page)
    assert page.evaluate(AUDIT_SCRIPT) == []
    shoot(page, f"search-refused-{width}")

    # With the purpose given and one plate field emptied, the time range is what is left.
    state_basis(page)
    page.get_by_label("Partial plate").fill("")
    search(page)
    expect(page.get_by_role("alert").get_by_role("listitem")).to_have_text(
        ["Before: must be later than From"]
    )
    page.context.close()


def test_a_damaged_page_link_is_refused_in_words(page: Page, web_app: WebApp) -> None:
    five_reads(web_app)
    sign_in(page, web_app.person(Role.ANALYST))
    response = page.goto(
        f"/search?purpose={PURPOSE}&case_number={CASE}&camera_id={web_app.camera.id}"
        "&after=yesterday&page=2"
    )
    assert response is not None
    assert response.status == 422
    expect(page.get_by_role("alert")).to_contain_text(
        "Page: the link to this page of results is damaged; search again from the first page"
    )


def test_selected_results_go_to_the_hold_form_as_read_ids(page: Page, web_app: WebApp) -> None:
    reads = five_reads(web_app)
    search_the_camera(page, web_app)
    selection = page.locator("form#selected-reads")
    expect(selection).to_have_attribute("method", "get")
    boxes = page.locator('input[type="checkbox"][name="read"][form="selected-reads"]')
    expect(boxes).to_have_count(3)
    # An analyst may place legal holds; sharing is the custodian's.
    expect(page.get_by_role("button", name="Share the selected reads")).to_have_count(0)
    boxes.nth(0).check()
    boxes.nth(2).check()
    hold = page.get_by_role("button", name="Place a legal hold on the selected reads")
    expect(hold).to_have_attribute("formaction", "/holds/new")
    with page.expect_navigation():
        hold.click()
    assert page.url == (
        f"{web_app.base_url}/holds/new?case_number={CASE}&purpose={PURPOSE}"
        f"&read={reads[0].id}&read={reads[2].id}"
    )
    # The search's case is the hold's to begin with.
    expect(page.get_by_label("Case number")).to_have_value(CASE)


def test_who_may_not_share_hands_the_selection_to_a_custodian_as_a_link(
    page: Page, web_app: WebApp
) -> None:
    reads = five_reads(web_app)
    search_the_camera(page, web_app)
    handoff = page.get_by_role("button", name="Copy link for the custodian")
    handoff.click()
    link = page.locator("output.handoff")
    expect(link).to_have_text("Select the reads to hand over first.")
    boxes = page.locator('input[type="checkbox"][name="read"][form="selected-reads"]')
    boxes.nth(1).check()
    handoff.click()
    expected = (
        f"{web_app.base_url}/sharing/new?case_number={CASE}&purpose={PURPOSE}&read={reads[1].id}"
    )
    expect(link).to_contain_text(expected)
    # No plate in the link: read ids only.
    assert "7ABC" not in (link.text_content() or "")

    # The custodian who opens the link finds the share request filled in for those reads.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    path = quote(expected.removeprefix(web_app.base_url), safe="")
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path=path)
    expect(page.get_by_role("heading", name="Share the selected reads")).to_be_visible()
    expect(page.get_by_label("Purpose (a code, such as stolen-vehicle)")).to_have_value(PURPOSE)
    expect(page.get_by_label("Case number at the requesting agency")).to_have_value(CASE)
    expect(page.get_by_role("table").get_by_text(reads[1].id)).to_be_visible()


def test_the_page_on_screen_exports_as_a_pdf_with_its_crops_logged_as_an_export(
    page: Page, web_app: WebApp
) -> None:
    reads = five_reads(web_app)
    search_the_camera(page, web_app)
    with page.expect_navigation():
        page.get_by_role("link", name="Next page").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF with the crops").click()
    assert download.value.suggested_filename == f"reads-{CASE}-page-2.pdf"
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    # The one crop of the page, as an image in the document (the other read has none); what
    # the document says is checked in tests/reports/test_reads_export.py.
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) == 1

    [export] = web_app.services.store.access_log.find(
        AccessFilter(username="avery", action="reads:export")
    )
    assert export.event.query["export"] == "pdf"
    assert "after" in export.event.query
    assert export.event.read_ids == tuple(read.id for read in reads[3:])
    assert export.event.image_refs == (reads[4].crop_ref,)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_vehicles_history_is_a_timeline_of_thumbnails_by_day_a_page_at_a_time(
    browser: Browser, web_app: WebApp, width: str
) -> None:
    day = timedelta(days=1)
    for index, back in enumerate([timedelta(0), timedelta(hours=1), day, day + timedelta(hours=2)]):
        web_app.ingest("7ABC123", index=index, captured_at=web_app.clock.now() - back)
    page = at_width(browser, web_app, width)
    sign_in(page, web_app.person(Role.ANALYST), next_path="/vehicles/7ABC123")
    state_basis(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Show the history").click()
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_be_in_viewport()
    expect(timeline.get_by_role("status")).to_have_text("Reads 1 to 3, newest first; more matched.")
    expect(timeline.locator("li.day h3")).to_have_text(
        [
            "Saturday 2026-11-28 · 2 reads (America/Los_Angeles)",
            "Friday 2026-11-27 · 1 read (America/Los_Angeles)",
        ]
    )
    expect(timeline.get_by_role("img", name="Plate crop of 7ABC123")).to_have_count(3)
    no_sideways_scrolling(page)
    assert page.evaluate(AUDIT_SCRIPT) == []
    shoot(page, f"vehicle-history-{width}")

    with page.expect_navigation():
        timeline.get_by_role("link", name="Next page").click()
    expect(timeline.get_by_role("status")).to_have_text("Read 4; the last of them.")
    expect(timeline.locator("li.day h3")).to_have_text(
        ["Friday 2026-11-27 · 1 read (America/Los_Angeles)"]
    )
    entries = web_app.services.store.access_log.find(
        AccessFilter(username="avery", action="vehicles:history")
    )
    assert [len(entry.event.read_ids) for entry in entries] == [1, 3]
    assert {entry.event.case_number for entry in entries} == {CASE}
    page.context.close()
