"""Templates and the frame every page shares: who is signed in, what they may open, the CSRF
token their forms carry."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from platekeeper import __version__
from platekeeper.config import Settings
from platekeeper.domain.credentials import csrf_token_for
from platekeeper.domain.zones import SHOWN, UTC_ZONE, local_time
from platekeeper.http.auth import Caller
from platekeeper.services import Services
from platekeeper.web.navigation import menu_for

TEMPLATES_DIR = Path(__file__).parent / "templates"
NO_STORE = {"Cache-Control": "no-store"}
"""Pages of signed-in people may show plate data; no browser or proxy cache keeps them."""


@functools.cache
def templates() -> Jinja2Templates:
    # Jinja2Templates escapes every ``{{ }}`` in .html files: plate text and every other string
    # a person or camera sent is shown as text, never as markup.
    made = Jinja2Templates(directory=TEMPLATES_DIR)
    made.env.filters["local"] = _local
    return made


_zone: ContextVar[str] = ContextVar("time_zone", default=UTC_ZONE)
"""The zone of the page being rendered; a variable rather than the template's context, which
macros imported from another template do not see."""


def _local(instant: datetime | None, spec: str = SHOWN) -> str:
    """``{{ read.captured_at | local }}``: an instant in the zone of the agency of the person
    reading the page (``time_zone`` in the frame), the one way pages show times."""
    return "" if instant is None else local_time(instant, _zone.get(), spec)


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    caller: Caller | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """``template`` in the shared frame; with ``caller``, their menu and CSRF token, uncached."""
    frame: dict[str, Any] = {
        "version": __version__,
        "caller": None,
        "menu": [],
        "csrf": None,
        # Every sign-in step shows it (templates/sign_in.html), whichever route renders it.
        "system_use_notice": _settings(request).accounts.system_use_notice,
        "time_zone": UTC_ZONE,
    }
    sent = dict(headers or {})
    if caller is not None and caller.principal is not None:
        frame["caller"] = caller.principal.account
        frame["menu"] = menu_for(caller.roles, request.url.path)
        frame["time_zone"] = agency_zone(request, caller.principal.account.agency_id)
        frame["idle_minutes"] = _settings(request).accounts.session_idle_minutes
        frame["lock_minutes"] = _settings(request).web.lock_after_idle_minutes
        if caller.session_token is not None:
            frame["csrf"] = csrf_token_for(caller.session_token)
        sent.update(NO_STORE)
    # The response renders the template as it is made, with the reader's zone set.
    token = _zone.set(frame["time_zone"])
    try:
        return templates().TemplateResponse(
            request, template, {**frame, **(context or {})}, status_code=status_code, headers=sent
        )
    finally:
        _zone.reset(token)


def agency_zone(request: Request, agency_id: str | None) -> str:
    """The time zone of ``agency_id`` (UTC for none, as for the host's console)."""
    return zone_of(_services(request), agency_id)


def zone_of(services: Services, agency_id: str | None) -> str:
    """The time zone of ``agency_id`` (UTC for none, as for the host's console)."""
    agency = None if agency_id is None else services.store.agencies.get(agency_id)
    return UTC_ZONE if agency is None else agency.time_zone


def caller_zone(services: Services, caller: Caller) -> str:
    """The clock the times ``caller`` types and reads are on: their agency's."""
    return zone_of(services, caller.scope.agency_id)


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.services.settings
    return settings
