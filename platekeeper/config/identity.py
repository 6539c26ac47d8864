"""How people are known to the agency's directory: its groups, as roles and agencies here.

Single sign-on (``[oidc]``) and provisioning (SCIM, ``/scim/v2``) both read this one mapping.
"""

from __future__ import annotations

from pydantic import Field

from platekeeper.config.base import Section
from platekeeper.domain.federation import GroupMapping
from platekeeper.domain.people import Role


class IdentitySettings(Section):
    group_roles: dict[str, tuple[Role, ...]] = Field(
        default_factory=dict,
        description="Directory group name to the roles it grants, e.g. "
        '{ "ALPR-Analysts" = ["analyst"] }. A group not named grants nothing.',
    )
    group_agencies: dict[str, str] = Field(
        default_factory=dict,
        description="Directory group name to the agency id its members belong to.",
    )
    default_agency: str | None = Field(
        default=None,
        description="The agency of a person none of whose groups names one; unset, such a "
        "person is refused. Provisioning (SCIM) places them in its token's agency instead.",
    )
    scim_token_max_days: int = Field(
        default=365,
        ge=1,
        le=730,
        description="Longest lifetime of a provisioning (SCIM) token, which a custodian "
        "issues to the agency's directory.",
    )

    def mapping(self) -> GroupMapping:
        return GroupMapping(
            {group: frozenset(roles) for group, roles in self.group_roles.items()},
            dict(self.group_agencies),
            self.default_agency,
        )
