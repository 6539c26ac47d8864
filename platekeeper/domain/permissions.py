"""What each role may do. Deny by default: a permission no role grants is a permission nobody has.

Permissions that reveal ALPR information (a read, an image, a vehicle's history, an alert) are
*purpose-bound*: holding the permission is not enough, each use also states a purpose and a case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from platekeeper.domain.people import Role


class Permission(StrEnum):
    READS_INGEST = "reads:ingest"
    READS_SEARCH = "reads:search"
    READS_VIEW = "reads:view"
    IMAGES_VIEW = "images:view"
    READS_EXPORT = "reads:export"
    VEHICLES_HISTORY = "vehicles:history"
    ALERTS_VIEW = "alerts:view"
    ALERTS_VERIFY = "alerts:verify"
    HOTLISTS_VIEW = "hotlists:view"
    HOTLISTS_MANAGE = "hotlists:manage"
    """Create lists, add, import and remove entries."""
    HOTLISTS_RENEW = "hotlists:renew"
    """Extend a manual entry past its default expiry."""
    HOTLISTS_RETROACTIVE = "hotlists:retroactive"
    """Match an entry against stored reads; reveals reads, so purpose-bound."""
    SEARCHES_REQUEST_APPROVAL = "searches:request-approval"
    SEARCHES_APPROVE = "searches:approve"
    ACCOUNTS_MANAGE = "accounts:manage"
    ACCOUNTS_SELF = "accounts:self"
    """One's own profile, sessions and API tokens."""
    AUDIT_READ = "audit:read"
    REPORTS_READ = "reports:read"
    """The compliance report, its sample of searches and the complaints' decisions: the
    auditor's, as it reads the access log."""
    RECORDS_VIEW = "records:view"
    """The retention desk (rules in force, the oldest read kept, the purge's dry run and its
    ledger) and the reports page: counts and days, never plate data or access-log entries."""
    POLICY_MANAGE = "policy:manage"
    SHARING_MANAGE = "sharing:manage"
    """The registry of recipients, share requests, their approval and export."""
    HOLDS_MANAGE = "holds:manage"
    """Ask for a legal hold on reads, and list holds."""
    HOLDS_APPROVE = "holds:approve"
    """Approve or release a legal hold (never one's own request)."""
    READS_CORRECT = "reads:correct"
    """Correct a stored misread's plate text or state; the original is kept."""
    INCIDENTS_MANAGE = "incidents:manage"
    """Raise, assess and notify security incidents (breaches, Civil Code 1798.82)."""
    RECORDS_REQUESTS_MANAGE = "records-requests:manage"
    """The register of public-records (CPRA) requests and their responses."""
    FINDINGS_RESOLVE = "findings:resolve"
    """Mark a compliance report's finding resolved (never by the auditor who made it)."""
    ACCOUNTS_PROVISION = "accounts:provision"
    """The agency's directory creates, changes and deactivates its accounts (SCIM)."""

    @property
    def purpose_bound(self) -> bool:
        return self in PURPOSE_BOUND


PURPOSE_BOUND = frozenset(
    {
        Permission.READS_SEARCH,
        Permission.READS_VIEW,
        Permission.IMAGES_VIEW,
        Permission.READS_EXPORT,
        Permission.VEHICLES_HISTORY,
        Permission.ALERTS_VIEW,
        Permission.HOTLISTS_RETROACTIVE,
        Permission.READS_CORRECT,
    }
)

_PERSON = frozenset({Permission.ACCOUNTS_SELF})
_INVESTIGATE = frozenset(
    {
        Permission.READS_SEARCH,
        Permission.READS_VIEW,
        Permission.IMAGES_VIEW,
        Permission.READS_EXPORT,
        Permission.VEHICLES_HISTORY,
        Permission.SEARCHES_REQUEST_APPROVAL,
        Permission.READS_CORRECT,
    }
)

_HOTLISTS = frozenset(
    {Permission.HOTLISTS_VIEW, Permission.HOTLISTS_MANAGE, Permission.HOTLISTS_RETROACTIVE}
)

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.OFFICER: _PERSON
    | {Permission.ALERTS_VIEW, Permission.ALERTS_VERIFY, Permission.READS_VIEW}
    | {Permission.IMAGES_VIEW, Permission.HOTLISTS_VIEW},
    Role.ANALYST: _PERSON | _INVESTIGATE | _HOTLISTS | {Permission.HOLDS_MANAGE},
    Role.SUPERVISOR: _PERSON
    | _INVESTIGATE
    | _HOTLISTS
    | {Permission.SEARCHES_APPROVE, Permission.HOTLISTS_RENEW}
    | {Permission.HOLDS_MANAGE, Permission.HOLDS_APPROVE, Permission.FINDINGS_RESOLVE}
    | {Permission.ALERTS_VIEW, Permission.ALERTS_VERIFY},
    # The records custodian keeps the records: their retention, holds and sharing, never a
    # search of them nor the auditor's access log.
    Role.CUSTODIAN: _PERSON
    | {Permission.ACCOUNTS_MANAGE, Permission.POLICY_MANAGE, Permission.SHARING_MANAGE}
    | {Permission.INCIDENTS_MANAGE, Permission.RECORDS_REQUESTS_MANAGE}
    | {Permission.FINDINGS_RESOLVE, Permission.RECORDS_VIEW}
    | {Permission.HOLDS_MANAGE, Permission.HOLDS_APPROVE},
    Role.AUDITOR: _PERSON
    | {Permission.AUDIT_READ, Permission.REPORTS_READ, Permission.RECORDS_VIEW},
    Role.CAMERA: frozenset({Permission.READS_INGEST}),
    Role.DIRECTORY: frozenset({Permission.ACCOUNTS_PROVISION}),
}


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    granted: frozenset[Permission] = frozenset()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return granted


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether something is allowed, and the reason, which the access log records either way."""

    allowed: bool
    reason: str


def decide(roles: Iterable[Role], needed: Permission) -> Decision:
    roles = frozenset(roles)
    if needed in permissions_of(roles):
        return Decision(True, f"granted by role {_granting_role(roles, needed)}")
    names = ", ".join(sorted(role.value for role in roles)) or "none"
    return Decision(False, f"permission {needed.value} is not granted to roles {names}")


def _granting_role(roles: frozenset[Role], needed: Permission) -> str:
    return min(role.value for role in roles if needed in ROLE_PERMISSIONS[role])


def roles_granting(needed: Permission) -> frozenset[Role]:
    return frozenset(role for role, granted in ROLE_PERMISSIONS.items() if needed in granted)


_MACHINES = frozenset({Role.CAMERA, Role.DIRECTORY})


def who_may(roles: Iterable[Role], needed: Permission) -> str:
    """A refusal's hint in words: whose work ``needed`` is, and whom to ask for the role (never
    "ask a custodian" to a custodian)."""
    holders = sorted(role.value for role in roles_granting(needed) - _MACHINES)
    if not holders:
        return f"No person holds {needed.value}: it is a device's."
    named = [f"{'an' if name[0] in 'aeiou' else 'a'} {name}" for name in holders]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"
    asked = "another custodian" if Role.CUSTODIAN in frozenset(roles) else "a custodian"
    return (
        f"This is the work of {listed} ({needed.value}). If yours needs it, ask {asked} of "
        "your agency for the role."
    )
