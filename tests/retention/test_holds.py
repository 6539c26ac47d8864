"""The hold service: who may ask, approve and release, and the access log of every step."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.gate import Person
from platekeeper.domain.holds import HoldStatus, PlateSpan
from platekeeper.domain.people import Role
from platekeeper.domain.purposes import CaseNumberFormat
from platekeeper.errors import InvalidInput, NotFound, PermissionDenied
from platekeeper.retention.holds import HoldService
from platekeeper.store import Store
from tests.conftest import NOW, FixedClock, make_read
from tests.retention.conftest import MemoryLog

CASES = CaseNumberFormat(r"\d{4}-\d{6}", "2026-000123")
READ = make_read(1, captured_at=NOW - timedelta(days=2))


AVERY = Person(Actor("avery", "demo-pd"), frozenset({Role.ANALYST}))
SAM = Person(Actor("sam", "demo-pd"), frozenset({Role.SUPERVISOR}))
OLIVIA = Person(Actor("olivia", "demo-pd"), frozenset({Role.OFFICER}))


@pytest.fixture
def service(store: Store) -> tuple[HoldService, MemoryLog, FixedClock]:
    log, clock = MemoryLog(), FixedClock()
    store.reads.add([READ])
    return HoldService(store, log, clock, CASES), log, clock


def _request(service: HoldService, who: Person = AVERY) -> str:
    return service.request(
        who,
        case_number="2026-000123",
        reason="evidence in a hit-and-run case",
        expires_at=NOW + timedelta(days=30),
        read_ids=(READ.id,),
        plates=PlateSpan("7abc 123", NOW - timedelta(days=60), NOW - timedelta(days=50)),
    ).id


def test_request_approve_release_are_logged(
    service: tuple[HoldService, MemoryLog, FixedClock], store: Store
) -> None:
    holds, log, _ = service
    hold_id = _request(holds)
    stored = store.legal_holds.get(hold_id)
    assert stored is not None
    assert stored.status(NOW) is HoldStatus.PENDING
    assert stored.plates is not None
    assert stored.plates.plate_key == "7ABC123"
    assert holds.approve(SAM, hold_id).status(NOW) is HoldStatus.ACTIVE
    assert holds.release(SAM, hold_id).status(NOW) is HoldStatus.RELEASED
    assert log.actions(AccessOutcome.ALLOWED) == ["holds:manage", "holds:approve", "holds:approve"]
    assert all(event.case_number == "2026-000123" for event in log.events)


def test_nobody_approves_their_own_hold(
    service: tuple[HoldService, MemoryLog, FixedClock],
) -> None:
    holds, log, _ = service
    hold_id = _request(holds, SAM)
    with pytest.raises(PermissionDenied, match="own"):
        holds.approve(SAM, hold_id)
    assert log.events[-1].outcome is AccessOutcome.DENIED


def test_an_officer_may_not_ask_and_an_analyst_may_not_approve(
    service: tuple[HoldService, MemoryLog, FixedClock],
) -> None:
    holds, log, _ = service
    with pytest.raises(PermissionDenied):
        _request(holds, OLIVIA)
    hold_id = _request(holds)
    with pytest.raises(PermissionDenied):
        holds.approve(AVERY, hold_id)
    assert log.actions(AccessOutcome.DENIED) == ["holds:manage", "holds:approve"]


def test_a_bad_case_number_and_another_agency_are_refused(
    service: tuple[HoldService, MemoryLog, FixedClock],
) -> None:
    holds, _, _ = service
    with pytest.raises(InvalidInput, match="format"):
        holds.request(
            AVERY,
            case_number="nope",
            reason="evidence in a hit-and-run case",
            expires_at=NOW + timedelta(days=1),
            read_ids=(READ.id,),
        )
    hold_id = _request(holds)
    stranger = Person(Actor("sam2", "other-pd"), frozenset({Role.SUPERVISOR}))
    with pytest.raises(NotFound):
        holds.approve(stranger, hold_id)


def test_expiry_is_recorded_once(service: tuple[HoldService, MemoryLog, FixedClock]) -> None:
    holds, log, clock = service
    hold_id = _request(holds)
    holds.approve(SAM, hold_id)
    assert holds.expire() == []
    clock.advance(timedelta(days=30))
    [ended] = holds.expire()
    assert ended.id == hold_id
    assert ended.status(clock.now()) is HoldStatus.EXPIRED
    assert holds.expire() == []
    assert log.events[-1].reason == "hold expired"
    assert [h.status(clock.now()) for h in holds.list(SAM)] == [HoldStatus.EXPIRED]


def test_the_reads_picked_for_a_hold_show_when_and_where_and_are_logged(
    service: tuple[HoldService, MemoryLog, FixedClock], store: Store
) -> None:
    holds, log, _ = service
    [shown] = holds.selection(AVERY, (READ.id,))
    camera = store.cameras.get(READ.camera_id)
    assert camera is not None
    assert (shown.id, shown.captured_at, shown.camera_name) == (
        READ.id,
        READ.captured_at,
        camera.name,
    )
    assert log.actions(AccessOutcome.ALLOWED) == ["holds:select"]
    assert log.events[-1].read_ids == (READ.id,)

    stranger = Person(Actor("carla", "other-pd"), frozenset({Role.CUSTODIAN}))
    with pytest.raises(NotFound, match=f"no such reads in your agency: {READ.id} Nothing"):
        holds.selection(stranger, (READ.id,))
    with pytest.raises(NotFound, match="no such reads in your agency: no-such-read Nothing"):
        holds.selection(AVERY, (READ.id, "no-such-read"))
    with pytest.raises(InvalidInput, match="no reads are selected"):
        holds.selection(AVERY, ())
    with pytest.raises(PermissionDenied):
        holds.selection(OLIVIA, (READ.id,))
    assert log.actions(AccessOutcome.DENIED) == ["holds:select"] * 4
    assert log.actions(AccessOutcome.ALLOWED) == ["holds:select"]
