"""People for custodians: the agency's accounts with their roles, training and standing; adding a
person, setting roles, recording training, suspending, reactivating and deactivating, and
releasing a sign-in lock.

Everything goes through ``services.accounts`` with the custodian's own authority, as the API
does: the service decides (never one's own account, never another agency's), logs and acts.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from platekeeper.accounts.authority import Acting
from platekeeper.accounts.messages import SUSPENSION_REASONS
from platekeeper.accounts.passwords import check_password_rules
from platekeeper.domain.people import DEVICE_ROLES, Account, AccountStatus, Role
from platekeeper.domain.permissions import Permission
from platekeeper.errors import InvalidInput, NotFound, PlateKeeperError
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.web.pages.admin import done, invalid, refused
from platekeeper.web.pages.caller import person
from platekeeper.web.pages.fields import day
from platekeeper.web.rendering import render

router = APIRouter(include_in_schema=False)

PERSON_ROLES = tuple(role for role in Role if role not in DEVICE_ROLES)
TRAINING_WARNING = timedelta(days=30)
"""Training that expires within this is badged, so that it is renewed before the account lapses."""
GENERATED_PASSWORD_BYTES = 18

NOTICES = {
    "roles": "The roles were changed; a privileged role added waits for a second privileged "
    "person's approval.",
    "training": "The training was recorded.",
    "suspended": "The account was suspended; its sessions ended.",
    "reactivated": "The account was reactivated.",
    "deactivated": "The account was deactivated; its sessions and API tokens ended.",
    "unlocked": "The sign-in lock was released.",
    "factors_reset": "The second factors were removed: the person enrols a new one at their "
    "next sign-in; their sessions and API tokens ended.",
}


class PersonForm(BaseModel):
    username: str = Field(default="", max_length=64)
    display_name: str = Field(default="", max_length=200)
    job_title: str = Field(default="", max_length=200)
    roles: list[str] = Field(default_factory=list, max_length=len(PERSON_ROLES))
    training_completed_on: str = Field(default="", max_length=10)
    training_expires_on: str = Field(default="", max_length=10)
    sign_in: str = Field(default="generate", max_length=10)
    """How the first sign-in works: a generated password, or the one typed."""
    password: str = Field(default="", max_length=1024, repr=False)


class TrainingForm(BaseModel):
    completed_on: str = Field(default="", max_length=10)
    expires_on: str = Field(default="", max_length=10)

    def completed(self) -> date:
        completed = self.completed_if_given()
        if completed is None:
            raise invalid("completed_on", "give the day the training was completed")
        return completed

    def completed_if_given(self) -> date | None:
        return day(self.completed_on, "completed_on")

    def expires(self) -> date | None:
        return day(self.expires_on, "expires_on")


# -- the agency's people -----------------------------------------------------------------------


@router.get(
    "/people", response_class=HTMLResponse, dependencies=requires(Permission.ACCOUNTS_MANAGE)
)
def people_page(request: Request, services: ServicesDep, caller: CallerDep) -> HTMLResponse:
    context = _people_context(services, caller, PersonForm())
    return render(request, "pages/people/index.html", context, caller=caller)


@router.post(
    "/people", response_class=HTMLResponse, dependencies=requires(Permission.ACCOUNTS_MANAGE)
)
def add_person(
    request: Request,
    form: Annotated[PersonForm, Form()],
    services: ServicesDep,
    caller: CallerDep,
) -> HTMLResponse:
    custodian = person(caller)
    try:
        roles = [_role(value) for value in form.roles]
        training = TrainingForm(
            completed_on=form.training_completed_on, expires_on=form.training_expires_on
        )
        generated = form.sign_in != "typed"
        password = _generated(form.username) if generated else form.password
        account = services.accounts.create(
            custodian,
            username=form.username.strip(),
            display_name=form.display_name,
            agency_id=custodian.account.agency_id,
            job_title=form.job_title,
            roles=roles,
            training_completed_on=training.completed(),
            training_expires_on=training.expires(),
            password=password,
        )
    except PlateKeeperError as error:
        # The password typed is never sent back to the browser.
        kept = form.model_copy(update={"password": ""})
        context = _people_context(services, caller, kept)
        return refused(request, "pages/people/index.html", context, caller, error)
    context = {"account": account, "password": password if generated else None}
    return render(request, "pages/people/added.html", context, caller=caller)


def _people_context(services: Services, caller: Caller, form: PersonForm) -> dict[str, Any]:
    accounts = services.accounts.list(caller.scope.agency_id)
    today = services.clock.now().date()
    return {
        "accounts": accounts,
        "suspended": [a for a in accounts if a.status is AccountStatus.SUSPENDED],
        "training": {a.id: _training_state(a, today) for a in accounts},
        "reasons": SUSPENSION_REASONS,
        "roles": PERSON_ROLES,
        "typed": form,
        "today": today,
    }


# -- one person --------------------------------------------------------------------------------


@router.get(
    "/people/{username}",
    response_class=HTMLResponse,
    dependencies=requires(Permission.ACCOUNTS_MANAGE),
)
def person_page(
    request: Request,
    username: str,
    services: ServicesDep,
    caller: CallerDep,
    notice: Annotated[str, Query(alias="done", max_length=20)] = "",
) -> HTMLResponse:
    context = _person_context(services, caller, username)
    context["notice"] = NOTICES.get(notice)
    return render(request, "pages/people/person.html", context, caller=caller)


@router.post("/people/{username}/roles", dependencies=requires(Permission.ACCOUNTS_MANAGE))
def set_roles(
    request: Request,
    username: str,
    services: ServicesDep,
    caller: CallerDep,
    roles: Annotated[list[str] | None, Form(max_length=len(PERSON_ROLES))] = None,
) -> Response:
    def act(account: Account) -> None:
        chosen = [_role(value) for value in roles or []]
        services.accounts.set_roles(person(caller), account.id, chosen)

    return _change(request, services, caller, username, what="roles", act=act)


@router.post("/people/{username}/training", dependencies=requires(Permission.ACCOUNTS_MANAGE))
def record_training(
    request: Request,
    username: str,
    form: Annotated[TrainingForm, Form()],
    services: ServicesDep,
    caller: CallerDep,
) -> Response:
    def act(account: Account) -> None:
        completed, expires = form.completed(), form.expires()
        services.accounts.record_training(person(caller), account.id, completed, expires)

    return _change(request, services, caller, username, what="training", act=act, typed=form)


@router.post("/people/{username}/reactivate", dependencies=requires(Permission.ACCOUNTS_MANAGE))
def reactivate(
    request: Request,
    username: str,
    form: Annotated[TrainingForm, Form()],
    services: ServicesDep,
    caller: CallerDep,
) -> Response:
    def act(account: Account) -> None:
        completed, expires = form.completed_if_given(), form.expires()
        services.accounts.reactivate(person(caller), account.id, completed, expires)

    return _change(request, services, caller, username, what="reactivated", act=act, typed=form)


SIMPLE_CHANGES = {
    "suspend": "suspended",
    "deactivate": "deactivated",
    "unlock": "unlocked",
    "reset-second-factors": "factors_reset",
}
"""The changes that need nothing but the account, and the notice each leaves."""


@router.post("/people/{username}/{change}", dependencies=requires(Permission.ACCOUNTS_MANAGE))
def suspend_or_deactivate(
    request: Request, username: str, change: str, services: ServicesDep, caller: CallerDep
) -> Response:
    if change not in SIMPLE_CHANGES:
        raise NotFound(f"there is no change called {change!r}")
    methods: dict[str, Callable[[Acting, str], object]] = {
        "suspend": services.accounts.suspend,
        "deactivate": services.accounts.deactivate,
        "unlock": services.accounts.unlock,
        "reset-second-factors": services.accounts.reset_second_factors,
    }

    def act(account: Account) -> None:
        methods[change](person(caller), account.id)

    return _change(request, services, caller, username, what=SIMPLE_CHANGES[change], act=act)


def _change(
    request: Request,
    services: Services,
    caller: Caller,
    username: str,
    *,
    what: str,
    act: Callable[[Account], None],
    typed: TrainingForm | None = None,
) -> Response:
    """``act`` on the account, then back to its page; or its page with the refusal, beside the
    form that was used, with what was typed."""
    account = _in_agency(services, caller, username)
    try:
        act(account)
    except PlateKeeperError as error:
        context = _person_context(services, caller, username)
        context.update({"failed": what, "typed": typed or TrainingForm()})
        return refused(request, "pages/people/person.html", context, caller, error)
    return done(f"/people/{account.username}?done={what}")


def _person_context(services: Services, caller: Caller, username: str) -> dict[str, Any]:
    account = _in_agency(services, caller, username)
    today = services.clock.now().date()
    return {
        "account": account,
        "own": account.id == person(caller).account.id,
        "locked": services.accounts.is_locked(account),
        "training_state": _training_state(account, today),
        "reasons": SUSPENSION_REASONS,
        "roles": PERSON_ROLES,
        "typed": TrainingForm(),
        "failed": None,
        "today": today,
        "valid_days": services.settings.accounts.training_valid_days,
    }


def _in_agency(services: Services, caller: Caller, username: str) -> Account:
    # Another agency's accounts do not exist for a custodian.
    return services.accounts.by_username_in(caller.scope, username)


def _training_state(account: Account, today: date) -> str:
    """``missing``, ``lapsed``, ``expiring`` (within ``TRAINING_WARNING``) or ``current``."""
    training = account.training
    if training is None:
        return "missing"
    if not training.current_on(today):
        return "lapsed"
    if training.expires_on - today <= TRAINING_WARNING:
        return "expiring"
    return "current"


def _role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        role = Role.CAMERA
    if role in DEVICE_ROLES:
        raise invalid("roles", f"{value!r} is not a role of people")
    return role


def _generated(username: str) -> str:
    """A random initial password that meets the password rules."""
    if not username.strip():
        return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)  # the username is refused anyway
    while True:
        password = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
        try:
            check_password_rules(password, username)
        except InvalidInput:
            continue
        return password
