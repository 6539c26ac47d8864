"""Errors of the browser's pages, answered as pages: a sign-in for a lapsed session, and for
everything else the same message and hint an API client gets, in words on screen."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request, Response, status
from fastapi.responses import RedirectResponse

from platekeeper import __version__
from platekeeper.accounts.messages import SessionLocked
from platekeeper.errors import AuthenticationFailed, PlateKeeperError
from platekeeper.http.auth import Caller
from platekeeper.web.rendering import render, templates

_NOT_PAGES = (
    "/api/",
    "/openapi.json",
    "/transparency.json",
    "/transparency/reports/",
    "/static/",
)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


class PageErrors:
    """``http.problems.ErrorPages`` for the pages of ``platekeeper.web``."""

    def answers(self, request: Request) -> bool:
        path = request.url.path
        if path.startswith(_NOT_PAGES):
            return False
        return is_htmx(request) or "text/html" in request.headers.get("accept", "")

    def render(self, request: Request, error: PlateKeeperError) -> Response:
        if isinstance(error, SessionLocked):
            return _to_lock_screen(request)
        if isinstance(error, AuthenticationFailed):
            return _to_sign_in(request)
        template = "partials/problem.html" if is_htmx(request) else "error.html"
        caller = getattr(request.state, "caller", None)
        if isinstance(caller, Caller) and caller.principal is not None:
            # Refused, not signed out: the person keeps their menu and their name on screen.
            return render(
                request, template, {"error": error}, caller=caller, status_code=error.status
            )
        return templates().TemplateResponse(
            request,
            template,
            {"error": error, "caller": None, "menu": [], "csrf": None, "version": __version__},
            status_code=error.status,
            headers={"Cache-Control": "no-store"},
        )


def _to_lock_screen(request: Request) -> Response:
    """A locked session's page is the lock screen, reloaded or not: nothing else shows."""
    return _whole_page(request, f"/session/locked?next={quote(sign_in_return(request), safe='')}")


def _to_sign_in(request: Request) -> Response:
    return _whole_page(request, f"/login?next={quote(sign_in_return(request), safe='')}")


def _whole_page(request: Request, target: str) -> Response:
    if is_htmx(request):
        # htmx swaps responses into part of a page; a whole-page sign-in needs its redirect.
        return Response(status_code=status.HTTP_204_NO_CONTENT, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)


def sign_in_return(request: Request) -> str:
    """Where to go back after signing in: this page, never a fragment or another site."""
    if is_htmx(request):
        current = request.headers.get("HX-Current-URL", "")
        path = current.split(request.headers.get("host", "\0"), 1)[-1] if current else "/"
    else:
        query = request.url.query
        path = (
            f"{request.url.path}?{query}" if query and request.method == "GET" else request.url.path
        )
    return safe_next(path)


def safe_next(candidate: str | None) -> str:
    """A local path to return to; anything else (``//evil``, ``https://``) becomes the dashboard."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return "/dashboard"
    if "\\" in candidate or any(ch.isspace() for ch in candidate):
        return "/dashboard"
    return candidate
