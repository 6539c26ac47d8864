"""One account per role in the live app's agency, each with an API token, and sign-in helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import httpx

from platekeeper.accounts.authority import HostOperator
from platekeeper.domain.access import Actor
from platekeeper.domain.people import DEVICE_ROLES, Account, Role
from platekeeper.domain.token_scopes import scopes_reaching
from platekeeper.services import Services
from tests.accounts.conftest import job_title_for
from tests.api.conftest import LiveApp
from tests.factors import Authenticators

CONSOLE = HostOperator(Actor("cli:test", "-"))
PASSWORD = "correct horse battery staple"
PERSON_ROLES = [role for role in Role if role not in DEVICE_ROLES]


@dataclass(frozen=True)
class Person:
    account: Account
    token: str
    authenticators: Authenticators

    def code(self) -> str:
        """A fresh code of the person's test authenticator."""
        return self.authenticators.code(self.account)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def add_person(services: Services, username: str, role: Role, agency_id: str = "demo-pd") -> Person:
    account = services.accounts.create(
        CONSOLE,
        username=username,
        display_name=username.title(),
        agency_id=agency_id,
        job_title=job_title_for(services.accounts, [role], role.value.title()),
        roles=[role],
        training_completed_on=date(2026, 6, 1),
        password=PASSWORD,
    )
    authenticators = Authenticators.of(services)
    authenticators.enrol(account)
    # The tests act through the token as the person would: with every scope their roles reach.
    scopes = scopes_reaching(account.roles)
    _, token = services.accounts.issue_api_token(
        CONSOLE, "tests", 30, account_id=account.id, scopes=scopes
    )
    return Person(account, token, authenticators)


def staff(services: Services) -> dict[Role, Person]:
    """One person per role, named after it (officer: 'olivia', analyst: 'avery', ...)."""
    names = {
        Role.OFFICER: "olivia",
        Role.ANALYST: "avery",
        Role.SUPERVISOR: "sam",
        Role.CUSTODIAN: "casey",
        Role.AUDITOR: "aude",
    }
    return {role: add_person(services, names[role], role) for role in PERSON_ROLES}


def sign_in(app: LiveApp, username: str, password: str = PASSWORD) -> tuple[httpx.Client, str]:
    """A client holding the session cookie, and the CSRF token to send with changes: the
    password, then a code from the person's test authenticator (enrolled now if they had none)."""
    auth = Authenticators.of(app.services)
    account = auth.holding(username)
    with app.client() as login:
        response = login.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        assert response.json()["second_factor_required"], response.text
        response = login.post(
            "/api/v1/auth/second-factor",
            json={
                "pending_token": response.json()["pending_token"],
                "code": auth.code(account),
            },
        )
    assert response.status_code == 200, response.text
    # The cookie is Secure; tests speak plain HTTP to 127.0.0.1, so carry it by hand.
    client = app.client()
    client.headers["Cookie"] = f"pk_session={response.cookies['pk_session']}"
    return client, response.json()["csrf_token"]
