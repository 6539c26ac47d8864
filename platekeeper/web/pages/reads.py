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
from datetime import date, datetime
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from platekeeper.access import (
    Basis,
    ExportFormat,
    Found,
    Page,
    parse_after,
)
from platekeeper.access.thumbnails import data_uri
from platekeeper.domain import Camera, PlateRead
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.domain.zones import instant_of, local_datetime
from platekeeper.errors import FieldError, InvalidInput, PermissionDenied
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.reports.reads_export import ExportedRead, ReadsDocument, reads_csv, reads_pdf
from platekeeper.services import Services
from platekeeper.web.maps import draw_map, places_of_cameras, places_of_reads
from platekeeper.web.pages.caller import person
from platekeeper.web.pages.wording import LABELS, form_problem
from platekeeper.web.rendering import NO_STORE, agency_zone, caller_zone, render
from platekeeper.web.tiles import tile_layer

router = APIRouter(include_in_schema=False)
MAX_FIELD_LENGTH = 100
REFUSALS = (InvalidInput, PermissionDenied)
"""What a look-up answers when the basis or the criteria are not enough: shown on the page."""


@dataclass(frozen=True, slots=True)
class ReadRow:
    """A read as a line of a result table, with links that carry the same purpose and case, and
    its crop's thumbnail inlined (``access/thumbnails.py``) when the look-up brought one."""

    read: PlateRead
    camera_name: str
    detail_href: str
    history_href: str | None
    thumbnail_src: str | None = None

    @property
    def no_thumbnail(self) -> str:
        """What the thumbnail's place says when there is none."""
        return "No image" if self.read.crop_ref is None else "Image not shown"


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


def parse_local(
    name: str, text: str, problems: list[FieldError], zone: str, *, later: bool = False
) -> datetime | None:
    """A ``datetime-local`` value, read on the agency's clock in ``zone`` (``later``: the end
    of a range, see ``instant_of``); a problem is added to ``problems``."""
    if not text.strip():
        return None
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        problems.append(FieldError(name, f"{text!r} is not a date and time"))
        return None
    return instant_of(instant, zone, later=later)


def rows_of(
    reads: Iterable[PlateRead],
    cameras: Mapping[str, Camera],
    basis: Basis,
    caller: Caller,
    thumbnails: Mapping[str, bytes] | None = None,
) -> list[ReadRow]:
    history = Permission.VEHICLES_HISTORY in permissions_of(caller.roles)
    linked = basis_query(basis)
    small = thumbnails or {}
    return [
        ReadRow(
            read,
            camera_name(cameras, read.camera_id),
            f"/reads/{quote(read.id, safe='')}?{linked}",
            f"/vehicles/{quote(read.plate_key, safe='')}?{linked}" if history else None,
            data_uri(small[read.id]) if read.id in small else None,
        )
        for read in reads
    ]


PAGE_SIZE = 50
"""Reads on one page of a list: a page that fits a screen or two, with its thumbnails."""
_MAX_PAGE_NUMBER = 1_000_000


@dataclass(frozen=True, slots=True)
class Paging:
    """Which page of a look-up's results a link asks for: its number, for people, and the
    cursor after which it starts, for the store (``access.Page``)."""

    number: int
    after: str | None
    size: int

    @classmethod
    def of(cls, query: Mapping[str, str], services: Services) -> Paging:
        """The page a query asks for; ``InvalidInput`` if its cursor was tampered with. A page
        holds ``PAGE_SIZE`` reads, or fewer where the agency caps one look-up lower."""
        size = min(PAGE_SIZE, services.settings.access.max_results)
        token = field(query, "after").strip()
        if not token:
            return cls(1, None, size)
        typed = field(query, "page").strip()
        number = int(typed) if typed.isdigit() else 2
        return cls(min(max(number, 2), _MAX_PAGE_NUMBER), parse_after(token), size)

    def page(self, *, crops: bool = True, export: ExportFormat | None = None) -> Page:
        return Page(self.after, self.size, crops, export)

    @property
    def first_row(self) -> int:
        return (self.number - 1) * self.size + 1


