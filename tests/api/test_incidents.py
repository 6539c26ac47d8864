"""Incidents, public-records requests and corrections over HTTP, on both databases: each step
for the role that may take it, and refused (and logged) for the wrong role, another agency and a
missing purpose."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from platekeeper.app import create_app
from platekeeper.config import IncidentSettings, PostgresStoreSettings, Settings
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Permission
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp
from tests.api.people import add_person, sign_in, staff
from tests.audit.conftest import RawSql
from tests.conftest import NOW, FixedClock, build_test_services, make_agency, make_camera, make_read
from tests.ports import served

NOTICE = {
    "what_happened": "A laptop holding an export of reads was stolen on 20 November.",
    "information_involved": "Licence plate reads: plate, time and place.",
    "what_we_are_doing": "We disabled the account and reviewed every export.",
    "what_you_can_do": "Nothing is needed from you; call us with any question.",
    "for_more_information": "Call 916-555-0100, Monday to Friday.",
}
BASIS = {"purpose": "stolen-vehicle", "case_number": "2026-000123"}


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def _other_agency_person(app: LiveApp, role: Role, name: str) -> str:
    app.services.store.agencies.add(make_agency("other-pd"))
    return add_person(app.services, name, role, agency_id="other-pd").token


def _refusals(app: LiveApp, action: str) -> list[str]:
    found = app.services.store.access_log.find(
        AccessFilter(action=action, outcome=AccessOutcome.DENIED, limit=100)
    )
    return [record.event.actor.username for record in found]


# --- incidents -------------------------------------------------------------------------------


def test_a_custodian_reports_assesses_decides_and_notifies_an_incident(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    with live_app.client(people[Role.CUSTODIAN].token) as custodian:
        created = custodian.post(
            "/api/v1/incidents", json={"summary": "a laptop with an export was stolen"}
        )
        assert created.status_code == 201, created.text
        incident = created.json()
        assert (incident["status"], incident["source"]) == ("suspected", "manual")
        assert incident["notice_due"].startswith((NOW + timedelta(days=30)).date().isoformat())
        path = f"/api/v1/incidents/{incident['id']}"

        # Notice goes only to a confirmed breach.
        early = custodian.post(f"{path}/notify", json={"notice": NOTICE})
        _problem(early, 409, "conflict")
        assessed = custodian.post(
            f"{path}/assess",
            json={
                "outcome": "breach",
                "reason": "the export was on the laptop",
                "data_involved": "reads",
                "reads_affected": 1200,
                "people_affected": 800,
                "california_residents": 700,
            },
        )
        assert assessed.json()["status"] == "confirmed", assessed.text
        assert assessed.json()["attorney_general_required"] is True
        decided = custodian.post(f"{path}/decisions", json={"text": "account disabled"})
        assert decided.json()["decisions"][-1]["text"] == "account disabled"

        draft = custodian.post(f"{path}/notice-draft", json=NOTICE)
        assert draft.json()["incident"] is None
        assert draft.json()["text"].startswith("Notice of Data Breach")
        # Over 500 California residents: refused until the Attorney General has the sample.
        without_ag = custodian.post(f"{path}/notify", json={"notice": NOTICE})
        _problem(without_ag, 422, "invalid_input")
        empty = custodian.post(
            f"{path}/notify",
            json={"notice": {**NOTICE, "what_you_can_do": "  "}, "attorney_general": True},
        )
        assert "what_you_can_do" in str(_problem(empty, 422, "invalid_input")["errors"])
        notified = custodian.post(
            f"{path}/notify", json={"notice": NOTICE, "attorney_general": True}
        )
        assert notified.status_code == 200, notified.text
        assert notified.json()["incident"]["status"] == "notified"
        text = notified.json()["text"]
        for heading in ("What Happened", "What Information Was Involved", "For More Information"):
            assert heading in text

        listed = custodian.get("/api/v1/incidents").json()
        assert listed["notice_target_days"] == 30
        assert [i["id"] for i in listed["incidents"]] == [incident["id"]]
        # Closed: no more assessment.
        again = custodian.post(
            f"{path}/assess", json={"outcome": "not-a-breach", "reason": "second thoughts"}
        )
        _problem(again, 409, "conflict")


def test_incidents_are_the_custodians_of_their_own_agency_only(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    with live_app.client(people[Role.CUSTODIAN].token) as custodian:
        incident_id = custodian.post("/api/v1/incidents", json={"summary": "vendor notice"}).json()[
            "id"
        ]
    for role in (Role.OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.AUDITOR):
        with live_app.client(people[role].token) as other:
            _problem(other.get("/api/v1/incidents"), 403, "forbidden")
            _problem(other.post("/api/v1/incidents", json={"summary": "x"}), 403, "forbidden")
            refused = other.post(
                f"/api/v1/incidents/{incident_id}/assess",
                json={"outcome": "not-a-breach", "reason": "nothing"},
            )
            _problem(refused, 403, "forbidden")
    outsider = _other_agency_person(live_app, Role.CUSTODIAN, "cory")
    with live_app.client(outsider) as cory:
        assert cory.get("/api/v1/incidents").json()["incidents"] == []
        hidden = cory.post(
            f"/api/v1/incidents/{incident_id}/assess",
            json={"outcome": "not-a-breach", "reason": "closing theirs"},
        )
        _problem(hidden, 404, "not_found")
        _problem(
            cory.post(f"/api/v1/incidents/{incident_id}/notice-draft", json=NOTICE),
            404,
            "not_found",
        )
    assert "olivia" in _refusals(live_app, Permission.INCIDENTS_MANAGE.value)


def test_changing_an_incident_by_cookie_needs_the_csrf_token(live_app: LiveApp) -> None:
    staff(live_app.services)
    client, csrf = sign_in(live_app, "casey")
    with client:
        body = {"summary": "a complaint"}
        _problem(client.post("/api/v1/incidents", json=body), 403, "csrf_failed")
        made = client.post("/api/v1/incidents", json=body, headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201


# --- public-records requests -----------------------------------------------------------------


def test_a_records_request_is_recorded_extended_and_answered_with_published_figures_only(
    live_app: LiveApp,
) -> None:
    services = live_app.services
    services.store.reads.add(
        [make_read(i, captured_at=NOW - timedelta(hours=i + 1)) for i in range(7)]
    )
    people = staff(services)
    with live_app.client(people[Role.CUSTODIAN].token) as custodian:
        created = custodian.post(
            "/api/v1/records-requests",
            json={
                "requester": "A reporter",
                "description": "How many plates were read last month",
                "received_on": (NOW - timedelta(days=2)).date().isoformat(),
            },
        )
        assert created.status_code == 201, created.text
        request = created.json()
        assert request["response_due"] == (NOW + timedelta(days=8)).date().isoformat()
        path = f"/api/v1/records-requests/{request['id']}"
        extended = custodian.post(f"{path}/extend", json={"reason": "records at two sites"})
        assert extended.json()["response_due"] == (NOW + timedelta(days=22)).date().isoformat()
        _problem(custodian.post(f"{path}/extend", json={"reason": "again"}), 409, "conflict")

        figures = custodian.get("/api/v1/records-requests/figures").json()
        assert figures["figures"]["reads"] == 7
        # No hit was made: a count under the small-count rule is not releasable.
        assert "hits" not in figures["figures"]
        for figure in ("hits", "plate:7ABC123", "7ABC123", "reads_by_plate:7ABC123"):
            refused = custodian.post(
                f"{path}/respond", json={"response": "attached", "figures": [figure]}
            )
            _problem(refused, 422, "invalid_input")
        unknown = custodian.post(
            f"{path}/respond", json={"response": "denied", "exemptions": ["because-we-said"]}
        )
        _problem(unknown, 422, "invalid_input")
        answered = custodian.post(
            f"{path}/respond",
            json={
                "response": "Figures attached; plate-level data withheld.",
                "figures": ["reads"],
                "exemptions": ["records-of-investigations"],
            },
        )
        assert answered.status_code == 200, answered.text
        body = answered.json()
        assert body["status"] == "responded"
        assert body["released"] == {"reads": 7}
        assert "7923.600" in body["exemptions"][0]["citation"]
        assert "7ABC123" not in answered.text
        listed = custodian.get("/api/v1/records-requests").json()["requests"]
        assert [r["id"] for r in listed] == [request["id"]]
        _problem(custodian.post(f"{path}/withdraw"), 409, "conflict")


def test_the_register_is_the_custodians_of_their_own_agency_only(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    body = {"requester": "A", "description": "B", "received_on": NOW.date().isoformat()}
    with live_app.client(people[Role.CUSTODIAN].token) as custodian:
        request_id = custodian.post("/api/v1/records-requests", json=body).json()["id"]
        future = {**body, "received_on": (NOW + timedelta(days=3)).date().isoformat()}
        _problem(custodian.post("/api/v1/records-requests", json=future), 422, "invalid_input")
    for role in (Role.OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.AUDITOR):
        with live_app.client(people[role].token) as other:
            _problem(other.get("/api/v1/records-requests"), 403, "forbidden")
            _problem(other.get("/api/v1/records-requests/figures"), 403, "forbidden")
            _problem(other.post("/api/v1/records-requests", json=body), 403, "forbidden")
    outsider = _other_agency_person(live_app, Role.CUSTODIAN, "cory")
    with live_app.client(outsider) as cory:
        assert cory.get("/api/v1/records-requests").json()["requests"] == []
        path = f"/api/v1/records-requests/{request_id}"
        _problem(cory.post(f"{path}/withdraw"), 404, "not_found")
        _problem(cory.post(f"{path}/extend", json={"reason": "mine now"}), 404, "not_found")


# --- corrections -----------------------------------------------------------------------------


def test_a_misread_is_corrected_with_purpose_and_case_and_auditors_see_it_without_plates(
    live_app: LiveApp,
) -> None:
    services = live_app.services
    read = make_read(1, plate_text="8OXY123", captured_at=NOW - timedelta(hours=2))
    services.store.reads.add([read])
    people = staff(services)
    body = {**BASIS, "plate_text": "BOXY123", "reason": "8 is a B on the image, BOXY123"}
    with live_app.client(people[Role.ANALYST].token) as analyst:
        made = analyst.post(f"/api/v1/reads/{read.id}/corrections", json=body)
        assert made.status_code == 201, made.text
        assert (made.json()["original_text"], made.json()["corrected_text"]) == (
            "8OXY123",
            "BOXY123",
        )
        _problem(
            analyst.post(f"/api/v1/reads/{read.id}/corrections", json=body), 422, "invalid_input"
        )
        _problem(analyst.get("/api/v1/corrections"), 403, "forbidden")
    stored = services.store.reads.get(read.id)
    assert stored is not None
    assert stored.plate_text == "BOXY123"
    with live_app.client(people[Role.AUDITOR].token) as auditor:
        listed = auditor.get("/api/v1/corrections")
        assert listed.status_code == 200, listed.text
        _problem(auditor.post(f"/api/v1/reads/{read.id}/corrections", json=body), 403, "forbidden")
    [shown] = listed.json()["corrections"]
    assert shown["plate_text_changed"] is True
    assert shown["corrected_by"] == "avery"
    assert shown["case_number"] == BASIS["case_number"]
    for plate in ("8OXY123", "BOXY123", read.id):
        assert plate not in listed.text
    # The correction is in the access log, without the original plate in its reason.
    [logged] = services.store.access_log.find(
        AccessFilter(action=Permission.READS_CORRECT.value, outcome=AccessOutcome.ALLOWED)
    )
    assert "8OXY123" not in logged.event.reason


def test_a_correction_needs_purpose_and_case_the_role_and_the_agency(live_app: LiveApp) -> None:
    services = live_app.services
    read = make_read(1, plate_text="8OXY123", captured_at=NOW - timedelta(hours=2))
    services.store.reads.add([read])
    people = staff(services)
    path = f"/api/v1/reads/{read.id}/corrections"
    body = {"plate_text": "BOXY123", "reason": "8 is a B"}
    with live_app.client(people[Role.ANALYST].token) as analyst:
        for basis in ({}, {"purpose": "stolen-vehicle"}, {"case_number": "2026-000123"}):
            refused = analyst.post(path, json={**body, **basis})
            assert refused.status_code in (403, 422), refused.text
        unknown = analyst.post(path, json={**body, **BASIS, "purpose": "curiosity"})
        assert unknown.status_code in (403, 422), unknown.text
        personal = analyst.post(
            path, json={**body, **BASIS, "reason": "owner John Smith, DOB 01/02/1980"}
        )
        _problem(personal, 422, "invalid_input")
    with live_app.client(people[Role.CUSTODIAN].token) as custodian:
        _problem(custodian.post(path, json={**body, **BASIS}), 403, "forbidden")
    outsider = _other_agency_person(live_app, Role.ANALYST, "ollie")
    with live_app.client(outsider) as ollie:
        _problem(ollie.post(path, json={**body, **BASIS}), 404, "not_found")
        assert ollie.get("/api/v1/corrections").status_code == 403
    unchanged = services.store.reads.get(read.id)
    assert unchanged is not None
    assert unchanged.plate_text == "8OXY123"
    # Every refusal by the gate is in the access log, under the analyst's name.
    refusals = _refusals(live_app, Permission.READS_CORRECT.value)
    assert refusals.count("avery") >= 4
    assert "ollie" in refusals


# --- detection has callers -------------------------------------------------------------------


@pytest.fixture
def low_threshold_app(backend_settings: Settings, clock: FixedClock) -> Iterator[LiveApp]:
    """The live app with ``incidents.export_threshold`` at 2 reads in 24 hours: the setting,
    not a constructor default, decides."""
    incidents = IncidentSettings(export_threshold=2, export_window_hours=24)
    settings = backend_settings.model_copy(update={"incidents": incidents})
    services = build_test_services(settings, clock)
    try:
        services.store.agencies.add(make_agency())
        camera, key = make_camera("main-st-north")
        services.store.cameras.add(camera)
        with served(create_app(services)) as base_url:
            yield LiveApp(base_url, services, key, key)
    finally:
        services.close()


def test_exports_past_the_threshold_raise_a_suspected_breach_at_once(
    low_threshold_app: LiveApp,
) -> None:
    app = low_threshold_app
    app.services.store.reads.add(
        [make_read(i, captured_at=NOW - timedelta(hours=i + 1)) for i in range(3)]
    )
    people = staff(app.services)
    with app.client(people[Role.ANALYST].token) as analyst:
        # Two reads: at the threshold, not over it.
        window = {"captured_from": (NOW - timedelta(hours=2, minutes=30)).isoformat()}
        first = analyst.get(
            "/api/v1/reads/export.csv", params={"plate": "7ABC123", **window, **BASIS}
        )
        assert first.status_code == 200, first.text
    with app.client(people[Role.CUSTODIAN].token) as custodian:
        assert custodian.get("/api/v1/incidents").json()["incidents"] == []
        with app.client(people[Role.ANALYST].token) as analyst:
            # One more small export: the 24 hours add up past the threshold.
            analyst.get("/api/v1/reads/export.csv", params={"plate": "7ABC123", **BASIS})
        [incident] = custodian.get("/api/v1/incidents").json()["incidents"]
        assert (incident["source"], incident["status"]) == ("bulk-export", "suspected")
        assert incident["summary"].startswith("avery exported 5 reads")
        with app.client(people[Role.ANALYST].token) as analyst:
            analyst.get("/api/v1/reads/export.csv", params={"plate": "7ABC123", **BASIS})
        # Still one: the same person's open incident is the same suspicion.
        assert len(custodian.get("/api/v1/incidents").json()["incidents"]) == 1


def test_a_broken_chain_found_by_an_auditor_is_in_the_incident_register(
    live_app: LiveApp,
) -> None:
    services = live_app.services
    people = staff(services)
    with live_app.client(people[Role.AUDITOR].token) as auditor:
        assert auditor.get("/api/v1/audit/verify").json()["intact"] is True
    with live_app.client(people[Role.CUSTODIAN].token) as custodian:
        assert custodian.get("/api/v1/incidents").json()["incidents"] == []
    settings = services.settings.store
    dsn = settings.dsn.get_secret_value() if isinstance(settings, PostgresStoreSettings) else None
    raw = RawSql(services.store, dsn)
    try:
        raw.disable_triggers()
        raw.execute("UPDATE access_log SET reason = 'nothing to see' WHERE seq = 2")
    finally:
        raw.close()
    with live_app.client(people[Role.AUDITOR].token) as auditor:
        assert auditor.get("/api/v1/audit/verify").json()["intact"] is False
        assert auditor.get("/api/v1/audit/verify").json()["intact"] is False
    with live_app.client(people[Role.CUSTODIAN].token) as custodian:
        [incident] = custodian.get("/api/v1/incidents").json()["incidents"]
    assert (incident["source"], incident["status"]) == ("audit-chain", "suspected")
    assert "modified at entry 2" in incident["summary"]
