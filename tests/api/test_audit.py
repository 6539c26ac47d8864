"""Auditors read the access log, its signals, its verification and its checkpoints over HTTP."""

from __future__ import annotations

import json

from platekeeper.domain.people import Role
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp
from tests.api.people import staff

PURPOSE = {"purpose": "stolen-vehicle", "case_number": "2026-000123"}


def test_an_auditor_lists_entries_and_the_listing_is_itself_logged(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    with live_app.client(people[Role.ANALYST].token) as analyst:
        for _ in range(3):
            analyst.get("/api/v1/reads", params={"plate": "7ABC123", **PURPOSE})
    with live_app.client(people[Role.AUDITOR].token) as auditor:
        listed = auditor.get(
            "/api/v1/audit/entries", params={"username": "avery", "action": "reads:search"}
        )
    assert listed.status_code == 200
    entries = listed.json()["entries"]
    assert len(entries) == 3
    assert entries[0]["query"] == {"plate": "withheld"}
    assert "7ABC123" not in listed.text
    assert entries[0]["case_number"] == "2026-000123"
    assert entries[0]["seq"] > entries[1]["seq"]
    [reading] = live_app.services.store.access_log.find(
        AccessFilter(username="aude", action="audit:read")
    )
    assert reading.event.query == {"username": "avery", "action": "reads:search"}


def test_signals_come_with_the_entries_behind_them(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    with live_app.client(people[Role.ANALYST].token) as analyst:
        # Under three case numbers: three pieces of work (one case worked is one).
        for case in range(3):
            case_number = f"2026-00012{case}"
            params = {"plate": "7ABC123", **PURPOSE, "case_number": case_number}
            analyst.get("/api/v1/reads", params=params)
    with live_app.client(people[Role.AUDITOR].token) as auditor:
        signals = auditor.get("/api/v1/audit/signals").json()["signals"]
    [repeated] = [s for s in signals if s["kind"] == "repeated_searches"]
    assert repeated["username"] == "avery"
    assert "7ABC123" not in repeated["summary"]
    assert len(repeated["entries"]) == 3
    assert {entry["action"] for entry in repeated["entries"]} == {"reads:search"}


def test_verification_and_checkpoints_for_an_outside_party(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    assert live_app.services.access_log.checkpoint() is not None
    with live_app.client(people[Role.AUDITOR].token) as auditor:
        report = auditor.get("/api/v1/audit/verify").json()
        export = auditor.get("/api/v1/audit/checkpoints")
    assert report["intact"] is True
    assert report["problem_kind"] is None
    assert report["entries_checked"] >= 10  # five accounts and five tokens, at least
    lines = [json.loads(line) for line in export.text.splitlines()]
    assert "BEGIN PUBLIC KEY" in json.dumps(lines[0])
    assert len(lines) == 2
