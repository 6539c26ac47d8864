"""An account service on each backend, with a cheap password hash and a recording sink."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pytest
from argon2 import PasswordHasher

from platekeeper.accounts.authority import HostOperator
from platekeeper.accounts.passwords import Passwords
from platekeeper.accounts.sealing import SecretSeal
from platekeeper.accounts.second_factor import SecondFactors
from platekeeper.accounts.service import AccountService
from platekeeper.config import AccountSettings
from platekeeper.domain.access import AccessEvent, AccessRecord, Actor, seal
from platekeeper.domain.people import Account, Role
from platekeeper.store import Store
from tests.conftest import FixedClock
from tests.factors import Authenticators
from tests.store.conftest import empty_store, store  # noqa: F401 - fixtures used by the tests

PASSWORD = "correct horse battery"
OPERATOR = HostOperator(Actor("cli:root", "-"))
TRAINED_ON = date(2026, 6, 1)


class RecordingSink:
    """Keeps every event, in order, as the access log would."""

    def __init__(self) -> None:
        self.events: list[AccessEvent] = []

    def record(self, event: AccessEvent) -> AccessRecord:
        self.events.append(event)
        return seal(len(self.events), event, "0" * 64)

    def actions(self) -> list[tuple[str, str]]:
        return [(event.action, event.outcome.value) for event in self.events]


def cheap_passwords() -> Passwords:
    # argon2 is slow on purpose; tests use the cheapest parameters, never production.
    return Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def accounts(store: Store, clock: FixedClock, sink: RecordingSink) -> AccountService:  # noqa: F811
    return AccountService(store, clock, AccountSettings(), sink, passwords=cheap_passwords())


@pytest.fixture
def factors(
    store: Store,  # noqa: F811
    clock: FixedClock,
    sink: RecordingSink,
    accounts: AccountService,
) -> SecondFactors:
    return SecondFactors(
        store, clock, AccountSettings(), sink, accounts=accounts, seal=SecretSeal.generated()
    )


@pytest.fixture
def auth(
    accounts: AccountService,
    factors: SecondFactors,
    store: Store,  # noqa: F811
    clock: FixedClock,
) -> Authenticators:
    return Authenticators(accounts, factors, store, clock)


def job_title_for(service: AccountService, roles: Iterable[Role], default: str) -> str:
    """A job title the policy file lets hold every one of ``roles``, or ``default`` where no
    policy file sets titles: people in tests are staffed as the policy says."""
    rules = service.staffing.roles
    if rules is None:
        return default
    allowed = [rules[role].job_titles for role in roles if role in rules]
    common = sorted(frozenset.intersection(*allowed)) if allowed else []
    return common[0] if common else default


def add_person(
    service: AccountService,
    username: str = "jdoe",
    *roles: Role,
    password: str | None = PASSWORD,
    agency_id: str = "demo-pd",
    trained_on: date = TRAINED_ON,
) -> Account:
    return service.create(
        OPERATOR,
        username=username,
        display_name=f"Person {username}",
        agency_id=agency_id,
        job_title=job_title_for(service, roles or (Role.ANALYST,), "Detective"),
        roles=roles or (Role.ANALYST,),
        training_completed_on=trained_on,
        password=password,
    )
