"""Sharing with other agencies, on screen: the registry of recipients, share requests (on the reads
selected in the search results, ``/sharing/new?read=…``, or on a plate over a time range) checked at
once against the sharing rules (a refusal names its rule and where it is written), approval by a
custodian other than the one who entered the request, the export, and the sharing ledger.

Every step goes through ``services.sharing``, which checks the permission and writes the access
log; the export is the API's own download, posted with the page's CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from platekeeper.domain.permissions import Permission
from platekeeper.domain.recipients import (
    Agreement,
    LedgerEntry,
    Recipient,
    RecipientStatus,
    ShareRequest,
    ShareRule,
    ShareStatus,
    citation_for,
)
from platekeeper.domain.sharing import EntityType
from platekeeper.errors import InvalidInput, NotFound, PlateKeeperError
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.sharing.service import Clerk, RecipientDraft, ShareOrder, SharingService
from platekeeper.web.pages.admin import may
from platekeeper.web.pages.caller import person
from platekeeper.web.pages.fields import (
    Entry,
    day,
    id_list,
    local_minute,
    required,
    selected_ids,
    typed,
)
from platekeeper.web.rendering import caller_zone, render

router = APIRouter(include_in_schema=False)
_MANAGE = requires(Permission.SHARING_MANAGE)
_RECIPIENT_FIELDS = (
    "legal_name",
    "entity_type",
    "state",
    "contact",
    "approving_official",
    "purpose_and_need",
    "next_review_on",
    "agreement_signed_on",
    "agreement_expires_on",
)
_REQUEST_FIELDS = (
    "recipient_id",
    "purpose",
    "case_number",
    "read_ids",
    "plate",
    "captured_from",
    "captured_before",
)
DONE = {
    "recipient-added": "The recipient is registered.",
    "recipient-active": "The recipient is active again.",
    "recipient-suspended": "The recipient is deactivated: it receives nothing until reactivated.",
    "approved": "The request is approved; it can be exported now.",
    "denied": "The request is denied.",
}


_BLANK = Entry()


@router.get("/sharing", response_class=HTMLResponse, dependencies=_MANAGE)
def sharing_page(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    shown: Annotated[str | None, Query(alias="request", max_length=64)] = None,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    return _page(request, services, caller, shown=shown, done=DONE.get(done or ""))


@router.post("/sharing/recipients", dependencies=_MANAGE)
async def add_recipient(request: Request, services: ServicesDep, caller: CallerDep) -> Response:
    values = await typed(request, _RECIPIENT_FIELDS)
    try:
        draft = _draft(values)
        await run_in_threadpool(services.sharing.add_recipient, _clerk(caller), draft)
    except PlateKeeperError as exc:
        entry = Entry(values, exc)
        return await run_in_threadpool(
            _page, request, services, caller, recipient=entry, status_code=exc.status
        )
    return _back("done=recipient-added", "recipients")


@router.post("/sharing/recipients/{recipient_id}/status", dependencies=_MANAGE)
async def set_recipient_status(
    recipient_id: str, request: Request, services: ServicesDep, caller: CallerDep
) -> Response:
    values = await typed(request, ("status",))
    wanted = values["status"]
    if wanted not in (RecipientStatus.ACTIVE, RecipientStatus.SUSPENDED):
        wanted = RecipientStatus.SUSPENDED
    clerk = _clerk(caller)

    def change() -> None:
        current = _recipient(services.sharing, clerk, recipient_id)
        draft = _draft_of(current, RecipientStatus(wanted))
        services.sharing.update_recipient(clerk, recipient_id, draft)

    done = f"recipient-{wanted}"
    return await run_in_threadpool(
        _act, request, services, caller, change, done=done, section="recipients"
    )


@router.post("/sharing/requests", dependencies=_MANAGE)
async def submit_request(request: Request, services: ServicesDep, caller: CallerDep) -> Response:
    values = await typed(request, _REQUEST_FIELDS)
    try:
        order = _order(values, caller_zone(services, caller))
        entered = await run_in_threadpool(services.sharing.submit, _clerk(caller), order)
    except PlateKeeperError as exc:
        entry = Entry(values, exc)
        return await run_in_threadpool(
            _page, request, services, caller, order=entry, status_code=exc.status
        )
    return _back(f"request={entered.id}", "outcome")


@router.get("/sharing/new", response_class=HTMLResponse, dependencies=_MANAGE)
def select_for_sharing(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    *,
    read: Annotated[list[str] | None, Query()] = None,
    purpose: Annotated[str, Query(max_length=60)] = "",
    case_number: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """The reads selected in the search results, and the form that enters a recipient's request
    for them; a purpose and case sent along fill the form to begin with."""
    entry = Entry({"purpose": purpose.strip(), "case_number": case_number.strip()})
    return _selection_page(request, services, caller, read or [], entry)


@router.post("/sharing/new", dependencies=_MANAGE)
async def submit_selected(request: Request, services: ServicesDep, caller: CallerDep) -> Response:
    values = await typed(request, ("recipient_id", "purpose", "case_number", "read_ids"))
    try:
        order = ShareOrder(
            recipient_id=required(values["recipient_id"], "recipient_id"),
            purpose=required(values["purpose"], "purpose"),
            case_number=values["case_number"],
            read_ids=id_list(values["read_ids"]),
        )
        entered = await run_in_threadpool(services.sharing.submit, _clerk(caller), order)
    except PlateKeeperError as exc:
        ids = list(id_list(values["read_ids"]))
        return await run_in_threadpool(
            _selection_page, request, services, caller, ids, Entry(values, exc)
        )
    return _back(f"request={entered.id}", "outcome")


_DRAFT_FIELDS = tuple(item.name for item in fields(RecipientDraft))
_DECIDED = {"approve": "approved", "deny": "denied"}


@router.post("/sharing/requests/{request_id}/{decision}", dependencies=_MANAGE)
def decide(
    request_id: str,
    decision: Literal["approve", "deny"],
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
) -> Response:
    """A custodian's approval or denial; the service refuses one by the request's author."""

    def decided() -> None:
        services.sharing.decide(_clerk(caller), request_id, approve=decision == "approve")

    done = _DECIDED[decision]
    return _act(request, services, caller, decided, done=done, section="requests")


# The page


@dataclass(frozen=True)
class Registry:
    recipients: list[Recipient]
    requests: list[ShareRequest]
    ledger: list[LedgerEntry]


def _page(
    request: Request,
    services: Services,
    caller: Caller,
    *,
    shown: str | None = None,
    done: str | None = None,
    recipient: Entry = _BLANK,
    order: Entry = _BLANK,
    problem: PlateKeeperError | None = None,
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    clerk = _clerk(caller)
    registry = _registry(services.sharing, clerk)
    context: dict[str, Any] = {
        "registry": registry,
        "names": {r.id: r.legal_name for r in registry.recipients},
        "outcome": next((r for r in registry.requests if r.id == shown), None),
        "done": done,
        "problem": problem,
        "recipient_entry": recipient,
        "order_entry": order,
        "rules": services.sharing.rules,
        "off_citation": citation_for(services.sharing.rules, ShareRule.SHARING_DISABLED),
        "max_reads": services.settings.sharing.max_reads_per_request,
        "today": services.clock.now().date(),
        "me": clerk.actor.username,
        "entity_types": list(EntityType),
        "statuses": ShareStatus,
        "active": RecipientStatus.ACTIVE,
        "catalogue": services.read_access.catalogue,
    }
    return render(
        request, "pages/sharing/index.html", context, caller=caller, status_code=status_code
    )


def _selection_page(
    request: Request, services: Services, caller: Caller, read_ids: list[str], entry: Entry
) -> HTMLResponse:
    """The selected reads and the request's form; where the selection is refused, the refusal
    alone, and nothing to submit."""
    clerk = _clerk(caller)
    context: dict[str, Any] = {
        "entry": entry,
        "reads": (),
        "recipients": services.sharing.recipients(clerk),
        "active": RecipientStatus.ACTIVE,
        "catalogue": services.read_access.catalogue,
        "may_view": may(caller, Permission.READS_VIEW),
        "may_search": may(caller, Permission.READS_SEARCH),
    }
    status_code = status.HTTP_200_OK if entry.problem is None else entry.problem.status
    try:
        context["reads"] = services.sharing.selection(clerk, selected_ids(read_ids))
    except PlateKeeperError as exc:
        context["problem"] = exc
        status_code = exc.status
    template = "pages/sharing/new.html"
    return render(request, template, context, caller=caller, status_code=status_code)


def _registry(sharing: SharingService, clerk: Clerk) -> Registry:
    return Registry(sharing.recipients(clerk), sharing.requests(clerk), sharing.ledger(clerk))


def _act(
    request: Request,
    services: Services,
    caller: Caller,
    action: Callable[[], None],
    *,
    done: str,
    section: str,
) -> Response:
    """Run ``action``; back to the page with ``done`` said, or with the service's refusal."""
    try:
        action()
    except PlateKeeperError as exc:
        return _page(request, services, caller, problem=exc, status_code=exc.status)
    return _back(f"done={done}", section)


