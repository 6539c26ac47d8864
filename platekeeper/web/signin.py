"""Signing in and out in a browser: the login page with its liability notice, and the cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from platekeeper import __version__
from platekeeper.api.auth import (
    SESSION_COOKIE,
    CallerDep,
    client_address,
    public,
    require_same_origin,
    requires,
    set_session_cookie,
)
from platekeeper.api.deps import ServicesDep
from platekeeper.domain.credentials import csrf_token_for
from platekeeper.domain.permissions import Permission
from platekeeper.errors import AuthenticationFailed, PermissionDenied
from platekeeper.web.routes import templates

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse, dependencies=public())
async def login_page(request: Request) -> HTMLResponse:
    return _login_form(request)


@router.post("/login", response_class=HTMLResponse, dependencies=public())
async def login(
    request: Request,
    services: ServicesDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    require_same_origin(request)
    try:
        _, token = await run_in_threadpool(
            services.accounts.login, username, password, client_address(request)
        )
    except AuthenticationFailed as exc:
        return _login_form(request, error=str(exc), username=username, status_code=401)
    response = RedirectResponse("/account", status_code=status.HTTP_303_SEE_OTHER)
    set_session_cookie(response, services, token)
    return response


@router.get(
    "/account", response_class=HTMLResponse, dependencies=requires(Permission.ACCOUNTS_SELF)
)
async def account_page(request: Request, caller: CallerDep) -> HTMLResponse:
    if caller.principal is None:
        raise PermissionDenied("this page is for people", hint="Sign in at /login.")
    account = caller.principal.account
    session = caller.session_token
    return templates().TemplateResponse(
        request,
        "signed_in.html",
        {
            "account": account,
            "roles": sorted(role.value for role in account.roles),
            "csrf_token": None if session is None else csrf_token_for(session),
            "version": __version__,
        },
        headers={"Cache-Control": "no-store"},
    )


@router.post("/logout", dependencies=requires(Permission.ACCOUNTS_SELF))
async def logout(services: ServicesDep, caller: CallerDep) -> Response:
    if caller.session_token is not None:
        await run_in_threadpool(services.accounts.logout, caller.session_token)
    response = RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _login_form(
    request: Request, *, error: str | None = None, username: str = "", status_code: int = 200
) -> HTMLResponse:
    return templates().TemplateResponse(
        request,
        "login.html",
        {"error": error, "username": username, "version": __version__},
        status_code=status_code,
    )
