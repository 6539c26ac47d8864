"""Retention: the purge ledger, legal holds, and the oldest surviving non-hit read.

The ledger and the proof carry no plate data, so auditors read them with ``reports:read``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, status

from platekeeper.api.schemas.retention import (
    HoldCreate,
    HoldList,
    HoldPublic,
    OldestSurvivingPublic,
    PurgeLedgerPublic,
    PurgeRunPublic,
)
from platekeeper.domain.holds import PlateSpan
from platekeeper.domain.permissions import Permission
from platekeeper.domain.retention import DataClass
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.deps import ServicesDep

router = APIRouter(prefix="/api/v1/retention", tags=["retention"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "The role lacks the permission, or it is your own request.",
        404: "No such hold in your agency.",
        409: "The hold was decided or released meanwhile.",
    }.items()
}


@router.get(
    "/purges",
    summary="The purge ledger: one entry per run, no plate data",
    response_model=PurgeLedgerPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.REPORTS_READ),
)
def purge_ledger(
    services: ServicesDep, limit: int = Query(default=100, ge=1, le=1000)
) -> PurgeLedgerPublic:
    entries = services.store.purge_ledger.list(limit)
    return PurgeLedgerPublic(runs=[PurgeRunPublic.of(entry) for entry in entries])


@router.get(
    "/oldest-surviving",
    summary="The capture day of the oldest non-hit read kept",
    response_model=OldestSurvivingPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.REPORTS_READ),
)
def oldest_surviving(services: ServicesDep) -> OldestSurvivingPublic:
    oldest = services.purge.oldest_surviving(DataClass.NON_HIT_READS)
    plan = services.purge.plan()
    return OldestSurvivingPublic(
        oldest_non_hit_read_day=None if oldest is None else oldest.date(),
        cutoff=plan.decision(DataClass.NON_HIT_READS).cutoff,
    )


@router.post(
    "/holds",
    summary="Ask for a legal hold on reads",
    status_code=status.HTTP_201_CREATED,
    response_model=HoldPublic,
    responses={422: {"description": "Case, reason, reads or range invalid."}, **_ERRORS},
    dependencies=requires(Permission.HOLDS_MANAGE),
)
def request_hold(body: HoldCreate, services: ServicesDep, caller: CallerDep) -> HoldPublic:
    span = body.plate
    plates = (
        None if span is None else PlateSpan(span.plate, span.captured_from, span.captured_before)
    )
    hold = services.holds.request(
        caller.requester,
        case_number=body.case_number,
        reason=body.reason,
        expires_at=body.expires_at,
        read_ids=tuple(body.read_ids),
        plates=plates,
    )
    return HoldPublic.of(hold, services.clock.now())


@router.get(
    "/holds",
    summary="The legal holds of your agency",
    response_model=HoldList,
    responses=_ERRORS,
    dependencies=requires(Permission.HOLDS_MANAGE),
)
def list_holds(services: ServicesDep, caller: CallerDep) -> HoldList:
    holds = services.holds.list(caller.requester)
    now = services.clock.now()
    return HoldList(holds=[HoldPublic.of(hold, now) for hold in holds])


@router.post(
    "/holds/{hold_id}/approve",
    summary="Approve a legal hold",
    response_model=HoldPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.HOLDS_APPROVE),
)
def approve_hold(hold_id: str, services: ServicesDep, caller: CallerDep) -> HoldPublic:
    hold = services.holds.approve(caller.requester, hold_id)
    return HoldPublic.of(hold, services.clock.now())


@router.post(
    "/holds/{hold_id}/release",
    summary="Release a legal hold",
    response_model=HoldPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.HOLDS_APPROVE),
)
def release_hold(hold_id: str, services: ServicesDep, caller: CallerDep) -> HoldPublic:
    hold = services.holds.release(caller.requester, hold_id)
    return HoldPublic.of(hold, services.clock.now())