def _back(query: str, section: str) -> RedirectResponse:
    # After a change, a fresh GET: reloading the page never posts the form twice.
    return RedirectResponse(f"/sharing?{query}#{section}", status_code=status.HTTP_303_SEE_OTHER)


def _clerk(caller: Caller) -> Clerk:
    person(caller)
    return caller.person


def _recipient(sharing: SharingService, clerk: Clerk, recipient_id: str) -> Recipient:
    found = next((r for r in sharing.recipients(clerk) if r.id == recipient_id), None)
    if found is None:
        raise NotFound(f"recipient {recipient_id} does not exist")
    return found


# What the forms say, as the service's values


def _draft(values: Mapping[str, str]) -> RecipientDraft:
    try:
        entity_type = EntityType(values["entity_type"])
    except ValueError:
        raise InvalidInput(
            "choose the recipient's type", hint="A public agency, a federal agency or private."
        ) from None
    signed_on = day(values["agreement_signed_on"], "agreement_signed_on")
    expires_on = day(values["agreement_expires_on"], "agreement_expires_on")
    if (signed_on is None) != (expires_on is None):
        raise InvalidInput(
            "an agreement has both a signing date and an expiry date",
            hint="Give both dates, or neither if there is no written agreement.",
        )
    return RecipientDraft(
        legal_name=values["legal_name"],
        entity_type=entity_type,
        state=values["state"],
        contact=values["contact"],
        approving_official=values["approving_official"],
        purpose_and_need=values["purpose_and_need"],
        next_review_on=required(day(values["next_review_on"], "next_review_on"), "next_review_on"),
        agreement=None
        if signed_on is None or expires_on is None
        else Agreement(signed_on, expires_on),
    )


def _draft_of(recipient: Recipient, status: RecipientStatus) -> RecipientDraft:
    """``recipient``'s record as a draft, with another status."""
    kept = {name: getattr(recipient, name) for name in _DRAFT_FIELDS if name != "status"}
    return RecipientDraft(**kept, status=status)


def _order(values: Mapping[str, str], zone: str) -> ShareOrder:
    """The request the form makes, its times typed on the clock of ``zone``."""
    return ShareOrder(
        recipient_id=required(values["recipient_id"], "recipient_id"),
        purpose=required(values["purpose"], "purpose"),
        case_number=values["case_number"],
        plate=values["plate"] or None,
        read_ids=id_list(values["read_ids"]),
        captured_from=local_minute(values["captured_from"], "captured_from", zone),
        captured_before=local_minute(
            values["captured_before"], "captured_before", zone, later=True
        ),
    )
