"""The agency's directory: its provisioning tokens, and its people and groups as it sent them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from platekeeper.domain.directory import DirectoryGroup, DirectoryToken, DirectoryUser


class DirectoryTokenRepository(Protocol):
    def add(self, token: DirectoryToken) -> None:
        """``NotFound`` if the agency does not exist."""
        ...

    def get(self, token_id: str) -> DirectoryToken | None: ...
    def by_token_hash(self, token_hash: str) -> DirectoryToken | None: ...
    def list(self, agency_id: str) -> list[DirectoryToken]:
        """Revoked and expired ones too, newest first."""
        ...

    def revoke(self, token_id: str, at: datetime) -> bool:
        """False if the token does not exist or was revoked already."""
        ...

    def record_use(self, token_id: str, at: datetime) -> None: ...


class DirectoryUserRepository(Protocol):
    def add(self, user: DirectoryUser) -> None:
        """``Conflict`` if the agency has a user of that userName, or the account is linked to
        another user."""
        ...

    def get(self, user_id: str) -> DirectoryUser | None: ...
    def list(
        self, agency_id: str, *, user_name: str | None = None, external_id: str | None = None
    ) -> list[DirectoryUser]:
        """The agency's users, by userName; only those matching what is given."""
        ...

    def by_account(self, account_id: str) -> DirectoryUser | None: ...
    def update(self, user: DirectoryUser) -> None:
        """Store everything but the id, agency and creation time; ``Conflict`` as ``add``."""
        ...

    def delete(self, user_id: str) -> bool:
        """Forget the user and their memberships (the account stays); False if there was none."""
        ...


class DirectoryGroupRepository(Protocol):
    def add(self, group: DirectoryGroup) -> None:
        """``Conflict`` if the agency has a group of that displayName; ``NotFound`` if a member
        is not a user."""
        ...

    def get(self, group_id: str) -> DirectoryGroup | None: ...
    def of_user(self, user_id: str) -> list[DirectoryGroup]:
        """The groups ``user_id`` is a member of."""
        ...

    def update(self, group: DirectoryGroup) -> None:
        """Store its name, external id, members and update time; ``Conflict`` as ``add``."""
        ...

    def delete(self, group_id: str) -> bool: ...

    # Last: below it, ``list`` in an annotation would name this method.
    def list(
        self, agency_id: str, *, display_name: str | None = None, external_id: str | None = None
    ) -> list[DirectoryGroup]:
        """The agency's groups, by displayName; only those matching what is given."""
        ...
