"""Legal holds, on screen: the agency's holds, a request for one (on the reads selected in the
search results, ``/holds/new?read=…``, or on a plate over a time range), and the approval or
release by a supervisor or custodian.

Every step goes through ``services.holds``, which writes it to the access log and refuses an
approval by the person who asked for the hold; its refusal is shown where the button was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from platekeeper.domain.holds import HoldStatus, LegalHold, PlateSpan
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.errors import InvalidInput, PlateKeeperError
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.web.pages.admin import may
from platekeeper.web.pages.caller import person
from platekeeper.web.pages.fields import (
    Entry,
    id_list,
    local_minute,
    required,
    selected_ids,
    typed,
)
from platekeeper.web.rendering import caller_zone, render

router = APIRouter(include_in_schema=False)
_MANAGE = requires(Permission.HOLDS_MANAGE)
_APPROVE = requires(Permission.HOLDS_APPROVE)
_FIELDS = (
    "case_number",
    "reason",
    "expires_at",
    "read_ids",
    "plate",
    "captured_from",
    "captured_before",
)
_STEPS_DONE = {"approve": "approved", "release": "released"}
DONE = {
    "requested": "The hold is requested; it keeps nothing until a supervisor approves it.",
    "approved": "The hold is approved: its reads are kept from the purge until it ends.",
    "released": "The hold is released: its reads are purged like any others from now on.",
}


@router.get("/holds", response_class=HTMLResponse, dependencies=_MANAGE)
def holds_page(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    return _page(request, services, caller, done=DONE.get(done or ""))


@router.post("/holds", dependencies=_MANAGE)
async def request_hold(request: Request, services: ServicesDep, caller: CallerDep) -> Response:
    values = await typed(request, _FIELDS)
    person(caller)
    who = caller.requester
    try:
        expires_at, read_ids, plates = _asked(values, caller_zone(services, caller))
        await run_in_threadpool(
            lambda: services.holds.request(
                who,
                case_number=values["case_number"],
                reason=values["reason"],
                expires_at=expires_at,
                read_ids=read_ids,
                plates=plates,
            )
        )
    except PlateKeeperError as exc:
        entry = Entry(values, exc)
        return await run_in_threadpool(
            _page, request, services, caller, entry=entry, status_code=exc.status
        )
    return _back("requested")


@router.get("/holds/new", response_class=HTMLResponse, dependencies=_MANAGE)
def select_for_hold(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    read: Annotated[list[str] | None, Query()] = None,
    case_number: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    """The reads selected in the search results, and the form that asks to hold them; the
    search's case number, when it sends one, is the hold's to begin with."""
    entry = Entry({"case_number": case_number.strip()})
    return _selection_page(request, services, caller, read or [], entry)


@router.post("/holds/new", dependencies=_MANAGE)
async def request_selected_hold(
    request: Request, services: ServicesDep, caller: CallerDep
) -> Response:
    values = await typed(request, ("case_number", "reason", "expires_at", "read_ids"))
    person(caller)
    try:
        zone = caller_zone(services, caller)
        expires_at = required(local_minute(values["expires_at"], "expires_at", zone), "expires_at")
        read_ids = required(id_list(values["read_ids"]), "read_ids")
        await run_in_threadpool(
            lambda: services.holds.request(
                caller.person,
                case_number=values["case_number"],
                reason=values["reason"],
                expires_at=expires_at,
                read_ids=read_ids,
            )
        )
    except PlateKeeperError as exc:
        ids = list(id_list(values["read_ids"]))
        return await run_in_threadpool(
            _selection_page, request, services, caller, ids, Entry(values, exc)
        )
    return _back("requested")


@router.post("/holds/{hold_id}/{step}", dependencies=_APPROVE)
def decide(
    hold_id: str,
    step: Literal["approve", "release"],
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
) -> Response:
    """A supervisor approves or releases a hold; the service refuses an approval of one's own."""
    apply = services.holds.approve if step == "approve" else services.holds.release

    def change() -> Any:
        return apply(caller.requester, hold_id)

    return _act(request, services, caller, change, _STEPS_DONE[step])


def _page(
    request: Request,
    services: Services,
    caller: Caller,
    *,
    done: str | None = None,
    entry: Entry | None = None,
    problem: PlateKeeperError | None = None,
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    person(caller)
    holds: list[LegalHold] = services.holds.list(caller.requester)
    granted = permissions_of(caller.roles)
    context = {
        "holds": holds,
        "now": services.clock.now(),
        "statuses": HoldStatus,
        "done": done,
        "problem": problem,
        "entry": entry or Entry(),
        "me": caller.actor.username,
        "may_decide": Permission.HOLDS_APPROVE in granted,
        # A hold by plate names a plate: plate data, for those who may see reads.
        "shows_plates": Permission.READS_VIEW in granted,
        "case_format": services.read_access.catalogue.case_format,
    }
    return render(
        request, "pages/holds/index.html", context, caller=caller, status_code=status_code
    )


def _selection_page(
    request: Request, services: Services, caller: Caller, read_ids: list[str], entry: Entry
) -> HTMLResponse:
    """The selected reads and the hold's form; where the selection is refused (no reads, or one
    that is no read of the agency), the refusal alone, and nothing to submit."""
    person(caller)
    context: dict[str, Any] = {
        "entry": entry,
        "reads": (),
        "may_view": may(caller, Permission.READS_VIEW),
        "may_search": may(caller, Permission.READS_SEARCH),
        "case_format": services.read_access.catalogue.case_format,
    }
    status_code = status.HTTP_200_OK if entry.problem is None else entry.problem.status
    try:
        context["reads"] = services.holds.selection(caller.person, selected_ids(read_ids))
    except PlateKeeperError as exc:
        context["problem"] = exc
        status_code = exc.status
    template = "pages/holds/new.html"
    return render(request, template, context, caller=caller, status_code=status_code)


def _act(
    request: Request,
    services: Services,
    caller: Caller,
    change: Callable[[], Any],
    done: str,
) -> Response:
    """Run ``change``; back to the list with ``done`` said, or with the service's refusal."""
    person(caller)
    try:
        change()
    except PlateKeeperError as exc:
        return _page(request, services, caller, problem=exc, status_code=exc.status)
    return _back(done)


def _back(done: str) -> RedirectResponse:
    return RedirectResponse(f"/holds?done={done}", status_code=status.HTTP_303_SEE_OTHER)


def _asked(
    values: Mapping[str, str], zone: str
) -> tuple[datetime, tuple[str, ...], PlateSpan | None]:
    """The expiry, the read ids and the plate span the form asks to hold, its times typed on
    the clock of ``zone``."""
    expires_at = required(local_minute(values["expires_at"], "expires_at", zone), "expires_at")
    captured_from = local_minute(values["captured_from"], "captured_from", zone)
    captured_before = local_minute(values["captured_before"], "captured_before", zone, later=True)
    plate = values["plate"]
    if not plate:
        return expires_at, id_list(values["read_ids"]), None
    if captured_from is None or captured_before is None:
        raise InvalidInput(
            "a hold by plate needs the time range it covers",
            hint="Give both 'captured from' and 'captured before'.",
        )
    return expires_at, id_list(values["read_ids"]), PlateSpan(plate, captured_from, captured_before)
