"""Security: a person's own second factors. They see what they hold and when each was last
used, add an authenticator app or a passkey, make new recovery codes, and remove a factor (never
the last while second factors are required). Each change asks for the password again; each is
logged."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from platekeeper.accounts.passkey_factors import DEFAULT_LABEL as PASSKEY_LABEL
from platekeeper.accounts.passkeys import MAX_RESPONSE_CHARS
from platekeeper.accounts.second_factor import DEFAULT_LABEL
from platekeeper.domain.factors import MAX_LABEL
from platekeeper.domain.permissions import Permission
from platekeeper.errors import PlateKeeperError
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.http.problems import from_error
from platekeeper.services import Services
from platekeeper.web.pages.admin import done, refused
from platekeeper.web.pages.caller import person
from platekeeper.web.rendering import render

router = APIRouter(include_in_schema=False)

PAGE = "/account/security"
NOTICES = {
    "added": "The authenticator was added.",
    "removed": "The second factor was removed.",
    "passkey-added": "The passkey was added.",
}
Password = Annotated[str, Form(max_length=1024)]


@router.get(PAGE, response_class=HTMLResponse, dependencies=requires(Permission.ACCOUNTS_SELF))
def security_page(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    notice: Annotated[str, Query(alias="done", max_length=20)] = "",
) -> HTMLResponse:
    context = _context(services, caller)
    context["notice"] = NOTICES.get(notice)
    return render(request, "pages/security/index.html", context, caller=caller)


@router.post(f"{PAGE}/totp", dependencies=requires(Permission.ACCOUNTS_SELF))
def add_totp(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    password: Password,
    label: Annotated[str, Form(max_length=MAX_LABEL)] = DEFAULT_LABEL,
) -> Response:
    try:
        enrolment = services.second_factors.add_totp(person(caller), password, label)
    except PlateKeeperError as error:
        return refused(
            request, "pages/security/index.html", _context(services, caller), caller, error
        )
    context = {"enrolment": enrolment, "action": f"{PAGE}/totp/confirm", "next": PAGE}
    return render(request, "second_factor/enrol.html", context, caller=caller)


@router.post(f"{PAGE}/totp/confirm", dependencies=requires(Permission.ACCOUNTS_SELF))
def confirm_totp(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    factor_id: Annotated[str, Form(max_length=64)],
    code: Annotated[str, Form(max_length=32)],
) -> Response:
    by = person(caller)
    try:
        codes = services.second_factors.confirm_totp(by, factor_id, code)
    except PlateKeeperError as error:
        try:
            enrolment = services.second_factors.own_enrolment(by, factor_id)
        except PlateKeeperError:
            return refused(
                request, "pages/security/index.html", _context(services, caller), caller, error
            )
        context = {
            "enrolment": enrolment,
            "action": f"{PAGE}/totp/confirm",
            "next": PAGE,
            "error": error,
        }
        return render(
            request, "second_factor/enrol.html", context, caller=caller, status_code=error.status
        )
    if codes:
        return _codes(request, caller, codes)
    return done(f"{PAGE}?done=added")


@router.post(f"{PAGE}/recovery-codes", dependencies=requires(Permission.ACCOUNTS_SELF))
def new_recovery_codes(
    request: Request, services: ServicesDep, caller: CallerDep, password: Password
) -> Response:
    try:
        codes = services.second_factors.regenerate_recovery_codes(person(caller), password)
    except PlateKeeperError as error:
        return refused(
            request, "pages/security/index.html", _context(services, caller), caller, error
        )
    return _codes(request, caller, codes)


@router.post(
    f"{PAGE}/factors/{{factor_id}}/remove", dependencies=requires(Permission.ACCOUNTS_SELF)
)
def remove_factor(
    request: Request, factor_id: str, services: ServicesDep, caller: CallerDep, password: Password
) -> Response:
    try:
        services.second_factors.remove(person(caller), factor_id, password)
    except PlateKeeperError as error:
        return refused(
            request, "pages/security/index.html", _context(services, caller), caller, error
        )
    return done(f"{PAGE}?done=removed")


def _codes(request: Request, caller: Caller, codes: tuple[str, ...]) -> HTMLResponse:
    context = {"codes": codes, "next": PAGE}
    return render(request, "second_factor/recovery_codes.html", context, caller=caller)


def _context(services: Services, caller: Caller) -> dict[str, Any]:
    by = person(caller)
    return {
        "factors": services.second_factors.list(by),
        "codes_left": services.second_factors.remaining_recovery_codes(by),
        "signed_in_with": by.signed_in_with,
        "required": services.settings.accounts.second_factor_required,
        "notice": None,
    }


@router.post(f"{PAGE}/passkey/options", dependencies=requires(Permission.ACCOUNTS_SELF))
def passkey_options(services: ServicesDep, caller: CallerDep, password: Password) -> Response:
    """The options for ``navigator.credentials.create``, as JSON for the page's script."""
    try:
        options = services.passkeys.add_options(person(caller), password)
    except PlateKeeperError as error:
        return from_error(error)
    return JSONResponse(json.loads(options), headers={"Cache-Control": "no-store"})


@router.post(f"{PAGE}/passkey", dependencies=requires(Permission.ACCOUNTS_SELF))
def add_passkey(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    credential: Annotated[str, Form(max_length=MAX_RESPONSE_CHARS)],
    label: Annotated[str, Form(max_length=MAX_LABEL)] = PASSKEY_LABEL,
) -> Response:
    """The browser's answer to the options: the passkey stored (recovery codes if first)."""
    try:
        added = services.passkeys.add(person(caller), credential, label)
    except PlateKeeperError as error:
        return refused(
            request, "pages/security/index.html", _context(services, caller), caller, error
        )
    if added.recovery_codes:
        return _codes(request, caller, added.recovery_codes)
    return done(f"{PAGE}?done=passkey-added")