@dataclass(frozen=True, slots=True)
class PageLinks:
    """Where a page of results stands among the others, and the links to them."""

    first_row: int
    last_row: int
    more: bool
    next_href: str | None
    first_href: str | None

    @property
    def summary(self) -> str:
        """'Reads 51 to 100, newest first; more matched.', as the page and the export say."""
        shown = self.last_row - self.first_row + 1
        if shown <= 0:
            return "No reads found."
        if self.first_row == 1 and not self.more:
            return f"{shown} read{'' if shown == 1 else 's'} found, newest first."
        more = "; more matched" if self.more else "; the last of them"
        if shown == 1:
            return f"Read {self.first_row}{more}."
        return f"Reads {self.first_row} to {self.last_row}, newest first{more}."


def page_links(path: str, query: Mapping[str, str], paging: Paging, found: Found) -> PageLinks:
    """The links of a page of ``found`` under ``path``, keeping every other field of ``query``;
    each lands on the results (``#results``) so they are in view as they arrive."""
    following = found.next_after
    next_href = None
    if following is not None:
        changes = {"after": following, "page": str(paging.number + 1)}
        next_href = href_with(path, query, changes, "results")
    first_href = None
    if paging.after is not None:
        first_href = href_with(path, query, {"after": None, "page": None}, "results")
    last_row = paging.first_row + len(found.reads) - 1
    return PageLinks(paging.first_row, last_row, found.truncated, next_href, first_href)


def href_with(
    path: str, query: Mapping[str, str], changes: Mapping[str, str | None], fragment: str = ""
) -> str:
    """``path`` with ``query`` changed by ``changes`` (None removes a field)."""
    fields = {name: value for name, value in query.items() if name not in changes}
    fields.update({name: value for name, value in changes.items() if value is not None})
    return f"{path}?{urlencode(fields)}" + (f"#{fragment}" if fragment else "")


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
        context["problem"] = form_problem(refusal, "look-up")
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
    places = places_of_reads([read], cameras, caller_zone(services, caller))
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
    action = f"/vehicles/{quote(plate, safe='')}"
    context: dict[str, object] = {
        "plate": plate,
        "basis": basis,
        "catalogue": services.read_access.catalogue,
        "captured_from": field(query, "captured_from"),
        "captured_before": field(query, "captured_before"),
        "action": action,
    }
    if basis.purpose_code is None and basis.case_number is None:
        return render(request, "pages/reads/history.html", context, caller=caller)
    try:
        paging = Paging.of(query, services)
        found = _history(services, caller, basis, plate, query, page=paging.page())
    except REFUSALS as refusal:
        context["problem"] = form_problem(refusal, "history")
        return render(
            request, "pages/reads/history.html", context, caller=caller, status_code=refusal.status
        )
    cameras = agency_cameras(services, caller)
    rows = rows_of(found.reads, cameras, basis, caller, found.thumbnails)
    exports = Permission.READS_EXPORT in permissions_of(caller.roles)
    context.update(
        csv_href=href_with(f"{action}/export.csv", query, {}) if exports else None,
        pdf_href=href_with(f"{action}/export.pdf", query, {}) if exports else None,
        found=found,
        days=days_of(rows, agency_zone(request, caller.scope.agency_id)),
        links=page_links(action, query, paging, found),
        map=draw_map(
            places_of_reads(found.reads, cameras, caller_zone(services, caller)),
            tiles=tile_layer(services),
        ),
    )
    return render(request, "pages/reads/history.html", context, caller=caller)


@router.get(
    "/vehicles/{plate}/export.csv",
    response_class=Response,
    dependencies=requires(Permission.READS_EXPORT),
)
def export_history_csv(
    plate: str, request: Request, services: ServicesDep, caller: CallerDep
) -> Response:
    """The history page on screen as CSV: the same plate, range and page, logged as an export
    to CSV."""
    person(caller)
    found, paging = _history_export(request, services, caller, plate, ExportFormat.CSV)
    names = {camera.id: camera.name for camera in agency_cameras(services, caller).values()}
    body = reads_csv(found.reads, names, caller_zone(services, caller))
    filename = _history_filename(basis_of(request.query_params), paging, "csv")
    return attachment(body.encode("utf-8"), "text/csv; charset=utf-8", filename)


