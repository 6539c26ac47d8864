"""The register of public-records (CPRA) requests: record, extend, respond, withdraw, list.

Custodians keep it (``records-requests:manage``) through ``RecordsRegister``. A response
releases aggregate figures only: the names it gives must be among the transparency figures the
public page shows (``reports/records_figures.py``), so no read, plate or small count leaves.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from platekeeper.api.schemas.incidents import (
    ExemptionPublic,
    ExtensionCreate,
    RecordsRequestCreate,
    RecordsRequestList,
    RecordsRequestPublic,
    RecordsResponseCreate,
    ReleasableFigures,
)
from platekeeper.domain.permissions import Permission
from platekeeper.domain.records_requests import Exemption, RecordsRequest
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.reports.records_figures import available_figures
from platekeeper.services import Services

router = APIRouter(prefix="/api/v1/records-requests", tags=["records requests"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "Not a custodian.",
        404: "No such request in your agency.",
        409: "The request is closed, or was extended once already.",
        422: "A field is missing or makes no sense (a figure that is no aggregate count...).",
    }.items()
}
_MANAGE = requires(Permission.RECORDS_REQUESTS_MANAGE)


def _public(services: Services, request: RecordsRequest) -> RecordsRequestPublic:
    return RecordsRequestPublic.of(request, services.clock.now().date())


def _releasable(services: Services) -> dict[str, int]:
    return available_figures(
        services.store,
        services.clock.now(),
        min_count=services.settings.transparency.min_count,
    )


@router.post(
    "",
    summary="Record a public-records request; the 10-day clock runs from its receipt",
    status_code=status.HTTP_201_CREATED,
    response_model=RecordsRequestPublic,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def record_request(
    body: RecordsRequestCreate, services: ServicesDep, caller: CallerDep
) -> RecordsRequestPublic:
    request = services.records_requests.record(
        caller.person,
        requester=body.requester,
        description=body.description,
        received_on=body.received_on,
    )
    return _public(services, request)


@router.get(
    "",
    summary="The register: each request, its deadline, the exemptions claimed and the release",
    response_model=RecordsRequestList,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def list_requests(services: ServicesDep, caller: CallerDep) -> RecordsRequestList:
    requests = services.records_requests.list(caller.person)
    return RecordsRequestList(requests=[_public(services, request) for request in requests])


@router.get(
    "/figures",
    summary="The aggregate figures a response may release now, and the exemptions",
    response_model=ReleasableFigures,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def releasable_figures(services: ServicesDep) -> ReleasableFigures:
    # Public numbers (the transparency page's): no access to plate data to log.
    return ReleasableFigures(
        figures=_releasable(services),
        exemptions=[ExemptionPublic(code=e, citation=e.citation) for e in Exemption],
    )


@router.post(
    "/{records_request_id}/extend",
    summary="Take 14 more days, once, for unusual circumstances (Gov. Code 7922.535(b))",
    response_model=RecordsRequestPublic,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def extend_request(
    records_request_id: str, body: ExtensionCreate, services: ServicesDep, caller: CallerDep
) -> RecordsRequestPublic:
    request = services.records_requests.extend(caller.person, records_request_id, body.reason)
    return _public(services, request)


@router.post(
    "/{records_request_id}/respond",
    summary="Close a request: the exemptions claimed and the aggregate figures released",
    response_model=RecordsRequestPublic,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def respond_to_request(
    records_request_id: str, body: RecordsResponseCreate, services: ServicesDep, caller: CallerDep
) -> RecordsRequestPublic:
    request = services.records_requests.respond(
        caller.person,
        records_request_id,
        response=body.response,
        exemptions=tuple(body.exemptions),
        figures=tuple(body.figures),
        available=_releasable(services),
    )
    return _public(services, request)


@router.post(
    "/{records_request_id}/withdraw",
    summary="Close a request the requester withdrew",
    response_model=RecordsRequestPublic,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def withdraw_request(
    records_request_id: str, services: ServicesDep, caller: CallerDep
) -> RecordsRequestPublic:
    request = services.records_requests.withdraw(caller.person, records_request_id)
    return _public(services, request)
