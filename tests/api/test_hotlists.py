"""Hot lists over real HTTP on both backends: who may do what, and what the answers hold."""

from __future__ import annotations

from datetime import timedelta

import httpx

from platekeeper.domain.access import Actor
from platekeeper.domain.hotlists import AlertLevel, ListSource
from platekeeper.domain.people import Role
from platekeeper.hotlists.service import Editor
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp
from tests.api.people import Person, staff
from tests.conftest import NOW, make_agency

MANUAL_LIST = {
    "id": "gang-unit",
    "name": "Gang unit watch",
    "source": "manual",
    "priority": 3,
    "alert_level": "warning",
    "covert": True,
}
ENTRY = {"plate": "7ABC123", "state": "CA", "reason": "stolen", "case_number": "2026-000123"}


def call(app: LiveApp, person: Person) -> httpx.Client:
    client = app.client()
    client.headers.update(person.headers)
    return client


def test_lists_and_entries_round_trip(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    with call(live_app, people[Role.ANALYST]) as analyst:
        created = analyst.post("/api/v1/hotlists", json=MANUAL_LIST)
        assert created.status_code == 201, created.text
        added = analyst.post("/api/v1/hotlists/gang-unit/entries", json=ENTRY)
        assert added.status_code == 201, added.text
        entry = added.json()
        assert entry["state"] == "us-ca"
        assert entry["entered_by"] == "avery"
        assert entry["expires_at"].startswith((NOW + timedelta(days=30)).date().isoformat())
    with call(live_app, people[Role.OFFICER]) as officer:
        lists = officer.get("/api/v1/hotlists").json()["hotlists"]
        assert [(h["id"], h["covert"]) for h in lists] == [("gang-unit", True)]
        entries = officer.get("/api/v1/hotlists/gang-unit/entries").json()["entries"]
        assert [e["id"] for e in entries] == [entry["id"]]
        refused = officer.post("/api/v1/hotlists/gang-unit/entries", json=ENTRY)
        assert refused.status_code == 403


def test_personal_data_is_refused_with_an_explanation(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    with call(live_app, people[Role.ANALYST]) as analyst:
        analyst.post("/api/v1/hotlists", json=MANUAL_LIST)
        response = analyst.post(
            "/api/v1/hotlists/gang-unit/entries",
            json={**ENTRY, "note": "driver DOB 04/12/1985, lives 123 Main St"},
        )
    assert response.status_code == 422
    problem = response.json()
    assert "date of birth" in problem["detail"]
    assert "street address" in problem["detail"]
    assert "1985" not in response.text
    assert "Main" not in response.text
    assert "case number" in problem["hint"]


def test_only_a_supervisor_renews_and_removal_is_logged(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    with call(live_app, people[Role.ANALYST]) as analyst:
        analyst.post("/api/v1/hotlists", json=MANUAL_LIST)
        entry_id = analyst.post("/api/v1/hotlists/gang-unit/entries", json=ENTRY).json()["id"]
        assert (
            analyst.post(f"/api/v1/hotlists/entries/{entry_id}/renew", json={}).status_code == 403
        )
    with call(live_app, people[Role.SUPERVISOR]) as supervisor:
        renewed = supervisor.post(f"/api/v1/hotlists/entries/{entry_id}/renew", json={})
        assert renewed.status_code == 200, renewed.text
        too_long = (NOW + timedelta(days=45)).isoformat()
        response = supervisor.post(
            f"/api/v1/hotlists/entries/{entry_id}/renew", json={"until": too_long}
        )
        assert response.status_code == 422
        assert supervisor.delete(f"/api/v1/hotlists/entries/{entry_id}").status_code == 200
        assert supervisor.delete(f"/api/v1/hotlists/entries/{entry_id}").status_code == 404
    log = live_app.services.store.access_log
    removed = log.find(AccessFilter(action="hotlists:remove-entry"))
    assert [(r.event.actor.username, r.event.outcome.value) for r in removed] == [
        ("sam", "denied"),
        ("sam", "allowed"),
    ]


def test_an_import_reports_bad_rows_by_line(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    feed = {**MANUAL_LIST, "id": "ca-stolen", "source": "state-feed", "covert": False}
    data = "PLATE;ST;OFFENSE\n7ABC123;CA;stolen\n;CA;stolen\n8XYZ999;NV;stolen plate\n"
    with call(live_app, people[Role.ANALYST]) as analyst:
        analyst.post("/api/v1/hotlists", json=feed)
        response = analyst.post(
            "/api/v1/hotlists/ca-stolen/import",
            params={"mapping": "plate=PLATE,state=ST,reason=OFFENSE", "format": "semicolon"},
            content=data.encode(),
            headers={"Content-Type": "text/csv"},
        )
        assert response.status_code == 200, response.text
        report = response.json()
        assert (report["imported"], report["rejected"]) == (
            2,
            [{"line": 3, "reason": "the row has no plate"}],
        )
        # Every line accounted for (issue 15): the header, two stored, one rejected.
        assert (report["lines_read"], report["header"]["line"]) == (4, 1)
        bad = analyst.post(
            "/api/v1/hotlists/ca-stolen/import",
            params={"mapping": "plate=TAG,reason=OFFENSE"},
            content=data.encode(),
        )
        assert bad.status_code == 422
        assert "TAG" in bad.json()["detail"]
    assert live_app.services.store.hotlist_entries.count("ca-stolen") == 2


def test_another_agencys_list_is_not_found(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    with call(live_app, people[Role.ANALYST]) as analyst:
        analyst.post("/api/v1/hotlists", json=MANUAL_LIST)
    live_app.services.store.agencies.add(make_agency("other-pd"))
    live_app.services.hotlists.create_list(
        Editor(Actor("otto", "other-pd"), frozenset({Role.SUPERVISOR})),
        list_id="other-list",
        name="Other",
        source=ListSource.MANUAL,
        priority=1,
        alert_level=AlertLevel.CRITICAL,
        covert=False,
        agency_id="other-pd",
    )
    with call(live_app, people[Role.ANALYST]) as analyst:
        assert analyst.get("/api/v1/hotlists/other-list/entries").status_code == 404
        assert [h["id"] for h in analyst.get("/api/v1/hotlists").json()["hotlists"]] == [
            "gang-unit"
        ]
