"""Who changed whose account, and the rule that keeps two people two people.

A custodian who creates an account, sets its password or changes its roles can, for a while,
be the person behind it. So nobody approves an action of an account they changed lately, nor
an action of the person who changed their own account lately: the second person of a
two-person rule must not be the first person's creature, nor its creator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Decision
from platekeeper.domain.time import Clock, require_utc
from platekeeper.errors import PermissionDenied

DEFAULT_RECENT_CHANGE = timedelta(days=30)


class ChangeKind(StrEnum):
    CREATED = "created"
    PASSWORD = "password"  # noqa: S105 - a kind of change, not a secret
    """Set by someone other than the owner."""
    ROLES = "roles"
    ROLES_APPROVED = "roles_approved"
    SECOND_FACTOR_RESET = "second_factor_reset"
    """Someone's second factors removed by a custodian, who must enrol again."""


@dataclass(frozen=True, slots=True)
class AccountChange:
    """``changed_by`` (a username, or ``cli:...``) made ``change`` to ``username``'s account."""

    username: str
    changed_by: str
    change: ChangeKind
    at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", require_utc(self.at, "at"))


class AccountChanges(Protocol):
    def add(self, change: AccountChange) -> None: ...
    def between(self, first: str, second: str, since: datetime) -> list[AccountChange]:
        """Changes since ``since`` that either of the two usernames made to the other's account."""
        ...


def independent(approver: str, requester: str, changes: Sequence[AccountChange]) -> Decision:
    """Whether ``approver`` may approve what ``requester`` did, given the changes between them."""
    if approver == requester:
        return Decision(False, "nobody approves their own request")
    for change in changes:
        if change.changed_by == approver and change.username == requester:
            return Decision(
                False, f"you {_verb(change.change)} {requester}'s account on {change.at:%Y-%m-%d}"
            )
        if change.changed_by == requester and change.username == approver:
            return Decision(
                False, f"{requester} {_verb(change.change)} your account on {change.at:%Y-%m-%d}"
            )
    return Decision(True, "no recent change links the two accounts")


# A password and a second factor are the two proofs of a person: one custodian who sets the one
# and resets the other holds both, and could sign in as them (enrolling a factor of their own).
_OTHER_PROOF = {
    ChangeKind.PASSWORD: ChangeKind.SECOND_FACTOR_RESET,
    ChangeKind.SECOND_FACTOR_RESET: ChangeKind.PASSWORD,
}


def proofs_kept_apart(
    changer: str, username: str, kind: ChangeKind, changes: Sequence[AccountChange]
) -> Decision:
    """Whether ``changer`` may make ``kind`` to ``username``'s account, given the recent changes
    between them: never a password and a second-factor reset of one account by one person."""
    other = _OTHER_PROOF.get(kind)
    for change in changes:
        if change.changed_by == changer and change.username == username and change.change is other:
            return Decision(
                False,
                f"you {_verb(other)} {username}'s account on {change.at:%Y-%m-%d}; with this "
                "you would hold both proofs of who they are",
            )
    return Decision(True, "the password and the second factor stay in different hands")


def _verb(kind: ChangeKind) -> str:
    return {
        ChangeKind.CREATED: "created",
        ChangeKind.PASSWORD: "set the password of",
        ChangeKind.ROLES: "changed the roles of",
        ChangeKind.ROLES_APPROVED: "approved the roles of",
        ChangeKind.SECOND_FACTOR_RESET: "reset the second factors of",
    }[kind]


class Independence:
    """The rule over the record of changes, within ``accounts.recent_change_days``."""

    def __init__(
        self, changes: AccountChanges, clock: Clock, window: timedelta = DEFAULT_RECENT_CHANGE
    ) -> None:
        self._changes = changes
        self._clock = clock
        self._window = window

    def decide(self, approver: str, requester: str) -> Decision:
        since = self._clock.now() - self._window
        return independent(approver, requester, self._changes.between(approver, requester, since))

    def proofs_apart(self, changer: str, username: str, kind: ChangeKind) -> Decision:
        """Whether ``changer`` may make ``kind`` to ``username``'s account without holding both
        its password and its second factor (``proofs_kept_apart``)."""
        since = self._clock.now() - self._window
        changes = self._changes.between(changer, username, since)
        return proofs_kept_apart(changer, username, kind, changes)

    def require(self, approver: str, requester: str) -> None:
        """``PermissionDenied`` unless ``approver`` is independent of ``requester``."""
        decision = self.decide(approver, requester)
        if not decision.allowed:
            raise PermissionDenied(
                f"you may not approve this: {decision.reason}",
                hint="Another person, who has not changed either account lately, approves it.",
            )


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """Roles asked for an account that include a privileged one, waiting for a second privileged
    person. ``new_account``: the account was created with them and is unusable until approved."""

    roles: frozenset[Role]
    requested_by: str
    requested_at: datetime
    new_account: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "requested_at", require_utc(self.requested_at, "requested_at"))


PRIVILEGED_ROLES = frozenset({Role.SUPERVISOR, Role.CUSTODIAN, Role.AUDITOR})
"""Roles that approve, administer or oversee: granting one takes two people."""


def privileged(roles: frozenset[Role]) -> bool:
    return bool(roles & PRIVILEGED_ROLES)
