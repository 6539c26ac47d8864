"""From a camera's read to a verified hit, over HTTP: the two failures the issue names
(a one-character misread, a plate from another state) never become actionable on their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from platekeeper.access import Requester
from platekeeper.domain.access import Actor
from platekeeper.domain.hotlists import AlertLevel, ListSource, RejectionReason
from platekeeper.domain.people import Role
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.hotlists.service import Editor
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp
from tests.api.people import Person, staff
from tests.conftest import NOW

BASIS = {"purpose": "alert-verification", "case_number": "2026-004242"}
LIST_EDITOR = Editor(Actor("sam.console", "demo-pd"), frozenset({Role.SUPERVISOR}))
"""A supervisor of the agency who makes its lists (the console trusts nobody for being there)."""


def listed(live_app: LiveApp, *, covert: bool = False) -> None:
    """A stolen-vehicle list with one California plate."""
    hotlists = live_app.services.hotlists
    list_id = "covert-ops" if covert else "stolen"
    hotlists.create_list(
        LIST_EDITOR,
        list_id=list_id,
        name="Covert operation" if covert else "Stolen vehicles",
        source=ListSource.MANUAL,
        priority=1,
        alert_level=AlertLevel.CRITICAL,
        covert=covert,
        agency_id="demo-pd",
    )
    hotlists.add_entry(
        LIST_EDITOR,
        list_id,
        EntryDraft(plate="7ABC123", reason="stolen vehicle", state="CA", case_number="2026-000777"),
    )


def send(live_app: LiveApp, index: int, plate: str, region: str) -> None:
    read = {
        "client_read_id": f"hit-{index}",
        "plate_text": plate,
        "confidence": 0.9,
        "captured_at": (NOW - timedelta(minutes=index)).isoformat(),
        "region": region,
    }
    with live_app.client(live_app.camera_key) as camera:
        assert camera.post("/api/v1/reads", json=read).status_code == 201


def hits_seen_by(live_app: LiveApp, person: Person) -> list[dict[str, Any]]:
    with live_app.client(person.token) as client:
        response = client.get("/api/v1/hits", params=BASIS)
    assert response.status_code == 200, response.text
    hits: list[dict[str, Any]] = response.json()["hits"]
    return hits


@pytest.fixture
def officer(live_app: LiveApp) -> Person:
    listed(live_app)
    return staff(live_app.services)[Role.OFFICER]


def test_a_misread_and_another_state_are_shown_as_such_and_not_actionable(
    live_app: LiveApp, officer: Person
) -> None:
    send(live_app, 1, "7A8C123", "us-ca")  # B read as 8: Denise Green's stop
    send(live_app, 2, "7ABC123", "us-co")  # the same characters from another state
    hits = {hit["read"]["plate_text"]: hit for hit in hits_seen_by(live_app, officer)}
    misread, other_state = hits["7A8C123"], hits["7ABC123"]
    for hit in (misread, other_state):
        assert hit["hit"]["actionable"] is False
        assert hit["hit"]["status"] == "pending"
        assert str(hit["warnings"][0]).startswith("unverified")
    assert misread["hit"]["match_kind"] == "confusable"
    assert any("not an exact match" in w for w in misread["warnings"])
    assert other_state["hit"]["state_agreement"] == "differs"
    assert any("state differs" in w for w in other_state["warnings"])


def test_a_hit_becomes_actionable_only_when_every_check_is_confirmed(
    live_app: LiveApp, officer: Person
) -> None:
    send(live_app, 3, "7ABC123", "us-ca")
    [hit] = hits_seen_by(live_app, officer)
    hit_id = hit["hit"]["id"]
    with live_app.client(officer.token) as client:
        half = client.post(
            f"/api/v1/hits/{hit_id}/confirm",
            json={"characters_match": True, "state_matches": True, "active_at_source": False},
        )
        assert half.status_code == 422
        assert "source system" in half.json()["detail"]
        confirmed = client.post(
            f"/api/v1/hits/{hit_id}/confirm",
            json={"characters_match": True, "state_matches": True, "active_at_source": True},
        ).json()
        assert confirmed["actionable"] is True
        assert confirmed["verified_by"] == "olivia"
        outcome = client.post(f"/api/v1/hits/{hit_id}/outcome", json={"outcome": "stop"})
        assert outcome.json()["outcome"] == "stop"
    steps = live_app.services.store.access_log.find(
        AccessFilter(username="olivia", action="alerts:verify")
    )
    assert [s.event.query["step"] for s in reversed(steps)] == ["confirm", "confirm", "outcome"]
    assert [s.event.outcome.value for s in reversed(steps)] == ["denied", "allowed", "allowed"]


def test_a_rejected_misread_is_recorded_with_its_reason(live_app: LiveApp, officer: Person) -> None:
    send(live_app, 4, "7A8C123", "us-ca")
    [hit] = hits_seen_by(live_app, officer)
    hit_id = hit["hit"]["id"]
    with live_app.client(officer.token) as client:
        rejected = client.post(f"/api/v1/hits/{hit_id}/reject", json={"reason": "misread"})
        assert rejected.json()["status"] == "rejected"
        stop = client.post(f"/api/v1/hits/{hit_id}/outcome", json={"outcome": "arrest"})
        assert stop.status_code == 422
        again = client.post(f"/api/v1/hits/{hit_id}/reject", json={"reason": "other"})
        assert again.status_code == 422


def test_viewing_hits_needs_a_purpose(live_app: LiveApp, officer: Person) -> None:
    with live_app.client(officer.token) as client:
        refused = client.get("/api/v1/hits")
    assert refused.status_code == 422
    [entry] = live_app.services.store.access_log.find(
        AccessFilter(username="olivia", action="alerts:view")
    )
    assert entry.event.outcome.value == "denied"


def test_a_covert_lists_hits_are_hidden_from_patrol(live_app: LiveApp) -> None:
    listed(live_app, covert=True)
    people = staff(live_app.services)
    send(live_app, 5, "7ABC123", "us-ca")
    assert hits_seen_by(live_app, people[Role.OFFICER]) == []
    [seen] = hits_seen_by(live_app, people[Role.SUPERVISOR])
    assert seen["list"]["covert"] is True


def test_pending_hits_are_counted_as_each_person_may_see_them(live_app: LiveApp) -> None:
    listed(live_app)
    listed(live_app, covert=True)
    people = staff(live_app.services)
    send(live_app, 7, "7ABC123", "us-ca")
    desk = live_app.services.hit_desk
    officer, supervisor = (
        Requester(Actor(people[role].account.username, "demo-pd"), frozenset({role}))
        for role in (Role.OFFICER, Role.SUPERVISOR)
    )
    assert desk.count_pending(officer) == 1  # the covert list's hit is not patrol's
    assert desk.count_pending(supervisor) == 2
    [hit] = hits_seen_by(live_app, people[Role.OFFICER])
    desk.reject(officer, hit["hit"]["id"], RejectionReason.MISREAD)
    assert desk.count_pending(officer) == 0


def test_retroactive_matching_over_http_needs_a_purpose_and_finds_stored_reads(
    live_app: LiveApp,
) -> None:
    people = staff(live_app.services)
    send(live_app, 6, "7ABC123", "us-ca")  # stored before the plate is listed
    listed(live_app)
    [entry] = live_app.services.store.hotlist_entries.list("stolen", 10, 0)
    with live_app.client(people[Role.ANALYST].token) as client:
        refused = client.post(f"/api/v1/hits/retroactive/{entry.id}")
        assert refused.status_code == 422
        found = client.post(
            f"/api/v1/hits/retroactive/{entry.id}",
            params={"purpose": "stolen-vehicle", "case_number": "2026-000777"},
        ).json()
    assert [item["read"]["plate_text"] for item in found["hits"]] == ["7ABC123"]
    assert found["hits"][0]["hit"]["actionable"] is False


def test_lower_tier_hits_are_kept_apart_and_the_right_reading_among_the_alternatives_alerts(
    live_app: LiveApp,
) -> None:
    listed(live_app)
    people = staff(live_app.services)
    officer = people[Role.OFFICER]
    with live_app.client(people[Role.SUPERVISOR].token) as supervisor:
        set_off = supervisor.put("/api/v1/hotlists/stolen/one-off", json={"one_off": "record"})
        assert set_off.status_code == 200, set_off.text
        assert set_off.json()["one_off"] == "record"
        refused = supervisor.put("/api/v1/hotlists/stolen/one-off", json={"one_off": "sometimes"})
        assert refused.status_code == 422
    send(live_app, 1, "7ABC128", "us-ca")  # one character garbled: lower tier
    read = {
        "client_read_id": "hit-2",
        "plate_text": "7ABC12B",
        "confidence": 0.6,
        "captured_at": (NOW - timedelta(minutes=2)).isoformat(),
        "region": "us-ca",
        "candidates": [{"plate_text": "7ABC123", "confidence": 0.3}],
    }
    with live_app.client(live_app.camera_key) as camera:
        assert camera.post("/api/v1/reads", json=read).status_code == 201
    with live_app.client(officer.token) as client:
        by_tier = {
            tier: client.get("/api/v1/hits", params={**BASIS, "tier": tier}).json()["hits"]
            for tier in ("alert", "lower")
        }
        assert client.get("/api/v1/hits", params={**BASIS, "tier": "x"}).status_code == 422
    ((alerting,), (lower,)) = by_tier["alert"], by_tier["lower"]
    assert (alerting["read"]["plate_text"], alerting["hit"]["reading"]) == ("7ABC12B", 1)
    assert alerting["hit"]["how_matched"] == (
        "The reader's second reading matches the listed plate exactly."
    )
    assert (lower["read"]["plate_text"], lower["hit"]["tier"]) == ("7ABC128", "lower")
    assert lower["warnings"][0].startswith("lower tier")


def test_a_lists_chance_of_matching_by_chance_is_given_in_numbers_and_words(
    live_app: LiveApp, officer: Person
) -> None:
    with live_app.client(officer.token) as client:
        response = client.get("/api/v1/hotlists/stolen/chance")
        assert response.status_code == 200, response.text
        assert client.get("/api/v1/hotlists/nowhere/chance").status_code == 404
    chance = response.json()
    assert chance["one_off"] == "auto"
    assert chance["one_off_alerts"] is True  # one entry: chance matches are rare
    assert chance["alerting_per_read"] < 1 / 10_000
    assert chance["alerting"] == f"fewer than 1 in {chance['samples']:,} reads"
