"""The analyst's search of reads: by plate, partial plate or look-alike plate, time, camera, area.

The form is a GET form, so a search lives in its URL and back and forward work. Nothing is shown
before a purpose and a case number are given: the search goes through
``services.read_access.search`` as the API's does, which refuses it without them and writes the
attempt, refused or allowed, to the access log. A refusal is shown above the form, which comes
back as it was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from platekeeper.access import Basis, Found, SearchCriteria
from platekeeper.domain import Camera
from platekeeper.domain.geo import GeoArea
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.errors import FieldError, InvalidInput
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.web.maps import draw_map, moving_cameras, places_of_cameras, places_of_reads
from platekeeper.web.pages.area import AreaFields
from platekeeper.web.pages.caller import person
from platekeeper.web.pages.reads import (
    REFUSALS,
    agency_cameras,
    basis_of,
    field,
    parse_utc,
    rows_of,
)
from platekeeper.web.rendering import render
from platekeeper.web.tiles import tile_layer

router = APIRouter(include_in_schema=False)
SEARCH_MAP_SPAN_M = 4000.0
"""The search's map shows at least this much around the cameras, room to draw an area where
patrol cars read, which have no place of their own."""
_YES = frozenset({"true", "on", "1", "yes"})


@dataclass(frozen=True, slots=True)
class SearchForm:
    """The search as typed, kept as typed so that the form comes back as it was left."""

    plate: str
    plate_pattern: str
    tolerate_misreads: bool
    captured_from: str
    captured_before: str
    camera_id: str
    area: AreaFields
    basis: Basis

    @classmethod
    def of(cls, query: Mapping[str, str]) -> SearchForm:
        return cls(
            plate=field(query, "plate"),
            plate_pattern=field(query, "plate_pattern"),
            tolerate_misreads=field(query, "tolerate_misreads").lower() in _YES,
            captured_from=field(query, "captured_from"),
            captured_before=field(query, "captured_before"),
            camera_id=field(query, "camera_id"),
            area=AreaFields.of(query),
            basis=basis_of(query),
        )

    def criteria(self) -> SearchCriteria:
        """The search to run, or ``InvalidInput`` naming every field that cannot be read."""
        problems: list[FieldError] = []
        start = parse_utc("captured_from", self.captured_from, problems)
        end = parse_utc("captured_before", self.captured_before, problems)
        area = self.area.area(problems)
        if problems:
            raise InvalidInput(
                "some of the search cannot be read: "
                + "; ".join(f"{p.location} {p.message}" for p in problems),
                hint="Correct the fields named and search again.",
                fields=problems,
            )
        return SearchCriteria(
            plate=self.plate.strip() or None,
            plate_pattern=self.plate_pattern.strip() or None,
            camera_id=self.camera_id or None,
            area=area,
            captured_from=start,
            captured_before=end,
            tolerate_misreads=self.tolerate_misreads,
        )


def export_href(criteria: SearchCriteria, basis: Basis) -> str:
    """The API's CSV export of the same search, with the same purpose, case and approval."""
    elements = {
        "plate": criteria.plate,
        "plate_pattern": criteria.plate_pattern,
        "camera_id": criteria.camera_id,
        "area": None if criteria.area is None else str(criteria.area),
        "captured_from": None
        if criteria.captured_from is None
        else criteria.captured_from.isoformat(),
        "captured_before": None
        if criteria.captured_before is None
        else criteria.captured_before.isoformat(),
        "tolerate_misreads": "true" if criteria.tolerate_misreads else None,
        "purpose": basis.purpose_code,
        "case_number": basis.case_number,
        "approval_id": basis.approval_id,
    }
    given = {name: value for name, value in elements.items() if value is not None}
    return f"/api/v1/reads/export.csv?{urlencode(given)}"


@router.get("/search", response_class=HTMLResponse, dependencies=requires(Permission.READS_SEARCH))
def search(request: Request, services: ServicesDep, caller: CallerDep) -> HTMLResponse:
    person(caller)
    form = SearchForm.of(request.query_params)
    cameras = agency_cameras(services, caller)
    context: dict[str, object] = {
        "form": form,
        "catalogue": services.read_access.catalogue,
        "cameras": sorted(cameras.values(), key=lambda camera: camera.name),
        "approval_beyond_days": services.settings.access.approval_beyond_days,
    }
    area: GeoArea | None = None
    status_code = 200
    # A first visit shows the form; anything submitted, even an empty form, is a search.
    if request.query_params:
        try:
            criteria = form.criteria()
            area = criteria.area
            context.update(_results(services, caller, form.basis, criteria, cameras))
        except REFUSALS as refusal:
            context["problem"] = refusal
            status_code = refusal.status
    # The reads found are drawn where each was taken: a patrol car's where it was at the time.
    found = context.get("found")
    places = places_of_cameras(cameras.values())
    places += places_of_reads(found.reads if isinstance(found, Found) else [], cameras)
    context["map"] = draw_map(
        places, area=area, tiles=tile_layer(services), min_span_m=SEARCH_MAP_SPAN_M
    )
    context["moving_cameras"] = moving_cameras(cameras.values())
    return render(
        request, "pages/search/search.html", context, caller=caller, status_code=status_code
    )


def _results(
    services: Services,
    caller: Caller,
    basis: Basis,
    criteria: SearchCriteria,
    cameras: Mapping[str, Camera],
) -> dict[str, object]:
    found = services.read_access.search(caller.requester, basis, criteria)
    exports = Permission.READS_EXPORT in permissions_of(caller.roles)
    return {
        "found": found,
        "rows": rows_of(found.reads, cameras, basis, caller),
        "max_results": services.settings.access.max_results,
        "export_href": export_href(criteria, basis) if exports else None,
    }
