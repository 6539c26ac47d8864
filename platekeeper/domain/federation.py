"""What an identity provider's groups grant here: roles and an agency.

Agencies keep who works for them, and in which unit, in their directory (Entra ID, Okta, AD FS).
Single sign-on (OpenID Connect, SAML) and provisioning (SCIM) both hand PlateKeeper a person with
a list of groups; this one rule turns those groups into roles and an agency, so that the two ways
in can never disagree about what a person may do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from platekeeper.domain.people import DEVICE_ROLES, Role
from platekeeper.errors import InvalidInput, PermissionDenied

# A camera or the directory is a machine with its own key; no group can make a person one.
_GRANTABLE = frozenset(Role) - DEVICE_ROLES


@dataclass(frozen=True, slots=True)
class GroupMapping:
    """Directory groups to roles and agencies, as the custodian configured them.

    Group names are compared exactly: directories treat them as identifiers, and 'ALPR Analysts'
    and 'alpr analysts' may well be different groups there.
    """

    roles_by_group: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    agency_by_group: Mapping[str, str] = field(default_factory=dict)
    default_agency: str | None = None

    def __post_init__(self) -> None:
        for group, roles in self.roles_by_group.items():
            if not roles <= _GRANTABLE:
                raise InvalidInput(
                    f"group {group!r} is mapped to a machine's role (camera, directory)",
                    hint="Map directory groups to people's roles only.",
                )

    @property
    def configured(self) -> bool:
        return bool(self.roles_by_group)

    def roles_for(self, groups: Iterable[str]) -> frozenset[Role]:
        """Every role any of ``groups`` grants; groups not in the mapping grant nothing."""
        granted: set[Role] = set()
        for group in groups:
            granted |= self.roles_by_group.get(group, frozenset())
        return frozenset(granted)

    def agency_for(self, groups: Iterable[str]) -> str:
        """The one agency ``groups`` place the person in, else the default; refused when the
        groups name two agencies or none and there is no default."""
        found = (self.agency_by_group.get(group) for group in groups)
        agencies = {agency for agency in found if agency is not None}
        if len(agencies) > 1:
            raise PermissionDenied(
                f"the directory places this person in {len(agencies)} agencies",
                hint="Each person belongs to one agency: fix their groups in the directory.",
            )
        if agencies:
            return agencies.pop()
        if self.default_agency is None:
            raise PermissionDenied(
                "the directory places this person in no agency",
                hint="Add them to a group named in identity.group_agencies, or set "
                "identity.default_agency.",
            )
        return self.default_agency
