"""The officer's alert screen through a shift, in Chromium at a desk (1366x900) and on a phone
(390x844): hits newest first and grouped by plate and list, a misread's differing character
marked, filters, pages of hits, one access-log entry per page load however many thumbnails it
shows, a sound and a notification by choice, and the screen locked by hand without leaving the
stream, held through the idle time and opened again with the second factor."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from platekeeper.config import Settings
from platekeeper.domain.access import Actor
from platekeeper.domain.credentials import hash_token
from platekeeper.domain.hotlists import AlertLevel, HitStatus, ListSource
from platekeeper.domain.people import Role
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.hotlists.service import Editor
from platekeeper.http.auth import SESSION_COOKIE
from platekeeper.store.protocols import AccessFilter, HitFilter
from platekeeper.web.pages.alert_list import PAGE_SIZE
from tests.web.conftest import WebApp, new_context, shoot
from tests.web.test_accessibility import AUDIT_SCRIPT
from tests.web.test_alerts import CASE, PURPOSE, open_alerts
from tests.web.test_screen_lock import wait_for_listener

STOLEN = "4NMK610"
MISREAD = "4NMK61O"  # the listed zero read as the letter O
AMBER = "8XYZ555"
SUPERVISOR = Editor(Actor("sam", "demo-pd"), frozenset({Role.SUPERVISOR}))
# Stand-ins for the browser's notifications and sound, so the test sees what would be shown
# and played; everything else about the page is Chromium's own.
SIGNAL_SPIES = """
window.__notified = [];
window.__tones = 0;
class FakeNotification {
  static permission = "default";
  static async requestPermission() { FakeNotification.permission = "granted"; return "granted"; }
  constructor(title, options) { window.__notified.push({ title, body: options.body }); }
  addEventListener() {}
  close() {}
}
window.Notification = FakeNotification;
class FakeAudio {
  constructor() { this.currentTime = 0; this.destination = {}; }
  async resume() {}
  createGain() {
    return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} },
             connect(next) { return next; } };
  }
  createOscillator() {
    return { frequency: {}, connect(next) { return next; }, start() { window.__tones += 1; },
             stop() {} };
  }
}
window.AudioContext = FakeAudio;
"""


@pytest.fixture
def web_settings(web_settings: Settings) -> Settings:
    # A heartbeat every fifth of a second: the held lock is seen within the test's time.
    alerts = web_settings.alerts.model_copy(update={"heartbeat_s": 0.2})
    return web_settings.model_copy(update={"alerts": alerts})


@pytest.fixture
def shift(web_app: WebApp) -> WebApp:
    """Two lists, and a shift's hits: the stolen plate seen again and again (once misread),
    and one sighting of the amber-alert plate in the middle; each hit a second after the last."""
    hotlists = web_app.services.hotlists
    for list_id, name, level, plate in (
        ("stolen", "Stolen vehicles", AlertLevel.CRITICAL, STOLEN),
        ("amber", "Amber alerts", AlertLevel.WARNING, AMBER),
    ):
        hotlists.create_list(
            SUPERVISOR,
            list_id=list_id,
            name=name,
            source=ListSource.MANUAL,
            priority=1,
            alert_level=level,
            covert=False,
        )
        draft = EntryDraft(
            plate=plate, reason=f"{name.lower()} entry", state="CA", case_number="2026-000777"
        )
        hotlists.add_entry(SUPERVISOR, list_id, draft)
    web_app.services.hotlist_matcher.reload()
    plates = [STOLEN] * 20 + [AMBER] + [STOLEN] * 8 + [MISREAD]
    for index, plate in enumerate(plates):
        web_app.clock.advance(timedelta(seconds=1))
        web_app.ingest(plate, index=index, captured_at=web_app.clock.now())
    return web_app


def hit_ids_shown(page: Page) -> list[str]:
    ids = page.locator("article.hit-card").evaluate_all("cards => cards.map(card => card.id)")
    return [str(hit_id).removeprefix("hit-") for hit_id in ids]


def newest_first(web_app: WebApp) -> list[str]:
    hits = web_app.services.store.hits.list(HitFilter(limit=1000))
    return [hit.id for hit in hits]


def list_loads(web_app: WebApp) -> list[Any]:
    log = web_app.services.store.access_log
    return [
        entry
        for entry in log.find(AccessFilter(username="olivia", action="alerts:view"))
        if entry.event.query.get("crops") == "yes"
    ]


def test_the_officer_sees_the_newest_first_grouped_filtered_and_paged(
    browser: Browser, shift: WebApp
) -> None:
    context = new_context(browser, base_url=shift.base_url, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    images: list[str] = []

    def watch(request: Request) -> None:
        if "/image" in request.url:
            images.append(request.url)

    page.on("request", watch)
    open_alerts(page, shift)
    order = newest_first(shift)
    assert len(order) == 30

    # Newest first for real: the misread came last, so its plate's group leads, the misread in
    # full; the amber hit, older, is in its own group below.
    groups = page.locator("section.hit-group")
    expect(groups).to_have_count(2)
    stolen_group, amber_group = groups.nth(0), groups.nth(1)
    expect(stolen_group.get_by_role("heading", level=3)).to_contain_text("Stolen vehicles")
    expect(stolen_group.locator("[data-count]")).to_have_text("24 hits")
    expect(amber_group.get_by_role("heading", level=3)).to_contain_text("Amber alerts")
    shown = hit_ids_shown(page)
    assert shown[0] == order[0]
    assert len(shown) == PAGE_SIZE
    assert sorted(shown) == sorted(order[:PAGE_SIZE]), "the page is the 25 newest hits"

    # The misread: the O that stands for the listed 0 is marked, and said in words.
    newest = page.locator(f"#hit-{order[0]}")
    marked = newest.locator("mark.differs").first
    expect(marked).to_have_text("O")
    expect(newest.get_by_text("(differs: 0 read as O)").first).to_be_attached()
    font = marked.evaluate("el => getComputedStyle(el.parentElement).fontFamily")
    assert font.startswith('"PlateKeeper Plate"')
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('600 16px \"PlateKeeper Plate\"')")
    # The others of the group are folded, each with its time, and open to their card.
    earlier = stolen_group.locator("details.hit-earlier")
    expect(earlier.locator("summary").first).to_contain_text("23 earlier hits")
    expect(stolen_group.locator("article.hit-card").nth(1)).not_to_be_visible()
    earlier.locator("summary").first.click()
    folded = earlier.locator("details.hit-folded").first
    expect(folded.locator("time")).to_contain_text("PST")  # the agency's clock
    folded.locator("summary").click()
    expect(folded.locator("article.hit-card")).to_be_visible()
    expect(folded.get_by_role("img", name="The plate as the camera saw it")).to_be_visible()

    # The thumbnails came inside the page: no image was asked for, and the page load is one
    # access in the log naming all 25 reads and their crops.
    assert images == []
    [load] = list_loads(shift)
    assert len(load.event.read_ids) == PAGE_SIZE
    assert len(load.event.image_refs) == PAGE_SIZE
    shoot(page, "alerts-1366")
    assert audit_all_open(page) == []

    # The older hits are on the next page, none repeated, none skipped.
    page.get_by_role("link", name="Older hits").click()
    rest = hit_ids_shown(page)
    assert sorted(rest) == sorted(order[PAGE_SIZE:])
    expect(page.get_by_role("link", name="Older hits")).to_have_count(0)
    page.get_by_role("link", name="Newest hits").click()
    assert hit_ids_shown(page)[0] == order[0]

    # A filter: the warning level shows the amber list's one hit alone.
    page.get_by_label("Level").select_option("warning")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("section.hit-group")).to_have_count(1)
    expect(page.locator("section.hit-group h3")).to_contain_text(AMBER)
    expect(page.get_by_label("Level")).to_have_value("warning")
    context.close()


def test_a_rejected_hit_leaves_the_open_list_and_never_awaits_an_outcome(
    page: Page, shift: WebApp
) -> None:
    open_alerts(page, shift)
    newest = newest_first(shift)[0]
    card = page.locator(f"#hit-{newest}")
    card.get_by_label("Reason").select_option("misread")
    card.get_by_role("button", name="Reject the hit").click()
    expect(card.get_by_role("status")).to_contain_text("Rejected by olivia")
    expect(card.get_by_role("status")).to_contain_text("Misread: the characters differ")
    page.reload()
    expect(page.locator(f"#hit-{newest}")).to_have_count(0)
    expect(page.locator("#hit-summary")).to_contain_text("0 awaiting the outcome")
    page.get_by_label("Status").select_option("rejected")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("article.hit-card")).to_have_count(1)
    expect(page.locator(f"#hit-{newest} [data-status]")).to_have_text("Rejected")
    hit = shift.services.store.hits.get(newest)
    assert hit is not None
    assert hit.status is HitStatus.REJECTED


def test_a_filter_the_form_never_offers_is_refused_in_words(page: Page, shift: WebApp) -> None:
    open_alerts(page, shift)
    answer = page.goto(f"/alerts?purpose={PURPOSE}&case_number={CASE}&level=urgent")
    assert answer is not None
    assert answer.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Level: 'urgent' is not one of")
    answer = page.goto(f"/alerts?purpose={PURPOSE}&case_number={CASE}&after=not-a-cursor")
    assert answer is not None
    assert answer.status == 422
    expect(page.get_by_role("alert")).to_contain_text("the link to the older hits is damaged")


def test_on_a_phone_the_alerts_fit_the_screen(browser: Browser, shift: WebApp) -> None:
    context = new_context(
        browser,
        base_url=shift.base_url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    open_alerts(page, shift)
    page.locator("details.hit-earlier summary").first.click()
    page.locator("details.hit-folded summary").first.click()
    expect(page.locator("mark.differs").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    shoot(page, "alerts-390")
    assert audit_all_open(page) == []
    context.close()


def held_until(page: Page, web_app: WebApp, instant: datetime) -> None:
    """Wait for the stream's next heartbeat to have held the page's session up to ``instant``."""
    [token] = [c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    sessions = web_app.services.store.sessions
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        session = sessions.by_token_hash(hash_token(token))
        assert session is not None, "the session ended while its alert screen was locked"
        if session.last_seen_at >= instant:
            return
        time.sleep(0.05)
    raise AssertionError("no heartbeat held the locked session")


def audit_all_open(page: Page) -> list[Any]:
    """The accessibility checks over the whole list, the folded hits opened."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    findings: list[Any] = page.evaluate(AUDIT_SCRIPT)
    return findings


