"""The agency's directory as PlateKeeper keeps it: its provisioning tokens, people and groups.

An agency's directory (Entra ID, Okta) provisions its people here through SCIM: it creates a
person, puts them in groups and takes them out, and switches them off when they leave. What the
directory says is kept as it said it (``DirectoryUser``, ``DirectoryGroup``); the account a
person signs in with follows from it by one rule (``account_standing``): roles from their
groups through the group mapping, active only while the directory says so and some group grants
a role. The directory acts with a token the agency's custodian issued for that agency alone.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from platekeeper.domain.agencies import require_slug
from platekeeper.domain.credentials import hash_token
from platekeeper.domain.federation import GroupMapping
from platekeeper.domain.people import Role, require_person_name, require_username
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import require_utc
from platekeeper.errors import InvalidInput, PermissionDenied

DIRECTORY_TOKEN_PREFIX = "pkp_"  # noqa: S105 - a prefix, not a secret
MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class DirectoryToken:
    """The credential of one agency's directory; it expires, always, and only its hash is kept."""

    id: str
    agency_id: str
    name: str
    token_hash: str
    issued_by: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def __post_init__(self) -> None:
        require_slug(self.agency_id, "agency id")
        if not self.name.strip() or len(self.name) > MAX_NAME:
            raise InvalidInput(
                f"a provisioning token's name has 1 to {MAX_NAME} characters",
                hint="Name the directory that uses it, e.g. 'entra-id'.",
            )
        for name in ("created_at", "expires_at"):
            object.__setattr__(self, name, require_utc(getattr(self, name), name))
        if self.expires_at <= self.created_at:
            raise InvalidInput("a provisioning token must expire after it was issued")

    def usable_at(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


def issue_directory_token() -> tuple[str, str]:
    """A new provisioning token and the hash to store; the token is shown once, never stored."""
    token = DIRECTORY_TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_token(token)


def directory_username(user_name: str) -> str:
    """The username of the account a directory's ``userName`` names: SCIM compares userName
    without case, so it is kept in lower case, and held to the rules of every username here
    (a directory that sends 'jdoe@agency.gov' maps userName to e.g. the mail nickname)."""
    return require_username(user_name.strip().lower())


@dataclass(frozen=True, slots=True)
class DirectoryUser:
    """A person as the directory describes them; ``account_id`` is their account here, once
    a group has granted them a role."""

    id: str
    agency_id: str
    user_name: str
    display_name: str
    active: bool
    created_at: datetime
    updated_at: datetime
    external_id: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    title: str | None = None
    account_id: str | None = None

    def __post_init__(self) -> None:
        require_slug(self.agency_id, "agency id")
        object.__setattr__(self, "user_name", directory_username(self.user_name))
        object.__setattr__(self, "display_name", require_person_name(self.display_name))
        for name in ("created_at", "updated_at"):
            object.__setattr__(self, name, require_utc(getattr(self, name), name))


@dataclass(frozen=True, slots=True)
class DirectoryGroup:
    """A group of the directory and the people in it (``DirectoryUser`` ids)."""

    id: str
    agency_id: str
    display_name: str
    created_at: datetime
    updated_at: datetime
    external_id: str | None = None
    members: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        require_slug(self.agency_id, "agency id")
        if not self.display_name.strip() or len(self.display_name) > 256:
            raise InvalidInput("a group's displayName has 1 to 256 characters")
        for name in ("created_at", "updated_at"):
            object.__setattr__(self, name, require_utc(getattr(self, name), name))


def require_group_of_agency(mapping: GroupMapping, group_name: str, agency_id: str) -> None:
    """A directory provisions into its own agency only: a group the mapping places in another
    agency is refused (the other agency's id is not named)."""
    mapped = mapping.agency_by_group.get(group_name)
    if mapped is not None and not AgencyScope(agency_id).admits(mapped):
        raise PermissionDenied(
            f"group {group_name!r} is mapped to another agency than this token's",
            hint="A directory provisions its own agency only; each agency issues its own "
            "token, or identity.group_agencies is corrected.",
        )


@dataclass(frozen=True, slots=True)
class Standing:
    """What a directory's person should be here: roles, and whether the account is in use."""

    roles: frozenset[Role]
    active: bool

    @property
    def reason(self) -> str:
        if self.active:
            return "roles " + ", ".join(sorted(self.roles))
        if self.roles:
            return "the directory deactivated the person"
        return "no group of the person grants a role"


def account_standing(
    mapping: GroupMapping, user: DirectoryUser, groups: Iterable[DirectoryGroup]
) -> Standing:
    """The account ``user`` should have: the roles their groups grant, in use only while the
    directory says they are active and some group grants a role."""
    roles = mapping.roles_for(group.display_name for group in groups)
    return Standing(roles, user.active and bool(roles))
