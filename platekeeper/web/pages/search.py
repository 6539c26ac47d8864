"""The analyst's search of reads: by plate, partial plate or look-alike plate, time, camera, area.

The form is a GET form, so a search lives in its URL and back and forward work. Nothing is shown
before a purpose and a case number are given: the search goes through
``services.read_access.search`` as the API's does, which refuses it without them and writes the
attempt, refused or allowed, to the access log. A refusal is shown above the form, which comes
back as it was typed, each problem under its field's label (``wording.py``).

Results come a page at a time (``reads.Paging``), each page a logged access under the same
purpose and case, with each read's crop as a thumbnail made in that same access. The form's
action and the paging links land on the results (``#results``), so they are in view as they
arrive. Each row can be selected for a legal hold or a share (the custodian's desk receives the
selection), and the page on screen exports as CSV or PDF, each export an access of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from platekeeper.access import Basis, ExportFormat, Found, SearchCriteria
from platekeeper.domain import Camera
from platekeeper.domain.geo import GeoArea
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.domain.plates import normalise_plate_key, plate_pattern_to_like
from platekeeper.errors import FieldError, InvalidInput
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.reports.reads_export import ReadsDocument, reads_csv, reads_pdf
from platekeeper.services import Services
from platekeeper.web.maps import draw_map, moving_cameras, places_of_cameras, places_of_reads
from platekeeper.web.pages.area import AreaFields
from platekeeper.web.pages.caller import person
from platekeeper.web.pages.reads import (
    REFUSALS,
    Paging,
    agency_cameras,
    attachment,
    basis_of,
    camera_name,
    exported_reads,
    field,
    file_safe,
    href_with,
    page_links,
    parse_local,
    purpose_label,
    rows_of,
)
from platekeeper.web.pages.wording import LABELS, FieldProblem, form_problem
from platekeeper.web.rendering import caller_zone, render
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

    def criteria(self, zone: str) -> SearchCriteria:
        """The search to run, its times typed on the clock of ``zone``, or ``InvalidInput``
        naming every field that cannot be read."""
        problems: list[FieldError] = []
        start = parse_local("captured_from", self.captured_from, problems, zone)
        end = parse_local("captured_before", self.captured_before, problems, zone, later=True)
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

    def faults(self, zone: str) -> list[FieldProblem]:
        """What is wrong with the plate fields and the time range, found in the form itself:
        the service refuses these in a sentence that names no field, or not at all when the
        purpose was refused first. Each in people's words, under its label."""
        plate, pattern = self.plate.strip(), self.plate_pattern.strip()
        if plate and pattern:
            return [_fault("plate_pattern", "give an exact plate or a partial plate, not both")]
        if not (plate or pattern or self.camera_id or self.area.given()):
            return [_fault("plate", "say what the search is about: a plate, a partial plate, "
                           "a camera or an area")]  # fmt: skip
        faults = [
            _fault(name, f"{wrong.message}. {wrong.hint or ''}".strip())
            for name, text, check in (
                ("plate", plate, normalise_plate_key),
                ("plate_pattern", pattern, plate_pattern_to_like),
            )
            if text and (wrong := _refusal_of(check, text)) is not None
        ]
        start = parse_local("captured_from", self.captured_from, [], zone)
        end = parse_local("captured_before", self.captured_before, [], zone, later=True)
        if start is not None and end is not None and start >= end:
            faults.append(
                _fault("captured_before", f"must be later than {LABELS['captured_from']}")
            )
        return faults

    def described(self, cameras: Mapping[str, Camera]) -> list[tuple[str, str]]:
        """The search as the form labels it, for an export: (label, value) of each field given."""
        given = [
            ("plate", self.plate.strip()),
            ("plate_pattern", self.plate_pattern.strip()),
            ("camera_id", camera_name(cameras, self.camera_id) if self.camera_id else ""),
            ("captured_from", self.captured_from.strip()),
            ("captured_before", self.captured_before.strip()),
            ("area", self.area.described()),
        ]
        described = [(LABELS[name], value) for name, value in given if value]
        if self.tolerate_misreads:
            described.append(("Look-alike characters", "tolerated"))
        return described


def _fault(name: str, message: str) -> FieldProblem:
    return FieldProblem(name, LABELS[name], message)


def _refusal_of(check: Callable[[str], object], text: str) -> InvalidInput | None:
    try:
        check(text)
    except InvalidInput as wrong:
        return wrong
    return None


