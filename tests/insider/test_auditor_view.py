"""Attack 3: an auditor locating plates. Auditors check accesses, not whereabouts: through no
auditor route (the access log's entries and signals over the API and the pages, the compliance
report) can they learn a read's id, its image, its capture time, or whether a plate they choose
was captured. The same read still shows as the same pseudonym, so repeated access to it is
visible."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from platekeeper.domain.people import Role
from platekeeper.store.protocols import ReadQuery
from tests.api.conftest import LiveApp
from tests.api.people import Person, staff
from tests.conftest import NOW

PLATE = "7QZX482"
BASIS = {"purpose": "stolen-vehicle", "case_number": "2026-000321"}
CAPTURED = NOW - timedelta(days=2, minutes=17, seconds=3, milliseconds=123)
UUID7 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", re.I)
AUDITOR_GETS = [
    ("/api/v1/audit/entries", {}),
    ("/api/v1/audit/signals", {}),
    ("/audit", {}),
    ("/audit/signals", {}),
    ("/api/v1/reports/compliance", {"from": "2026-11-20", "to": "2026-11-28"}),
]


@pytest.fixture
def people(live_app: LiveApp) -> dict[Role, Person]:
    return staff(live_app.services)


def _searched_twice(live_app: LiveApp, people: dict[Role, Person]) -> str:
    read = {
        "client_read_id": "one",
        "plate_text": PLATE,
        "confidence": 0.9,
        "captured_at": CAPTURED.isoformat(),
        "region": "us-ca",
    }
    with live_app.client(live_app.camera_key) as camera:
        assert camera.post("/api/v1/reads", json=read).status_code == 201
    [stored] = live_app.services.store.reads.find(ReadQuery(plate_key=PLATE, limit=1))
    analyst = people[Role.ANALYST]
    with live_app.client(analyst.token) as client:
        for _ in range(2):
            assert client.get("/api/v1/reads", params={"plate": PLATE, **BASIS}).status_code == 200
        assert client.get(f"/api/v1/reads/{stored.id}", params=BASIS).status_code == 200
    return stored.id


def test_no_auditor_route_shows_a_read_id_or_a_capture_time(
    live_app: LiveApp, people: dict[Role, Person]
) -> None:
    read_id = _searched_twice(live_app, people)
    with live_app.client(people[Role.AUDITOR].token) as client:
        for path, params in AUDITOR_GETS:
            answer = client.get(path, params=params)
            assert answer.status_code == 200, f"{path}: {answer.text}"
            text = answer.text
            assert read_id not in text, path
            assert UUID7.search(text) is None, f"{path} shows a time-ordered id"
            assert CAPTURED.strftime("%H:%M:%S") not in text, path
            assert PLATE not in text, path


def test_the_same_read_shows_as_the_same_pseudonym(
    live_app: LiveApp, people: dict[Role, Person]
) -> None:
    _searched_twice(live_app, people)
    with live_app.client(people[Role.AUDITOR].token) as client:
        entries = client.get("/api/v1/audit/entries", params={"action": "reads:search"}).json()
    searches = [entry["read_ids"] for entry in entries["entries"]]
    assert len(searches) == 2
    assert searches[0] == searches[1] != []
    assert all(pseudonym.startswith("read~") for pseudonym in searches[0])


def test_the_access_log_cannot_be_filtered_by_plate(
    live_app: LiveApp, people: dict[Role, Person]
) -> None:
    _searched_twice(live_app, people)
    with live_app.client(people[Role.AUDITOR].token) as client:
        answer = client.get("/api/v1/audit/entries", params={"plate": PLATE})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["location"].endswith("plate")
    assert PLATE not in answer.text
