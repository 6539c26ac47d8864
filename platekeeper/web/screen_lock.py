"""The session lock in the browser (CJIS AC-11): the page asks for it after idle time (or the
person, on the alert screen), and the person's password or a code of their second factor lifts
it. ``static/app/app.js`` covers every page; the lock itself is the
session's, on the server (``accounts/screen_lock.py``), so a reload shows only the lock screen."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse

from platekeeper.domain.credentials import csrf_token_for
from platekeeper.domain.permissions import Permission
from platekeeper.errors import AuthenticationFailed, InvalidInput
from platekeeper.http.auth import CallerDep, client_address, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.web.errors import safe_next
from platekeeper.web.pages.caller import person
from platekeeper.web.rendering import NO_STORE, render

router = APIRouter(include_in_schema=False)
_SELF = requires(Permission.ACCOUNTS_SELF)


@router.post("/session/lock", status_code=204, dependencies=_SELF)
def lock(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    why: Annotated[Literal["idle", "by-hand"], Form()] = "idle",
) -> Response:
    """Lock the session's screen: after idle time, or by the person's own hand (the alert
    screen's button), which the log tells apart."""
    by_hand = why == "by-hand"
    services.accounts.screen_locks.lock(person(caller), client_address(request), by_hand=by_hand)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/session/locked", response_class=HTMLResponse, dependencies=_SELF)
def locked_page(
    request: Request,
    caller: CallerDep,
    next_page: Annotated[str | None, Query(alias="next", max_length=2000)] = None,
) -> HTMLResponse:
    return _lock_screen(request, caller, next_page)


@router.post("/session/unlock", dependencies=_SELF)
def unlock(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    *,
    password: Annotated[str, Form(max_length=1024)] = "",
    code: Annotated[str, Form(max_length=64)] = "",
    next_page: Annotated[str | None, Form(alias="next", max_length=2000)] = None,
) -> Response:
    """Unlock with the password, or with a code of the person's second factor when no
    password is typed. The page's script asks for JSON and gets 204 or a problem; a form
    without script goes back to the page it came from, or sees the lock screen again with the
    refusal."""
    wants_json = "application/json" in request.headers.get("accept", "")
    address = client_address(request)
    try:
        if not password and not code.strip():  # nothing typed is no guess to count
            raise InvalidInput(
                "nothing typed", hint="Type your password, or a code from your authenticator app."
            )
        if password:
            services.accounts.screen_locks.unlock(person(caller), password, address)
        else:
            services.second_factors.unlock_screen(person(caller), code.strip(), address)
    except (AuthenticationFailed, InvalidInput) as error:
        if wants_json:
            raise
        return _lock_screen(request, caller, next_page, error=str(error), status_code=error.status)
    if wants_json:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return RedirectResponse(safe_next(next_page), status_code=status.HTTP_303_SEE_OTHER)


def _lock_screen(
    request: Request,
    caller: CallerDep,
    next_page: str | None,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    # Rendered without the caller's frame: no menu, no name but the username to unlock.
    context = {
        "username": person(caller).account.username,
        "next": safe_next(next_page),
        "error": error,
        "csrf": None if caller.session_token is None else csrf_token_for(caller.session_token),
    }
    return render(request, "locked.html", context, status_code=status_code, headers=NO_STORE)
