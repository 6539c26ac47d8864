"""Passkeys in the browser while signing in: after the password, on the second-factor page, or,
for a person with no second factor yet, on the enrolment page instead of an authenticator app.

Each form fetches its options from the ``.../options`` route (the challenge is bound to the
pending sign-in in the ``pk_pending`` cookie), lets ``static/app/passkeys.js`` ask the browser,
and posts the answer; the server checks it and opens the session.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from platekeeper.accounts.passkey_factors import DEFAULT_LABEL
from platekeeper.accounts.passkeys import MAX_RESPONSE_CHARS
from platekeeper.domain.factors import MAX_LABEL
from platekeeper.errors import AuthenticationFailed, PlateKeeperError
from platekeeper.http.auth import client_address, public, require_same_origin
from platekeeper.http.deps import ServicesDep
from platekeeper.http.problems import from_error
from platekeeper.web.errors import safe_next
from platekeeper.web.second_factor import (
    NextForm,
    PendingCookie,
    enrolment_again,
    second_step_again,
    signed_in_to,
    with_recovery_codes,
)

router = APIRouter(include_in_schema=False)

Credential = Annotated[str, Form(max_length=MAX_RESPONSE_CHARS)]
Label = Annotated[str, Form(max_length=MAX_LABEL)]


@router.post("/login/passkey/options", dependencies=public())
def sign_in_options(
    request: Request, services: ServicesDep, pending: PendingCookie = None
) -> Response:
    """The options for ``navigator.credentials.get``, as JSON for the page's script."""
    return _options(request, services.passkeys.sign_in_options, pending)


@router.post("/login/passkey", response_class=HTMLResponse, dependencies=public())
def sign_in(
    request: Request,
    services: ServicesDep,
    credential: Credential,
    pending: PendingCookie = None,
    next_page: NextForm = None,
) -> Response:
    require_same_origin(request)
    try:
        if pending is None:
            raise AuthenticationFailed("the sign-in has expired", hint="Sign in again.")
        signed_in = services.passkeys.complete(pending, credential, client_address(request))
    except AuthenticationFailed as error:
        return second_step_again(request, services, pending, next_page, error)
    return signed_in_to(services, signed_in, safe_next(next_page))


@router.post("/login/enrol/passkey/options", dependencies=public())
def enrolment_options(
    request: Request, services: ServicesDep, pending: PendingCookie = None
) -> Response:
    """The options for ``navigator.credentials.create``, for a person with no factor yet."""
    return _options(request, services.passkeys.enrolment_options, pending)


@router.post("/login/enrol/passkey", response_class=HTMLResponse, dependencies=public())
def enrol(  # noqa: PLR0917 - a route's parameters are its form's fields
    request: Request,
    services: ServicesDep,
    credential: Credential,
    factor_id: Annotated[str, Form(max_length=64)],
    label: Label = DEFAULT_LABEL,
    pending: PendingCookie = None,
    next_page: NextForm = None,
) -> Response:
    require_same_origin(request)
    try:
        if pending is None:
            raise AuthenticationFailed("the sign-in has expired", hint="Sign in again.")
        # factor_id names the app secret the page also offers, shown again after a refusal.
        signed_in = services.passkeys.confirm_enrolment(
            pending, credential, label, client_address(request)
        )
    except PlateKeeperError as error:
        return enrolment_again(request, services, pending, factor_id, next_page, error)
    return with_recovery_codes(request, services, signed_in, next_page)


def _options(request: Request, make: Callable[[str], str], pending: str | None) -> Response:
    """The options ``make`` gives for the pending sign-in, as JSON; else the problem, as JSON,
    for the page's script to show."""
    try:
        require_same_origin(request)
        if pending is None:
            raise AuthenticationFailed(
                "the sign-in has expired or was never started", hint="Sign in again."
            )
        return JSONResponse(json.loads(make(pending)), headers={"Cache-Control": "no-store"})
    except PlateKeeperError as error:
        return from_error(error)
