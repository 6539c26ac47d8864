"""Cameras for custodians: every camera of the agency with its status and last contact; register
one, change its status, rotate its ingest key; and the agency's clock, the time zone its pages,
exports and reports show. What ``platekeeper camera ...`` and ``platekeeper agency time-zone``
do at the console, through the same service, which checks and logs each change.

A camera's ingest key is shown once, on the page that answers its registration or rotation, and
never again: only its hash is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from platekeeper.domain import Camera, CameraKind, CameraStatus, GeoPoint
from platekeeper.domain.edge import EdgeHealth
from platekeeper.domain.gate import Person
from platekeeper.domain.permissions import Permission
from platekeeper.domain.time import spoken_span
from platekeeper.domain.zones import STATE_ZONES
from platekeeper.errors import PlateKeeperError
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.ingest.cameras import SILENT_AFTER, CameraDraft, silent
from platekeeper.ingest.edge_health import SKEW_WARNING
from platekeeper.services import Services
from platekeeper.web.pages.admin import choice, decimal, done, invalid, refused
from platekeeper.web.rendering import render

router = APIRouter(include_in_schema=False)

NOTICES = {
    "status": "The camera's status was changed.",
    "zone": "The agency's time zone was changed: pages, exports and reports now show it.",
}


def _admin(caller: Caller) -> Person:
    return caller.person


class CameraForm(BaseModel):
    camera_id: str = Field(default="", max_length=63)
    name: str = Field(default="", max_length=200)
    kind: str = Field(default=CameraKind.FIXED.value, max_length=20)
    latitude: str = Field(default="", max_length=32)
    longitude: str = Field(default="", max_length=32)
    heading: str = Field(default="", max_length=32)

    def draft(self) -> CameraDraft:
        latitude = decimal(self.latitude, "latitude", "Latitude")
        longitude = decimal(self.longitude, "longitude", "Longitude")
        if (latitude is None) != (longitude is None):
            raise invalid("longitude", "give the latitude and the longitude together")
        location = None if latitude is None or longitude is None else GeoPoint(latitude, longitude)
        return CameraDraft(
            camera_id=self.camera_id.strip(),
            name=self.name,
            kind=choice(CameraKind, self.kind, "kind", "Kind"),
            location=location,
            heading_deg=decimal(self.heading, "heading", "Heading"),
        )


@router.get(
    "/cameras", response_class=HTMLResponse, dependencies=requires(Permission.POLICY_MANAGE)
)
def cameras_page(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    notice: Annotated[str, Query(alias="done", max_length=20)] = "",
) -> HTMLResponse:
    context = _context(services, caller, CameraForm())
    context["notice"] = NOTICES.get(notice)
    return render(request, "pages/cameras/index.html", context, caller=caller)


@router.post(
    "/cameras", response_class=HTMLResponse, dependencies=requires(Permission.POLICY_MANAGE)
)
def register_camera(
    request: Request,
    form: Annotated[CameraForm, Form()],
    services: ServicesDep,
    caller: CallerDep,
) -> HTMLResponse:
    try:
        draft = form.draft()
        camera, key = services.cameras.register(_admin(caller), draft)
    except PlateKeeperError as error:
        context = {**_context(services, caller, form), "registering": True}
        return refused(request, "pages/cameras/index.html", context, caller, error)
    return _key_page(request, caller, camera, key, registered=True)


@router.post("/cameras/{camera_id}/status", dependencies=requires(Permission.POLICY_MANAGE))
def change_status(
    request: Request,
    camera_id: str,
    status: Annotated[str, Form(max_length=20)],
    services: ServicesDep,
    caller: CallerDep,
) -> Response:
    try:
        chosen = choice(CameraStatus, status, "status", "Status")
        services.cameras.set_status(_admin(caller), camera_id, chosen)
    except PlateKeeperError as error:
        context = _context(services, caller, CameraForm())
        return refused(request, "pages/cameras/index.html", context, caller, error)
    return done("/cameras?done=status")


@router.post(
    "/cameras/{camera_id}/rotate-key",
    response_class=HTMLResponse,
    dependencies=requires(Permission.POLICY_MANAGE),
)
def rotate_key(
    request: Request, camera_id: str, services: ServicesDep, caller: CallerDep
) -> HTMLResponse:
    try:
        camera, key = services.cameras.rotate_key(_admin(caller), camera_id)
    except PlateKeeperError as error:
        context = _context(services, caller, CameraForm())
        return refused(request, "pages/cameras/index.html", context, caller, error)
    return _key_page(request, caller, camera, key, registered=False)


@router.post(
    "/cameras/time-zone",
    response_class=HTMLResponse,
    dependencies=requires(Permission.POLICY_MANAGE),
)
def set_time_zone(
    request: Request,
    time_zone: Annotated[str, Form(max_length=64)],
    services: ServicesDep,
    caller: CallerDep,
) -> Response:
    """The agency's time zone, as ``platekeeper agency time-zone`` sets it (logged as
    ``agency:time-zone``)."""
    try:
        services.cameras.set_time_zone(_admin(caller), time_zone)
    except PlateKeeperError as error:
        context = {**_context(services, caller, CameraForm()), "zone_typed": time_zone}
        return refused(request, "pages/cameras/index.html", context, caller, error)
    return done("/cameras?done=zone#zone-title")


def _key_page(
    request: Request, caller: Caller, camera: Camera, key: str, *, registered: bool
) -> HTMLResponse:
    # Rendered with the caller, so the page is never cached: the key is on it.
    context = {"camera": camera, "key": key, "registered": registered}
    return render(request, "pages/cameras/key.html", context, caller=caller)


def _context(services: Services, caller: Caller, form: CameraForm) -> dict[str, Any]:
    cameras = services.cameras.list(_admin(caller))
    now = services.clock.now()
    return {
        "cameras": cameras,
        "edge": edge_rows(services.edge_health.latest(cameras), now),
        "image_failures": sorted(
            services.store.image_fetches.failures([camera.id for camera in cameras]).items()
        ),
        "silent": {camera.id for camera in cameras if silent(camera, now)},
        "silent_minutes": int(SILENT_AFTER.total_seconds() // 60),
        "kinds": list(CameraKind),
        "statuses": list(CameraStatus),
        "typed": form,
        "zone_choices": sorted(set(STATE_ZONES.values())),
    }


@dataclass(frozen=True, slots=True)
class EdgeRow:
    camera_id: str
    health: EdgeHealth
    skew: str
    skew_warning: bool
    copy_age: str | None
    copy_expired: bool


def edge_rows(latest: Mapping[str, EdgeHealth], now: datetime) -> list[EdgeRow]:
    """One row per edge agent that has reported, by camera id."""
    return [_edge_row(latest[camera_id], now) for camera_id in sorted(latest)]


def _edge_row(health: EdgeHealth, now: datetime) -> EdgeRow:
    skew = health.clock_skew
    copy_age = health.copy_age(now)
    expires = health.copy_expires_at
    return EdgeRow(
        camera_id=health.camera_id,
        health=health,
        skew=f"{skew.total_seconds():+.1f} s",
        skew_warning=abs(skew) > SKEW_WARNING,
        copy_age=None if copy_age is None else spoken_span(copy_age),
        copy_expired=expires is not None and now >= expires,
    )
