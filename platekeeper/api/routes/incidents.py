"""Security incidents (Civil Code 1798.82 and 1798.29): report, list, assess, decide, notify.

Custodians handle them (``incidents:manage``), each step through ``BreachDesk``, which decides
it on the access gate and logs it; another agency's incident is answered as missing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, status

from platekeeper.api.schemas.incidents import (
    DecisionCreate,
    IncidentAssess,
    IncidentCreate,
    IncidentList,
    IncidentPublic,
    NoticeBody,
    NoticePublic,
    NotifyBody,
    Outcome,
)
from platekeeper.domain.breaches import Incident
from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "Not a custodian.",
        404: "No such incident in your agency.",
        409: "The incident is closed, not confirmed, or was changed meanwhile.",
        422: "A field is missing or makes no sense (an empty heading of the notice...).",
    }.items()
}
_MANAGE = requires(Permission.INCIDENTS_MANAGE)


def _public(services: Services, incident: Incident) -> IncidentPublic:
    return IncidentPublic.of(incident, services.clock.now(), services.breaches.notice_target)


@router.post(
    "",
    summary="Report a suspected breach (a lost device, a vendor's notice, a complaint)",
    status_code=status.HTTP_201_CREATED,
    response_model=IncidentPublic,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def report_incident(
    body: IncidentCreate, services: ServicesDep, caller: CallerDep
) -> IncidentPublic:
    incident = services.breaches.report(caller.person, body.summary, body.discovered_at)
    return _public(services, incident)


@router.get(
    "",
    summary="The incidents of your agency, with the notice clock",
    response_model=IncidentList,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def list_incidents(services: ServicesDep, caller: CallerDep) -> IncidentList:
    incidents = services.breaches.list(caller.person)
    target = services.breaches.notice_target
    return IncidentList(
        notice_target_days=target // timedelta(days=1),
        incidents=[_public(services, incident) for incident in incidents],
    )


@router.post(
    "/{incident_id}/assess",
    summary="Confirm an incident as a breach, with its extent, or close it as none",
    response_model=IncidentPublic,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def assess_incident(
    incident_id: str, body: IncidentAssess, services: ServicesDep, caller: CallerDep
) -> IncidentPublic:
    incident = services.breaches.assess(
        caller.person,
        incident_id,
        breach=body.outcome is Outcome.BREACH,
        reason=body.reason,
        data_involved=body.data_involved,
        reads_affected=body.reads_affected,
        people_affected=body.people_affected,
        california_residents=body.california_residents,
        law_enforcement_delay=body.law_enforcement_delay,
    )
    return _public(services, incident)


@router.post(
    "/{incident_id}/decisions",
    summary="Record a decision taken in handling the incident",
    response_model=IncidentPublic,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def decide_incident(
    incident_id: str, body: DecisionCreate, services: ServicesDep, caller: CallerDep
) -> IncidentPublic:
    incident = services.breaches.decide(caller.person, incident_id, body.text)
    return _public(services, incident)


@router.post(
    "/{incident_id}/notice-draft",
    summary="The notice the text would make, in the statute's form; records nothing",
    response_model=NoticePublic,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def draft_notice(
    incident_id: str, body: NoticeBody, services: ServicesDep, caller: CallerDep
) -> NoticePublic:
    text = services.breaches.draft(caller.person, incident_id, body.content())
    return NoticePublic(incident=None, text=text)


@router.post(
    "/{incident_id}/notify",
    summary="Record the notice sent to the people affected (Civil Code 1798.82(d))",
    response_model=NoticePublic,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def notify_incident(
    incident_id: str, body: NotifyBody, services: ServicesDep, caller: CallerDep
) -> NoticePublic:
    incident, text = services.breaches.notify(
        caller.person,
        incident_id,
        body.notice.content(),
        attorney_general=body.attorney_general,
    )
    return NoticePublic(incident=_public(services, incident), text=text)
