"""Live alerts: the hits of the agency as they happen, and the person's verification of each.

Seeing a hit reveals a read, so the page first asks for a purpose and a case number, and every
list, card and image is fetched through ``services.hit_desk`` with them: each is in the access
log, as through ``/api/v1/hits``. The list is a page of hits newest first, grouped by plate and
list, filtered and paged as ``alert_list`` describes; its thumbnails come within the list's own
access. New hits appear without a reload: the list listens to the live alert stream
(``/api/v1/alerts/stream`` with the same purpose and case) and reloads itself on each alert, and
every minute in case the stream was interrupted; ``static/app/alerts.js`` adds the sound and the
notification each person may turn on, and the lock button.

A pending hit is confirmed only with its three checks (characters and state against the image,
the entry at its source), or rejected with its reason; then what came of it is recorded. The
service decides each step; a refusal is shown on the hit's card, with what was typed kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from platekeeper.access import Basis
from platekeeper.domain.hit_labels import hit_label, how_matched, outcome_label
from platekeeper.domain.hotlists import (
    AlertLevel,
    Hit,
    HitOutcome,
    HitStatus,
    Hotlist,
    RejectionReason,
)
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.domain.plate_diff import plate_differences
from platekeeper.domain.purposes import PurposeCatalogue
from platekeeper.errors import Conflict, FieldError, InvalidInput, PlateKeeperError
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.basis import BasisDep
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.web.errors import is_htmx
from platekeeper.web.pages.alert_list import (
    AlertPage,
    Filters,
    FiltersDep,
    Show,
    Tier,
    thumbnails,
)
from platekeeper.web.pages.caller import person
from platekeeper.web.pages.fields import typed
from platekeeper.web.rendering import render

router = APIRouter(include_in_schema=False)

CHECKS = ("characters_match", "state_matches", "active_at_source")
_VIEW = requires(Permission.ALERTS_VIEW)
_VERIFY = requires(Permission.ALERTS_VERIFY)
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Desk:
    """What every part of the page needs: the stated basis (as a query string too), whether
    the person may decide hits, the names of the agency's cameras, and the purposes to choose
    from."""

    basis: Basis
    may_verify: bool
    camera_names: dict[str, str]
    catalogue: PurposeCatalogue
    lists: tuple[Hotlist, ...] = ()
    """The lists whose hits the person sees, to filter by."""

    @property
    def query(self) -> str:
        return basis_query(self.basis)

    # What the templates use to show a hit: its codes in words, and the read against the list.
    label = staticmethod(hit_label)
    outcome_label = staticmethod(outcome_label)
    differences = staticmethod(plate_differences)
    thumbnails = staticmethod(thumbnails)
    levels = tuple(AlertLevel)
    reasons = tuple(RejectionReason)
    pending = HitStatus.PENDING
    shows = tuple(Show)
    tiers = tuple(Tier)
    how_matched = staticmethod(how_matched)


def basis_query(basis: Basis) -> str:
    return urlencode({"purpose": basis.purpose_code or "", "case_number": basis.case_number or ""})


@router.get("/alerts", dependencies=_VIEW)
def alerts(
    request: Request,
    caller: CallerDep,
    services: ServicesDep,
    basis: BasisDep,
    shown: FiltersDep,
) -> HTMLResponse:
    desk = _desk(services, caller, basis)
    return _purpose_first(
        request,
        caller,
        desk,
        template="pages/alerts/index.html",
        context={"stream": f"/api/v1/alerts/stream?{desk.query}", "filters": shown},
        found=("hits", partial(_alert_page, services, caller, basis, shown)),
    )


@router.get("/alerts/list", dependencies=_VIEW)
def alert_list(
    request: Request,
    caller: CallerDep,
    services: ServicesDep,
    basis: BasisDep,
    shown: FiltersDep,
) -> HTMLResponse:
    desk = _desk(services, caller, basis)
    hits = _alert_page(services, caller, basis, shown)
    context = {"desk": desk, "hits": hits, "filters": shown}
    return render(request, "pages/alerts/_list.html", context, caller=caller)


@router.get("/alerts/{hit_id}", dependencies=_VIEW)
def hit_detail(
    hit_id: str, request: Request, caller: CallerDep, services: ServicesDep, basis: BasisDep
) -> HTMLResponse:
    desk = _desk(services, caller, basis)
    return _purpose_first(
        request,
        caller,
        desk,
        template="pages/alerts/detail.html",
        context={"hit_id": hit_id},
        found=("card", partial(services.hit_desk.card, caller.requester, basis, hit_id)),
    )


def _purpose_first(
    request: Request,
    caller: Caller,
    desk: Desk,
    *,
    template: str,
    context: dict[str, Any],
    found: tuple[str, Callable[[], object]],
) -> HTMLResponse:
    """``template`` asking for the purpose and case number until they are given; then with
    what ``found`` finds under its name, or with the refusal and the form as filled in."""
    shown = {**context, "desk": desk}
    if desk.basis.purpose_code is None and desk.basis.case_number is None:
        return render(request, template, shown, caller=caller)
    name, find = found
    try:
        shown[name] = find()
    except InvalidInput as error:
        shown["problem"] = error
        return render(request, template, shown, caller=caller, status_code=error.status)
    return render(request, template, shown, caller=caller)


@router.post("/alerts/{hit_id}/confirm", dependencies=_VERIFY)
async def confirm(
    hit_id: str, request: Request, caller: CallerDep, services: ServicesDep
) -> HTMLResponse:
    form = await typed(request, ("purpose", "case_number", "note", "state_override", *CHECKS))

    def act() -> Hit:
        return services.hit_desk.confirm(
            caller.requester,
            hit_id,
            characters_match=form["characters_match"] == "yes",
            state_matches=form["state_matches"] == "yes",
            active_at_source=form["active_at_source"] == "yes",
            note=form["note"] or None,
            state_override=form["state_override"] or None,
        )

    return await run_in_threadpool(_decided, request, caller, services, hit_id, form=form, act=act)


@router.post("/alerts/{hit_id}/reject", dependencies=_VERIFY)
async def reject(
    hit_id: str, request: Request, caller: CallerDep, services: ServicesDep
) -> HTMLResponse:
    form = await typed(request, ("purpose", "case_number", "reason", "note"))

    def act() -> Hit:
        reason = choice(RejectionReason, form["reason"], "reason", "Choose why the hit is wrong.")
        return services.hit_desk.reject(caller.requester, hit_id, reason, form["note"] or None)

    return await run_in_threadpool(_decided, request, caller, services, hit_id, form=form, act=act)


@router.post("/alerts/{hit_id}/outcome", dependencies=_VERIFY)
async def outcome(
    hit_id: str, request: Request, caller: CallerDep, services: ServicesDep
) -> HTMLResponse:
    form = await typed(request, ("purpose", "case_number", "outcome"))

    def act() -> Hit:
        chosen = choice(HitOutcome, form["outcome"], "outcome", "Choose what came of the hit.")
        return services.hit_desk.record_outcome(caller.requester, hit_id, chosen)

    return await run_in_threadpool(_decided, request, caller, services, hit_id, form=form, act=act)


def _decided(
    request: Request,
    caller: Caller,
    services: Services,
    hit_id: str,
    *,
    form: dict[str, str],
    act: Callable[[], Hit],
) -> HTMLResponse:
    """The hit's card after ``act``: decided, or with the service's refusal and what was typed.
    Showing the card again is a look at the hit, so it needs the page's purpose and case."""
    problem: PlateKeeperError | None = None
    try:
        act()
    except (InvalidInput, Conflict) as error:
        problem = error
    basis = Basis(form["purpose"] or None, form["case_number"] or None)
    desk = _desk(services, caller, basis)
    card = services.hit_desk.card(caller.requester, basis, hit_id)
    # From the hit's own page the card is that page's; without htmx the answer is that page.
    on_detail = f"/alerts/{hit_id}?" in request.headers.get("HX-Current-URL", "")
    context = {
        "desk": desk,
        "card": card,
        "view": card.views[0],
        "thumbnails": thumbnails(card.crops),
        "problem": problem,
        "typed": form,
        "hit_id": hit_id,
        "on_detail": on_detail,
    }
    template = "pages/alerts/_card.html" if is_htmx(request) else "pages/alerts/detail.html"
    status_code = 200 if problem is None else problem.status
    return render(request, template, context, caller=caller, status_code=status_code)


def choice(kind: type[E], value: str, name: str, hint: str) -> E:
    """``value`` as one of ``kind``'s members, or an error naming the field."""
    try:
        return kind(value)
    except ValueError:
        message = f"{name} is required" if not value else f"{name} {value!r} is not one of ours"
        raise InvalidInput(message, hint=hint, fields=[FieldError(name, message)]) from None


def _alert_page(services: Services, caller: Caller, basis: Basis, shown: Filters) -> AlertPage:
    page = services.hit_desk.page(caller.requester, basis, shown.hit_query())
    pending_total = services.hit_desk.count_pending(caller.requester)
    return AlertPage(page, shown, pending_total)


def _desk(services: Services, caller: Caller, basis: Basis) -> Desk:
    agency_id = person(caller).account.agency_id
    cameras = services.store.cameras.list(agency_id)
    return Desk(
        basis=basis,
        may_verify=Permission.ALERTS_VERIFY in permissions_of(caller.roles),
        camera_names={camera.id: camera.name for camera in cameras},
        catalogue=services.read_access.catalogue,
        lists=services.hit_desk.lists(caller.requester),
    )
