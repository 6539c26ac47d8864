"""The demo agency's staff: a person per role, and a second custodian and supervisor so that the
two-person rules can be tried (a share request approved by a custodian other than the one who
entered it, a legal hold or a search approval by someone other than the one who asked), with
fresh passwords and TOTP secrets each run.

A demo is for trying things out, so every run sets new random passwords and second factors and
prints them (the secret goes into any authenticator app); a real deployment creates accounts with
``platekeeper user add``, never prints a password, and each person enrols their own factor.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from platekeeper.accounts.authority import HostOperator
from platekeeper.accounts.totp import new_secret
from platekeeper.demo.scenario import AGENCY_ID
from platekeeper.domain.access import Actor
from platekeeper.domain.people import Role
from platekeeper.services import Services

DEMO_OPERATOR = HostOperator(Actor("demo", "-"))


@dataclass(frozen=True, slots=True)
class DemoPerson:
    username: str
    display_name: str
    job_title: str
    role: Role


# Each title is one the demo policy lists for the role (``demo/policy.py``): accounts are held
# to the policy's [[access]] section.
DEMO_STAFF = (
    DemoPerson("oliver.ortiz", "Oliver Ortiz", "Police Officer", Role.OFFICER),
    DemoPerson("ana.alvarez", "Ana Alvarez", "Crime Analyst", Role.ANALYST),
    DemoPerson("sam.sato", "Sam Sato", "Sergeant (investigations)", Role.SUPERVISOR),
    DemoPerson("cora.chen", "Cora Chen", "Records Manager", Role.CUSTODIAN),
    DemoPerson("audrey.adams", "Audrey Adams", "Professional Standards Investigator", Role.AUDITOR),
    # The second of each pair a two-person rule needs.
    DemoPerson("carlos.cruz", "Carlos Cruz", "Records Manager", Role.CUSTODIAN),
    DemoPerson("lena.lopez", "Lena Lopez", "Lieutenant", Role.SUPERVISOR),
)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    role: Role
    password: str
    totp_secret: str
    """A demo's only: a real person's secret is shown once, to them, at enrolment."""


def ensure_demo_staff(services: Services) -> list[DemoLogin]:
    """Create the demo staff where missing, give each a new password, and return the logins."""
    today = services.clock.now().date()
    logins = []
    for person in DEMO_STAFF:
        password = secrets.token_urlsafe(12)
        existing = services.store.accounts.by_username(person.username)
        if existing is None:
            services.accounts.create(
                DEMO_OPERATOR,
                username=person.username,
                display_name=person.display_name,
                agency_id=AGENCY_ID,
                job_title=person.job_title,
                roles=[person.role],
                training_completed_on=today,
                password=password,
            )
        else:
            services.accounts.set_password(DEMO_OPERATOR, existing.id, password)
            services.accounts.reset_second_factors(DEMO_OPERATOR, existing.id)
        account = services.accounts.by_username(person.username)
        secret = new_secret()
        services.second_factors.seed_totp(DEMO_OPERATOR, account.id, secret, "demo authenticator")
        logins.append(DemoLogin(person.username, person.role, password, secret))
    return logins
