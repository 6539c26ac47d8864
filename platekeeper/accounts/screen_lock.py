"""The session lock (CJIS AC-11): a screen left without input, or locked by its person, opens
again only with the person's password or a code of their second factor, checked by the server.

The page asks for the lock after ``web.lock_after_idle_minutes`` without input; from then on the
session opens nothing but its unlock step, its sign-out and the live alert stream, which sends
a count of new alerts and never their content (``http/auth.py`` holds the list). Reloading the
page does not lift it: the lock is the session's, kept in the store. A wrong password counts
toward the account's lockout like any failed sign-in; once the account locks, the session ends,
since nobody can unlock it any more. The session's own idle end (``accounts.
session_idle_minutes``) goes on counting while it is locked, except while an alert screen's
stream listens behind the lock (``AccountService.hold_locked_screen``): the lock holds instead,
up to the session's last hour (``accounts.session_max_hours``).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from platekeeper.accounts.events import AccountEvents, actor_of
from platekeeper.accounts.lockout import Attempt, Lockout
from platekeeper.accounts.messages import wrong_unlock_password
from platekeeper.accounts.passwords import Passwords
from platekeeper.domain.credentials import CredentialKind, Principal
from platekeeper.domain.time import Clock
from platekeeper.errors import AuthenticationFailed, InvalidInput
from platekeeper.store import Store


class ScreenState(StrEnum):
    OPEN = "open"
    LOCKED = "locked"
    ENDED = "ended"


class ScreenLocks:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        lockout: Lockout,
        passwords: Passwords,
        events: AccountEvents,
    ) -> None:
        self._store = store
        self._clock = clock
        self._lockout = lockout
        self._passwords = passwords
        self._events = events

    def lock(
        self, principal: Principal, client_address: str | None, *, by_hand: bool = False
    ) -> None:
        """Lock the screen of the session ``principal`` signed in with, after idle time or
        ``by_hand``; logged once."""
        session_id = _session_of(principal)
        if self._store.session_locks.lock(session_id, self._clock.now()):
            self._events.allowed(
                principal.actor,
                "auth:lock",
                "screen locked by its person" if by_hand else "screen locked after idle time",
                client_address=client_address,
            )

    def unlock(self, principal: Principal, password: str, client_address: str | None) -> None:
        """Unlock with the person's password. A wrong one counts toward the lockout; the lock
        it brings ends the session."""
        account = principal.account
        attempt = Attempt(account.username, actor_of(account), client_address, "auth:unlock")
        self.unlock_with(
            principal,
            lambda: self._check(attempt, account.id, password),
            "password",
            client_address,
        )

    def unlock_with(
        self,
        principal: Principal,
        proof: Callable[[], object],
        how: str,
        client_address: str | None,
    ) -> None:
        """Unlock once ``proof`` has checked the person (their password, or a code of their
        second factor: ``SecondFactors.unlock_screen``), raising ``AuthenticationFailed``
        counted toward the lockout when it is wrong; the lock it brings ends the session."""
        session_id = _session_of(principal)
        account = principal.account
        attempt = Attempt(account.username, actor_of(account), client_address, "auth:unlock")
        try:
            self._lockout.refuse_if_locked(attempt)
            proof()
        except AuthenticationFailed:
            if self._lockout.is_locked(account.username):
                self._store.sessions.delete_for_account(account.id)
            raise
        self._lockout.succeeded(account.username)
        if self._store.session_locks.unlock(session_id):
            self._events.allowed(
                principal.actor,
                "auth:unlock",
                f"screen unlocked ({how})",
                client_address=client_address,
            )

    def state(self, session_id: str, session_exists: bool) -> ScreenState:
        if not session_exists:
            return ScreenState.ENDED
        locked = self._store.session_locks.locked_at(session_id) is not None
        return ScreenState.LOCKED if locked else ScreenState.OPEN

    def _check(self, attempt: Attempt, account_id: str, password: str) -> None:
        state = self._store.accounts.password_state(account_id)
        if state is None or state.password_hash is None:
            # Signed in without a password here (single sign-on): no password unlocks it.
            raise AuthenticationFailed(
                "this account has no password here", hint="Sign out and sign in again."
            )
        if not self._passwords.verify(state.password_hash, password):
            raise self._lockout.failed(
                attempt, "wrong password at the locked screen", wrong_unlock_password()
            )


def _session_of(principal: Principal) -> str:
    if principal.credential_kind is not CredentialKind.SESSION:
        raise InvalidInput(
            "only a browser's session has a screen to lock", hint="API tokens do not lock."
        )
    return principal.credential_id
