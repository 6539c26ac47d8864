"""Legal holds and the purge ledger over HTTP."""

from __future__ import annotations

from datetime import timedelta

from platekeeper.domain.people import Role
from platekeeper.domain.retention import DataClass, RetentionRule
from tests.api.conftest import LiveApp
from tests.api.people import staff
from tests.conftest import NOW, make_read


def test_a_hold_is_requested_approved_listed_and_released(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    read = make_read(1, captured_at=NOW - timedelta(days=2))
    live_app.services.store.reads.add([read])
    body = {
        "case_number": "2026-000123",
        "reason": "evidence in a hit-and-run case",
        "expires_at": (NOW + timedelta(days=30)).isoformat(),
        "read_ids": [read.id],
    }
    with live_app.client(people[Role.ANALYST].token) as analyst:
        created = analyst.post("/api/v1/retention/holds", json=body)
        assert created.status_code == 201, created.text
        hold_id = created.json()["id"]
        assert created.json()["status"] == "pending"
        assert analyst.post(f"/api/v1/retention/holds/{hold_id}/approve").status_code == 403
    with live_app.client(people[Role.OFFICER].token) as officer:
        assert officer.post("/api/v1/retention/holds", json=body).status_code == 403
    with live_app.client(people[Role.SUPERVISOR].token) as supervisor:
        approved = supervisor.post(f"/api/v1/retention/holds/{hold_id}/approve")
        assert approved.json()["status"] == "active"
        assert approved.json()["approved_by"] == "sam"
        listed = supervisor.get("/api/v1/retention/holds").json()["holds"]
        assert [hold["id"] for hold in listed] == [hold_id]
        released = supervisor.post(f"/api/v1/retention/holds/{hold_id}/release")
        assert released.json()["status"] == "released"
        again = supervisor.post(f"/api/v1/retention/holds/{hold_id}/release")
        assert again.status_code == 422


def test_auditors_read_the_ledger_and_the_oldest_surviving_day(live_app: LiveApp) -> None:
    services = live_app.services
    rule = RetentionRule(DataClass.NON_HIT_READS, timedelta(days=30), "test policy")
    services.purge.rules[DataClass.NON_HIT_READS] = rule  # this test's services only
    services.store.reads.add(
        [
            make_read(1, captured_at=NOW - timedelta(days=31), plate_text="SECRET9"),
            make_read(2, captured_at=NOW - timedelta(days=3), plate_text="SECRET9"),
        ]
    )
    services.purge.run()
    people = staff(services)
    with live_app.client(people[Role.AUDITOR].token) as auditor:
        ledger = auditor.get("/api/v1/retention/purges")
        oldest = auditor.get("/api/v1/retention/oldest-surviving")
    assert ledger.status_code == 200
    [run] = ledger.json()["runs"]
    assert run["classes"][0]["reads"] == 1
    assert "SECRET9" not in ledger.text
    assert oldest.json()["oldest_non_hit_read_day"] == (NOW - timedelta(days=3)).date().isoformat()
    assert "SECRET9" not in oldest.text
    with live_app.client(people[Role.ANALYST].token) as analyst:
        assert analyst.get("/api/v1/retention/purges").status_code == 403
