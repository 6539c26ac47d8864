"""An NCIC-style feed imported over HTTP by a California agency, on SQLite and PostgreSQL.

Its records keep their NCIC fields through the gated entry listing; a row with a bad field is
rejected whole; the Immigration Violator File's records (by the California profile's named
file, by their words, and by the policy's own message key) are never stored, raise no hit when
their plates pass a camera, and are counted, without a plate, in the compliance report and on
the public transparency page, with the policy version that kept them out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from platekeeper.app import create_app
from platekeeper.config import HotlistSettings, Settings
from platekeeper.config.features import TransparencySettings
from platekeeper.demo.policy import DEMO_POLICY
from platekeeper.domain.access import Actor
from platekeeper.domain.hotlists import AlertLevel, ListSource
from platekeeper.domain.people import Role
from platekeeper.hotlists.importing import FileFormat, ImportSpec
from platekeeper.hotlists.service import Editor, HotlistService
from platekeeper.ingest import IngestItem
from platekeeper.reports.compliance import Period
from platekeeper.reports.compliance_service import compliance_report
from platekeeper.reports.render import ReportFormat, render
from platekeeper.store.protocols import AccessFilter, HitFilter
from tests.api.conftest import LiveApp, backend_settings
from tests.api.people import staff
from tests.conftest import (
    NOW,
    FixedClock,
    build_test_services,
    make_agency,
    make_camera,
    make_submission,
)
from tests.hotlists.test_ncic_import import BY_POLICY_KEY, BY_WORDS, HEADER, IMMIGRATION, STOLEN
from tests.ports import served

__all__ = ["backend_settings"]  # the API's fixture: SQLite and PostgreSQL in turn

POLICY = DEMO_POLICY + '\n[hotlists]\nexclude_message_keys = ["EVX"]\n'
FELONY = "4JKL321,CA,PC,2027,,CHEV,MAL,2020,GRY,V523456789,CA0194200,24-0099,FELONY VEHICLE,NCIC Stolen Vehicle File\n"  # noqa: E501
BAD = STOLEN.replace("7ABC123", "9BAD999").replace(",2019,", ",19X9,")
FEED = HEADER + STOLEN + FELONY + IMMIGRATION + BY_WORDS + BY_POLICY_KEY + BAD
EXCLUDED_PLATES = ("8XYZ777", "6DEF456", "5GHI789")
IMMIGRATION_LAW = "immigration-enforcement, forbidden by California (Cal. Gov. Code § 7284.6"


@pytest.fixture
def california(backend_settings: Settings, clock: FixedClock) -> Iterator[LiveApp]:
    """The app over HTTP under a California agency's policy that also names a message key."""
    settings = backend_settings.model_copy(
        update={"transparency": TransparencySettings(min_count=1, cache_s=0)}
    )
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    (settings.data_dir / "policy.toml").write_text(POLICY, encoding="utf-8")
    built = build_test_services(settings, clock)
    built.store.agencies.add(make_agency())
    try:
        with served(create_app(built)) as base_url:
            yield LiveApp(base_url, built, "", "")
    finally:
        built.close()


def _import(analyst: httpx.Client, *, replace: bool) -> dict[str, Any]:
    answer = analyst.post(
        "/api/v1/hotlists/ncic-hot/import",
        params={"format": "csv", "replace": str(replace).lower()},
        content=FEED.encode(),
    )
    assert answer.status_code == 200, answer.text
    report: dict[str, Any] = answer.json()
    return report


