"""R37: the public report has a schedule, from the law of each applying profile.

On the starting commit the transparency report was produced on demand only, and no profile said
how often it must be published, nothing was kept of what had been published, and nothing
noticed a report that never came. Now Arkansas's profile carries six months, New Hampshire's and
Virginia's a year, each with its citation, and any other agency a year by default; the shortest
interval of the applying profiles wins. When a report is due, the server's background loop
(or ``platekeeper report publish-transparency``) publishes it as a dated snapshot in the store,
logged as a system event; the public page and feed list every past report; the compliance
report flags a schedule that was missed.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from platekeeper.app import create_app
from platekeeper.cli.main import app
from platekeeper.config import Settings, load_settings
from platekeeper.domain import Agency
from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessRecord, Actor
from platekeeper.domain.publication import (
    DEFAULT_INTERVAL_MONTHS,
    GRACE,
    publication_due,
    publication_overdue,
    publication_schedule,
)
from platekeeper.policy.profiles import available_profiles, load_profile, load_profiles
from platekeeper.reports.compliance import Period
from platekeeper.reports.compliance_checks import run_checks
from platekeeper.reports.gather import gather
from platekeeper.reports.publisher import (
    PUBLISH_ACTION,
    PUBLISHER,
    PublicationScheduler,
    TransparencyPublisher,
)
from platekeeper.services import Services, build_services
from platekeeper.store.protocols import AccessFilter, TransparencySnapshot
from tests.api.conftest import backend_settings
from tests.conftest import NOW, FixedClock, build_test_services, make_agency, make_camera, make_read
from tests.policy.samples import write_complete_policy
from tests.ports import served

__all__ = ["backend_settings"]  # SQLite and PostgreSQL in turn
PLATE = "QX7PUBLS"


@pytest.mark.parametrize(("code", "months"), [("ar", 6), ("nh", 12), ("va", 12)])
def test_the_profiles_carry_their_reporting_interval_with_a_citation(
    code: str, months: int
) -> None:
    reporting = load_profile(code).reporting
    assert reporting is not None
    assert reporting.interval_months == months
    assert reporting.citation.strip()


def test_the_shortest_interval_wins_and_others_default_to_a_year() -> None:
    assert publication_schedule(load_profiles(["va", "ar", "nh"])).interval_months == 6
    assert publication_schedule(load_profiles(["ca"])).interval_months == DEFAULT_INTERVAL_MONTHS
    assert publication_schedule([]).interval_months == DEFAULT_INTERVAL_MONTHS
    # No shipped profile sets a longer interval than the default.
    for code in available_profiles():
        assert publication_schedule([load_profile(code)]).interval_months <= 12


def test_a_report_is_due_when_none_was_published_or_the_last_is_an_interval_old() -> None:
    arkansas = publication_schedule(load_profiles(["ar"]))
    assert publication_due(arkansas, None, NOW)
    assert not publication_due(arkansas, NOW - timedelta(days=150), NOW)
    assert publication_due(arkansas, NOW - timedelta(days=183), NOW)


def test_a_missed_schedule_is_overdue_after_its_grace() -> None:
    yearly = publication_schedule([])
    began = NOW - yearly.interval - GRACE
    assert not publication_overdue(yearly, None, began, NOW)
    assert publication_overdue(yearly, None, began - timedelta(days=1), NOW)
    assert not publication_overdue(
        yearly, NOW - timedelta(days=30), began - timedelta(days=900), NOW
    )


# --- the snapshots, their publication, the public list, the CLI (SQLite and PostgreSQL) --------


@pytest.fixture
def services(backend_settings: Settings, clock: FixedClock) -> Iterator[Services]:
    write_complete_policy(backend_settings.data_dir)
    built = build_test_services(backend_settings, clock)
    built.store.agencies.add(make_agency())
    built.store.cameras.add(make_camera()[0])
    built.store.reads.add([make_read(n, plate_text=PLATE) for n in range(6)])
    yield built
    built.close()


def _publications(services: Services) -> list[AccessRecord]:
    return services.store.access_log.find(AccessFilter(action=PUBLISH_ACTION, limit=100))


def test_the_store_keeps_each_published_report_with_its_dates(services: Services) -> None:
    repo = services.store.transparency_snapshots
    assert repo.latest() is None
    first = repo.add(TransparencySnapshot(NOW, NOW - timedelta(days=365), NOW, '{"a": 1}'))
    later = NOW + timedelta(days=200)
    second = repo.add(TransparencySnapshot(later, NOW, later, '{"a": 2}'))
    assert first.seq is not None
    assert second.seq is not None
    assert second.seq > first.seq
    assert repo.latest() == second
    assert repo.list() == [second, first]
    assert repo.get(first.seq) == first
    assert first.period_from == NOW - timedelta(days=365)
    assert repo.get(second.seq + 100) is None


def test_a_due_report_is_published_once_stored_and_logged_as_a_system_event(
    services: Services, clock: FixedClock
) -> None:
    publisher = TransparencyPublisher(services)
    snapshot = publisher.publish_if_due()
    assert snapshot is not None
    assert publisher.publish_if_due() is None  # not due again the same day
    stored = services.store.transparency_snapshots.list()
    assert stored == [snapshot]
    document = json.loads(snapshot.report)
    assert document["reads"] == {"count": 6, "text": "6"}
    assert document["policy"] is not None  # the policy link, as R37 asks
    assert PLATE not in snapshot.report
    assert (snapshot.period_from, snapshot.period_to) == (NOW - timedelta(days=365), NOW)
    [logged] = _publications(services)
    assert logged.event.actor == PUBLISHER
    assert logged.event.outcome is AccessOutcome.ALLOWED
    assert logged.event.query["report"] == str(snapshot.seq)
    # A year on, the next one covers the time since the last: no day is left out.
    clock.advance(timedelta(days=200))
    assert publisher.publish_if_due() is None
    clock.advance(timedelta(days=165))
    following = publisher.publish_if_due()
    assert following is not None
    assert following.period_from == snapshot.period_to
    assert len(_publications(services)) == 2


def test_an_arkansas_agency_publishes_every_six_months(
    services: Services, clock: FixedClock
) -> None:
    """The state of an agency registered on the host brings its profile, and its schedule,
    whether the policy names it or not."""
    arkansas = Agency(id="ar-pd", name="Little Rock PD", state="AR", created_at=NOW)
    services.store.agencies.add(arkansas)
    scheduler = PublicationScheduler(TransparencyPublisher(services))
    scheduler.tick()
    clock.advance(timedelta(days=150))
    scheduler.tick()
    assert len(services.store.transparency_snapshots.list()) == 1
    clock.advance(timedelta(days=33))
    scheduler.tick()
    assert len(services.store.transparency_snapshots.list()) == 2


def test_the_public_feed_and_page_list_past_reports_without_plate_data(
    services: Services, clock: FixedClock
) -> None:
    publisher = TransparencyPublisher(services)
    first = publisher.publish(PUBLISHER)
    clock.advance(timedelta(days=1))
    second = publisher.publish(PUBLISHER)
    with served(create_app(services)) as base_url, httpx.Client(base_url=base_url) as anonymous:
        feed = anonymous.get("/transparency.json").json()
        page = anonymous.get("/transparency").text
        stored = anonymous.get(f"/transparency/reports/{first.seq}.json")
        missing = anonymous.get("/transparency/reports/999999.json")
    listed = feed["published_reports"]
    assert [item["number"] for item in listed] == [second.seq, first.seq]
    assert listed[1]["published_at"] == first.published_at.isoformat()
    assert listed[1]["period"] == {
        "from": first.period_from.isoformat(),
        "to": first.period_to.isoformat(),
    }
    assert f"/transparency/reports/{second.seq}.json" in page
    assert first.published_at.strftime("%Y-%m-%d") in page
    assert stored.status_code == 200
    assert stored.json() == json.loads(first.report)
    assert missing.status_code == 404
    for text in (json.dumps(feed), page, stored.text):
        assert PLATE not in text


def test_the_compliance_report_flags_a_missed_schedule_from_the_store(
    services: Services, clock: FixedClock
) -> None:
    """Gathered from the store: a system running for over a year with no report is flagged;
    once the report is published, it is not."""
    services.access_log.record(
        AccessEvent(NOW, Actor("system", "-"), "system:start", AccessOutcome.ALLOWED, "started")
    )
    clock.advance(timedelta(days=400))
    period = Period.of_days((NOW + timedelta(days=399)).date(), (NOW + timedelta(days=399)).date())
    facts = gather(services, period)
    assert facts.operating_since == NOW
    assert "policy.transparency-overdue" in {f.code for f in run_checks(facts).findings}
    TransparencyPublisher(services).publish_if_due()
    facts = gather(services, period)
    assert facts.last_publication == clock.now()
    assert "policy.transparency-overdue" not in {f.code for f in run_checks(facts).findings}


def test_the_console_command_publishes_as_the_host_operator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [k for k in os.environ if k.startswith("PLATEKEEPER_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PLATEKEEPER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    write_complete_policy(tmp_path)
    settings = load_settings(data_dir=tmp_path)
    built = build_services(settings)
    try:
        built.store.upgrade()
        built.store.agencies.add(make_agency())
    finally:
        built.close()
    runner = CliRunner()
    first = runner.invoke(app, ["report", "publish-transparency"])
    assert first.exit_code == 0, (first.output, first.exception)
    assert "Published transparency report #1" in first.output
    again = runner.invoke(app, ["report", "publish-transparency"])
    assert again.exit_code == 0
    assert "No report is due" in again.output
    forced = runner.invoke(app, ["report", "publish-transparency", "--force"])
    assert "Published transparency report #2" in forced.output
    built = build_services(settings)
    try:
        logged = built.store.access_log.find(AccessFilter(action=PUBLISH_ACTION, limit=10))
    finally:
        built.close()
    assert len(logged) == 2
    assert {r.event.actor.username for r in logged} == {f"cli:{getpass.getuser()}"}
