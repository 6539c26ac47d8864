"""The register of complaints about the use of the system (R36): record, investigate, decide,
list.

Custodians record and investigate (``incidents:manage``); auditors decide (``reports:read``);
both read (``/for-review`` for auditors). ``ComplaintRegister`` checks the permission of each
step, keeps to the caller's agency and logs every step, refusals included.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from platekeeper.api.schemas.complaints import ComplaintCreate, ComplaintDecision, ComplaintPublic
from platekeeper.domain.complaints import Complaint
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.reports.complaints import DECIDE, RECORD, ComplaintRegister
from platekeeper.services import Services

router = APIRouter(prefix="/api/v1/complaints", tags=["complaints"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "Not a custodian (record, investigate) or auditor (decide); or your own conduct.",
        404: "No such complaint in your agency.",
        409: "The complaint is decided already, or changed meanwhile.",
        422: "A field is missing or holds personal data, or the account named is not yours.",
    }.items()
}


def _register(services: Services) -> ComplaintRegister:
    return ComplaintRegister(services.store, services.access_log, services.clock)


def _public(services: Services, complaint: Complaint) -> ComplaintPublic:
    return ComplaintPublic.of(complaint, services.clock.now().date())


@router.post(
    "",
    summary="Record a complaint about the system's use; it is due for resolution in 90 days",
    status_code=status.HTTP_201_CREATED,
    response_model=ComplaintPublic,
    responses=_ERRORS,
    dependencies=requires(RECORD),
)
def record_complaint(
    body: ComplaintCreate, services: ServicesDep, caller: CallerDep
) -> ComplaintPublic:
    complaint = _register(services).record(
        caller.person,
        source=body.source,
        summary=body.summary,
        received_on=body.received_on,
        subject=body.subject,
    )
    return _public(services, complaint)


@router.get(
    "",
    summary="The register, for custodians: every complaint of your agency and its outcome",
    response_model=list[ComplaintPublic],
    responses=_ERRORS,
    dependencies=requires(RECORD),
)
def list_complaints(services: ServicesDep, caller: CallerDep) -> list[ComplaintPublic]:
    return [_public(services, c) for c in _register(services).list(caller.person)]


@router.get(
    "/for-review",
    summary="The register, for auditors: every complaint of your agency and its outcome",
    response_model=list[ComplaintPublic],
    responses=_ERRORS,
    dependencies=requires(DECIDE),
)
def list_complaints_for_review(services: ServicesDep, caller: CallerDep) -> list[ComplaintPublic]:
    return [_public(services, c) for c in _register(services).list(caller.person)]


@router.post(
    "/{complaint_id}/investigate",
    summary="Open the investigation of a complaint",
    response_model=ComplaintPublic,
    responses=_ERRORS,
    dependencies=requires(RECORD),
)
def investigate_complaint(
    complaint_id: str, services: ServicesDep, caller: CallerDep
) -> ComplaintPublic:
    return _public(services, _register(services).investigate(caller.person, complaint_id))


@router.post(
    "/{complaint_id}/decide",
    summary="Decide a complaint: sustained, not sustained or closed, with the finding",
    response_model=ComplaintPublic,
    responses=_ERRORS,
    dependencies=requires(DECIDE),
)
def decide_complaint(
    complaint_id: str, body: ComplaintDecision, services: ServicesDep, caller: CallerDep
) -> ComplaintPublic:
    complaint = _register(services).decide(caller.person, complaint_id, body.outcome, body.finding)
    return _public(services, complaint)
