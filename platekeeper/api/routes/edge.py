"""Edge agents (``platekeeper edge run``): their health, and the signed copy of the hot lists
they match with offline. Both for a camera's key only; the reads themselves come through the
ordinary ingest routes."""

from __future__ import annotations

from fastapi import APIRouter

from platekeeper.api.schemas.edge import (
    EdgeEventsCreate,
    EdgeEventsReceipt,
    EdgeHealthPublic,
    EdgeHealthUpdate,
    HotlistCopyPublic,
)
from platekeeper.audit.edge_events import EdgeEvent
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import CameraDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.ingest.edge_health import HealthReport

router = APIRouter(prefix="/api/v1/edge", tags=["ingest"])


@router.put(
    "/health",
    summary="Report an edge agent's health",
    response_model=EdgeHealthPublic,
    dependencies=requires(Permission.READS_INGEST),
)
def report_health(
    body: EdgeHealthUpdate, services: ServicesDep, camera: CameraDep
) -> EdgeHealthPublic:
    health = services.edge_health.report(camera, HealthReport(**body.model_dump()))
    return EdgeHealthPublic(
        received_at=health.received_at, clock_skew_s=health.clock_skew.total_seconds()
    )


@router.get(
    "/hotlist-copy",
    summary="The signed, expiring copy of the camera's agency's hot lists",
    response_model=HotlistCopyPublic,
    dependencies=requires(Permission.READS_INGEST),
)
def hotlist_copy(services: ServicesDep, camera: CameraDep) -> HotlistCopyPublic:
    signed = services.hotlist_copies.issue(camera)
    return HotlistCopyPublic(
        payload=signed.payload.decode("utf-8"),
        signature=signed.signature,
        key_id=signed.key_id,
        public_key_pem=services.access_log.signer.public_key_pem(),
        entries=signed.entries,
    )


@router.post(
    "/access-events",
    summary="Enter the accesses made on an edge agent's page in the access log",
    response_model=EdgeEventsReceipt,
    dependencies=requires(Permission.READS_INGEST),
)
def access_events(
    body: EdgeEventsCreate, services: ServicesDep, camera: CameraDep
) -> EdgeEventsReceipt:
    events = [
        EdgeEvent(
            id=event.id,
            at=event.at,
            username=event.username,
            action=event.action,
            outcome=AccessOutcome(event.outcome),
            reason=event.reason,
            query=event.query,
            purpose_code=event.purpose_code,
            case_number=event.case_number,
        )
        for event in body.events
    ]
    return EdgeEventsReceipt(entered=services.edge_events.enter(camera, events))
