"""The audited look-ups: search, a read, its images, an export, a vehicle's history.

Each needs a purpose from the agency's list and a case number (query parameters ``purpose`` and
``case_number``); each is written to the access log, refused or not.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from platekeeper.access import (
    Basis,
    ExportFormat,
    Found,
    Page,
    SearchCriteria,
    parse_after,
)
from platekeeper.api.schemas.lookups import ReadList, ReadPublic, StatedBasis
from platekeeper.domain.geo import parse_area
from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.basis import BasisDep
from platekeeper.http.deps import ServicesDep
from platekeeper.reports.reads_export import reads_csv
from platekeeper.store.images import ImageKind, detect_image_type

router = APIRouter(prefix="/api/v1", tags=["look-ups"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "The role lacks the permission, or a needed supervisor's approval is missing.",
        422: "Purpose or case number missing or invalid, or the search is malformed.",
    }.items()
}
# Nothing a look-up returns may be kept by a browser or a proxy.
_NO_STORE = {"Cache-Control": "no-store"}


def search_criteria(
    plate: Annotated[str | None, Query(max_length=32)] = None,
    plate_pattern: Annotated[
        str | None, Query(max_length=32, description="'*' for any run, '?' for one character.")
    ] = None,
    camera_id: Annotated[str | None, Query(max_length=63)] = None,
    area: Annotated[
        str | None,
        Query(
            max_length=100,
            description="A box as south,west,north,east in degrees, or a circle as "
            "latitude,longitude,radius_m (radius in metres, at most 50 km).",
        ),
    ] = None,
    captured_from: Annotated[datetime | None, Query()] = None,
    captured_before: Annotated[datetime | None, Query()] = None,
    tolerate_misreads: Annotated[
        bool,
        Query(
            description="Also find look-alike characters: O/0, I/1, B/8, S/5, Z/2, G/6;"
            " and for a whole plate (over three characters), one character changed, missing"
            " or extra."
        ),
    ] = False,
) -> SearchCriteria:
    return SearchCriteria(
        plate=plate,
        plate_pattern=plate_pattern,
        camera_id=camera_id,
        area=None if area is None else parse_area(area),
        captured_from=captured_from,
        captured_before=captured_before,
        tolerate_misreads=tolerate_misreads,
    )


CriteriaDep = Annotated[SearchCriteria, Depends(search_criteria)]


def page_after(
    after: Annotated[
        str | None,
        Query(
            max_length=120,
            description="The `next_after` of the previous page; leave out for the first page.",
        ),
    ] = None,
) -> Page:
    return Page(after=None if after is None else parse_after(after))


PageDep = Annotated[Page, Depends(page_after)]


@router.get(
    "/reads",
    summary="Search reads",
    response_model=ReadList,
    responses=_ERRORS,
    dependencies=requires(Permission.READS_SEARCH),
)
def search_reads(
    services: ServicesDep, caller: CallerDep, basis: BasisDep, criteria: CriteriaDep, page: PageDep
) -> Response:
    found = services.read_access.search(caller.requester, basis, criteria, page=page)
    return _read_list(found, basis)


@router.get(
    "/reads/export.csv",
    summary="Export matching reads as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **_ERRORS},
    dependencies=requires(Permission.READS_EXPORT),
)
def export_reads(
    services: ServicesDep, caller: CallerDep, basis: BasisDep, criteria: CriteriaDep, page: PageDep
) -> Response:
    found = services.read_access.search(
        caller.requester, basis, criteria, page=Page(after=page.after, export=ExportFormat.CSV)
    )
    headers = {**_NO_STORE, "Content-Disposition": 'attachment; filename="reads.csv"'}
    return Response(reads_csv(found.reads), media_type="text/csv", headers=headers)


@router.get(
    "/reads/{read_id}",
    summary="One read",
    response_model=ReadPublic,
    responses={404: {"description": "No such read in your agency."}, **_ERRORS},
    dependencies=requires(Permission.READS_VIEW),
)
def get_read(read_id: str, services: ServicesDep, caller: CallerDep, basis: BasisDep) -> Response:
    read = services.read_access.read(caller.requester, basis, read_id)
    body = ReadPublic.of(read).model_dump_json()
    return Response(body, media_type="application/json", headers=_NO_STORE)


@router.get(
    "/reads/{read_id}/image",
    summary="A read's plate crop or full image",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}, **_ERRORS},
    dependencies=requires(Permission.IMAGES_VIEW),
)
def get_read_image(
    read_id: str,
    services: ServicesDep,
    caller: CallerDep,
    basis: BasisDep,
    kind: ImageKind = ImageKind.CROP,
) -> Response:
    image = services.read_access.image(caller.requester, basis, read_id, kind)
    media_type = f"image/{'jpeg' if (ext := detect_image_type(image.data)) == 'jpg' else ext}"
    return Response(image.data, media_type=media_type, headers=_NO_STORE)


@router.get(
    "/vehicles/{plate}/history",
    summary="Every read of one plate",
    response_model=ReadList,
    responses=_ERRORS,
    dependencies=requires(Permission.VEHICLES_HISTORY),
)
def vehicle_history(
    plate: str,
    services: ServicesDep,
    caller: CallerDep,
    basis: BasisDep,
    page: PageDep,
    captured_from: datetime | None = None,
    captured_before: datetime | None = None,
) -> Response:
    found = services.read_access.vehicle_history(
        caller.requester, basis, plate, captured_from, captured_before, page=page
    )
    return _read_list(found, basis)


def _read_list(found: Found, basis: Basis) -> Response:
    body = ReadList(
        reads=[ReadPublic.of(read) for read in found.reads],
        count=len(found.reads),
        truncated=found.truncated,
        next_after=found.next_after,
        basis=StatedBasis(purpose=basis.purpose_code or "", case_number=basis.case_number or ""),
    )
    return Response(body.model_dump_json(), media_type="application/json", headers=_NO_STORE)
