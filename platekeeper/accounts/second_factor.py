"""The second step of signing in, and each person's second factors (CJIS 5.9.5, IA-2(1)/(2)).

After the password (``AccountService.login`` raises ``SecondFactorNeeded`` with a pending
sign-in), a person shows a TOTP code or a recovery code here (WebAuthn builds on ``finish`` and
``refuse``), or, holding no factor yet, enrols a TOTP authenticator: only then is a session
opened, through ``AccountService.open_session``, naming how they signed in. A wrong code counts
toward the same lockout as a wrong password. A TOTP code is accepted once; a recovery code too.

Every change to a person's factors is logged; a custodian's reset lives in ``AccountService``
(``reset_second_factors``), beside the other account changes it is held apart from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from platekeeper.accounts import totp
from platekeeper.accounts.authority import HostOperator
from platekeeper.accounts.events import AccountEvents, actor_of
from platekeeper.accounts.pending import RECOVERY_CODE, SecondFactorInvalid
from platekeeper.accounts.sealing import SecretSeal
from platekeeper.accounts.service import AccountService
from platekeeper.config import AccountSettings
from platekeeper.domain.access import AccessSink, Actor
from platekeeper.domain.credentials import CredentialKind, Principal, new_id
from platekeeper.domain.factors import (
    SIGNED_IN_WITH_FACTOR,
    SIGNED_IN_WITH_RECOVERY_CODE,
    FactorKind,
    PendingSignIn,
    SecondFactor,
    hash_recovery_code,
    looks_like_recovery_code,
    new_recovery_codes,
    proves_second_factor,
    step_is_fresh,
)
from platekeeper.domain.people import Account
from platekeeper.domain.time import Clock
from platekeeper.errors import AuthenticationFailed, Conflict, NotFound, PermissionDenied
from platekeeper.store import Store

DEFAULT_LABEL = "authenticator app"


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    """A TOTP secret waiting for its first code: shown once, as text, URI and QR code."""

    factor_id: str
    secret: str
    uri: str
    qr_svg: str


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A completed sign-in: the person, the session token for the cookie, and the recovery
    codes to show once where this sign-in enrolled the first factor (else empty)."""

    principal: Principal
    session_token: str
    recovery_codes: tuple[str, ...] = ()


