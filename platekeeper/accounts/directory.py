"""Accounts the agency's directory vouches for: found, linked or made at sign-in, roles kept
in step with the person's groups.

The directory decides who a person is and which groups they are in; it does not get to bypass
what PlateKeeper holds every account to. A privileged role (supervisor, custodian, auditor) it
grants still waits for a second privileged person's approval, as one a custodian grants would;
a job title the policy does not list for a role is refused; and an account made here at first
sign-in has no training on record, so it reaches nothing until a custodian records it.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from platekeeper.accounts.events import AccountEvents, actor_of
from platekeeper.accounts.messages import attempted_actor
from platekeeper.domain.access import Actor
from platekeeper.domain.credentials import new_id
from platekeeper.domain.people import Account, AccountStatus, Role, require_person_name
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.sign_on import DirectoryPerson, FederatedIdentity
from platekeeper.domain.staffing import StaffingRules
from platekeeper.domain.stewardship import (
    PRIVILEGED_ROLES,
    AccountChange,
    ChangeKind,
    RoleGrant,
)
from platekeeper.domain.time import Clock
from platekeeper.errors import InvalidInput, PermissionDenied
from platekeeper.store import Store

NO_TITLE = "Not given by the directory"


def directory_actor(issuer: str) -> Actor:
    """Who the log and the approval rules name for what the directory changed."""
    return Actor(f"directory:{urlsplit(issuer).netloc}", "-")


class DirectoryAccounts:
    def __init__(
        self, store: Store, clock: Clock, events: AccountEvents, staffing: StaffingRules
    ) -> None:
        self._store = store
        self._clock = clock
        self._events = events
        self._staffing = staffing

    def admit(
        self, person: DirectoryPerson, roles: frozenset[Role], agency_id: str, job_title: str
    ) -> Account:
        """The account ``person`` signs in to, made or linked on first sign-in, its roles set to
        ``roles`` (privileged ones added wait for approval). Refusals are logged."""
        identity = self._store.federated_identities.get(person.issuer, person.subject)
        if identity is None:
            account = self._link_or_make(person, roles, agency_id, job_title)
        else:
            linked = self._store.accounts.get(identity.account_id)
            assert linked is not None  # the link's foreign key keeps its account
            account = linked
            same_agency = AgencyScope(agency_id).admits(account.agency_id)
            self._refuse_unless(same_agency, person, _moved(account, agency_id))
            account = self._sync_roles(account, roles, person.issuer)
        self._store.federated_identities.record_sign_in(
            person.issuer, person.subject, self._clock.now()
        )
        return account

    # -- the parts -----------------------------------------------------------------------------

    def _link_or_make(
        self, person: DirectoryPerson, roles: frozenset[Role], agency_id: str, job_title: str
    ) -> Account:
        existing = self._store.accounts.by_username(person.username)
        if existing is None:
            account = self._make(person, roles, agency_id, job_title)
        else:
            self._refuse_unless(self._linkable(existing, person, agency_id), person, _taken(person))
            account = self._sync_roles(existing, roles, person.issuer)
        link = FederatedIdentity(person.issuer, person.subject, account.id, self._clock.now())
        self._store.federated_identities.link(link)
        self._events.allowed(
            directory_actor(person.issuer),
            "accounts:link",
            f"linked to {person.issuer} subject {person.subject}",
            username=account.username,
        )
        return account

    def _linkable(self, account: Account, person: DirectoryPerson, agency_id: str) -> bool:
        """An account of the same name is this person's only if the directory made it (it has
        no password) in the same agency and no other subject of the provider holds it: a local
        account, a custodian's above all, is never taken over by a directory entry."""
        state = self._store.accounts.password_state(account.id)
        return (
            AgencyScope(agency_id).admits(account.agency_id)
            and (state is None or state.password_hash is None)
            and self._store.federated_identities.of_account(person.issuer, account.id) is None
        )

    def _make(
        self, person: DirectoryPerson, roles: frozenset[Role], agency_id: str, job_title: str
    ) -> Account:
        now = self._clock.now()
        try:
            account = Account(
                id=new_id(),
                username=person.username,
                display_name=require_person_name(person.display_name),
                agency_id=agency_id,
                job_title=job_title.strip() or NO_TITLE,
                roles=roles,
                status=AccountStatus.ACTIVE,
                created_at=now,
            )
        except InvalidInput as exc:
            self._events.denied(attempted_actor(person.username), "auth:login", exc.message)
            raise
        self._hold_to_policy(account)
        by = directory_actor(person.issuer)
        account, grant = self._held_back(account, frozenset(), roles, by, None)
        self._store.accounts.add(account, None, grant=grant)
        what = f"created at first sign-in with roles {_names(roles)}, no training on record"
        self._changed(account, by, ChangeKind.CREATED, what, waiting=grant is not None)
        return account

    def _sync_roles(self, account: Account, roles: frozenset[Role], issuer: str) -> Account:
        """The account's roles made the directory's: taken away at once, privileged ones added
        only once a second privileged person approves."""
        pending = self._store.accounts.pending_grant(account.id)
        by = directory_actor(issuer)
        changed, grant = self._held_back(account, account.roles, roles, by, pending)
        if changed.roles == account.roles and grant == pending:
            return account
        self._hold_to_policy(replace(account, roles=roles))
        self._store.accounts.update(changed)
        self._store.accounts.request_roles(account.id, grant)
        what = f"roles {_names(account.roles)} -> {_names(roles)} from the directory's groups"
        self._changed(account, by, ChangeKind.ROLES, what, waiting=grant is not None)
        return changed

    def _changed(
        self, account: Account, by: Actor, kind: ChangeKind, what: str, *, waiting: bool
    ) -> None:
        """Kept for the approval rules (``account_changes``) and written to the access log."""
        self._store.account_changes.add(
            AccountChange(account.username, by.username, kind, self._clock.now())
        )
        action = "accounts:create" if kind is ChangeKind.CREATED else "accounts:roles"
        waits = "; privileged roles wait for a second approval" if waiting else ""
        self._events.allowed(by, action, what + waits, username=account.username)

    def _held_back(
        self,
        account: Account,
        held: frozenset[Role],
        roles: frozenset[Role],
        by: Actor,
        pending: RoleGrant | None,
    ) -> tuple[Account, RoleGrant | None]:
        """The account with the roles it may hold now, and the grant that waits for the rest:
        privileged roles it did not hold. With nothing left to hold now, the whole account
        waits (as a new one with only privileged roles does)."""
        held_back = (roles - held) & PRIVILEGED_ROLES
        interim = roles - held_back
        if not held_back:
            return replace(account, roles=roles), None
        if pending is not None and pending.roles == roles:
            return replace(account, roles=interim or roles), pending
        grant = RoleGrant(roles, by.username, self._clock.now(), new_account=not interim)
        return replace(account, roles=interim or roles), grant

    def _hold_to_policy(self, account: Account) -> None:
        refusal = self._staffing.title_refusal(account.job_title, account.roles)
        if refusal is not None:
            self._events.denied(actor_of(account), "auth:login", refusal)
            raise PermissionDenied(
                refusal,
                hint="The directory's job title must be one the policy lists for the role "
                "(oidc.job_title_claim names the claim it comes in).",
            )

    def _refuse_unless(self, allowed: bool, person: DirectoryPerson, refusal: str) -> None:
        if allowed:
            return
        self._events.denied(attempted_actor(person.username), "auth:login", refusal)
        raise PermissionDenied(refusal, hint="Ask a custodian of your agency.")


def _names(roles: frozenset[Role]) -> str:
    return ", ".join(sorted(roles))


def _taken(person: DirectoryPerson) -> str:
    return (
        f"an account named {person.username!r} exists here already and is not the directory's "
        "to sign in to"
    )


def _moved(account: Account, agency_id: str) -> str:
    return (
        f"the directory now places {account.username!r} in agency {agency_id!r}, not "
        f"{account.agency_id!r}"
    )
