"""The step between a password and a second factor: what the password step answers, and the
short-lived pending sign-in it leaves behind. Shared by ``AccountService`` (which opens one when
a password is right) and ``SecondFactors`` (which closes it when the second factor is)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from platekeeper.domain.credentials import hash_token, new_id
from platekeeper.domain.factors import (
    PENDING_SIGN_IN_LIFETIME,
    FactorKind,
    PendingSignIn,
    issue_pending_token,
)
from platekeeper.domain.people import Account
from platekeeper.domain.time import Clock
from platekeeper.errors import AuthenticationFailed
from platekeeper.store import Store

RECOVERY_CODE = "recovery-code"
"""The name of the method a recovery code is, beside the factor kinds."""


@dataclass(frozen=True, slots=True)
class Challenge:
    """What a person who proved their password must do next: show one of ``methods``, or with
    none (``must_enrol``), enrol a second factor. ``token`` names the pending sign-in; it opens
    nothing but the second step, for a few minutes."""

    token: str
    username: str
    methods: tuple[str, ...]
    expires_at: datetime

    @property
    def must_enrol(self) -> bool:
        return not self.methods


class SecondFactorNeeded(AuthenticationFailed):
    """A password alone opens no session: the second step follows. Raised by the password step,
    so that any caller that does not know the second step fails closed."""

    code = "second_factor_required"
    title = "A second factor is needed"

    def __init__(self, challenge: Challenge | None, message: str | None = None) -> None:
        super().__init__(
            message or "the password is right; a second factor is needed",
            hint="Give a code from your authenticator app or a recovery code"
            if challenge is None or not challenge.must_enrol
            else "Enrol an authenticator app first.",
        )
        self.challenge = challenge


class SecondFactorInvalid(AuthenticationFailed):
    code = "second_factor_invalid"
    title = "The second factor is not valid"


class PendingSignIns:
    """Opens and finds pending sign-ins; their tokens are stored only as hashes."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def open(self, account: Account, first_factor: str, client_address: str | None) -> Challenge:
        """A pending sign-in for ``account``, replacing any earlier one of theirs."""
        now = self._clock.now()
        token, token_hash = issue_pending_token()
        pending = PendingSignIn(
            new_id(),
            account.id,
            token_hash,
            now,
            now + PENDING_SIGN_IN_LIFETIME,
            first_factor,
            client_address,
        )
        self._store.pending_sign_ins.delete_for_account(account.id)
        self._store.pending_sign_ins.add(pending)
        return Challenge(token, account.username, self.methods(account.id), pending.expires_at)

    def methods(self, account_id: str) -> tuple[str, ...]:
        """How the person can show a second factor now: their kinds of factor, then recovery
        codes while some are left; none when they have no factor (they enrol one)."""
        kinds = {factor.kind for factor in self._store.second_factors.list(account_id)}
        if not kinds:
            return ()
        methods = [kind.value for kind in FactorKind if kind in kinds]
        if self._store.recovery_codes.remaining(account_id):
            methods.append(RECOVERY_CODE)
        return tuple(methods)

    def find(self, token: str) -> PendingSignIn:
        """The pending sign-in ``token`` names, if it has not ended."""
        pending = self._store.pending_sign_ins.by_token_hash(hash_token(token))
        if pending is None or not pending.usable_at(self._clock.now()):
            raise AuthenticationFailed(
                "the sign-in has expired or was never started", hint="Sign in again."
            )
        return pending

    def has_second_factor(self, account_id: str) -> bool:
        return bool(self._store.second_factors.list(account_id))
