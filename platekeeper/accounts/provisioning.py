"""What the agency's directory does to its people here (SCIM): one service the SCIM API uses.

The directory's users and groups are stored as it sent them; after every change the accounts of
the people it touched are brought in line (``_settle``), through ``AccountService`` and its
rules, acting as the ``Directory``:

- a person gets an account once a group grants them a role: the account of the same username in
  the agency if there is one (so that single sign-on and provisioning meet on one account), else
  a new one with no password (they sign in through the directory) and no training on record;
  privileged roles wait for a second privileged person, as ever;
- their roles follow their groups, through the one group mapping (``[identity]``);
- ``active: false``, deletion, or leaving every group that grants a role deactivates the
  account, which ends every session and revokes every API token in the same request;
- ``active: true`` brings a deactivated account back only where the rules allow (training
  completed since it was deactivated); a suspension is a custodian's or the rules', never lifted
  by the directory.

Every change is written to the access log as the directory (``scim:<token name>``); another
agency's user or group is answered as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from platekeeper.accounts.authority import Directory
from platekeeper.accounts.service import AccountService
from platekeeper.domain.access import AccessOutcome, AccessSink
from platekeeper.domain.credentials import new_id
from platekeeper.domain.directory import (
    DirectoryGroup,
    DirectoryUser,
    account_standing,
    require_group_of_agency,
)
from platekeeper.domain.federation import GroupMapping
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.people import Account, AccountStatus, Role
from platekeeper.domain.permissions import Permission
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict, InvalidInput, PlateKeeperError
from platekeeper.store import Store

NO_TITLE = "Not given by the directory"
"""The job title of an account whose directory entry has none."""


@dataclass(frozen=True, slots=True)
class UserDraft:
    """A user as the directory sends it, in a POST or a PUT (or after a PATCH)."""

    user_name: str
    display_name: str
    active: bool = True
    external_id: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class GroupDraft:
    """A group as the directory sends it: its name and its members' user ids."""

    display_name: str
    external_id: str | None = None
    members: frozenset[str] = frozenset()