@router.get("/search", response_class=HTMLResponse, dependencies=requires(Permission.READS_SEARCH))
def search(request: Request, services: ServicesDep, caller: CallerDep) -> HTMLResponse:
    person(caller)
    form = SearchForm.of(request.query_params)
    cameras = agency_cameras(services, caller)
    granted = permissions_of(caller.roles)
    context: dict[str, object] = {
        "form": form,
        "catalogue": services.read_access.catalogue,
        "cameras": sorted(cameras.values(), key=lambda camera: camera.name),
        "approval_beyond_days": services.settings.access.approval_beyond_days,
        "may_hold": Permission.HOLDS_MANAGE in granted,
        "may_share": Permission.SHARING_MANAGE in granted,
    }
    area: GeoArea | None = None
    status_code = 200
    zone = caller_zone(services, caller)
    # A first visit shows the form; anything submitted, even an empty form, is a search.
    if request.query_params:
        try:
            criteria = form.criteria(zone)
            area = criteria.area
            paging = Paging.of(request.query_params, services)
            found = services.read_access.search(
                caller.requester, form.basis, criteria, page=paging.page()
            )
            context.update(
                _results(request.query_params, caller, form, cameras, paging=paging, found=found)
            )
        except REFUSALS as refusal:
            context["problem"] = form_problem(refusal, "search", form.faults(zone))
            status_code = refusal.status
    # The reads found are drawn where each was taken: a patrol car's where it was at the time.
    shown = context.get("found")
    places = places_of_cameras(cameras.values())
    places += places_of_reads(shown.reads if isinstance(shown, Found) else [], cameras, zone)
    context["map"] = draw_map(
        places, area=area, tiles=tile_layer(services), min_span_m=SEARCH_MAP_SPAN_M
    )
    context["moving_cameras"] = moving_cameras(cameras.values())
    return render(
        request, "pages/search/search.html", context, caller=caller, status_code=status_code
    )


def _results(
    query: Mapping[str, str],
    caller: Caller,
    form: SearchForm,
    cameras: Mapping[str, Camera],
    *,
    paging: Paging,
    found: Found,
) -> dict[str, object]:
    exports = Permission.READS_EXPORT in permissions_of(caller.roles)
    return {
        "found": found,
        "rows": rows_of(found.reads, cameras, form.basis, caller, found.thumbnails),
        "links": page_links("/search", query, paging, found),
        "csv_href": href_with("/search/export.csv", query, {}) if exports else None,
        "pdf_href": href_with("/search/export.pdf", query, {}) if exports else None,
    }


@router.get(
    "/search/export.csv", response_class=Response, dependencies=requires(Permission.READS_EXPORT)
)
def export_csv(request: Request, services: ServicesDep, caller: CallerDep) -> Response:
    """The page on screen as CSV: the same search and page, logged as an export to CSV."""
    person(caller)
    exported = _export(request, services, caller, ExportFormat.CSV)
    names = {c.id: c.name for c in exported.cameras.values()}
    body = reads_csv(exported.found.reads, names, caller_zone(services, caller))
    return attachment(body.encode("utf-8"), "text/csv; charset=utf-8", exported.filename("csv"))


@router.get(
    "/search/export.pdf", response_class=Response, dependencies=requires(Permission.READS_EXPORT)
)
def export_pdf(request: Request, services: ServicesDep, caller: CallerDep) -> Response:
    """The page on screen as a PDF for the case file, thumbnails included, logged as an export
    to PDF."""
    person(caller)
    exported = _export(request, services, caller, ExportFormat.PDF)
    found, cameras, form = exported.found, exported.cameras, exported.form
    links = page_links("/search", request.query_params, exported.paging, found)
    document = ReadsDocument(
        title="Search of reads",
        purpose=purpose_label(services, form.basis),
        case_number=form.basis.case_number or "",
        criteria=form.described(cameras),
        exported_by=caller.actor.username,
        exported_at=services.clock.now(),
        page_note=links.summary,
        reads=exported_reads(found, cameras),
        time_zone=caller_zone(services, caller),
    )
    return attachment(reads_pdf(document), "application/pdf", exported.filename("pdf"))


@dataclass(frozen=True, slots=True)
class _Exported:
    form: SearchForm
    paging: Paging
    found: Found
    cameras: Mapping[str, Camera]

    def filename(self, extension: str) -> str:
        case = file_safe(self.form.basis.case_number or "")
        return f"reads-{case or 'search'}-page-{self.paging.number}.{extension}"


def _export(request: Request, services: Services, caller: Caller, fmt: ExportFormat) -> _Exported:
    form = SearchForm.of(request.query_params)
    paging = Paging.of(request.query_params, services)
    criteria = form.criteria(caller_zone(services, caller))
    page = paging.page(crops=fmt is ExportFormat.PDF, export=fmt)
    found = services.read_access.search(caller.requester, form.basis, criteria, page=page)
    return _Exported(form, paging, found, agency_cameras(services, caller))
