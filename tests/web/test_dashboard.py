"""The dashboard: where everyone lands after sign-in, with counts of the agency and no plate."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from platekeeper.domain import CameraStatus
from platekeeper.domain.access import Actor
from platekeeper.domain.hotlists import AlertLevel, ListSource
from platekeeper.domain.people import Role
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.hotlists.service import Editor
from platekeeper.store.protocols import MinuteCount
from platekeeper.web.pages.dashboard import ago, chart_bars
from tests.conftest import NOW
from tests.web.conftest import WebApp, http_get, shoot, sign_in

SUPERVISOR = Editor(Actor("sam", "demo-pd"), frozenset({Role.SUPERVISOR}))
LISTED = "7ABC123"


def lists_of(web_app: WebApp) -> None:
    """A manual stolen list with one plate, and a state feed never refreshed (stale)."""
    hotlists = web_app.services.hotlists
    for list_id, name, source in (
        ("stolen", "Stolen vehicles", ListSource.MANUAL),
        ("state-feed", "State hot list", ListSource.STATE_FEED),
    ):
        hotlists.create_list(
            SUPERVISOR,
            list_id=list_id,
            name=name,
            source=source,
            priority=2,
            alert_level=AlertLevel.WARNING,
            covert=False,
        )
    hotlists.add_entry(
        SUPERVISOR, "stolen", EntryDraft(LISTED, "stolen vehicle", case_number="2026-000777")
    )
    web_app.services.hotlist_matcher.reload()


def test_the_dashboard_counts_without_showing_a_plate(page: Page, web_app: WebApp) -> None:
    lists_of(web_app)
    for index in range(3):  # the listed plate, read three times in the last few minutes
        web_app.ingest(LISTED, index=index)
    web_app.ingest("4XYZ987", index=20, captured_at=NOW - timedelta(minutes=40))

    sign_in(page, web_app.person(Role.OFFICER))
    expect(page).to_have_url(f"{web_app.base_url}/dashboard")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.locator("[data-agency]")).to_have_text("Demo City Police Department")
    expect(page.locator("[data-figure=reads-recent]")).to_have_text("0.2")  # 3 reads / 15 min
    expect(page.get_by_text("over the last hour (4 reads)")).to_be_visible()
    expect(page.locator("[data-figure=open-alerts]")).to_have_text("3")
    expect(page.locator("[data-figure=stale-lists]")).to_have_text("1")
    expect(page.get_by_role("cell", name="State hot list")).to_be_visible()
    cameras = page.get_by_role("table", name="Cameras and their last contact")
    expect(cameras.get_by_role("row").filter(has_text="main-st-north")).to_contain_text("just now")
    expect(cameras.get_by_role("row").filter(has_text="patrol-12")).to_contain_text("silent")
    expect(page.get_by_role("img", name="Reads per minute over the last hour")).to_be_visible()
    expect(page.locator("svg.chart rect.bar")).to_have_count(60)
    expect(page.get_by_role("link", name="Verify the open alerts")).to_be_visible()
    expect(page.get_by_role("link", name="Search reads for a case")).to_have_count(0)
    shoot(page, "dashboard")

    content = page.content()
    assert LISTED not in content
    assert "4XYZ987" not in content


def test_the_figures_refresh_themselves(page: Page, web_app: WebApp) -> None:
    page.clock.install()
    sign_in(page, web_app.person(Role.AUDITOR))
    expect(page.locator("[data-figure=reads-recent]")).to_have_text("0.0")
    web_app.ingest("4XYZ987", index=1)
    with page.expect_response("**/dashboard/figures") as answer:
        page.clock.run_for(31_000)
    assert answer.value.status == 200
    expect(page.get_by_text("over the last hour (1 reads)")).to_be_visible()
    expect(page.get_by_role("link", name="Review the access log")).to_be_visible()


def test_the_dashboard_needs_a_sign_in(web_app: WebApp) -> None:
    response = http_get(f"{web_app.base_url}/dashboard/figures", headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_the_chart_has_a_bar_for_every_minute_scaled_to_the_busiest() -> None:
    start = NOW - timedelta(minutes=60)
    bars = chart_bars([MinuteCount(start, 2), MinuteCount(start + timedelta(minutes=59), 4)], start)
    assert len(bars) == 60
    assert (bars[0].reads, bars[0].height, bars[0].y) == (2, 60.0, 60.0)
    assert (bars[-1].reads, bars[-1].height, bars[-1].y, bars[-1].x) == (4, 120.0, 0.0, 590)
    assert all(bar.height == 0 for bar in bars[1:-1])
    assert all(bar.height == 0 for bar in chart_bars([], start))


def test_last_contact_reads_as_words() -> None:
    assert ago(None, NOW) == "never"
    assert ago(NOW - timedelta(seconds=30), NOW) == "just now"
    assert ago(NOW - timedelta(minutes=1), NOW) == "1 minute ago"
    assert ago(NOW - timedelta(hours=3, minutes=5), NOW) == "3 hours ago"
    assert ago(NOW - timedelta(days=2), NOW) == "2 days ago"


def test_a_retired_camera_is_left_out(page: Page, web_app: WebApp) -> None:
    web_app.services.store.cameras.set_status(web_app.patrol_car.id, CameraStatus.RETIRED)
    sign_in(page, web_app.person(Role.CUSTODIAN))
    expect(page.locator("[data-figure=cameras]")).to_have_text("1")
    expect(page.get_by_role("cell", name="patrol-12")).to_have_count(0)