class Provisioning:
    def __init__(
        self,
        store: Store,
        accounts: AccountService,
        mapping: GroupMapping,
        log: AccessSink,
        clock: Clock,
    ) -> None:
        self._store = store
        self._accounts = accounts
        self._mapping = mapping
        self._gate = AccessGate(log, clock)
        self._clock = clock

    # -- users ---------------------------------------------------------------------------------

    def users(
        self, by: Directory, *, user_name: str | None = None, external_id: str | None = None
    ) -> list[DirectoryUser]:
        return self._store.directory_users.list(
            by.actor.agency_id, user_name=user_name, external_id=external_id
        )

    def user(self, by: Directory, user_id: str) -> DirectoryUser:
        stored = self._store.directory_users.get(user_id)
        return _scope(by).own(stored, _agency_of, f"user {user_id!r} does not exist")

    def create_user(self, by: Directory, draft: UserDraft) -> DirectoryUser:
        now = self._clock.now()
        user = _user(new_id(), by.actor.agency_id, draft, now, now)
        self._require_username_free(by, user)
        self._store.directory_users.add(user)
        user = self._settle(by, user)
        self._logged(by, "scim:users:create", {"username": user.user_name}, _described(user))
        return user

    def replace_user(self, by: Directory, user_id: str, draft: UserDraft) -> DirectoryUser:
        before = self.user(by, user_id)
        user = _user(before.id, before.agency_id, draft, before.created_at, self._clock.now())
        if user.user_name != before.user_name and before.account_id is not None:
            raise InvalidInput(
                "userName of a person who has an account here never changes",
                hint="An account keeps its username; deprovision the person and provision anew.",
            )
        user = replace(user, account_id=before.account_id)
        self._require_username_free(by, user)
        self._store.directory_users.update(user)
        user = self._settle(by, user)
        self._logged(by, "scim:users:update", {"username": user.user_name}, _described(user))
        return user

    def delete_user(self, by: Directory, user_id: str) -> None:
        user = self.user(by, user_id)
        if user.account_id is not None:
            self._deactivate(by, self._accounts.get(user.account_id))
        self._store.directory_users.delete(user.id)
        self._logged(by, "scim:users:delete", {"username": user.user_name}, "user deleted")

    # -- groups --------------------------------------------------------------------------------

    def groups(
        self, by: Directory, *, display_name: str | None = None, external_id: str | None = None
    ) -> list[DirectoryGroup]:
        return self._store.directory_groups.list(
            by.actor.agency_id, display_name=display_name, external_id=external_id
        )

    def group(self, by: Directory, group_id: str) -> DirectoryGroup:
        stored = self._store.directory_groups.get(group_id)
        return _scope(by).own(stored, _agency_of, f"group {group_id!r} does not exist")

    def create_group(self, by: Directory, draft: GroupDraft) -> DirectoryGroup:
        now = self._clock.now()
        group = self._group(by, new_id(), draft, now, now)
        self._store.directory_groups.add(group)
        self._settle_all(by, group.members)
        self._logged(by, "scim:groups:create", {"group": group.display_name}, self._grants(group))
        return group

    def replace_group(self, by: Directory, group_id: str, draft: GroupDraft) -> DirectoryGroup:
        before = self.group(by, group_id)
        group = self._group(by, before.id, draft, before.created_at, self._clock.now())
        self._store.directory_groups.update(group)
        renamed = group.display_name != before.display_name
        touched = before.members | group.members if renamed else before.members ^ group.members
        self._settle_all(by, touched)
        added, removed = len(group.members - before.members), len(before.members - group.members)
        reason = f"{added} member(s) added, {removed} removed; {self._grants(group)}"
        self._logged(by, "scim:groups:update", {"group": group.display_name}, reason)
        return group

    def delete_group(self, by: Directory, group_id: str) -> None:
        group = self.group(by, group_id)
        self._store.directory_groups.delete(group.id)
        self._settle_all(by, group.members)
        self._logged(by, "scim:groups:delete", {"group": group.display_name}, "group deleted")

    # -- the accounts --------------------------------------------------------------------------

    def _settle_all(self, by: Directory, user_ids: Iterable[str]) -> None:
        """Bring each user's account in line; one person's refusal (a title the policy does not
        list, a username another agency holds) is logged and stops nobody else's change."""
        for user_id in sorted(user_ids):
            user = self._store.directory_users.get(user_id)
            if user is None:
                continue
            try:
                self._settle(by, user)
            except PlateKeeperError as exc:
                query = {"username": user.user_name}
                self._gate.record(
                    _access(by, "scim:accounts", query), AccessOutcome.DENIED, exc.message
                )

    def _settle(self, by: Directory, user: DirectoryUser) -> DirectoryUser:
        """The account of ``user`` made to match what the directory says of them."""
        groups = self._store.directory_groups.of_user(user.id)
        standing = account_standing(self._mapping, user, groups)
        account = None if user.account_id is None else self._accounts.get(user.account_id)
        if not standing.active:
            if account is not None:
                self._deactivate(by, account)
            return user
        if account is None:
            account = self._account_for(by, user, standing.roles)
            user = replace(user, account_id=account.id)
            self._store.directory_users.update(user)
        account = self._reactivated(by, account)
        pending = self._accounts.pending_roles(account.id)
        if standing.roles not in (account.roles, None if pending is None else pending.roles):
            self._accounts.set_roles(by, account.id, standing.roles)
        return user

    def _account_for(self, by: Directory, user: DirectoryUser, roles: frozenset[Role]) -> Account:
        """The agency's account of ``user``'s username, linked now, or a new one."""
        existing = self._store.accounts.by_username(user.user_name)
        if existing is None:
            return self._accounts.create(
                by,
                username=user.user_name,
                display_name=user.display_name,
                agency_id=by.actor.agency_id,
                job_title=user.title or NO_TITLE,
                roles=roles,
                training_completed_on=None,
            )
        if not AgencyScope.of(by.actor).admits(existing.agency_id):
            raise Conflict(f"userName {user.user_name!r} is taken")
        query = {"username": user.user_name}
        self._logged(by, "scim:accounts", query, "the directory's user linked to the account")
        return existing

    def _reactivated(self, by: Directory, account: Account) -> Account:
        """``account`` active again if the directory deactivated it and the rules allow."""
        if account.status is not AccountStatus.DEACTIVATED:
            return account
        try:
            return self._accounts.reactivate(by, account.id)
        except PlateKeeperError as exc:
            query = {"username": account.username}
            reason = f"stays deactivated: {exc.message}; a custodian reactivates it"
            self._gate.record(_access(by, "scim:accounts", query), AccessOutcome.DENIED, reason)
            return account

    def _deactivate(self, by: Directory, account: Account) -> None:
        if account.status is not AccountStatus.DEACTIVATED:
            self._accounts.deactivate(by, account.id)

    def _require_username_free(self, by: Directory, user: DirectoryUser) -> None:
        """One directory user per username; a username another agency's account holds is
        taken (usernames are unique on the server)."""
        same = self._store.directory_users.list(by.actor.agency_id, user_name=user.user_name)
        account = self._store.accounts.by_username(user.user_name)
        if any(other.id != user.id for other in same) or (
            account is not None and not AgencyScope.of(by.actor).admits(account.agency_id)
        ):
            raise Conflict(f"userName {user.user_name!r} is taken")

    def _group(
        self, by: Directory, group_id: str, draft: GroupDraft, created_at: datetime, now: datetime
    ) -> DirectoryGroup:
        require_group_of_agency(self._mapping, draft.display_name, by.actor.agency_id)
        for member in draft.members:
            user = self._store.directory_users.get(member)
            # Another agency's user reads as no user at all.
            if user is None or not _scope(by).admits(user.agency_id):
                raise InvalidInput(f"member {member!r} is not a user of this directory")
        return DirectoryGroup(
            group_id,
            by.actor.agency_id,
            draft.display_name.strip(),
            created_at,
            now,
            draft.external_id,
            draft.members,
        )

    def _grants(self, group: DirectoryGroup) -> str:
        roles = self._mapping.roles_for([group.display_name])
        return "grants " + (", ".join(sorted(roles)) if roles else "no role")

    def _logged(self, by: Directory, step: str, query: Mapping[str, str], reason: str) -> None:
        self._gate.record(_access(by, step, query), AccessOutcome.ALLOWED, reason)


def _access(by: Directory, step: str, query: Mapping[str, str]) -> Access:
    person = Person(by.actor, frozenset({Role.DIRECTORY}), by.client_address)
    return Access(person, Stated(), Permission.ACCOUNTS_PROVISION, query, step=step)


def _user(
    user_id: str, agency_id: str, draft: UserDraft, created_at: datetime, now: datetime
) -> DirectoryUser:
    return DirectoryUser(
        id=user_id,
        agency_id=agency_id,
        user_name=draft.user_name,
        display_name=draft.display_name,
        active=draft.active,
        created_at=created_at,
        updated_at=now,
        external_id=draft.external_id,
        given_name=draft.given_name,
        family_name=draft.family_name,
        title=draft.title,
    )


def _described(user: DirectoryUser) -> str:
    state = "active" if user.active else "inactive"
    linked = "with an account" if user.account_id else "no account yet (no group grants a role)"
    return f"{state}; {linked}"


def _scope(by: Directory) -> AgencyScope:
    return AgencyScope.of(by.actor)


def _agency_of(record: DirectoryUser | DirectoryGroup) -> str:
    return record.agency_id