def test_the_alert_screen_locks_by_hand_keeps_listening_and_holds_through_the_idle_time(
    page: Page, shift: WebApp
) -> None:
    page.add_init_script(SIGNAL_SPIES)
    open_alerts(page, shift)
    page.get_by_label("Play a sound").check()
    page.get_by_label("Show a browser notification").check()
    expect(page.get_by_label("Show a browser notification")).to_be_checked()
    wait_for_listener(shift)

    # Unlocked and in view: the sound plays and the notification names the plate.
    shift.clock.advance(timedelta(seconds=1))
    shift.ingest(AMBER, index=100, captured_at=shift.clock.now())
    page.wait_for_function("window.__notified.length === 1")
    assert AMBER in page.evaluate("window.__notified[0].body")
    assert page.evaluate("window.__tones") > 0

    page.get_by_role("button", name="Lock the screen").click()
    cover = page.locator("#screen-lock")
    expect(cover).to_contain_text("You locked the screen.")
    expect(page.locator("main")).to_be_hidden()
    # Locked: a new alert is counted and notified without its plate; nothing shows it.
    shift.clock.advance(timedelta(seconds=1))
    shift.ingest(AMBER, index=101, captured_at=shift.clock.now())
    expect(page.locator("#screen-lock-alerts")).to_contain_text("1 new alert arrived")
    page.wait_for_function("window.__notified.length === 2")
    locked_note = page.evaluate("window.__notified[1].body")
    assert AMBER not in locked_note
    assert "Open PlateKeeper" in locked_note
    assert AMBER not in page.locator("body").inner_text()

    # The session's idle limit passes while the screen is locked and listening: the lock holds.
    idle = shift.services.settings.accounts.session_idle_minutes
    for _ in range(idle // 5 + 2):
        shift.clock.advance(timedelta(minutes=5))
        held_until(page, shift, shift.clock.now())
    assert shift.services.alerts.live.subscriber_count == 1
    lock_log = shift.services.store.access_log.find(AccessFilter(action="auth:lock"))
    assert [entry.event.reason for entry in lock_log] == ["screen locked by its person"]

    cover.get_by_label("Password").fill("not the password")
    cover.get_by_role("button", name="Unlock").click()
    expect(cover.get_by_role("alert")).to_be_visible()
    # The second factor unlocks as the password does.
    cover.get_by_label("Or a code from your authenticator app").fill(
        shift.person(Role.OFFICER).code()
    )
    cover.get_by_role("button", name="Unlock").click()
    expect(page.locator("#screen-lock")).to_have_count(0)
    expect(page.locator("main")).to_be_visible()
    unlocked = shift.services.store.access_log.find(AccessFilter(action="auth:unlock"))
    assert unlocked[0].event.reason == "screen unlocked (second factor)"
    # What came while locked is shown now.
    newest = newest_first(shift)[0]
    expect(page.locator(f"#hit-{newest}")).to_be_visible()
    assert re.search(r"\d+ hits? of your lists", page.locator("#hit-summary").inner_text())
