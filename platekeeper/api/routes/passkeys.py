"""Passkeys and security keys through the API: each step is an options call, whose answer goes
to ``navigator.credentials.create`` or ``.get`` as it is, and a call with the browser's answer.

Signing in: ``POST /auth/login`` answers a right password with a pending token; with it,
``/auth/second-factor/passkey/options`` then ``/auth/second-factor/passkey`` set the session
cookie. A person with no factor yet enrols a passkey the same way under ``.../passkey/enrol``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response

from platekeeper.accounts.second_factor import SignedIn
from platekeeper.api.schemas.passkeys import (
    NewPasskey,
    PasskeyAdded,
    PasskeyAnswer,
    PasskeyEnrolment,
    PendingPasskey,
)
from platekeeper.api.schemas.second_factor import (
    FactorPublic,
    PasswordAgain,
    SignedInWithCodes,
)
from platekeeper.api.schemas.session import Me
from platekeeper.domain.credentials import Principal
from platekeeper.domain.permissions import Permission
from platekeeper.errors import PermissionDenied
from platekeeper.http.auth import (
    CallerDep,
    client_address,
    public,
    require_same_origin,
    requires,
    set_session_cookie,
)
from platekeeper.http.deps import ServicesDep
from platekeeper.http.problems import PROBLEM_MEDIA_TYPE
from platekeeper.services import Services

router = APIRouter(prefix="/api/v1", tags=["sign-in"])


def _problems(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """The documented refusals of a route, by status, each a problem detail."""
    return {
        status: {"description": text, "content": {PROBLEM_MEDIA_TYPE: {}}}
        for status, text in descriptions.items()
    }


_STEP_ERRORS = _problems(
    {
        401: "The pending sign-in expired (sign in again), or the passkey's answer was refused "
        "(passkey_refused: another person's key, a replayed or expired challenge, another origin, "
        "a counter gone back; it counts toward the lockout), or the account is locked.",
        403: "Enrolling at sign-in, by a person who has a second factor already.",
    }
)
_OWN_ERRORS = _problems(
    {
        401: "The new passkey's answer was refused, or not from a signed-in browser.",
        403: "Not signed in with a second factor, or the password is wrong.",
        409: "The passkey is registered already.",
    }
)
_OPTIONS = "PublicKeyCredential{Request,Creation}OptionsJSON, binary fields in base64url."


@router.post(
    "/auth/second-factor/passkey/options",
    summary="The second step with a passkey: options for navigator.credentials.get",
    response_model=dict[str, Any],
    responses=_STEP_ERRORS,
    response_description=_OPTIONS,
    dependencies=public(),
)
def sign_in_options(
    body: PendingPasskey, request: Request, services: ServicesDep
) -> dict[str, Any]:
    require_same_origin(request)
    return _json(services.passkeys.sign_in_options(body.pending_token))


@router.post(
    "/auth/second-factor/passkey",
    summary="The passkey's answer: sets the session cookie",
    response_model=Me,
    responses=_STEP_ERRORS,
    dependencies=public(),
)
def sign_in(body: PasskeyAnswer, request: Request, response: Response, services: ServicesDep) -> Me:
    require_same_origin(request)
    signed_in = services.passkeys.complete(
        body.pending_token, json.dumps(body.credential), client_address(request)
    )
    return _session(response, services, signed_in)


@router.post(
    "/auth/second-factor/passkey/enrol/options",
    summary="At sign-in, for a person with no second factor: options for a new passkey",
    response_model=dict[str, Any],
    responses=_STEP_ERRORS,
    response_description=_OPTIONS,
    dependencies=public(),
)
def enrolment_options(
    body: PendingPasskey, request: Request, services: ServicesDep
) -> dict[str, Any]:
    require_same_origin(request)
    return _json(services.passkeys.enrolment_options(body.pending_token))


@router.post(
    "/auth/second-factor/passkey/enrol",
    summary="The new passkey: recovery codes (shown once) and the session cookie",
    response_model=SignedInWithCodes,
    responses=_STEP_ERRORS,
    dependencies=public(),
)
def confirm_enrolment(
    body: PasskeyEnrolment, request: Request, response: Response, services: ServicesDep
) -> SignedInWithCodes:
    require_same_origin(request)
    signed_in = services.passkeys.confirm_enrolment(
        body.pending_token, json.dumps(body.credential), body.label, client_address(request)
    )
    return _session(response, services, signed_in)


@router.post(
    "/auth/factors/passkey/options",
    summary="Add a passkey: options for navigator.credentials.create",
    response_model=dict[str, Any],
    responses=_OWN_ERRORS,
    response_description=_OPTIONS,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def add_options(body: PasswordAgain, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    return _json(services.passkeys.add_options(_person(caller), body.password))


@router.post(
    "/auth/factors/passkey",
    summary="The new passkey's answer: stored; recovery codes if it is your first factor",
    response_model=PasskeyAdded,
    responses=_OWN_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def add(body: NewPasskey, services: ServicesDep, caller: CallerDep) -> PasskeyAdded:
    added = services.passkeys.add(_person(caller), json.dumps(body.credential), body.label)
    return PasskeyAdded(
        factor=FactorPublic.of(added.factor), recovery_codes=list(added.recovery_codes)
    )


def _session(response: Response, services: Services, signed_in: SignedIn) -> SignedInWithCodes:
    """The session's cookie set, and who signed in (with recovery codes where any were made;
    a route answering ``Me`` leaves them out)."""
    set_session_cookie(response, services, signed_in.session_token)
    me = Me.of(signed_in.principal, signed_in.session_token)
    return SignedInWithCodes(**me.model_dump(), recovery_codes=list(signed_in.recovery_codes))


def _person(caller: CallerDep) -> Principal:
    if caller.principal is None:  # a camera holds no accounts:self; kept for the type checker
        raise PermissionDenied("passkeys belong to people", hint="Sign in as a person.")
    return caller.principal


def _json(options: str) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(options)
    return parsed
