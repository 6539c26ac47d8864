"""The live alert stream: server-sent events for the UI.

``GET /api/v1/alerts/stream?purpose=...&case_number=...`` needs ``alerts:view`` and, since
alerts reveal plate data, an authorised purpose and a case number. Opening the stream is an
access in the access log, refused or allowed, and so is every alert it delivers (with the read
and its images). Events: ``open`` once subscribed, ``alert`` (the alert document), ``dropped``
when a slow client lost alerts, ``closed`` when the server stops; a comment line every
``alerts.heartbeat_s`` keeps proxies from closing an idle stream.

A browser session's stream outlives its screen: while the screen is locked (CJIS AC-11) each
alert is sent as ``{"locked": true}`` alone, neither shown nor logged as seen, and each heartbeat
keeps the locked session from its idle end (the alert screen stays listening behind its lock);
once the session has ended the stream closes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from platekeeper.access.requests import Basis
from platekeeper.accounts.screen_lock import ScreenState
from platekeeper.domain.gate import Access, AccessGate
from platekeeper.domain.permissions import Permission
from platekeeper.hotlists.alerts import Viewer
from platekeeper.hotlists.alerts.live import Closed, Dropped, LiveAlert
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.basis import CaseNumberQuery, PurposeQuery
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services

router = APIRouter(prefix="/api/v1", tags=["alerts"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "The role lacks alerts:view.",
        422: "Purpose or case number missing or invalid.",
    }.items()
}
_STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


@router.get(
    "/alerts/stream",
    dependencies=requires(Permission.ALERTS_VIEW),
    response_class=StreamingResponse,
    responses={
        **_ERRORS,
        200: {
            "description": "A stream of server-sent events.",
            "content": {"text/event-stream": {}},
        },
    },
    summary="Receive new hot-list alerts as they happen",
)
def alert_stream(
    caller: CallerDep,
    services: ServicesDep,
    purpose: PurposeQuery = None,
    case_number: CaseNumberQuery = None,
) -> StreamingResponse:
    gate = AccessGate(services.access_log, services.clock, services.read_access.catalogue)
    access = Access(
        caller.requester, Basis(purpose, case_number), Permission.ALERTS_VIEW, {"stream": "live"}
    )
    gate.check(access)
    gate.allowed(access, (), (), "live alert stream opened")
    return StreamingResponse(
        _events(services, caller, gate, access),
        media_type="text/event-stream",
        headers=_STREAM_HEADERS,
    )


async def _events(
    services: Services, caller: Caller, gate: AccessGate, access: Access
) -> AsyncIterator[str]:
    live = services.alerts.live
    viewer = Viewer(caller.actor.username, caller.actor.agency_id, caller.roles)
    subscription = live.subscribe(viewer)
    heartbeat_s = services.settings.alerts.heartbeat_s
    try:
        yield _event("open", {"heartbeat_s": heartbeat_s})
        while True:
            event = await subscription.next(heartbeat_s)
            if isinstance(event, Closed):
                yield _event("closed", {"reason": "the server is stopping"})
                return
            screen = await _screen(services, caller, event)
            if screen is ScreenState.ENDED:
                yield _event("closed", {"reason": "the session has ended"})
                return
            if screen is ScreenState.LOCKED and isinstance(event, LiveAlert):
                yield _event("alert", {"locked": True})
                continue
            yield await _render(event, gate, access)
    finally:
        live.unsubscribe(subscription)


async def _screen(
    services: Services, caller: Caller, event: LiveAlert | Dropped | None
) -> ScreenState:
    """Whether a browser's session may see ``event`` now; API tokens have no screen. A
    heartbeat (``None``) holds a locked screen's session."""
    if isinstance(event, Dropped) or caller.session_token is None:
        return ScreenState.OPEN
    if event is None:
        return await run_in_threadpool(services.accounts.hold_locked_screen, caller.session_token)
    return await run_in_threadpool(services.accounts.screen_state, caller.session_token)


async def _render(event: LiveAlert | Dropped | None, gate: AccessGate, access: Access) -> str:
    if event is None:
        return ": heartbeat\n\n"
    if isinstance(event, Dropped):
        message = f"{event.count} alerts were dropped: this client fell behind"
        return _event("dropped", {"dropped": event.count, "message": message})
    # Logged before it is shown: what a person saw is in the log even if the send fails.
    read_ids = (event.read_id,)
    await run_in_threadpool(gate.allowed, access, read_ids, event.image_refs, "live alert")
    return _event("alert", event.document, str(event.document.get("id", "")))


def _event(name: str, data: dict[str, Any], event_id: str | None = None) -> str:
    lines = [f"event: {name}"]
    if event_id:
        lines.append(f"id: {event_id}")
    lines.append("data: " + orjson.dumps(data).decode("utf-8"))
    return "\n".join(lines) + "\n\n"
