"""The directory's rules, pure: which account a directory's person should have, which groups a
directory may use, and what a userName becomes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.domain.directory import (
    DirectoryGroup,
    DirectoryToken,
    DirectoryUser,
    account_standing,
    directory_username,
    require_group_of_agency,
)
from platekeeper.domain.federation import GroupMapping
from platekeeper.domain.people import Account, AccountStatus, Role
from platekeeper.errors import InvalidInput, PermissionDenied
from tests.conftest import NOW

MAPPING = GroupMapping(
    {
        "ALPR-Analysts": frozenset({Role.ANALYST}),
        "ALPR-Supervisors": frozenset({Role.SUPERVISOR, Role.ANALYST}),
    },
    {"ALPR-Analysts": "demo-pd", "Other-Analysts": "other-pd"},
)


def _user(active: bool = True) -> DirectoryUser:
    return DirectoryUser("u1", "demo-pd", "jane.doe", "Jane Doe", active, NOW, NOW)


def _group(name: str) -> DirectoryGroup:
    return DirectoryGroup(name.lower(), "demo-pd", name, NOW, NOW)


def test_roles_come_from_every_group_and_only_an_active_person_keeps_them() -> None:
    groups = [_group("ALPR-Analysts"), _group("ALPR-Supervisors"), _group("Cafeteria")]
    standing = account_standing(MAPPING, _user(), groups)
    assert standing.roles == {Role.ANALYST, Role.SUPERVISOR}
    assert standing.active
    assert not account_standing(MAPPING, _user(active=False), groups).active
    assert "deactivated" in account_standing(MAPPING, _user(active=False), groups).reason
    nothing = account_standing(MAPPING, _user(), [_group("Cafeteria")])
    assert not nothing.active
    assert nothing.reason == "no group of the person grants a role"


def test_a_directory_may_not_use_a_group_of_another_agency() -> None:
    require_group_of_agency(MAPPING, "ALPR-Analysts", "demo-pd")
    require_group_of_agency(MAPPING, "Cafeteria", "demo-pd")  # names no agency: the token's
    with pytest.raises(PermissionDenied) as refused:
        require_group_of_agency(MAPPING, "Other-Analysts", "demo-pd")
    assert "other-pd" not in refused.value.message


@pytest.mark.parametrize(
    ("sent", "kept"), [("Jane.Doe", "jane.doe"), ("  JDOE ", "jdoe"), ("j_doe-2", "j_doe-2")]
)
def test_a_user_name_is_kept_in_lower_case(sent: str, kept: str) -> None:
    assert directory_username(sent) == kept


@pytest.mark.parametrize("sent", ["jane.doe@demo-pd.gov", "night.shift", "", "1jane"])
def test_a_user_name_that_is_no_username_here_is_refused(sent: str) -> None:
    with pytest.raises(InvalidInput):
        directory_username(sent)


def test_a_machine_role_is_never_granted_by_a_group() -> None:
    with pytest.raises(InvalidInput):
        GroupMapping({"Directory-Admins": frozenset({Role.DIRECTORY})})


def test_a_token_expires_and_stops_at_revocation() -> None:
    later = NOW + timedelta(days=30)
    token = DirectoryToken("t1", "demo-pd", "entra-id", "h", "casey", NOW, later)
    assert token.usable_at(NOW)
    assert not token.usable_at(later)
    with pytest.raises(InvalidInput):
        DirectoryToken("t1", "demo-pd", "entra-id", "h", "casey", NOW, NOW)


def test_no_persons_account_holds_the_directory_role() -> None:
    with pytest.raises(InvalidInput, match="directory role"):
        Account(
            "a1",
            "jane.doe",
            "Jane Doe",
            "demo-pd",
            "Detective",
            frozenset({Role.ANALYST, Role.DIRECTORY}),
            AccountStatus.ACTIVE,
            NOW,
        )
