"""Signing in through the API, who am I, and which purposes the agency authorises."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from platekeeper.accounts.pending import SecondFactorNeeded
from platekeeper.api.schemas.second_factor import SecondFactorChallenge
from platekeeper.api.schemas.session import (
    LoginBody,
    Me,
    PasswordChangeBody,
    Purpose,
    Purposes,
    SignedIn,
    SystemUseNotice,
)
from platekeeper.domain.credentials import Principal
from platekeeper.domain.permissions import Permission
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

router = APIRouter(prefix="/api/v1", tags=["sign-in"])


def _signed_in(services: ServicesDep, principal: Principal, session_token: str) -> SignedIn:
    return SignedIn.answer(principal, session_token, services.settings.accounts.system_use_notice)


def _challenge(services: ServicesDep, needed: SecondFactorNeeded) -> SecondFactorChallenge:
    if needed.challenge is None:
        raise needed
    return SecondFactorChallenge.of(needed.challenge, services.settings.accounts.system_use_notice)


_NOTICE_SAID = (
    " The answer carries the system-use notification (CJIS AC-8) in `system_use_notice`; "
    "show it to the person. `GET /api/v1/auth/notice` gives it before signing in."
)


@router.get(
    "/auth/notice",
    summary="The system-use notification to show before signing in (CJIS AC-8)",
    response_model=SystemUseNotice,
    dependencies=public(),
)
async def notice(services: ServicesDep) -> SystemUseNotice:
    return SystemUseNotice(system_use_notice=services.settings.accounts.system_use_notice)


@router.post(
    "/auth/login",
    summary="Sign in; sets the session cookie, or asks for the second factor",
    description="Sign in with a username and password." + _NOTICE_SAID,
    response_model=SignedIn | SecondFactorChallenge,
    responses={
        200: {
            "description": "Signed in; or, while second factors are required, the password is "
            "right and POST /auth/second-factor (or /auth/second-factor/enrol) completes it."
        },
        401: {
            "description": "Wrong credentials, the username or address locked, the account "
            "suspended; or (password_change_required) a password someone else set, which only "
            "POST /auth/password accepts."
        },
    },
    dependencies=public(),
)
def login(
    body: LoginBody, request: Request, response: Response, services: ServicesDep
) -> SignedIn | SecondFactorChallenge:
    require_same_origin(request)
    try:
        principal, token = services.accounts.login(
            body.username, body.password, client_address(request)
        )
    except SecondFactorNeeded as needed:
        return _challenge(services, needed)
    set_session_cookie(response, services, token)
    return _signed_in(services, principal, token)


@router.post(
    "/auth/password",
    summary="Choose your own password at sign-in; sets the session cookie, or asks for the "
    "second factor",
    description="The sign-in step for a password someone else set." + _NOTICE_SAID,
    response_model=SignedIn | SecondFactorChallenge,
    responses={401: {"description": "Wrong credentials, or the account is locked or suspended."}},
    dependencies=public(),
)
def change_password_at_sign_in(
    body: PasswordChangeBody, request: Request, response: Response, services: ServicesDep
) -> SignedIn | SecondFactorChallenge:
    require_same_origin(request)
    try:
        principal, token = services.accounts.change_password_at_sign_in(
            body.username, body.password, body.new_password, client_address(request)
        )
    except SecondFactorNeeded as needed:
        return _challenge(services, needed)
    set_session_cookie(response, services, token)
    return _signed_in(services, principal, token)


@router.post(
    "/auth/logout",
    summary="Sign out; ends the session",
    status_code=204,
    response_class=Response,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def logout(services: ServicesDep, caller: CallerDep) -> Response:
    if caller.session_token is not None:
        services.accounts.logout(caller.session_token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get(
    "/auth/me",
    summary="The signed-in account, its roles and permissions",
    response_model=Me,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
async def me(caller: CallerDep) -> Me:
    if caller.principal is None:  # a camera holds no accounts:self; kept for the type checker
        raise AssertionError("accounts:self was granted to a caller without an account")
    return Me.of(caller.principal, caller.session_token)


@router.get(
    "/purposes",
    summary="The authorised purposes and the case number format",
    response_model=Purposes,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
async def purposes(services: ServicesDep) -> Purposes:
    access = services.settings.access
    return Purposes(
        purposes=[Purpose(code=p.code, label=p.label) for p in access.purposes],
        case_number_pattern=access.case_number_pattern,
        case_number_example=access.case_number_example,
        approval_beyond_days=access.approval_beyond_days,
    )
