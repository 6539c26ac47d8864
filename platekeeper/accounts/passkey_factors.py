"""Passkeys and security keys as people's second factors: at sign-in and on their own page.

Each step pairs an options call (the challenge, bound to a pending sign-in or to a session) with
a verify call that takes the browser's answer: signing in after the password, enrolling a first
passkey in the middle of signing in, and adding one later. The ceremonies' checks live in
``passkeys``; here are who may do what, the store, and the log. A refused answer counts toward
the lockout like a wrong code (``SecondFactors.refuse``); a session opens only through
``SecondFactors.finish``, as 'password+webauthn'.
"""

from __future__ import annotations

from dataclasses import dataclass

from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from platekeeper.accounts.events import AccountEvents, actor_of
from platekeeper.accounts.passkeys import (
    Ceremonies,
    Challenges,
    KnownKey,
    NewKey,
    PasskeyRefused,
    RelyingParty,
    credential_label,
)
from platekeeper.accounts.pending import SecondFactorInvalid
from platekeeper.accounts.second_factor import SecondFactors, SignedIn
from platekeeper.accounts.service import AccountService
from platekeeper.config import AccountSettings
from platekeeper.domain.access import AccessSink
from platekeeper.domain.credentials import CredentialKind, Principal, new_id
from platekeeper.domain.factors import (
    SIGNED_IN_WITH_FACTOR,
    FactorKind,
    PendingSignIn,
    SecondFactor,
)
from platekeeper.domain.people import Account
from platekeeper.domain.time import Clock
from platekeeper.errors import AuthenticationFailed
from platekeeper.store import Store

DEFAULT_LABEL = "passkey"
SIGNED_IN_WITH_PASSKEY = SIGNED_IN_WITH_FACTOR[FactorKind.WEBAUTHN]


@dataclass(frozen=True, slots=True)
class AddedPasskey:
    """A passkey added from the person's own page, and recovery codes if it is their first."""

    factor: SecondFactor
    recovery_codes: tuple[str, ...] = ()