def test_an_ncic_feed_keeps_its_fields_and_never_loads_what_california_excludes(
    california: LiveApp, clock: FixedClock
) -> None:
    app = california
    services = app.services
    people = staff(services)
    with httpx.Client(
        base_url=app.base_url, headers=people[Role.ANALYST].headers, timeout=30
    ) as analyst:
        made = analyst.post(
            "/api/v1/hotlists",
            json={"id": "ncic-hot", "name": "NCIC hot file", "source": "ncic", "priority": 1,
                  "alert_level": "critical"},
        )  # fmt: skip
        assert made.status_code == 201, made.text
        report = _import(analyst, replace=False)
        assert report["imported"] == 2
        (rejected,) = report["rejected"]
        assert rejected["line"] == 7
        assert "vehicle_year (VYR) '19X9'" in rejected["reason"]
        excluded = {group["source_file"]: group for group in report["excluded"]}
        assert set(excluded) == {"NCIC Immigration Violator File", "NCIC Wanted Person File",
                                 "Local list"}  # fmt: skip
        assert excluded["NCIC Immigration Violator File"]["rule"].startswith(IMMIGRATION_LAW)
        assert excluded["Local list"]["message_key"] == "EVX"

        listed = analyst.get("/api/v1/hotlists/ncic-hot/entries")
        assert listed.status_code == 200, listed.text
        entries = {entry["plate_text"]: entry for entry in listed.json()["entries"]}
        assert set(entries) == {"7ABC123", "4JKL321"}
        assert entries["7ABC123"]["record"] == {
            "plate_type": "PC", "plate_year": "2027", "vin": "1HGCM82633A004352",
            "make": "HOND", "model": "ACC", "vehicle_year": 2019, "colour": "BLK/WHI",
            "ncic_number": "V123456789", "ori": "CA0194200", "oca": "24-001872",
            "message_key": "STOLEN VEHICLE", "source_file": "NCIC Stolen Vehicle File",
        }  # fmt: skip
        clock.current = NOW + timedelta(hours=1)
        _import(analyst, replace=True)  # the feed refreshed: counted again, not doubled

    camera = make_camera()[0]
    services.store.cameras.add(camera)
    plates = ("7ABC123", "4JKL321", "9BAD999", *EXCLUDED_PLATES)
    for index, plate in enumerate(plates):
        submission = make_submission(index, plate_text=plate, captured_at=NOW)
        services.ingest.ingest(camera, [IngestItem(submission, image=None)])
    hits = services.store.hits.list(HitFilter())
    hit_plates = {services.store.hotlist_entries.get(h.entry_id).plate_text for h in hits}  # type: ignore[union-attr]
    assert hit_plates == {"7ABC123", "4JKL321"}

    version = hashlib.sha256(POLICY.encode()).hexdigest()[:12]
    compliance = compliance_report(
        services, Period.of_days(NOW.date(), NOW.date()), Actor("aude", "demo-pd")
    )
    figures = {f.source: f for f in compliance.figures.hotlist_exclusions}
    assert set(figures) == set(excluded)
    for figure in figures.values():
        assert (figure.latest, figure.times, figure.policy_versions) == (1, 2, (version,))
    assert (
        figures["Local list"].rule == "excluded by the policy file's hotlists.exclude_message_keys"
    )
    document = render(compliance, ReportFormat.JSON).decode()
    shown = json.loads(document)["figures"]["hotlist_exclusions"]
    assert {row["source"]: row["latest"] for row in shown} == dict.fromkeys(figures, 1)
    assert not any(plate in document for plate in EXCLUDED_PLATES)

    with httpx.Client(base_url=app.base_url, timeout=30) as public:
        feed = public.get("/transparency.json")
        assert feed.status_code == 200, feed.text
        published = {row["source"]: row for row in feed.json()["hotlist_exclusions"]}
        assert set(published) == set(excluded)
        immigration = published["NCIC Immigration Violator File"]
        assert immigration["latest"] == {"count": 1, "text": "1"}
        assert immigration["times"] == 2
        assert immigration["rule"].startswith(IMMIGRATION_LAW)
        page = public.get("/transparency")
        assert page.status_code == 200
        assert "NCIC Immigration Violator File" in page.text
        assert "Hot-list records kept out" in page.text
        assert not any(plate in page.text + feed.text for plate in EXCLUDED_PLATES)


def test_without_an_immigration_word_a_lawful_feed_stores_every_record(
    california: LiveApp,
) -> None:
    """The attack's mirror: exclusions never drop a lawful record, and record nothing."""
    services = california.services
    people = staff(services)
    with httpx.Client(
        base_url=california.base_url, headers=people[Role.ANALYST].headers, timeout=30
    ) as analyst:
        body = {"id": "ncic-hot", "name": "NCIC hot file", "source": "ncic", "priority": 1,
                "alert_level": "critical"}  # fmt: skip
        assert analyst.post("/api/v1/hotlists", json=body).status_code == 201
        lawful = HEADER + STOLEN + FELONY
        answer = analyst.post(
            "/api/v1/hotlists/ncic-hot/import", params={"format": "csv"}, content=lawful.encode()
        )
        assert answer.status_code == 200, answer.text
        assert (answer.json()["imported"], answer.json()["excluded"]) == (2, [])
    ever = (NOW.replace(year=2000), NOW.replace(year=2100))
    assert services.store.hotlists.exclusions(None, *ever) == []


def test_entries_stored_before_the_policy_excluded_them_are_swept_and_never_hit(
    california: LiveApp, clock: FixedClock
) -> None:
    """The careless administrator: a feed loaded before the policy named its file (here by a
    service built without the law). The scheduler's next round takes those entries out, logged
    and counted, and their plates raise no hit."""
    services = california.services
    unaware = HotlistService(services.store, services.access_log, clock, HotlistSettings())
    people = staff(services)
    account = people[Role.ANALYST].account
    analyst = Editor(Actor(account.username, account.agency_id), frozenset({Role.ANALYST}))
    services.hotlists.create_list(
        analyst, list_id="ncic-hot", name="NCIC hot file", source=ListSource.NCIC, priority=1,
        alert_level=AlertLevel.CRITICAL, covert=False,
    )  # fmt: skip
    feed = (HEADER + STOLEN + IMMIGRATION + BY_POLICY_KEY).encode()
    assert (
        unaware.import_file(analyst, "ncic-hot", feed, ImportSpec(FileFormat.CSV, {})).imported == 3
    )
    assert services.hotlists.refresh_due() == 0  # the scheduler's first round sweeps
    assert services.hotlists.sweep_excluded() == 0
    left = services.store.hotlist_entries.list("ncic-hot")
    assert [entry.plate_text for entry in left] == ["7ABC123"]
    kept_out = services.store.hotlists.exclusions("demo-pd", NOW)
    assert {(e.source_file, e.entries, e.excluded_by) for e in kept_out} == {
        ("NCIC Immigration Violator File", 1, "system:policy"),
        ("Local list", 1, "system:policy"),
    }
    logged = services.store.access_log.find(AccessFilter(action="hotlists:exclude"))
    assert len(logged) == 2
    camera = make_camera()[0]
    services.store.cameras.add(camera)
    for index, plate in enumerate(("8XYZ777", "5GHI789")):
        submission = make_submission(index, plate_text=plate, captured_at=clock.now())
        services.ingest.ingest(camera, [IngestItem(submission, image=None)])
    assert services.store.hits.list(HitFilter()) == []
