"""What an API token may be used for: scopes named for what a service does.

A token carries one or more scopes; each scope is a set of permissions, and the scopes split the
permissions of people between them (the camera's ``reads:ingest`` is no person's). A token acts
with the permissions its owner's roles grant *and* its scopes name, never more: a search-only
token of a supervisor administers no hot list. Sessions and the console carry no scopes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.errors import InvalidInput, PermissionDenied


class OutsideTokenScope(PermissionDenied):
    """The person may do this, but the API token they sent was not issued for it."""

    code = "token_scope"


class TokenScope(StrEnum):
    SEARCH = "search"
    """Search reads and look at them, their images and a vehicle's history; ask for approval."""
    EXPORT = "export"
    """Export reads in bulk."""
    CORRECTIONS = "corrections"
    """Correct a misread's plate text or state."""
    ALERTS = "alerts"
    """Receive hits and alerts, and verify them."""
    HOTLISTS = "hotlists"
    """Hot-list administration: lists, entries, uploads, renewals, retroactive matches."""
    APPROVALS = "approvals"
    """A supervisor's approvals: of searches and of legal holds."""
    HOLDS = "holds"
    """Ask for legal holds and list them."""
    SHARING = "sharing"
    """The registry of recipients, share requests and exports."""
    RECORDS = "records"
    """A custodian's registers: security incidents, public-records requests, resolved findings."""
    INGEST_ADMIN = "ingest-admin"
    """Cameras, their ingest keys and the deployment's policy (one permission covers them)."""
    ACCOUNTS = "accounts"
    """People's accounts, roles and training."""
    AUDIT = "audit"
    """The access log and the compliance reports."""
    PROFILE = "profile"
    """One's own profile and sessions."""


SCOPE_PERMISSIONS: Mapping[TokenScope, frozenset[Permission]] = {
    TokenScope.SEARCH: frozenset(
        {
            Permission.READS_SEARCH,
            Permission.READS_VIEW,
            Permission.IMAGES_VIEW,
            Permission.VEHICLES_HISTORY,
            Permission.SEARCHES_REQUEST_APPROVAL,
        }
    ),
    TokenScope.EXPORT: frozenset({Permission.READS_EXPORT}),
    TokenScope.CORRECTIONS: frozenset({Permission.READS_CORRECT}),
    TokenScope.ALERTS: frozenset({Permission.ALERTS_VIEW, Permission.ALERTS_VERIFY}),
    TokenScope.HOTLISTS: frozenset(
        {
            Permission.HOTLISTS_VIEW,
            Permission.HOTLISTS_MANAGE,
            Permission.HOTLISTS_RENEW,
            Permission.HOTLISTS_RETROACTIVE,
        }
    ),
    TokenScope.APPROVALS: frozenset({Permission.SEARCHES_APPROVE, Permission.HOLDS_APPROVE}),
    TokenScope.HOLDS: frozenset({Permission.HOLDS_MANAGE}),
    TokenScope.SHARING: frozenset({Permission.SHARING_MANAGE}),
    TokenScope.RECORDS: frozenset(
        {
            Permission.INCIDENTS_MANAGE,
            Permission.RECORDS_REQUESTS_MANAGE,
            Permission.FINDINGS_RESOLVE,
            Permission.RECORDS_VIEW,
        }
    ),
    TokenScope.INGEST_ADMIN: frozenset({Permission.POLICY_MANAGE}),
    TokenScope.ACCOUNTS: frozenset({Permission.ACCOUNTS_MANAGE}),
    TokenScope.AUDIT: frozenset({Permission.AUDIT_READ, Permission.REPORTS_READ}),
    TokenScope.PROFILE: frozenset({Permission.ACCOUNTS_SELF}),
}


def scope_permissions(scopes: Iterable[TokenScope]) -> frozenset[Permission]:
    """The permissions ``scopes`` name together (before the owner's roles limit them)."""
    return frozenset[Permission]().union(*(SCOPE_PERMISSIONS[scope] for scope in scopes))


def scopes_reaching(roles: Iterable[Role]) -> frozenset[TokenScope]:
    """Every scope that gives ``roles`` something: what a token may carry for them."""
    granted = permissions_of(roles)
    return frozenset(scope for scope, named in SCOPE_PERMISSIONS.items() if named & granted)


def parse_scopes(names: Iterable[str]) -> frozenset[TokenScope]:
    """Scopes from their names (a comma- or space-separated list may stand for one name)."""
    found: set[TokenScope] = set()
    for name in names:
        for part in name.replace(",", " ").split():
            try:
                found.add(TokenScope(part.strip().lower()))
            except ValueError:
                raise InvalidInput(
                    f"{part!r} is not a token scope",
                    hint=f"Use one or more of: {', '.join(TokenScope)}.",
                ) from None
    return frozenset(found)


def refuse_outside(permits: frozenset[Permission] | None, needed: Permission) -> None:
    """Raise ``OutsideTokenScope`` if a credential limited to ``permits`` does not reach
    ``needed``; None is a credential without scopes (a session, the console)."""
    if permits is not None and needed not in permits:
        names = ", ".join(scope.value for scope in TokenScope if needed in SCOPE_PERMISSIONS[scope])
        raise OutsideTokenScope(
            f"permission {needed.value} is outside the API token's scopes",
            hint=f"Issue a token with the scope {names or '(none: no token reaches it)'}.",
        )


def scopes_text(scopes: Iterable[TokenScope]) -> str:
    """Scopes in a stable order, as stored and shown: 'alerts search'."""
    return " ".join(sorted(scope.value for scope in scopes))
