"""Second factors, recovery codes and pending sign-ins."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from platekeeper.domain.factors import PendingSignIn, SecondFactor


class SecondFactorRepository(Protocol):
    """People's TOTP authenticators and WebAuthn credentials, confirmed or not."""

    def add(self, factor: SecondFactor) -> None:
        """``Conflict`` if the WebAuthn credential is registered already."""
        ...

    def get(self, factor_id: str) -> SecondFactor | None: ...
    def by_credential_id(self, credential_id: str) -> SecondFactor | None: ...
    def list(self, account_id: str, *, confirmed_only: bool = True) -> list[SecondFactor]:
        """Oldest first."""
        ...

    def confirm(self, factor_id: str, at: datetime, step: int | None = None) -> bool:
        """Mark a factor confirmed (its first code, of time step ``step``, accepted); False if it
        was confirmed already or does not exist."""
        ...

    def accept_step(self, factor_id: str, step: int, at: datetime) -> bool:
        """Record a TOTP code of time step ``step`` as used, atomically, only if it is later
        than the last one accepted: False means the code (or a later one) was used already."""
        ...

    def record_use(self, factor_id: str, at: datetime, sign_count: int | None = None) -> None:
        """A WebAuthn assertion accepted; ``sign_count`` as the authenticator reported it."""
        ...

    def advance_sign_count(self, factor_id: str, sign_count: int, at: datetime) -> bool:
        """A WebAuthn assertion accepted with counter ``sign_count``: stored, atomically, only
        if it is above the stored one (or both are 0: an authenticator that keeps no counter).
        False means another answer with this counter or a later one was accepted first."""
        ...

    def delete(self, factor_id: str) -> bool: ...
    def delete_unconfirmed(self, account_id: str) -> int:
        """Forget the account's factors still waiting for a first code (an enrolment begun
        again, or abandoned); how many went."""
        ...

    def delete_for_account(self, account_id: str) -> int:
        """Remove every factor of the account, confirmed or not; how many went."""
        ...


class RecoveryCodeRepository(Protocol):
    def replace(self, account_id: str, code_hashes: list[str], at: datetime) -> None:
        """The account's recovery codes are these from now on; the old ones stop working."""
        ...

    def use(self, account_id: str, code_hash: str, at: datetime) -> bool:
        """Spend one code, atomically; False if it is not the account's or was spent."""
        ...

    def remaining(self, account_id: str) -> int: ...
    def delete_for_account(self, account_id: str) -> int: ...


class PendingSignInRepository(Protocol):
    def add(self, pending: PendingSignIn) -> None: ...
    def by_token_hash(self, token_hash: str) -> PendingSignIn | None: ...
    def delete(self, pending_id: str) -> bool:
        """End one pending sign-in; False if it had ended already (it is used once)."""
        ...

    def delete_for_account(self, account_id: str) -> int: ...
    def delete_ended(self, now: datetime) -> int: ...