@router.get(
    "/vehicles/{plate}/export.pdf",
    response_class=Response,
    dependencies=requires(Permission.READS_EXPORT),
)
def export_history_pdf(
    plate: str, request: Request, services: ServicesDep, caller: CallerDep
) -> Response:
    """The history page on screen as a PDF for the case file, crops included, logged as an
    export to PDF."""
    person(caller)
    query = request.query_params
    found, paging = _history_export(request, services, caller, plate, ExportFormat.PDF)
    basis, cameras = basis_of(query), agency_cameras(services, caller)
    given = [(name, field(query, name)) for name in ("captured_from", "captured_before")]
    document = ReadsDocument(
        title=f"History of {plate}",
        purpose=purpose_label(services, basis),
        case_number=basis.case_number or "",
        criteria=[("Plate", plate)] + [(LABELS[name], value) for name, value in given if value],
        exported_by=caller.actor.username,
        exported_at=services.clock.now(),
        page_note=page_links(f"/vehicles/{quote(plate, safe='')}", query, paging, found).summary,
        reads=exported_reads(found, cameras),
        time_zone=caller_zone(services, caller),
    )
    return attachment(
        reads_pdf(document), "application/pdf", _history_filename(basis, paging, "pdf")
    )


def _history_export(
    request: Request, services: Services, caller: Caller, plate: str, fmt: ExportFormat
) -> tuple[Found, Paging]:
    query = request.query_params
    paging = Paging.of(query, services)
    page = paging.page(crops=fmt is ExportFormat.PDF, export=fmt)
    return _history(services, caller, basis_of(query), plate, query, page=page), paging


def _history_filename(basis: Basis, paging: Paging, extension: str) -> str:
    return (
        f"history-{file_safe(basis.case_number or '') or 'case'}-page-{paging.number}.{extension}"
    )


def file_safe(text: str) -> str:
    """``text`` with anything but letters, digits, ``-`` and ``_`` turned into ``-``: a part of
    a download's file name."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)


def exported_reads(found: Found, cameras: Mapping[str, Camera]) -> list[ExportedRead]:
    """The reads of ``found`` as an export lists them, each with its camera and crop."""
    return [
        ExportedRead(read, camera_name(cameras, read.camera_id), found.thumbnails.get(read.id))
        for read in found.reads
    ]


def purpose_label(services: Services, basis: Basis) -> str:
    """The stated purpose as the form's list names it."""
    labels = {purpose.code: purpose.label for purpose in services.read_access.catalogue.purposes}
    code = basis.purpose_code or ""
    return labels.get(code, code)


def attachment(body: bytes, media_type: str, filename: str) -> Response:
    """A download of ``body`` named ``filename``, kept by no cache."""
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    headers = {**NO_STORE, "Content-Disposition": disposition}
    return Response(body, media_type=media_type, headers=headers)


def _history(
    services: Services,
    caller: Caller,
    basis: Basis,
    plate: str,
    query: Mapping[str, str],
    *,
    page: Page,
) -> Found:
    problems: list[FieldError] = []
    zone = caller_zone(services, caller)
    start = parse_local("captured_from", field(query, "captured_from"), problems, zone)
    end = parse_local(
        "captured_before", field(query, "captured_before"), problems, zone, later=True
    )
    if problems:
        raise InvalidInput("the time range is not valid", fields=problems)
    return services.read_access.vehicle_history(
        caller.requester, basis, plate, start, end, page=page
    )


def days_of(rows: Sequence[ReadRow], zone: str) -> list[Day]:
    """``rows`` (newest first) grouped by their day in the agency's time zone ``zone``."""
    return [
        Day(day, list(group))
        for day, group in itertools.groupby(
            rows, key=lambda row: local_datetime(row.read.captured_at, zone).date()
        )
    ]


def camera_name(cameras: Mapping[str, Camera], camera_id: str) -> str:
    camera = cameras.get(camera_id)
    return camera_id if camera is None else camera.name