class PasskeyFactors:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        sink: AccessSink,
        *,
        accounts: AccountService,
        factors: SecondFactors,
        ceremonies: Ceremonies,
    ) -> None:
        self._store = store
        self._clock = clock
        self._events = AccountEvents(sink, clock)
        self._accounts = accounts
        self._factors = factors
        self.ceremonies = ceremonies

    # -- signing in with one ---------------------------------------------------------------------

    def sign_in_options(self, pending_token: str) -> str:
        """The options for ``navigator.credentials.get``: the pending person's passkeys only."""
        pending, account = self._factors.pending(pending_token)
        return self.ceremonies.authentication_options(_bound(pending), self._keys(account))

    def complete(self, pending_token: str, response: str, client_address: str | None) -> SignedIn:
        """The session of the pending person whose passkey answered the challenge."""
        pending, account = self._factors.begin_second_step(pending_token, client_address)
        try:
            assertion = self.ceremonies.verify_authentication(
                _bound(pending), account, response, self._keys(account)
            )
            factor = self._advanced(account, assertion.credential_id, assertion.new_sign_count)
        except PasskeyRefused as refused:
            raise self._refused(account, refused, client_address) from None
        verified = "with" if assertion.user_verified else "without"
        self._events.allowed(
            actor_of(account),
            "auth:second-factor",
            f"passkey {factor.label!r} ({credential_label(assertion.credential_id)}) accepted "
            f"{verified} user verification",
            client_address=client_address,
        )
        return self._factors.finish(pending, account, SIGNED_IN_WITH_PASSKEY, client_address)

    # -- enrolling the first one while signing in ------------------------------------------------

    def enrolment_options(self, pending_token: str) -> str:
        """The options for ``navigator.credentials.create``, for a pending person with no
        second factor yet (one who has a factor shows it: a password must not add one)."""
        pending, account = self._factors.pending(pending_token)
        self._factors.require_no_factor(account)
        return self.ceremonies.registration_options(_bound(pending), account, [])

    def confirm_enrolment(
        self, pending_token: str, response: str, label: str, client_address: str | None
    ) -> SignedIn:
        """The new passkey stored, recovery codes made, and the session opened with it."""
        pending, account = self._factors.begin_second_step(pending_token, client_address)
        self._factors.require_no_factor(account)
        try:
            new = self.ceremonies.verify_registration(_bound(pending), response)
        except PasskeyRefused as refused:
            raise self._refused(account, refused, client_address) from None
        self._store_key(account, new, label, client_address)
        codes = self._factors.first_factor_enrolled(account, client_address)
        return self._factors.finish(pending, account, SIGNED_IN_WITH_PASSKEY, client_address, codes)

    # -- a signed-in person's own passkeys ------------------------------------------------------

    def add_options(self, by: Principal, password: str) -> str:
        """The options to add a passkey, for a person signed in with a second factor (or who
        has none yet), the password asked again; never one more on an authenticator that holds
        one of theirs. The challenge, bound to this session, is what ``add`` accepts."""
        self._factors.require_strong_sign_in(by, "factors:add")
        self._accounts.confirm_own_password(by.account, password)
        return self.ceremonies.registration_options(
            _session_bound(by), by.account, self._keys(by.account)
        )

    def add(self, by: Principal, response: str, label: str = DEFAULT_LABEL) -> AddedPasskey:
        """The new passkey stored; recovery codes if it is the person's first factor."""
        first = not self._store.second_factors.list(by.account.id)
        if not first:
            self._factors.require_strong_sign_in(by, "factors:add")
        try:
            new = self.ceremonies.verify_registration(_session_bound(by), response)
        except PasskeyRefused as refused:
            self._events.denied(
                by.actor, "factors:enrol", refused.message, username=by.account.username
            )
            raise
        factor = self._store_key(by.account, new, label, None)
        codes = self._factors.first_factor_enrolled(by.account, None) if first else ()
        return AddedPasskey(factor, codes)

    # -- the parts ------------------------------------------------------------------------------

    def _keys(self, account: Account) -> list[KnownKey]:
        return [
            KnownKey(
                base64url_to_bytes(factor.credential_id),
                base64url_to_bytes(factor.public_key),
                factor.sign_count,
            )
            for factor in self._store.second_factors.list(account.id)
            if factor.kind is FactorKind.WEBAUTHN
            and factor.credential_id is not None
            and factor.public_key is not None
        ]

    def _advanced(self, account: Account, credential_id: bytes, sign_count: int) -> SecondFactor:
        """The factor of ``credential_id`` with its counter stored, if no other answer with
        this counter won the race; the ceremony checked it against the stored one already."""
        factor = self._store.second_factors.by_credential_id(bytes_to_base64url(credential_id))
        if factor is None or factor.account_id != account.id:
            raise PasskeyRefused("this passkey is not registered to you")
        if not self._store.second_factors.advance_sign_count(
            factor.id, sign_count, self._clock.now()
        ):
            raise PasskeyRefused(
                f"the passkey's signature counter {sign_count} was used already: "
                "the key may have been copied",
                hint="Use another factor and tell a custodian: the passkey should be removed.",
            )
        return factor

    def _store_key(
        self, account: Account, new: NewKey, label: str, client_address: str | None
    ) -> SecondFactor:
        now = self._clock.now()
        factor = SecondFactor(
            id=new_id(),
            account_id=account.id,
            kind=FactorKind.WEBAUTHN,
            label=label,
            created_at=now,
            confirmed_at=now,
            credential_id=bytes_to_base64url(new.credential_id),
            public_key=bytes_to_base64url(new.public_key),
            sign_count=new.sign_count,
        )
        self._store.second_factors.add(factor)
        verified = "with" if new.user_verified else "without"
        reason = (
            f"passkey {factor.label!r} ({credential_label(new.credential_id)}) enrolled; "
            f"registered {verified} user verification"
        )
        self._events.allowed(
            actor_of(account),
            "factors:enrol",
            reason,
            username=account.username,
            client_address=client_address,
        )
        return factor

    def _refused(
        self, account: Account, refused: PasskeyRefused, client_address: str | None
    ) -> AuthenticationFailed:
        """The refusal to raise: the passkey's own reason, unless the failure locked the
        account or address, which is what the person must learn then."""
        error = self._factors.refuse(account, f"passkey: {refused.message}", client_address)
        return refused if type(error) is SecondFactorInvalid else error


def passkey_factors(
    store: Store,
    clock: Clock,
    settings: AccountSettings,
    sink: AccessSink,
    *,
    accounts: AccountService,
    factors: SecondFactors,
) -> PasskeyFactors:
    """The passkey steps for the relying party of ``settings``, beside ``factors``."""
    ceremonies = Ceremonies(RelyingParty.from_settings(settings), Challenges(clock))
    return PasskeyFactors(
        store, clock, sink, accounts=accounts, factors=factors, ceremonies=ceremonies
    )


def _bound(pending: PendingSignIn) -> str:
    return f"pending:{pending.id}"


def _session_bound(by: Principal) -> str:
    if by.credential_kind is not CredentialKind.SESSION:
        raise PasskeyRefused(
            "a passkey is added from a signed-in browser", hint="Sign in on the web."
        )
    return f"session:{by.credential_id}"
