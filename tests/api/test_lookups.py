"""Look-ups of plate data over HTTP: purpose-bound, uncached, and logged."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.people import Role
from platekeeper.store import ReadQuery
from platekeeper.store.images import ImageKind
from platekeeper.store.protocols import AccessFilter
from tests.access.conftest import jpeg
from tests.api.conftest import LiveApp
from tests.api.people import Person, staff
from tests.conftest import NOW, make_read

PURPOSE = {"purpose": "stolen-vehicle", "case_number": "2026-000123"}


@pytest.fixture
def analyst(live_app: LiveApp) -> Person:
    services = live_app.services
    crop = services.images.put(jpeg(), kind=ImageKind.CROP, captured_at=NOW)
    services.store.reads.add(
        [
            replace(make_read(0, plate_text="7ABC123"), crop_ref=crop),
            make_read(1, plate_text="7ABC123", captured_at=NOW - timedelta(days=2)),
            make_read(2, plate_text="5DEF456"),
        ]
    )
    return staff(services)[Role.ANALYST]


def test_a_search_without_purpose_is_refused_and_the_refusal_logged(
    live_app: LiveApp, analyst: Person
) -> None:
    with live_app.client() as client:
        response = client.get("/api/v1/reads", params={"plate": "7ABC123"}, headers=analyst.headers)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "invalid_input"
    assert {field["location"] for field in problem["errors"]} == {"purpose", "case_number"}
    [entry] = live_app.services.store.access_log.find(
        AccessFilter(username="avery", action="reads:search")
    )
    assert entry.event.outcome is AccessOutcome.DENIED
    assert entry.event.query == {"plate": "7ABC123"}
    assert entry.event.client_address == "127.0.0.1"


def test_a_search_with_purpose_returns_reads_uncached_and_logs_them(
    live_app: LiveApp, analyst: Person
) -> None:
    with live_app.client() as client:
        response = client.get(
            "/api/v1/reads", params={"plate": "7ABC123", **PURPOSE}, headers=analyst.headers
        )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["count"] == 2
    assert body["basis"] == {"purpose": "stolen-vehicle", "case_number": "2026-000123"}
    [entry] = live_app.services.store.access_log.find(
        AccessFilter(username="avery", action="reads:search", case_number="2026-000123")
    )
    assert entry.event.outcome is AccessOutcome.ALLOWED
    assert list(entry.event.read_ids) == [read["id"] for read in body["reads"]]


def test_a_read_its_crop_an_export_and_a_history(live_app: LiveApp, analyst: Person) -> None:
    with live_app.client(analyst.token) as client:
        found = client.get("/api/v1/reads", params={"plate_pattern": "7AB*", **PURPOSE}).json()
        newest = found["reads"][0]
        assert newest["has_crop"]
        detail = client.get(f"/api/v1/reads/{newest['id']}", params=PURPOSE)
        assert detail.json()["plate_text"] == "7ABC123"
        image = client.get(f"/api/v1/reads/{newest['id']}/image", params=PURPOSE)
        assert image.headers["content-type"] == "image/jpeg"
        assert image.content.startswith(b"\xff\xd8")
        export = client.get("/api/v1/reads/export.csv", params={"plate": "7ABC123", **PURPOSE})
        assert "attachment" in export.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(export.text)))
        assert [row["plate_text"] for row in rows] == ["7ABC123", "7ABC123"]
        history = client.get("/api/v1/vehicles/7ABC123/history", params=PURPOSE).json()
        assert history["count"] == 2
    actions = [
        record.event.action
        for record in live_app.services.store.access_log.find(AccessFilter(username="avery"))
    ]
    for action in ("reads:view", "images:view", "reads:export", "vehicles:history"):
        assert action in actions


def test_a_misread_tolerant_search_and_export(live_app: LiveApp, analyst: Person) -> None:
    misread = {"plate": "7A8C1Z3", **PURPOSE}
    with live_app.client(analyst.token) as client:
        assert client.get("/api/v1/reads", params=misread).json()["count"] == 0
        tolerant = {**misread, "tolerate_misreads": "true"}
        assert client.get("/api/v1/reads", params=tolerant).json()["count"] == 2
        export = client.get("/api/v1/reads/export.csv", params=tolerant)
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [row["plate_text"] for row in rows] == ["7ABC123", "7ABC123"]


def test_an_image_needs_a_purpose_too(live_app: LiveApp, analyst: Person) -> None:
    [read] = live_app.services.store.reads.find(ReadQuery(plate_key="7ABC123", limit=1))
    read_id = read.id
    with live_app.client(analyst.token) as client:
        assert client.get(f"/api/v1/reads/{read_id}/image").status_code == 422


def test_an_approval_is_requested_and_decided_over_http(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    window = {
        "captured_from": (NOW - timedelta(days=120)).isoformat(),
        "captured_before": (NOW - timedelta(days=1)).isoformat(),
    }
    body = {**PURPOSE, **window, "justification": "Series of catalytic converter thefts."}
    with live_app.client(people[Role.ANALYST].token) as analyst:
        created = analyst.post("/api/v1/approvals", json=body)
    assert created.status_code == 201
    approval_id = created.json()["id"]
    with live_app.client(people[Role.SUPERVISOR].token) as supervisor:
        pending = supervisor.get("/api/v1/approvals").json()["approvals"]
        assert [a["id"] for a in pending] == [approval_id]
        decided = supervisor.post(f"/api/v1/approvals/{approval_id}/approve")
    assert decided.json()["status"] == "approved"
    assert decided.json()["decided_by"] == "sam"


def test_an_area_is_a_box_or_a_circle_and_anything_else_is_explained(
    live_app: LiveApp, analyst: Person
) -> None:
    with live_app.client(analyst.token) as client:

        def search(area: str) -> httpx.Response:
            return client.get("/api/v1/reads", params={"area": area, **PURPOSE})

        assert search("38.58,-121.49,300").json()["count"] == 3
        assert search("38.57,-121.50,38.59,-121.48").json()["count"] == 3
        # 1.1 km south of the reads, a circle of 1 km holds none.
        assert search("38.57,-121.49,1000").json()["count"] == 0
        too_wide = search("38.58,-121.49,60000")
        assert too_wide.status_code == 422
        assert "outside 1..50000 m" in too_wide.json()["detail"]
        neither = search("38.58,-121.49")
        assert neither.status_code == 422
        assert "latitude,longitude,radius in metres" in neither.json()["hint"]
    logged = live_app.services.store.access_log.find(
        AccessFilter(username="avery", action="reads:search")
    )
    assert {entry.event.query["area"] for entry in logged} >= {"38.58,-121.49,300"}
