"""One read, and the history of one vehicle: each shown only with a stated purpose and case.

Both pages ask for the purpose and case number first; the look-up itself goes through
``services.read_access`` like the API's, so it is checked and logged the same way, refused or
not. The images are fetched by the browser from the API's audited image route with the same
purpose and case, so each image shown is logged as well.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from platekeeper.access import Basis, Found
from platekeeper.domain import Camera, PlateRead
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.domain.zones import local_datetime
from platekeeper.errors import FieldError, InvalidInput, PermissionDenied
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.web.maps import draw_map, places_of_cameras, places_of_reads
from platekeeper.web.pages.caller import person
from platekeeper.web.rendering import agency_zone, render
from platekeeper.web.tiles import tile_layer

router = APIRouter(include_in_schema=False)
MAX_FIELD_LENGTH = 100
REFUSALS = (InvalidInput, PermissionDenied)
"""What a look-up answers when the basis or the criteria are not enough: shown on the page."""


@dataclass(frozen=True, slots=True)
class ReadRow:
    """A read as a line of a result table, with links that carry the same purpose and case."""

    read: PlateRead
    camera_name: str
    detail_href: str
    history_href: str | None


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    rows: list[ReadRow]


def field(query: Mapping[str, str], name: str) -> str:
    """A query parameter as typed (``""`` if absent), refused if longer than any real one."""
    value = query.get(name, "")
    if len(value) > MAX_FIELD_LENGTH:
        raise InvalidInput(
            f"{name} is longer than {MAX_FIELD_LENGTH} characters",
            fields=[FieldError(name, "is too long")],
        )
    return value


def basis_of(query: Mapping[str, str]) -> Basis:
    return Basis(
        field(query, "purpose").strip() or None,
        field(query, "case_number").strip() or None,
        field(query, "approval_id").strip() or None,
    )


def basis_query(basis: Basis) -> str:
    """``purpose=..&case_number=..`` for links that open more of the same case."""
    return urlencode({"purpose": basis.purpose_code or "", "case_number": basis.case_number or ""})


def parse_utc(name: str, text: str, problems: list[FieldError]) -> datetime | None:
    """A ``datetime-local`` value, read as UTC; a problem is added to ``problems``."""
    if not text.strip():
        return None
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        problems.append(FieldError(name, f"{text!r} is not a date and time"))
        return None
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def rows_of(
    reads: Iterable[PlateRead], cameras: Mapping[str, Camera], basis: Basis, caller: Caller
) -> list[ReadRow]:
    history = Permission.VEHICLES_HISTORY in permissions_of(caller.roles)
    linked = basis_query(basis)
    return [
        ReadRow(
            read,
            _camera_name(cameras, read.camera_id),
            f"/reads/{quote(read.id, safe='')}?{linked}",
            f"/vehicles/{quote(read.plate_key, safe='')}?{linked}" if history else None,
        )
        for read in reads
    ]


def agency_cameras(services: Services, caller: Caller) -> dict[str, Camera]:
    return {camera.id: camera for camera in services.store.cameras.list(caller.actor.agency_id)}


@router.get(
    "/reads/{read_id}", response_class=HTMLResponse, dependencies=requires(Permission.READS_VIEW)
)
def read_detail(
    read_id: str, request: Request, services: ServicesDep, caller: CallerDep
) -> HTMLResponse:
    person(caller)
    basis = basis_of(request.query_params)
    context: dict[str, object] = {
        "read_id": read_id,
        "basis": basis,
        "catalogue": services.read_access.catalogue,
    }
    if basis.purpose_code is None and basis.case_number is None:
        return render(request, "pages/reads/read.html", context, caller=caller)
    try:
        read = services.read_access.read(caller.requester, basis, read_id)
    except REFUSALS as refusal:
        context["problem"] = refusal
        return render(
            request, "pages/reads/read.html", context, caller=caller, status_code=refusal.status
        )
    cameras = agency_cameras(services, caller)
    context.update(_detail(read, cameras, basis, caller, services))
    return render(request, "pages/reads/read.html", context, caller=caller)


def _detail(
    read: PlateRead, cameras: Mapping[str, Camera], basis: Basis, caller: Caller, services: Services
) -> dict[str, object]:
    granted = permissions_of(caller.roles)
    camera = cameras.get(read.camera_id)
    images = Permission.IMAGES_VIEW in granted
    image_base = f"/api/v1/reads/{quote(read.id, safe='')}/image?{basis_query(basis)}"
    [row] = rows_of([read], cameras, basis, caller)
    places = places_of_reads([read], cameras)
    # A fixed camera's reads are where it stands: one marker then, not two on top of each other.
    taken_at = {place.position for place in places}
    places += [
        place
        for place in places_of_cameras([] if camera is None else [camera])
        if place.position not in taken_at
    ]
    return {
        "read": read,
        "row": row,
        "camera": camera,
        "full_src": f"{image_base}&kind=full" if images and read.image_ref else None,
        "crop_src": f"{image_base}&kind=crop" if images and read.crop_ref else None,
        "map": draw_map(places, tiles=tile_layer(services)),
    }


@router.get(
    "/vehicles/{plate}",
    response_class=HTMLResponse,
    dependencies=requires(Permission.VEHICLES_HISTORY),
)
def vehicle_history(
    plate: str, request: Request, services: ServicesDep, caller: CallerDep
) -> HTMLResponse:
    person(caller)
    query = request.query_params
    basis = basis_of(query)
    context: dict[str, object] = {
        "plate": plate,
        "basis": basis,
        "catalogue": services.read_access.catalogue,
        "captured_from": field(query, "captured_from"),
        "captured_before": field(query, "captured_before"),
        "action": f"/vehicles/{quote(plate, safe='')}",
    }
    if basis.purpose_code is None and basis.case_number is None:
        return render(request, "pages/reads/history.html", context, caller=caller)
    try:
        found = _history(services, caller, basis, plate, query)
    except REFUSALS as refusal:
        context["problem"] = refusal
        return render(
            request, "pages/reads/history.html", context, caller=caller, status_code=refusal.status
        )
    cameras = agency_cameras(services, caller)
    rows = rows_of(found.reads, cameras, basis, caller)
    context.update(
        found=found,
        days=days_of(rows, agency_zone(request, caller.scope.agency_id)),
        map=draw_map(places_of_reads(found.reads, cameras), tiles=tile_layer(services)),
    )
    return render(request, "pages/reads/history.html", context, caller=caller)


def _history(
    services: Services, caller: Caller, basis: Basis, plate: str, query: Mapping[str, str]
) -> Found:
    problems: list[FieldError] = []
    start = parse_utc("captured_from", field(query, "captured_from"), problems)
    end = parse_utc("captured_before", field(query, "captured_before"), problems)
    if problems:
        raise InvalidInput("the time range is not valid", fields=problems)
    return services.read_access.vehicle_history(caller.requester, basis, plate, start, end)


def days_of(rows: Sequence[ReadRow], zone: str) -> list[Day]:
    """``rows`` (newest first) grouped by their day in the agency's time zone ``zone``."""
    return [
        Day(day, list(group))
        for day, group in itertools.groupby(
            rows, key=lambda row: local_datetime(row.read.captured_at, zone).date()
        )
    ]


def _camera_name(cameras: Mapping[str, Camera], camera_id: str) -> str:
    camera = cameras.get(camera_id)
    return camera_id if camera is None else camera.name
