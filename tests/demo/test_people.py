"""The demo's staff: two custodians and two supervisors, so that every two-person rule can be
tried with the demo's own people."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.demo.people import DEMO_STAFF, ensure_demo_staff
from platekeeper.demo.scenario import demo_agency
from platekeeper.domain.access import Actor
from platekeeper.domain.gate import Person
from platekeeper.domain.holds import HoldStatus, PlateSpan
from platekeeper.domain.people import Role
from platekeeper.errors import PermissionDenied
from platekeeper.services import Services


@pytest.fixture
def services(services: Services) -> Services:
    """The demo's agency, as the demo adds it before its people."""
    services.store.agencies.add(demo_agency(services.clock.now()))
    return services


def _person(services: Services, username: str) -> Person:
    account = services.accounts.by_username(username)
    return Person(Actor(account.username, account.agency_id), account.roles)


def test_each_two_person_rule_has_its_second_person(services: Services) -> None:
    logins = ensure_demo_staff(services)
    roles = [login.role for login in logins]
    assert roles.count(Role.CUSTODIAN) == 2
    assert roles.count(Role.SUPERVISOR) == 2
    assert len({login.username for login in logins}) == len(DEMO_STAFF)
    assert len({login.password for login in logins}) == len(DEMO_STAFF)


def test_one_custodian_asks_for_a_hold_and_the_other_approves_it(services: Services) -> None:
    ensure_demo_staff(services)
    cora, carlos = (_person(services, name) for name in ("cora.chen", "carlos.cruz"))
    now = services.clock.now()
    hold = services.holds.request(
        cora,
        case_number="2026-000123",
        reason="A court order keeps this plate's reads for the trial.",
        expires_at=now + timedelta(days=90),
        plates=PlateSpan("7ABC123", now - timedelta(days=7), now),
    )
    with pytest.raises(PermissionDenied):
        services.holds.approve(cora, hold.id)
    approved = services.holds.approve(carlos, hold.id)
    assert approved.status(now) is HoldStatus.ACTIVE
    assert approved.approved_by == "carlos.cruz"


def test_a_second_run_keeps_the_people_and_gives_new_passwords(services: Services) -> None:
    first = {login.username: login for login in ensure_demo_staff(services)}
    second = {login.username: login for login in ensure_demo_staff(services)}
    assert first.keys() == second.keys()
    assert all(first[name].password != second[name].password for name in first)
    account = services.accounts.by_username("carlos.cruz")
    assert account.roles == frozenset({Role.CUSTODIAN})
    assert first["carlos.cruz"].totp_secret != second["carlos.cruz"].totp_secret
