"""The demo agency's staff: one person per role, with fresh passwords each run.

A demo is for trying things out, so every run sets new random passwords and prints them; a real
deployment creates accounts with ``platekeeper user add`` and never prints a password.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from platekeeper.accounts.authority import HostOperator
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
)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    role: Role
    password: str


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
        logins.append(DemoLogin(person.username, person.role, password))
    return logins
