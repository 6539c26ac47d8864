"""Accounts for custodians, and each person's own password and API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from platekeeper.api.schemas.accounts import (
    AccountCreate,
    AccountList,
    AccountPublic,
    OwnPasswordChange,
    PasswordSet,
    ReactivateIn,
    RolesIn,
    TokenCreate,
    TokenIssued,
    TokenList,
    TokenPublic,
    TrainingIn,
)
from platekeeper.domain.credentials import Principal
from platekeeper.domain.people import Account
from platekeeper.domain.permissions import Permission
from platekeeper.errors import PermissionDenied
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep

router = APIRouter(prefix="/api/v1", tags=["accounts"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "Not a custodian, another agency's account, or your own account.",
        404: "No such account in your agency.",
        409: "The account is not in a state that allows this.",
        422: "Invalid input; `errors` names each field.",
    }.items()
}


def _principal(caller: Caller) -> Principal:
    if caller.principal is None:
        raise PermissionDenied(
            "only a person's account may do this",
            hint="Sign in as a person, or send that person's API token.",
        )
    return caller.principal


@router.get(
    "/accounts",
    summary="The agency's accounts",
    response_model=AccountList,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_MANAGE),
)
def list_accounts(services: ServicesDep, caller: CallerDep) -> AccountList:
    accounts = services.accounts.list(caller.scope.agency_id)
    return AccountList(accounts=[AccountPublic.of(account) for account in accounts])


@router.post(
    "/accounts",
    summary="Create an account for one person",
    status_code=status.HTTP_201_CREATED,
    response_model=AccountPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_MANAGE),
)
def create_account(body: AccountCreate, services: ServicesDep, caller: CallerDep) -> AccountPublic:
    account = services.accounts.create(
        _principal(caller),
        username=body.username,
        display_name=body.display_name,
        agency_id=caller.actor.agency_id,
        job_title=body.job_title,
        roles=body.roles,
        training_completed_on=body.training.completed_on,
        training_expires_on=body.training.expires_on,
        password=body.password,
    )
    return AccountPublic.of(account)


@router.get(
    "/accounts/{username}",
    summary="One account",
    response_model=AccountPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_MANAGE),
)
def get_account(username: str, services: ServicesDep, caller: CallerDep) -> AccountPublic:
    # Another agency's accounts do not exist for a custodian.
    return AccountPublic.of(services.accounts.by_username_in(caller.scope, username))


def _target(services: ServicesDep, caller: Caller, username: str) -> Account:
    return services.accounts.by_username_in(caller.scope, username)


@router.put(
    "/accounts/{username}/roles",
    summary="Replace an account's roles",
    response_model=AccountPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_MANAGE),
)
def set_roles(
    username: str, body: RolesIn, services: ServicesDep, caller: CallerDep
) -> AccountPublic:
    account = _target(services, caller, username)
    changed = services.accounts.set_roles(_principal(caller), account.id, body.roles)
    return AccountPublic.of(changed)


@router.put(
    "/accounts/{username}/training",
    summary="Record completed training",
    response_model=AccountPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_MANAGE),
)
def record_training(
    username: str, body: TrainingIn, services: ServicesDep, caller: CallerDep
) -> AccountPublic:
    account = _target(services, caller, username)
    changed = services.accounts.record_training(
        _principal(caller), account.id, body.completed_on, body.expires_on
    )
    return AccountPublic.of(changed)


@router.post(
    "/accounts/{username}/suspend",
    summary="Suspend an account; its sessions end",
    response_model=AccountPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_MANAGE),
)
def suspend(username: str, services: ServicesDep, caller: CallerDep) -> AccountPublic:
    account = _target(services, caller, username)
    changed = services.accounts.suspend(_principal(caller), account.id)
    return AccountPublic.of(changed)


@router.post(
    "/accounts/{username}/unlock",
    summary="Release a username locked after failed sign-ins (CJIS AC-7)",
    response_model=AccountPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_MANAGE),
)
def unlock(username: str, services: ServicesDep, caller: CallerDep) -> AccountPublic:
    account = _target(services, caller, username)
    changed = services.accounts.unlock(_principal(caller), account.id)
    return AccountPublic.of(changed)


@router.post(
    "/accounts/{username}/reactivate",
    summary="Reactivate a suspended account with current training",
    response_model=AccountPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_MANAGE),
)
def reactivate(
    username: str, body: ReactivateIn, services: ServicesDep, caller: CallerDep
) -> AccountPublic:
    account = _target(services, caller, username)
    training = body.training
    changed = services.accounts.reactivate(
        _principal(caller),
        account.id,
        None if training is None else training.completed_on,
        None if training is None else training.expires_on,
    )
    return AccountPublic.of(changed)


@router.post(
    "/accounts/{username}/deactivate",
    summary="Deactivate the account of someone who left; sessions and tokens end",
    response_model=AccountPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_MANAGE),
)
def deactivate(username: str, services: ServicesDep, caller: CallerDep) -> AccountPublic:
    account = _target(services, caller, username)
    changed = services.accounts.deactivate(_principal(caller), account.id)
    return AccountPublic.of(changed)


@router.put(
    "/accounts/{username}/password",
    summary="Set another person's password; their sessions end",
    status_code=204,
    response_class=Response,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_MANAGE),
)
def set_password(
    username: str, body: PasswordSet, services: ServicesDep, caller: CallerDep
) -> Response:
    account = _target(services, caller, username)
    services.accounts.set_password(_principal(caller), account.id, body.password)
    return Response(status_code=204)


@router.post(
    "/accounts/{username}/second-factors/reset",
    summary="Remove another person's second factors; they enrol again, sessions and tokens end",
    status_code=204,
    response_class=Response,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_MANAGE),
)
def reset_second_factors(username: str, services: ServicesDep, caller: CallerDep) -> Response:
    account = _target(services, caller, username)
    services.accounts.reset_second_factors(_principal(caller), account.id)
    return Response(status_code=204)


@router.put(
    "/auth/password",
    summary="Change your own password",
    status_code=204,
    response_class=Response,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def change_own_password(
    body: OwnPasswordChange, services: ServicesDep, caller: CallerDep
) -> Response:
    principal = _principal(caller)
    services.accounts.set_password(
        principal,
        principal.account.id,
        body.new_password,
        current_password=body.current_password,
    )
    return Response(status_code=204)


@router.get(
    "/tokens",
    summary="Your API tokens",
    response_model=TokenList,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def list_tokens(services: ServicesDep, caller: CallerDep) -> TokenList:
    tokens = services.accounts.list_api_tokens(_principal(caller))
    return TokenList(tokens=[TokenPublic.of(token) for token in tokens])


@router.post(
    "/tokens",
    summary="Issue an API token for a service acting for you",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenIssued,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def issue_token(body: TokenCreate, services: ServicesDep, caller: CallerDep) -> TokenIssued:
    token, plaintext = services.accounts.issue_api_token(
        _principal(caller), body.name, body.days, scopes=body.scopes
    )
    return TokenIssued(**TokenPublic.of(token).model_dump(), token=plaintext)


@router.delete(
    "/tokens/{token_id}",
    summary="Revoke one of your API tokens",
    response_model=TokenPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def revoke_token(token_id: str, services: ServicesDep, caller: CallerDep) -> TokenPublic:
    token = services.accounts.revoke_api_token(_principal(caller), token_id)
    return TokenPublic.of(token)