class SecondFactors:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        settings: AccountSettings,
        sink: AccessSink,
        *,
        accounts: AccountService,
        seal: SecretSeal,
    ) -> None:
        self._store = store
        self._clock = clock
        self._settings = settings
        self._events = AccountEvents(sink, clock)
        self._accounts = accounts
        self._seal = seal

    # -- the second step of signing in ----------------------------------------------------------

    def pending(self, token: str) -> tuple[PendingSignIn, Account]:
        """The pending sign-in ``token`` names and its person, if both still stand."""
        pending = self._accounts.pending.find(token)
        return pending, self._accounts.get(pending.account_id)

    def methods(self, account_id: str) -> tuple[str, ...]:
        return self._accounts.pending.methods(account_id)

    def begin_second_step(
        self, token: str, client_address: str | None
    ) -> tuple[PendingSignIn, Account]:
        """The pending sign-in and its person, if they may show a second factor now: not
        locked, in good standing. Every way of showing one (a code here, a passkey) starts so,
        then ends with ``finish``, or ``refuse``."""
        pending, account = self.pending(token)
        return pending, self._accounts.second_step_allowed(account, client_address)

    def complete(self, token: str, code: str, client_address: str | None) -> SignedIn:
        """The session of a person who shows a TOTP code or a recovery code."""
        pending, account = self.begin_second_step(token, client_address)
        second = self._check_code(account, code, client_address)
        return self.finish(pending, account, second, client_address)

    def finish(
        self,
        pending: PendingSignIn,
        account: Account,
        signed_in_with: str,
        client_address: str | None,
        recovery_codes: tuple[str, ...] = (),
    ) -> SignedIn:
        """Open the session of a pending sign-in whose second factor was just shown, once."""
        if not self._store.pending_sign_ins.delete(pending.id):
            raise SecondFactorInvalid("the sign-in was completed already", hint="Sign in again.")
        principal, session_token = self._accounts.open_session(
            account, signed_in_with, "second factor accepted", client_address
        )
        return SignedIn(principal, session_token, recovery_codes)

    def refuse(
        self, account: Account, reason: str, client_address: str | None
    ) -> AuthenticationFailed:
        """A second factor that failed: counted toward the lockout, logged; what to raise."""
        return self._accounts.second_step_failed(account, reason, client_address)

    def first_factor_enrolled(
        self, account: Account, client_address: str | None
    ) -> tuple[str, ...]:
        """The recovery codes of a person whose first factor (of any kind) was just enrolled."""
        return self._new_recovery_codes(account, client_address)

    def require_no_factor(self, account: Account) -> None:
        """Refuse enrolling at sign-in for a person who holds a factor: they show it instead."""
        self._require_none(account)

    def require_strong_sign_in(self, by: Principal, action: str) -> None:
        """Refuse changing factors from a sign-in that showed none, where one is held."""
        self._require_strong(by, action)

    # -- enrolling at sign-in -------------------------------------------------------------------

    def begin_enrolment(self, token: str, label: str = DEFAULT_LABEL) -> TotpEnrolment:
        """A TOTP secret for a person who has no second factor yet, in the middle of signing
        in; someone who has one shows it instead (a password must not add a factor)."""
        pending, account = self.pending(token)
        self._require_none(account)
        return self._new_totp(account, label, pending.client_address)

    def enrolment_of(self, token: str, factor_id: str) -> TotpEnrolment:
        """The enrolment still waiting for its first code, shown again after a mistyped one."""
        _, account = self.pending(token)
        self._require_none(account)
        return self._enrolment(account, self._waiting(account, factor_id))

    def confirm_enrolment(
        self, token: str, factor_id: str, code: str, client_address: str | None
    ) -> SignedIn:
        """The first code of the enrolled secret: the factor counts, recovery codes are made,
        and the session opens, signed in with the new factor."""
        pending, account = self.begin_second_step(token, client_address)
        self._require_none(account)
        self._confirm_totp(account, factor_id, code, client_address)
        codes = self._new_recovery_codes(account, client_address)
        signed_in_with = SIGNED_IN_WITH_FACTOR[FactorKind.TOTP]
        return self.finish(pending, account, signed_in_with, client_address, codes)

    # -- a signed-in person's own factors ------------------------------------------------------

    def list(self, by: Principal) -> list[SecondFactor]:
        return self._store.second_factors.list(by.account.id)

    def remaining_recovery_codes(self, by: Principal) -> int:
        return self._store.recovery_codes.remaining(by.account.id)

    def add_totp(self, by: Principal, password: str, label: str = DEFAULT_LABEL) -> TotpEnrolment:
        """Another authenticator app, by a person signed in with a second factor, the password
        asked again."""
        self._require_strong(by, "factors:add")
        self._accounts.confirm_own_password(by.account, password)
        return self._new_totp(by.account, label, _address(by))

    def own_enrolment(self, by: Principal, factor_id: str) -> TotpEnrolment:
        """One's own added authenticator still waiting for its first code, shown again."""
        return self._enrolment(by.account, self._waiting(by.account, factor_id))

    def confirm_totp(self, by: Principal, factor_id: str, code: str) -> tuple[str, ...]:
        """The first code of an added authenticator; recovery codes if it is the first factor."""
        first = not self._store.second_factors.list(by.account.id)
        if not first:
            self._require_strong(by, "factors:add")
        self._confirm_totp(by.account, factor_id, code, _address(by))
        return self._new_recovery_codes(by.account, _address(by)) if first else ()

    def regenerate_recovery_codes(self, by: Principal, password: str) -> tuple[str, ...]:
        """New recovery codes, shown once; the old ones stop working. The password is asked
        again: a session left open must not yield a way in for later."""
        self._require_strong(by, "factors:recovery-codes")
        self._accounts.confirm_own_password(by.account, password)
        if not self._store.second_factors.list(by.account.id):
            raise Conflict("recovery codes stand in for a second factor; enrol one first")
        return self._new_recovery_codes(by.account, _address(by))

    def remove(self, by: Principal, factor_id: str, password: str) -> SecondFactor:
        """Remove one of one's own factors, the password asked again; never the last while
        second factors are required."""
        self._require_strong(by, "factors:remove")
        self._accounts.confirm_own_password(by.account, password)
        factor = self._store.second_factors.get(factor_id)
        if factor is None or factor.account_id != by.account.id:
            raise NotFound(f"second factor {factor_id!r} does not exist")
        others = [f for f in self.list(by) if f.id != factor.id]
        if factor.confirmed and not others and self._settings.second_factor_required:
            raise Conflict(
                "this is your last second factor",
                hint="Add another first; a custodian resets them if all are lost.",
            )
        self._store.second_factors.delete(factor.id)
        if not others:
            self._store.recovery_codes.delete_for_account(by.account.id)
        reason = f"second factor {factor.kind.value} ({factor.label}) removed"
        self._events.allowed(
            by.actor,
            "factors:remove",
            reason,
            username=by.account.username,
            client_address=_address(by),
        )
        return factor

    # -- seeding ---------------------------------------------------------------------------------

    def seed_totp(
        self, by: HostOperator, account_id: str, secret: str, label: str = DEFAULT_LABEL
    ) -> tuple[str, ...]:
        """An enrolled TOTP factor with a known secret, for seeding code (the demo) only: no
        person reaches this. Returns fresh recovery codes."""
        if not isinstance(by, HostOperator):
            raise PermissionDenied("only the host's seeding code enrols a factor for someone")
        account = self._accounts.get(account_id)
        factor_id = new_id()
        now = self._clock.now()
        factor = SecondFactor(
            id=factor_id,
            account_id=account.id,
            kind=FactorKind.TOTP,
            label=label,
            created_at=now,
            confirmed_at=now,
            sealed_secret=self._seal.seal(secret, account.id, factor_id),
        )
        self._store.second_factors.add(factor)
        self._events.allowed(
            by.actor,
            "factors:enrol",
            f"TOTP factor {factor.label!r} seeded by the host",
            username=account.username,
        )
        return self._new_recovery_codes(account, None, by.actor)

    # -- the console ----------------------------------------------------------------------------

    def console_login(
        self, username: str, password: str, ask_code: Callable[[Account, tuple[str, ...]], str]
    ) -> Principal:
        """The console's sign-in: the password, then a TOTP or recovery code (``ask_code`` is
        given the person and which they have). A passkey cannot be shown at a terminal."""
        return self._accounts.console_login(
            username, password, lambda account: self._console_code(account, ask_code)
        )

    def _console_code(
        self, account: Account, ask_code: Callable[[Account, tuple[str, ...]], str]
    ) -> str:
        methods = self.methods(account.id)
        usable = tuple(m for m in methods if m in (FactorKind.TOTP.value, RECOVERY_CODE))
        if not methods:
            raise PermissionDenied(
                "you have no second factor yet",
                hint="Enrol one: 'platekeeper user second-factor enrol YOUR_USERNAME', or sign "
                "in on the web, which asks you to.",
            )
        if not usable:
            raise PermissionDenied(
                "the console needs a TOTP code or a recovery code; a passkey works only in a "
                "browser",
                hint="Add an authenticator app on the Security page, or use a recovery code.",
            )
        account = self._accounts.second_step_allowed(account, "console")
        return self._check_code(account, ask_code(account, usable), "console")

    def console_enrol(
        self, username: str, password: str, label: str
    ) -> tuple[Account, TotpEnrolment]:
        """At the console, a person with no factor enrols a TOTP secret after their password."""
        account = self._accounts.check_password(username, password)
        self._require_none(account)
        return account, self._new_totp(account, label, "console")

    def console_confirm(self, account: Account, factor_id: str, code: str) -> tuple[str, ...]:
        self._require_none(account)
        account = self._accounts.second_step_allowed(account, "console")
        self._confirm_totp(account, factor_id, code, "console")
        return self._new_recovery_codes(account, "console")

    def unlock_screen(self, by: Principal, code: str, client_address: str | None) -> None:
        """Unlock ``by``'s locked screen with a code of their second factor rather than their
        password (one who signs on through the agency's directory has no password here). A
        wrong code counts toward the lockout as at sign-in."""
        self._accounts.screen_locks.unlock_with(
            by,
            lambda: self._check_code(by.account, code, client_address),
            "second factor",
            client_address,
        )

    # -- the parts ------------------------------------------------------------------------------

    def _check_code(self, account: Account, code: str, client_address: str | None) -> str:
        """How the person signed in, if ``code`` is a fresh TOTP code or an unspent recovery
        code of theirs; else the failure, counted and raised."""
        now = self._clock.now()
        if looks_like_recovery_code(code):
            code_hash = hash_recovery_code(account.id, code)
            if self._store.recovery_codes.use(account.id, code_hash, now):
                left = self._store.recovery_codes.remaining(account.id)
                reason = f"recovery code used; {left} left"
                self._events.allowed(
                    actor_of(account), "auth:second-factor", reason, client_address=client_address
                )
                return SIGNED_IN_WITH_RECOVERY_CODE
            raise self.refuse(account, "recovery code unknown or used", client_address)
        for factor in self._store.second_factors.list(account.id):
            if factor.kind is not FactorKind.TOTP or factor.sealed_secret is None:
                continue
            step = totp.matching_step(self._secret_of(factor), code, now)
            if step is None:
                continue
            if step_is_fresh(step, factor.last_step) and self._store.second_factors.accept_step(
                factor.id, step, now
            ):
                return SIGNED_IN_WITH_FACTOR[FactorKind.TOTP]
            raise self.refuse(account, "TOTP code used already", client_address)
        raise self.refuse(account, "wrong TOTP code", client_address)

    def _new_totp(self, account: Account, label: str, client_address: str | None) -> TotpEnrolment:
        factor_id = new_id()
        secret = totp.new_secret()
        factor = SecondFactor(
            id=factor_id,
            account_id=account.id,
            kind=FactorKind.TOTP,
            label=label,
            created_at=self._clock.now(),
            sealed_secret=self._seal.seal(secret, account.id, factor_id),
        )
        # Only the latest secret shown can be confirmed: one begun earlier and left is dropped.
        self._store.second_factors.delete_unconfirmed(account.id)
        self._store.second_factors.add(factor)
        self._events.allowed(
            actor_of(account),
            "factors:enrol",
            f"TOTP secret made for {factor.label!r}; waits for its first code",
            username=account.username,
            client_address=client_address,
        )
        return self._enrolment(account, factor, secret)

    def _confirm_totp(
        self, account: Account, factor_id: str, code: str, client_address: str | None
    ) -> None:
        factor = self._waiting(account, factor_id)
        now = self._clock.now()
        step = totp.matching_step(self._secret_of(factor), code, now)
        if step is None or not self._store.second_factors.confirm(factor.id, now, step):
            raise self.refuse(account, "wrong first code of a new TOTP factor", client_address)
        self._events.allowed(
            actor_of(account),
            "factors:enrol",
            f"TOTP factor {factor.label!r} enrolled",
            username=account.username,
            client_address=client_address,
        )

    def _new_recovery_codes(
        self, account: Account, client_address: str | None, by: Actor | None = None
    ) -> tuple[str, ...]:
        codes = new_recovery_codes()
        hashes = [hash_recovery_code(account.id, code) for code in codes]
        self._store.recovery_codes.replace(account.id, hashes, self._clock.now())
        self._events.allowed(
            by or actor_of(account),
            "factors:recovery-codes",
            f"{len(codes)} new recovery codes; earlier ones no longer work",
            username=account.username,
            client_address=client_address,
        )
        return tuple(codes)

    def _enrolment(
        self, account: Account, factor: SecondFactor, secret: str | None = None
    ) -> TotpEnrolment:
        secret = secret or self._secret_of(factor)
        uri = totp.provisioning_uri(secret, account.username, self._settings.totp_issuer)
        return TotpEnrolment(factor.id, secret, uri, totp.qr_svg(uri))

    def _waiting(self, account: Account, factor_id: str) -> SecondFactor:
        """The person's TOTP factor ``factor_id`` that waits for its first code."""
        factor = self._store.second_factors.get(factor_id)
        if factor is None or factor.account_id != account.id or factor.kind is not FactorKind.TOTP:
            raise NotFound(f"no TOTP enrolment {factor_id!r} waits for a code")
        if factor.confirmed:
            raise Conflict("that authenticator is enrolled already")
        return factor

    def _secret_of(self, factor: SecondFactor) -> str:
        assert factor.sealed_secret is not None
        return self._seal.open(factor.sealed_secret, factor.account_id, factor.id)

    def _require_none(self, account: Account) -> None:
        if self._store.second_factors.list(account.id):
            raise PermissionDenied(
                "you have a second factor already: show it to sign in",
                hint="Add another on the Security page once signed in.",
            )

    def _require_strong(self, by: Principal, action: str) -> None:
        """Changing one's factors needs a sign-in that showed one, where one is held: a stolen
        password alone must not add an attacker's authenticator."""
        if proves_second_factor(by.signed_in_with) or not self._store.second_factors.list(
            by.account.id
        ):
            return
        reason = "changing second factors needs a sign-in with a second factor"
        self._events.denied(by.actor, action, reason, username=by.account.username)
        raise PermissionDenied(reason, hint="Sign in again with your second factor.")


def _address(by: Principal) -> str | None:
    return "console" if by.credential_kind is CredentialKind.CONSOLE else None
