"""Who may change whose account: a pure rule, returning a decision with its reason.

Custodians administer the accounts of their own agency, never their own account (another
custodian must, so that nobody can lift their own suspension or grant themselves roles). People
at the server's console sign in there and are custodians or not like anywhere else. Two actors
are not people: ``Bootstrap``, the one password-less console act, which makes the first
custodian of an empty database; and ``HostOperator``, code that seeds accounts directly through
the services (the demo), never reachable from the console.
"""

from __future__ import annotations

from dataclasses import dataclass

from platekeeper.domain.access import Actor
from platekeeper.domain.credentials import Principal
from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Decision
from platekeeper.domain.scope import AgencyScope


@dataclass(frozen=True, slots=True)
class HostOperator:
    """Someone at the server's console, e.g. ``Actor("cli:alice", "-")``."""

    actor: Actor


@dataclass(frozen=True, slots=True)
class Bootstrap:
    """The console making the first custodian of a database that has no account yet."""

    actor: Actor


@dataclass(frozen=True, slots=True)
class Directory:
    """The agency's directory, e.g. ``Actor("scim:entra-id", "demo-pd")``, calling from
    ``client_address``; it acts in ``actor.agency_id`` only."""

    actor: Actor
    client_address: str | None = None


Acting = Principal | HostOperator | Bootstrap | Directory
"""Who asks for an account change: a signed-in person, seeding code, the bootstrap, or the
agency's directory."""


def actor_of(by: Acting) -> Actor:
    return by.actor


def may_manage(by: Acting, agency_id: str, account_id: str | None) -> Decision:
    """Whether ``by`` may change the account ``account_id`` (None: a new one) of ``agency_id``."""
    if isinstance(by, HostOperator):
        return Decision(True, "accounts seeded by the host's own code")
    if isinstance(by, Bootstrap | Directory):
        return _machine_may_manage(by, agency_id)
    if not by.has_role(Role.CUSTODIAN):
        return Decision(False, "managing accounts needs the custodian role")
    if account_id == by.account.id:
        return Decision(False, "a custodian may not change their own account")
    if not AgencyScope.of(by.account).admits(agency_id):
        return Decision(False, "the account is not of your agency")
    return Decision(True, "granted by role custodian")


def _machine_may_manage(by: Bootstrap | Directory, agency_id: str) -> Decision:
    if isinstance(by, Bootstrap):
        return Decision(False, "the bootstrap only creates the first custodian")
    if not AgencyScope.of(by.actor).admits(agency_id):
        return Decision(False, "the account is not of the directory's agency")
    return Decision(True, "provisioned by the agency's directory")
