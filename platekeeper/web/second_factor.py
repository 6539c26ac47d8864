"""The second step of signing in, in a browser: after the password, a page for the code (or a
recovery code); for a person with no second factor, an enrolment page with the QR code and the
secret as text, then a page that shows the recovery codes once.

Between the two steps the browser holds only the pending sign-in, in its own cookie (HttpOnly,
SameSite=Strict, for the /login pages alone, minutes long): it opens nothing but these pages.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Cookie, Form, Query, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse

from platekeeper.accounts.pending import Challenge
from platekeeper.accounts.second_factor import SignedIn
from platekeeper.errors import AuthenticationFailed, PlateKeeperError
from platekeeper.http.auth import (
    client_address,
    public,
    require_same_origin,
    set_session_cookie,
)
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.web.errors import safe_next
from platekeeper.web.rendering import render

router = APIRouter(include_in_schema=False)

PENDING_COOKIE = "pk_pending"
_PENDING_PATH = "/login"
PendingCookie = Annotated[str | None, Cookie(alias=PENDING_COOKIE, max_length=100)]
NextQuery = Annotated[str | None, Query(alias="next", max_length=2000)]
NextForm = Annotated[str | None, Form(alias="next", max_length=2000)]


def to_second_step(services: Services, challenge: Challenge, next_page: str | None) -> Response:
    """After a right password: the pending sign-in's cookie, and the page of the next step."""
    step = "/login/enrol" if challenge.must_enrol else "/login/second-factor"
    target = f"{step}?next={quote(safe_next(next_page), safe='')}"
    response = RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        PENDING_COOKIE,
        challenge.token,
        max_age=int((challenge.expires_at - services.clock.now()).total_seconds()),
        httponly=True,
        secure=services.settings.accounts.cookie_secure,
        samesite="strict",
        path=_PENDING_PATH,
    )
    return response


@router.get("/login/second-factor", response_class=HTMLResponse, dependencies=public())
def second_factor_page(
    request: Request,
    services: ServicesDep,
    pending: PendingCookie = None,
    next_page: NextQuery = None,
) -> Response:
    methods = None if pending is None else _methods_of(services, pending)
    if methods is None:
        return _start_again(next_page)
    return _code_form(request, methods, next_page)


@router.post("/login/second-factor", response_class=HTMLResponse, dependencies=public())
def second_factor(
    request: Request,
    services: ServicesDep,
    code: Annotated[str, Form(max_length=32)],
    pending: PendingCookie = None,
    next_page: NextForm = None,
) -> Response:
    require_same_origin(request)
    if pending is None:
        return _start_again(next_page)
    try:
        signed_in = services.second_factors.complete(pending, code, client_address(request))
    except AuthenticationFailed as exc:
        return second_step_again(request, services, pending, next_page, exc)
    return signed_in_to(services, signed_in, safe_next(next_page))


@router.get("/login/enrol", response_class=HTMLResponse, dependencies=public())
def enrol_page(
    request: Request,
    services: ServicesDep,
    pending: PendingCookie = None,
    next_page: NextQuery = None,
) -> Response:
    """A fresh secret for a person with no second factor, in the middle of signing in."""
    if pending is None:
        return _start_again(next_page)
    try:
        enrolment = services.second_factors.begin_enrolment(pending)
    except AuthenticationFailed:
        return _start_again(next_page)
    context = {"enrolment": enrolment, "next": safe_next(next_page), "action": "/login/enrol"}
    return render(request, "second_factor/enrol.html", context, headers=_NO_STORE)


@router.post("/login/enrol", response_class=HTMLResponse, dependencies=public())
def enrol(  # noqa: PLR0917 - a route's parameters are its form's fields
    request: Request,
    services: ServicesDep,
    factor_id: Annotated[str, Form(max_length=64)],
    code: Annotated[str, Form(max_length=32)],
    pending: PendingCookie = None,
    next_page: NextForm = None,
) -> Response:
    require_same_origin(request)
    if pending is None:
        return _start_again(next_page)
    try:
        signed_in = services.second_factors.confirm_enrolment(
            pending, factor_id, code, client_address(request)
        )
    except PlateKeeperError as exc:
        return enrolment_again(request, services, pending, factor_id, next_page, exc)
    return with_recovery_codes(request, services, signed_in, next_page)


def enrolment_again(  # noqa: PLR0917 - what the page shows again
    request: Request,
    services: Services,
    pending: str | None,
    factor_id: str,
    next_page: str | None,
    error: PlateKeeperError,
) -> Response:
    """The enrolment page again, saying what was refused. The secret shown stays the one to
    confirm: a mistyped first code is typed again."""
    try:
        if pending is None:
            raise error
        enrolment = services.second_factors.enrolment_of(pending, factor_id)
    except PlateKeeperError:
        return _start_again(next_page)
    context = {
        "enrolment": enrolment,
        "error": error,
        "next": safe_next(next_page),
        "action": "/login/enrol",
    }
    return render(
        request, "second_factor/enrol.html", context, status_code=error.status, headers=_NO_STORE
    )


def with_recovery_codes(
    request: Request, services: Services, signed_in: SignedIn, next_page: str | None
) -> Response:
    """After enrolling a first factor at sign-in: the recovery codes, shown once, with the
    session's cookie; the pending one gone."""
    response = render(
        request,
        "second_factor/recovery_codes.html",
        {"codes": signed_in.recovery_codes, "next": safe_next(next_page)},
        headers=_NO_STORE,
    )
    set_session_cookie(response, services, signed_in.session_token)
    response.delete_cookie(PENDING_COOKIE, path=_PENDING_PATH)
    return response


def second_step_again(
    request: Request,
    services: Services,
    pending: str | None,
    next_page: str | None,
    error: AuthenticationFailed,
) -> Response:
    """The second-factor page again, saying what was refused; back to the password where the
    pending sign-in has ended."""
    methods = None if pending is None else _methods_of(services, pending)
    if methods is None:
        return _start_again(next_page)
    return _code_form(request, methods, next_page, error=str(error), status_code=error.status)


def signed_in_to(services: Services, signed_in: SignedIn, target: str) -> Response:
    """The session's cookie, the pending one gone, and on to ``target``."""
    response = RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
    set_session_cookie(response, services, signed_in.session_token)
    response.delete_cookie(PENDING_COOKIE, path=_PENDING_PATH)
    return response


_NO_STORE = {"Cache-Control": "no-store"}


def _methods_of(services: Services, pending: str) -> tuple[str, ...] | None:
    try:
        _, account = services.second_factors.pending(pending)
    except AuthenticationFailed:
        return None
    return services.second_factors.methods(account.id)


def _code_form(
    request: Request,
    methods: tuple[str, ...],
    next_page: str | None,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {"methods": methods, "next": safe_next(next_page), "error": error}
    return render(
        request,
        "second_factor/code.html",
        context,
        status_code=status_code,
        headers=_NO_STORE,
    )


def _start_again(next_page: str | None) -> Response:
    """No pending sign-in (expired, used, or never started): back to the password."""
    target = f"/login?next={quote(safe_next(next_page), safe='')}&timed_out=true"
    response = RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(PENDING_COOKIE, path=_PENDING_PATH)
    return response
