"""Signing in and out in a browser: the login page with its liability notice, and the cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse

from platekeeper.accounts.messages import PasswordChangeRequired
from platekeeper.accounts.pending import SecondFactorNeeded
from platekeeper.domain.permissions import Permission
from platekeeper.errors import AuthenticationFailed, InvalidInput
from platekeeper.http.auth import (
    SESSION_COOKIE,
    CallerDep,
    client_address,
    public,
    require_same_origin,
    requires,
    set_session_cookie,
)
from platekeeper.http.deps import ServicesDep
from platekeeper.web.errors import safe_next
from platekeeper.web.pages.caller import person
from platekeeper.web.rendering import render
from platekeeper.web.second_factor import to_second_step
from platekeeper.web.sign_on import provider_logout, sign_on_name

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse, dependencies=public())
async def login_page(
    request: Request,
    services: ServicesDep,
    next_page: Annotated[str | None, Query(alias="next", max_length=2000)] = None,
    timed_out: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    notice = "Your session ended; sign in again to go on." if timed_out else None
    return _login_form(request, services, next_page=next_page, notice=notice)


@router.post("/login", response_class=HTMLResponse, dependencies=public())
def login(
    request: Request,
    services: ServicesDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next_page: Annotated[str | None, Form(alias="next", max_length=2000)] = None,
) -> Response:
    require_same_origin(request)
    try:
        _, token = services.accounts.login(username, password, client_address(request))
    except SecondFactorNeeded as needed:
        if needed.challenge is None:
            raise
        return to_second_step(services, needed.challenge, next_page)
    except AuthenticationFailed as exc:
        # A password set by someone else signs nobody in: it opens the change step only.
        return _login_form(
            request,
            services,
            error=str(exc),
            username=username,
            next_page=next_page,
            change_password=isinstance(exc, PasswordChangeRequired),
            status_code=401,
        )
    return _signed_in(services, token, next_page)


@router.post("/login/password", response_class=HTMLResponse, dependencies=public())
def change_password(  # noqa: PLR0917 - a route's parameters are its form's fields
    request: Request,
    services: ServicesDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    new_password: Annotated[str, Form(max_length=1024)],
    next_page: Annotated[str | None, Form(alias="next", max_length=2000)] = None,
) -> Response:
    """The one thing a password set by someone else opens: choosing one's own."""
    require_same_origin(request)
    try:
        _, token = services.accounts.change_password_at_sign_in(
            username, password, new_password, client_address(request)
        )
    except SecondFactorNeeded as needed:
        if needed.challenge is None:
            raise
        return to_second_step(services, needed.challenge, next_page)
    except (AuthenticationFailed, InvalidInput) as exc:
        return _login_form(
            request,
            services,
            error=str(exc),
            username=username,
            next_page=next_page,
            change_password=True,
            status_code=401 if isinstance(exc, AuthenticationFailed) else 422,
        )
    return _signed_in(services, token, next_page)


def _signed_in(services: ServicesDep, token: str, next_page: str | None) -> Response:
    response = RedirectResponse(safe_next(next_page), status_code=status.HTTP_303_SEE_OTHER)
    set_session_cookie(response, services, token)
    return response


@router.get(
    "/account", response_class=HTMLResponse, dependencies=requires(Permission.ACCOUNTS_SELF)
)
async def account_page(request: Request, caller: CallerDep) -> HTMLResponse:
    account = person(caller).account
    return render(
        request,
        "signed_in.html",
        {"account": account, "roles": sorted(role.value for role in account.roles)},
        caller=caller,
    )


@router.post("/logout", dependencies=requires(Permission.ACCOUNTS_SELF))
def logout(request: Request, services: ServicesDep, caller: CallerDep) -> Response:
    session_id = None if caller.principal is None else caller.principal.credential_id
    provider = None if session_id is None else provider_logout(request, services, session_id)
    if caller.session_token is not None:
        services.accounts.logout(caller.session_token)
    response: Response
    if provider is None:
        response = RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
    else:
        # Signed in through the agency's provider: its session ends too, or the next "Sign in
        # with" would let anyone at this browser in without a password. A page, not a
        # redirect: the pages' form-action policy refuses a form redirected to another site.
        text = "Signed out here; now signing you out of your organisation's sign-in."
        context = {"heading": "Signing out", "text": text, "target": provider}
        response = render(request, "continue.html", context)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _login_form(
    request: Request,
    services: ServicesDep,
    *,
    error: str | None = None,
    notice: str | None = None,
    username: str = "",
    next_page: str | None = None,
    change_password: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "login.html",
        {
            "error": error,
            "notice": notice,
            "username": username,
            "next": safe_next(next_page),
            "idle_limit": services.settings.accounts.session_idle_minutes,
            "change_password": change_password,
            "sign_on": sign_on_name(services),
        },
        status_code=status_code,
    )
