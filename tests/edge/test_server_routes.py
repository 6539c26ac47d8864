"""The server's routes for edge agents, and what they refuse: a person's token, another
agency's lists, access events naming someone outside the camera's agency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from platekeeper.domain import Agency
from platekeeper.domain.edge import decode_copy
from platekeeper.domain.people import Role
from tests.api.people import add_person
from tests.conftest import make_camera
from tests.edge.conftest import EdgeServer, listed


def test_a_camera_gets_its_own_agencys_lists_signed_and_a_person_gets_none(
    server: EdgeServer, camera_key: str
) -> None:
    services = server.services
    listed(services, "7ABC123")
    services.store.agencies.add(Agency("other-pd", "Other PD", "CA", datetime.now(UTC)))
    other_camera, other_key = make_camera("other-cam", agency_id="other-pd")
    services.store.cameras.add(other_camera)
    analyst = add_person(services, "avery", Role.ANALYST)
    server.start()
    with httpx.Client(base_url=server.url) as client:
        ours = client.get("/api/v1/edge/hotlist-copy", headers=_bearer(camera_key))
        theirs = client.get("/api/v1/edge/hotlist-copy", headers=_bearer(other_key))
        person = client.get("/api/v1/edge/hotlist-copy", headers=_bearer(analyst.token))
    assert ours.status_code == 200, ours.text
    copy = decode_copy(ours.json()["payload"].encode("utf-8"))
    assert [entry.plate_text for entry in copy.entries] == ["7ABC123"]
    assert copy.camera_id == "patrol-7"
    valid = timedelta(hours=services.settings.hotlists.edge_copy_valid_hours)
    assert copy.expires_at - copy.issued_at == valid
    assert decode_copy(theirs.json()["payload"].encode("utf-8")).entries == ()
    assert person.status_code == 403


def test_access_events_naming_someone_of_another_agency_enter_nothing(
    server: EdgeServer, camera_key: str
) -> None:
    services = server.services
    services.store.agencies.add(Agency("other-pd", "Other PD", "CA", datetime.now(UTC)))
    add_person(services, "olivia", Role.OFFICER)
    add_person(services, "oscar", Role.OFFICER, agency_id="other-pd")
    server.start()
    events = [_event("e-1", "olivia"), _event("e-2", "oscar")]
    forged = [_event("e-3", "olivia", action="reads:export")]
    with httpx.Client(base_url=server.url, headers=_bearer(camera_key)) as client:
        refused = client.post("/api/v1/edge/access-events", json={"events": events})
        not_page = client.post("/api/v1/edge/access-events", json={"events": forged})
        ours = client.post("/api/v1/edge/access-events", json={"events": events[:1]})
        again = client.post("/api/v1/edge/access-events", json={"events": events[:1]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["location"] == "events.1.username"
    assert not_page.status_code == 422
    assert (ours.json(), again.json()) == ({"entered": 1}, {"entered": 0})


def test_health_is_kept_with_the_clock_skew(server: EdgeServer, camera_key: str) -> None:
    server.start()
    report = {"agent_time": "2000-01-01T00:00:00+00:00", "queue_depth": 12}
    with httpx.Client(base_url=server.url, headers=_bearer(camera_key)) as client:
        answer = client.put("/api/v1/edge/health", json=report)
        bad = client.put("/api/v1/edge/health", json={**report, "queue_depth": -1})
    assert answer.status_code == 200, answer.text
    assert answer.json()["clock_skew_s"] < -700_000_000
    assert bad.status_code == 422
    health = server.services.store.edge_health.latest(["patrol-7"])["patrol-7"]
    assert health.queue_depth == 12


def _event(event_id: str, username: str, action: str = "alerts:view") -> dict[str, object]:
    return {
        "id": event_id,
        "at": datetime.now(UTC).isoformat(),
        "username": username,
        "agency_id": "demo-pd",
        "action": action,
        "outcome": "allowed",
        "reason": "viewed",
        "query": {"step": "view"},
    }


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
