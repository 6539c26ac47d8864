"""The second step of signing in through the API, and each person's own second factors.

``POST /auth/login`` answers a right password with a pending token; ``POST /auth/second-factor``
with it and a code sets the session cookie. A person with no factor enrols one first
(``/auth/second-factor/enrol``, then ``/enrol/confirm``), and receives recovery codes once.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from platekeeper.api.schemas.second_factor import (
    EnrolBody,
    EnrolConfirmBody,
    FactorList,
    FactorPublic,
    PasswordAgain,
    RecoveryCodes,
    SecondStepBody,
    SignedInWithCodes,
    TotpCode,
    TotpEnrolmentPublic,
    TotpLabel,
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

router = APIRouter(prefix="/api/v1", tags=["sign-in"])

_STEP_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {
        "description": "The pending sign-in expired (sign in again), the code is wrong or used "
        "(second_factor_invalid; it counts toward the lockout), or the account is locked.",
        "content": {"application/problem+json": {}},
    }
}
_OWN_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {
        "description": "Not a signed-in browser, or not signed in with a second factor.",
        "content": {"application/problem+json": {}},
    },
    409: {
        "description": "The last second factor, or one enrolled already.",
        "content": {"application/problem+json": {}},
    },
}


@router.post(
    "/auth/second-factor",
    summary="The second step of signing in: a TOTP or recovery code; sets the session cookie",
    response_model=Me,
    responses=_STEP_ERRORS,
    dependencies=public(),
)
def second_step(
    body: SecondStepBody, request: Request, response: Response, services: ServicesDep
) -> Me:
    require_same_origin(request)
    signed_in = services.second_factors.complete(
        body.pending_token, body.code, client_address(request)
    )
    set_session_cookie(response, services, signed_in.session_token)
    return Me.of(signed_in.principal, signed_in.session_token)


@router.post(
    "/auth/second-factor/enrol",
    summary="At sign-in, for a person with no second factor: a new TOTP secret",
    response_model=TotpEnrolmentPublic,
    responses=_STEP_ERRORS,
    dependencies=public(),
)
def begin_enrolment(
    body: EnrolBody, request: Request, services: ServicesDep
) -> TotpEnrolmentPublic:
    require_same_origin(request)
    enrolment = services.second_factors.begin_enrolment(body.pending_token, body.label)
    return TotpEnrolmentPublic.of(enrolment)


@router.post(
    "/auth/second-factor/enrol/confirm",
    summary="The first code of the new secret: recovery codes (shown once) and the session",
    response_model=SignedInWithCodes,
    responses=_STEP_ERRORS,
    dependencies=public(),
)
def confirm_enrolment(
    body: EnrolConfirmBody, request: Request, response: Response, services: ServicesDep
) -> SignedInWithCodes:
    require_same_origin(request)
    signed_in = services.second_factors.confirm_enrolment(
        body.pending_token, body.factor_id, body.code, client_address(request)
    )
    set_session_cookie(response, services, signed_in.session_token)
    me = Me.of(signed_in.principal, signed_in.session_token)
    return SignedInWithCodes(**me.model_dump(), recovery_codes=list(signed_in.recovery_codes))


def _person(caller: CallerDep) -> Principal:
    if caller.principal is None:  # a camera holds no accounts:self; kept for the type checker
        raise AssertionError("accounts:self was granted to a caller without an account")
    return caller.principal


def _in_browser(caller: CallerDep) -> Principal:
    """Second factors are a person's own, changed from a signed-in browser, never by a token."""
    if caller.principal is None or caller.session_token is None:
        raise PermissionDenied(
            "second factors are managed from a signed-in session",
            hint="Sign in with your password and second factor; an API token cannot do this.",
        )
    return caller.principal


@router.get(
    "/auth/factors",
    summary="Your second factors and how many recovery codes are left",
    response_model=FactorList,
    responses=_OWN_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def list_factors(services: ServicesDep, caller: CallerDep) -> FactorList:
    by = _person(caller)
    return FactorList(
        factors=[FactorPublic.of(f) for f in services.second_factors.list(by)],
        recovery_codes_left=services.second_factors.remaining_recovery_codes(by),
        signed_in_with=by.signed_in_with,
    )


@router.post(
    "/auth/factors/totp",
    summary="Add an authenticator app: a new TOTP secret, counted once confirmed",
    response_model=TotpEnrolmentPublic,
    responses=_OWN_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def add_totp(body: TotpLabel, services: ServicesDep, caller: CallerDep) -> TotpEnrolmentPublic:
    enrolment = services.second_factors.add_totp(_in_browser(caller), body.password, body.label)
    return TotpEnrolmentPublic.of(enrolment)


@router.post(
    "/auth/factors/{factor_id}/confirm",
    summary="The first code of an added authenticator; recovery codes if it is your first",
    response_model=RecoveryCodes,
    responses=_OWN_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def confirm_totp(
    factor_id: str, body: TotpCode, services: ServicesDep, caller: CallerDep
) -> RecoveryCodes:
    codes = services.second_factors.confirm_totp(_in_browser(caller), factor_id, body.code)
    return RecoveryCodes(recovery_codes=list(codes))


@router.post(
    "/auth/factors/recovery-codes",
    summary="New recovery codes, shown once; the old ones stop working",
    response_model=RecoveryCodes,
    responses=_OWN_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def new_recovery_codes(
    body: PasswordAgain, services: ServicesDep, caller: CallerDep
) -> RecoveryCodes:
    codes = services.second_factors.regenerate_recovery_codes(_in_browser(caller), body.password)
    return RecoveryCodes(recovery_codes=list(codes))


@router.delete(
    "/auth/factors/{factor_id}",
    summary="Remove one of your second factors (not the last while they are required)",
    status_code=204,
    response_class=Response,
    responses=_OWN_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def remove_factor(
    factor_id: str, body: PasswordAgain, services: ServicesDep, caller: CallerDep
) -> Response:
    services.second_factors.remove(_in_browser(caller), factor_id, body.password)
    return Response(status_code=204)
