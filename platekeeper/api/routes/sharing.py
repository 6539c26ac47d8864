"""Sharing with other agencies: the recipients' registry, their requests, approval and export,
and the public list of recipients."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from platekeeper.api.schemas.sharing import (
    DeclarationCreate,
    LedgerEntryOut,
    LedgerList,
    RecipientCreate,
    RecipientList,
    RecipientOut,
    RecipientPublic,
    RecipientPublicList,
    RecipientUpdate,
    ShareRequestCreate,
    ShareRequestList,
    ShareRequestOut,
)
from platekeeper.domain.permissions import Permission
from platekeeper.domain.recipients import ShareStatus
from platekeeper.http.auth import Caller, CallerDep, public, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.sharing.service import Clerk

router = APIRouter(tags=["sharing"])
_BASE = "/api/v1/sharing"
_MANAGE = requires(Permission.SHARING_MANAGE)

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "Not a custodian, your own entry, or refused by a sharing rule (cited).",
        404: "No such recipient or request in your agency.",
        409: "Changed by someone else meanwhile.",
        422: "The body is not valid.",
    }.items()
}


def _clerk(caller: Caller) -> Clerk:
    return caller.person


@router.post(
    f"{_BASE}/recipients",
    summary="Register a recipient",
    status_code=status.HTTP_201_CREATED,
    response_model=RecipientOut,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def add_recipient(body: RecipientCreate, services: ServicesDep, caller: CallerDep) -> RecipientOut:
    recipient = services.sharing.add_recipient(_clerk(caller), body.draft())
    return RecipientOut.of(recipient)


@router.post(
    f"{_BASE}/recipients/{{recipient_id}}/declaration",
    summary="Record the recipient's signed declaration (Illinois: 625 ILCS 5/2-130)",
    response_model=RecipientOut,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def record_declaration(
    recipient_id: str, body: DeclarationCreate, services: ServicesDep, caller: CallerDep
) -> RecipientOut:
    recipient = services.sharing.record_declaration(_clerk(caller), recipient_id, body.draft())
    return RecipientOut.of(recipient)


@router.post(
    f"{_BASE}/recipients/{{recipient_id}}/declaration/withdraw",
    summary="Withdraw the recipient's declaration from today",
    response_model=RecipientOut,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def withdraw_declaration(
    recipient_id: str, services: ServicesDep, caller: CallerDep
) -> RecipientOut:
    recipient = services.sharing.withdraw_declaration(_clerk(caller), recipient_id)
    return RecipientOut.of(recipient)


@router.get(
    f"{_BASE}/recipients",
    summary="The agency's recipients, with contacts and agreements",
    response_model=RecipientList,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def list_recipients(services: ServicesDep, caller: CallerDep) -> RecipientList:
    found = services.sharing.recipients(_clerk(caller))
    return RecipientList(recipients=[RecipientOut.of(recipient) for recipient in found])


@router.put(
    f"{_BASE}/recipients/{{recipient_id}}",
    summary="Replace a recipient's record (agreement, review date, status, ...)",
    response_model=RecipientOut,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def update_recipient(
    recipient_id: str, body: RecipientUpdate, services: ServicesDep, caller: CallerDep
) -> RecipientOut:
    recipient = services.sharing.update_recipient(_clerk(caller), recipient_id, body.draft())
    return RecipientOut.of(recipient)


@router.post(
    f"{_BASE}/requests",
    summary="Enter a recipient's request; it is checked at once",
    description="The request is stored either way: `status` is `pending` (waiting for another "
    "custodian's approval) or `refused`, with the `rule` and its `citation`.",
    status_code=status.HTTP_201_CREATED,
    response_model=ShareRequestOut,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def submit_request(
    body: ShareRequestCreate, services: ServicesDep, caller: CallerDep
) -> ShareRequestOut:
    request = services.sharing.submit(_clerk(caller), body.order())
    return ShareRequestOut.of(request)


@router.get(
    f"{_BASE}/requests",
    summary="The agency's share requests, newest first",
    response_model=ShareRequestList,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def list_requests(
    services: ServicesDep, caller: CallerDep, status: ShareStatus | None = None
) -> ShareRequestList:
    found = services.sharing.requests(_clerk(caller), status)
    return ShareRequestList(requests=[ShareRequestOut.of(request) for request in found])


@router.post(
    f"{_BASE}/requests/{{request_id}}/approve",
    summary="Approve a pending request (not one you entered)",
    response_model=ShareRequestOut,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def approve(request_id: str, services: ServicesDep, caller: CallerDep) -> ShareRequestOut:
    decided = services.sharing.decide(_clerk(caller), request_id, approve=True)
    return ShareRequestOut.of(decided)


@router.post(
    f"{_BASE}/requests/{{request_id}}/deny",
    summary="Deny a pending request (not one you entered)",
    response_model=ShareRequestOut,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def deny(request_id: str, services: ServicesDep, caller: CallerDep) -> ShareRequestOut:
    decided = services.sharing.decide(_clerk(caller), request_id, approve=False)
    return ShareRequestOut.of(decided)


@router.post(
    f"{_BASE}/requests/{{request_id}}/export",
    summary="Export an approved request as a bundle (zip with a manifest of SHA-256 digests)",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}, **_ERRORS},
    dependencies=_MANAGE,
)
def export(request_id: str, services: ServicesDep, caller: CallerDep) -> Response:
    bundle = services.sharing.export(_clerk(caller), request_id)
    headers = {
        "Content-Disposition": f'attachment; filename="{bundle.filename}"',
        "X-Bundle-SHA256": bundle.entry.bundle_sha256,
        "Cache-Control": "no-store",
    }
    return Response(bundle.data, media_type="application/zip", headers=headers)


@router.get(
    f"{_BASE}/ledger",
    summary="The sharing ledger: every export, newest first (no plate data)",
    response_model=LedgerList,
    responses=_ERRORS,
    dependencies=_MANAGE,
)
def ledger(services: ServicesDep, caller: CallerDep) -> LedgerList:
    entries = services.sharing.ledger(_clerk(caller))
    return LedgerList(entries=[LedgerEntryOut.of(entry) for entry in entries])


@router.get(
    "/api/v1/public/recipients",
    summary="The public list of recipients: legal name, type, state and next review date",
    response_model=RecipientPublicList,
    dependencies=public(),
)
def public_recipients(services: ServicesDep) -> RecipientPublicList:
    found = services.sharing.published()
    return RecipientPublicList(recipients=[RecipientPublic.of(r) for r in found])
