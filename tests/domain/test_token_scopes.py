"""Token scopes, without a server: they split people's permissions, and the gate holds them."""

from __future__ import annotations

import pytest

from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessRecord, Actor
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.people import DEVICE_ROLES, Role
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.domain.token_scopes import (
    SCOPE_PERMISSIONS,
    OutsideTokenScope,
    TokenScope,
    parse_scopes,
    scope_permissions,
    scopes_reaching,
    scopes_text,
)
from platekeeper.errors import InvalidInput, PermissionDenied
from tests.conftest import FixedClock

PEOPLE = [role for role in Role if role not in DEVICE_ROLES]


class Sink:
    def __init__(self) -> None:
        self.events: list[AccessEvent] = []

    def record(self, event: AccessEvent) -> AccessRecord:
        self.events.append(event)
        return AccessRecord(len(self.events), event, "", "")


def test_the_scopes_split_every_permission_of_people_once() -> None:
    peoples = permissions_of(PEOPLE)
    for permission in peoples:
        holders = [scope for scope, named in SCOPE_PERMISSIONS.items() if permission in named]
        assert len(holders) == 1, f"{permission} is in scopes {holders}"
    # The devices' permissions (a camera's, a directory's) are no person's, and no token's.
    assert Permission.READS_INGEST not in scope_permissions(TokenScope)
    assert Permission.ACCOUNTS_PROVISION not in scope_permissions(TokenScope)
    assert scope_permissions(TokenScope) == peoples


def test_a_role_reaches_the_scopes_that_give_it_something() -> None:
    # records:view (the retention and reports pages) is the records scope's, the custodian's too.
    assert scopes_reaching([Role.AUDITOR]) == {
        TokenScope.AUDIT,
        TokenScope.RECORDS,
        TokenScope.PROFILE,
    }
    assert TokenScope.HOTLISTS in scopes_reaching([Role.OFFICER])  # it may look at lists
    assert TokenScope.ACCOUNTS not in scopes_reaching([Role.SUPERVISOR])
    assert scopes_reaching([]) == frozenset()


def test_scopes_are_parsed_from_names_and_written_in_one_order() -> None:
    assert parse_scopes(["search,alerts", "ingest-admin"]) == {
        TokenScope.SEARCH,
        TokenScope.ALERTS,
        TokenScope.INGEST_ADMIN,
    }
    assert scopes_text([TokenScope.SEARCH, TokenScope.ALERTS]) == "alerts search"
    assert parse_scopes([scopes_text(TokenScope)]) == set(TokenScope)
    assert parse_scopes([""]) == frozenset()
    with pytest.raises(InvalidInput, match="'admin' is not a token scope") as refused:
        parse_scopes(["search admin"])
    assert "ingest-admin" in (refused.value.hint or "")


def test_the_gate_refuses_outside_the_scopes_and_logs_it(clock: FixedClock) -> None:
    sink = Sink()
    gate = AccessGate(sink, clock)
    supervisor = frozenset({Role.SUPERVISOR})
    searcher = Person(
        Actor("sam", "demo-pd"), supervisor, "10.0.0.1", scope_permissions([TokenScope.SEARCH])
    )
    with pytest.raises(OutsideTokenScope, match="outside the API token's scopes") as refused:
        gate.permitted(Access(searcher, Stated(), Permission.HOTLISTS_MANAGE, {}))
    assert refused.value.code == "token_scope"
    assert "hotlists" in (refused.value.hint or "")
    assert sink.events[-1].outcome is AccessOutcome.DENIED
    assert sink.events[-1].action == "hotlists:manage"
    # Inside the scope the roles decide; the entry says a token's scope was kept.
    gate.permitted(Access(searcher, Stated(), Permission.READS_SEARCH, {}))
    gate.allowed(Access(searcher, Stated(), Permission.READS_SEARCH, {}))
    assert "within the API token's scopes" in sink.events[-1].reason
    # A scope never adds to the roles: an officer's token for hot lists manages none.
    officer = Person(
        Actor("olivia", "demo-pd"),
        frozenset({Role.OFFICER}),
        None,
        scope_permissions([TokenScope.HOTLISTS]),
    )
    with pytest.raises(PermissionDenied, match="not granted to roles officer") as by_role:
        gate.permitted(Access(officer, Stated(), Permission.HOTLISTS_MANAGE, {}))
    assert by_role.value.code == "forbidden"
    # A session (no scopes) is decided by its roles alone.
    gate.permitted(
        Access(
            Person(Actor("sam", "demo-pd"), supervisor), Stated(), Permission.HOTLISTS_MANAGE, {}
        )
    )
