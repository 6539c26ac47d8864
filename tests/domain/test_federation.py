"""Directory groups to roles and an agency: the one rule single sign-on and provisioning share."""

from __future__ import annotations

import pytest

from platekeeper.domain.federation import GroupMapping
from platekeeper.domain.people import Role
from platekeeper.errors import InvalidInput, PermissionDenied

MAPPING = GroupMapping(
    {
        "ALPR-Analysts": frozenset({Role.ANALYST}),
        "ALPR-Supervisors": frozenset({Role.SUPERVISOR, Role.ANALYST}),
        "Records": frozenset({Role.AUDITOR}),
    },
    {"North-Precinct": "north-pd", "South-Precinct": "south-pd"},
    default_agency="demo-pd",
)


def test_roles_are_the_union_of_what_the_groups_grant() -> None:
    assert MAPPING.roles_for(["ALPR-Analysts", "Records"]) == {Role.ANALYST, Role.AUDITOR}
    assert MAPPING.roles_for(["ALPR-Supervisors"]) == {Role.SUPERVISOR, Role.ANALYST}
    assert MAPPING.roles_for(["Everyone", "VPN-Users"]) == frozenset()
    assert MAPPING.roles_for([]) == frozenset()


def test_group_names_are_compared_exactly() -> None:
    # 'alpr-analysts' may be another group in the directory: it grants nothing here.
    assert MAPPING.roles_for(["alpr-analysts", "ALPR-Analysts "]) == frozenset()


def test_the_agency_is_the_one_the_groups_name_else_the_default() -> None:
    assert MAPPING.agency_for(["ALPR-Analysts", "North-Precinct"]) == "north-pd"
    assert MAPPING.agency_for(["ALPR-Analysts"]) == "demo-pd"


def test_groups_naming_two_agencies_are_refused() -> None:
    with pytest.raises(PermissionDenied, match="2 agencies"):
        MAPPING.agency_for(["North-Precinct", "South-Precinct"])


def test_without_a_default_a_person_in_no_agency_group_is_refused() -> None:
    mapping = GroupMapping({"ALPR-Analysts": frozenset({Role.ANALYST})}, {})
    with pytest.raises(PermissionDenied, match="no agency"):
        mapping.agency_for(["ALPR-Analysts"])


def test_no_group_can_make_a_person_a_camera() -> None:
    with pytest.raises(InvalidInput, match="camera"):
        GroupMapping({"Cameras": frozenset({Role.CAMERA})})


def test_a_mapping_without_groups_is_not_configured() -> None:
    assert not GroupMapping().configured
    assert MAPPING.configured
