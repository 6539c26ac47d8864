"""Single sign-on: provider identities linked to accounts, and sign-ins on their way."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from platekeeper.domain.sign_on import FederatedIdentity, SignOnRequest


class FederatedIdentityRepository(Protocol):
    """Which account each (issuer, subject) signs in to; one subject per account and issuer."""

    def get(self, issuer: str, subject: str) -> FederatedIdentity | None: ...
    def of_account(self, issuer: str, account_id: str) -> FederatedIdentity | None: ...
    def link(self, identity: FederatedIdentity) -> None:
        """``Conflict`` if the subject or the account is linked already."""
        ...

    def record_sign_in(self, issuer: str, subject: str, at: datetime) -> None: ...


class SignOnRequestRepository(Protocol):
    """Sign-ins sent to the provider; each is taken back once."""

    def add(self, request: SignOnRequest) -> None: ...
    def take(self, binding_hash: str) -> SignOnRequest | None:
        """The request, deleted in the same step: a second answer finds nothing."""
        ...

    def forget_before(self, instant: datetime) -> int: ...


class FederatedSessionRepository(Protocol):
    """The provider's ID token of each session made by single sign-on, for logging out there."""

    def add(self, session_id: str, issuer: str, id_token: str) -> None: ...
    def id_token(self, session_id: str) -> tuple[str, str] | None:
        """(issuer, ID token) of the session, or None."""
        ...
