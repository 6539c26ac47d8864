"""Who may change whose account: a pure rule, returning a decision with its reason.

Custodians administer the accounts of their own agency, never their own account (another
custodian must, so that nobody can lift their own suspension or grant themselves roles). The
administrator at the server's console (the CLI) is trusted as the host's owner; everything they
do is recorded under their operating-system user.
"""

from __future__ import annotations

from dataclasses import dataclass

from platekeeper.domain.access import Actor
from platekeeper.domain.credentials import Principal
from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Decision


@dataclass(frozen=True, slots=True)
class HostOperator:
    """Someone at the server's console, e.g. ``Actor("cli:alice", "-")``."""

    actor: Actor


Acting = Principal | HostOperator
"""Who asks for an account change: a signed-in person, or the host's administrator."""


def actor_of(by: Acting) -> Actor:
    return by.actor


def may_manage(by: Acting, agency_id: str, account_id: str | None) -> Decision:
    """Whether ``by`` may change the account ``account_id`` (None: a new one) of ``agency_id``."""
    if isinstance(by, HostOperator):
        return Decision(True, "host administrator at the console")
    if not by.has_role(Role.CUSTODIAN):
        return Decision(False, "managing accounts needs the custodian role")
    if account_id == by.account.id:
        return Decision(False, "a custodian may not change their own account")
    if agency_id != by.account.agency_id:
        return Decision(False, f"the account belongs to agency {agency_id}, not yours")
    return Decision(True, "granted by role custodian")
