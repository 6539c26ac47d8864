"""Searches reaching back past the agency's window need another supervisor's approval."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.access import Basis, SearchCriteria
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.approvals import ApprovalStatus
from platekeeper.domain.people import Role
from platekeeper.errors import InvalidInput, NotFound, PermissionDenied
from tests.access.conftest import ANALYST, BASIS, SUPERVISOR, World, person
from tests.conftest import NOW

FROM = NOW - timedelta(days=90)
BEFORE = NOW - timedelta(days=1)
REACHING_BACK = SearchCriteria(plate_pattern="7AB*", captured_from=FROM, captured_before=BEFORE)


def approved(world: World) -> str:
    request = world.desk.request(ANALYST, BASIS, FROM, BEFORE, "Burglary series since August.")
    world.desk.decide(SUPERVISOR, request.id, approve=True)
    return request.id


def test_recent_searches_need_no_approval(strict_world: World) -> None:
    recent = SearchCriteria(plate="7ABC123", captured_from=NOW - timedelta(days=7))
    assert len(strict_world.access.search(ANALYST, BASIS, recent).reads) == 2


@pytest.mark.parametrize(
    "criteria", [REACHING_BACK, SearchCriteria(plate="7ABC123")], ids=["90 days", "all time"]
)
def test_reaching_back_without_approval_is_refused(
    strict_world: World, criteria: SearchCriteria
) -> None:
    with pytest.raises(PermissionDenied, match="supervisor's approval"):
        strict_world.access.search(ANALYST, BASIS, criteria)
    assert strict_world.sink.last.outcome is AccessOutcome.DENIED


def test_an_approved_request_covers_the_search(strict_world: World) -> None:
    approval_id = approved(strict_world)
    basis = Basis(BASIS.purpose_code, BASIS.case_number, approval_id)
    found = strict_world.access.search(ANALYST, basis, REACHING_BACK)
    assert [read.plate_key for read in found.reads] == ["7ABC123", "7ABD123"]
    assert strict_world.sink.last.query["approval_id"] == approval_id


@pytest.mark.parametrize(
    ("who", "basis_case", "criteria", "why"),
    [
        (person("ada", Role.ANALYST), "2026-000123", REACHING_BACK, "another user"),
        (ANALYST, "2026-000999", REACHING_BACK, "for case"),
        (
            ANALYST,
            "2026-000123",
            SearchCriteria(plate="7ABC123", captured_from=FROM - timedelta(days=1)),
            "starts at",
        ),
    ],
)
def test_an_approval_covers_only_its_user_case_and_range(
    strict_world: World, who: object, basis_case: str, criteria: SearchCriteria, why: str
) -> None:
    approval_id = approved(strict_world)
    basis = Basis("stolen-vehicle", basis_case, approval_id)
    with pytest.raises(PermissionDenied, match=why):
        strict_world.access.search(who, basis, criteria)  # type: ignore[arg-type]


def test_an_approval_expires(strict_world: World) -> None:
    approval_id = approved(strict_world)
    strict_world.clock.advance(timedelta(hours=73))
    basis = Basis(BASIS.purpose_code, BASIS.case_number, approval_id)
    with pytest.raises(PermissionDenied, match="expired"):
        strict_world.access.search(ANALYST, basis, REACHING_BACK)


def test_nobody_approves_their_own_request(strict_world: World) -> None:
    request = strict_world.desk.request(
        SUPERVISOR, BASIS, FROM, BEFORE, "Vehicle seen at three scenes."
    )
    with pytest.raises(PermissionDenied, match="own"):
        strict_world.desk.decide(SUPERVISOR, request.id, approve=True)
    assert strict_world.sink.last.outcome is AccessOutcome.DENIED


def test_analysts_cannot_approve_and_requests_are_decided_once(strict_world: World) -> None:
    request = strict_world.desk.request(ANALYST, BASIS, FROM, BEFORE, "Hit and run, 2 months.")
    with pytest.raises(PermissionDenied):
        strict_world.desk.decide(person("ada", Role.ANALYST), request.id, approve=True)
    assert [a.id for a in strict_world.desk.pending(SUPERVISOR)] == [request.id]
    denied = strict_world.desk.decide(SUPERVISOR, request.id, approve=False)
    assert denied.status is ApprovalStatus.DENIED
    with pytest.raises(InvalidInput, match="already denied"):
        strict_world.desk.decide(person("sue", Role.SUPERVISOR), request.id, approve=True)
    assert strict_world.desk.pending(SUPERVISOR) == []


def test_another_agencys_request_is_not_found(strict_world: World) -> None:
    request = strict_world.desk.request(ANALYST, BASIS, FROM, BEFORE, "Stolen trailer, summer.")
    outsider = person("oz", Role.SUPERVISOR, agency_id="other-pd")
    with pytest.raises(NotFound):
        strict_world.desk.decide(outsider, request.id, approve=True)


def test_a_request_needs_an_authorised_purpose(strict_world: World) -> None:
    with pytest.raises(InvalidInput):
        strict_world.desk.request(
            ANALYST, Basis("fishing", "2026-000123"), FROM, BEFORE, "Just looking around."
        )
    assert strict_world.sink.last.outcome is AccessOutcome.DENIED
