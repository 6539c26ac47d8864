"""Supervisors' approvals for searches that reach further back than the agency allows alone."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from platekeeper.access import Basis
from platekeeper.api.schemas.approvals import ApprovalCreate, ApprovalList, ApprovalPublic
from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.deps import ServicesDep

router = APIRouter(prefix="/api/v1/approvals", tags=["approvals"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "The role lacks the permission, or it is your own request.",
        404: "No such request in your agency.",
        409: "The request was already decided.",
    }.items()
}


@router.post(
    "",
    summary="Ask a supervisor to approve a search reaching back",
    status_code=status.HTTP_201_CREATED,
    response_model=ApprovalPublic,
    responses={422: {"description": "Purpose, case or range invalid."}, **_ERRORS},
    dependencies=requires(Permission.SEARCHES_REQUEST_APPROVAL),
)
def request_approval(
    body: ApprovalCreate, services: ServicesDep, caller: CallerDep
) -> ApprovalPublic:
    approval = services.approvals.request(
        caller.requester,
        Basis(body.purpose, body.case_number),
        body.captured_from,
        body.captured_before,
        body.justification,
    )
    return ApprovalPublic.of(approval)


@router.get(
    "",
    summary="Requests waiting for a decision",
    response_model=ApprovalList,
    responses=_ERRORS,
    dependencies=requires(Permission.SEARCHES_APPROVE),
)
def pending_approvals(services: ServicesDep, caller: CallerDep) -> ApprovalList:
    pending = services.approvals.pending(caller.requester)
    return ApprovalList(approvals=[ApprovalPublic.of(approval) for approval in pending])


@router.post(
    "/{approval_id}/approve",
    summary="Approve a request",
    response_model=ApprovalPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.SEARCHES_APPROVE),
)
def approve(approval_id: str, services: ServicesDep, caller: CallerDep) -> ApprovalPublic:
    decided = services.approvals.decide(caller.requester, approval_id, approve=True)
    return ApprovalPublic.of(decided)


@router.post(
    "/{approval_id}/deny",
    summary="Deny a request",
    response_model=ApprovalPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.SEARCHES_APPROVE),
)
def deny(approval_id: str, services: ServicesDep, caller: CallerDep) -> ApprovalPublic:
    decided = services.approvals.decide(caller.requester, approval_id, approve=False)
    return ApprovalPublic.of(decided)
