"""Account lockout (CJIS AC-7): failed sign-ins counted, and locks checked, in one place.

Every way of proving who one is counts its failures here: a password at the web, the API or
the console, a second-factor code, the password that unlocks a locked screen. Failures are
counted per typed username, known or not, and per client address across usernames. A username
locks after ``lockout_failures`` within ``lockout_window_minutes``: until a custodian releases
it (``lockout_release = "administrator"``, CJIS's choice) or for ``lockout_minutes``. An address
always locks for ``lockout_minutes``: it slows down anyone who types other people's usernames to
lock them out, without locking a whole station's staff out until a custodian comes.

The answers and their timing never tell whether a username exists; the access log says more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from platekeeper.accounts.events import AccountEvents
from platekeeper.accounts.messages import address_locked, locked, wrong_credentials
from platekeeper.config import AccountSettings
from platekeeper.domain.access import Actor
from platekeeper.domain.credentials import FailureCount, SignInLimit, failure_subject
from platekeeper.domain.time import Clock
from platekeeper.errors import AuthenticationFailed
from platekeeper.store.protocols import SignInFailureRepository


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at proving who one is: who it claims to be, from where, as which action."""

    username: str
    actor: Actor
    client_address: str | None
    action: str = "auth:login"

    @property
    def by_name(self) -> str:
        return failure_subject("username", self.username)

    @property
    def by_address(self) -> str:
        return failure_subject("address", self.client_address or "-")


class Lockout:
    """The one counter of failed sign-ins; the mfa and unlock steps call it as login does."""

    def __init__(
        self,
        failures: SignInFailureRepository,
        clock: Clock,
        settings: AccountSettings,
        events: AccountEvents,
    ) -> None:
        self._failures = failures
        self._clock = clock
        self._settings = settings
        self._events = events
        window = timedelta(minutes=settings.lockout_window_minutes)
        period = timedelta(minutes=settings.lockout_minutes)
        by_custodian = settings.lockout_release == "administrator"
        self._username_limit = SignInLimit(
            settings.lockout_failures, window, None if by_custodian else period
        )
        self._address_limit = SignInLimit(settings.address_lockout_failures, window, period)

    def refuse_if_locked(self, attempt: Attempt) -> None:
        """Raise, logged, if the username or the address is locked. A try at a locked name
        still counts against the address: spraying many names from one client must not hide
        behind the names' own locks."""
        now = self._clock.now()
        for subject, lock_error, reason in (
            (attempt.by_address, address_locked, "client address locked"),
            (attempt.by_name, locked, "account locked"),
        ):
            count = self._failures.get(subject)
            if count is not None and count.locked_at(now):
                self._count(attempt.by_address, self._address_limit, now)
                self._events.denied(
                    attempt.actor, attempt.action, reason, client_address=attempt.client_address
                )
                raise lock_error(_minutes_left(count, now))

    def failed(
        self, attempt: Attempt, what: str, wrong: AuthenticationFailed | None = None
    ) -> AuthenticationFailed:
        """Count a failure against the name and the address, log it with ``what`` went wrong
        (e.g. "wrong password"), and return the error to raise: ``wrong`` (by default "wrong
        username or password"), or the lock's if this failure locked the name or address."""
        now = self._clock.now()
        error = wrong or wrong_credentials(self._settings)
        reasons = [what]
        for subject, limit, lock_error, kind in (
            (attempt.by_name, self._username_limit, locked, "username"),
            (attempt.by_address, self._address_limit, address_locked, "client address"),
        ):
            failures, locked_until = self._count(subject, limit, now)
            if subject == attempt.by_name:
                reasons[0] += f" ({failures} within {limit.window // timedelta(minutes=1)} min)"
            if locked_until is not None:
                count = FailureCount(0, now, locked_until)
                error = lock_error(_minutes_left(count, now))
                until = "until a custodian releases it" if count.until_released else "for a time"
                reasons.append(f"{kind} locked after {failures} failures, {until}")
        self._events.denied(
            attempt.actor, attempt.action, "; ".join(reasons), client_address=attempt.client_address
        )
        return error

    def succeeded(self, username: str) -> None:
        """A whole sign-in that held: the username's count starts again (its address's does
        not). Called when a session opens, never after a password alone: a password accepted
        while a second factor is still to come must not wipe the wrong codes typed before it,
        or the right password between guesses would make them endless."""
        self._failures.clear(failure_subject("username", username))

    def is_locked(self, username: str) -> bool:
        count = self._failures.get(failure_subject("username", username))
        return count is not None and count.locked_at(self._clock.now())

    def release(self, username: str) -> bool:
        """Release ``username``'s lock and forget its failures; whether it was locked. The
        custodian's act is checked and logged by the caller (``AccountService.unlock``)."""
        was_locked = self.is_locked(username)
        self._failures.clear(failure_subject("username", username))
        return was_locked

    def forget_stale(self) -> int:
        """Drop counts older than the window that hold no lock: for the periodic sweep."""
        return self._failures.forget_before(self._clock.now() - self._username_limit.window)

    def _count(
        self, subject: str, limit: SignInLimit, now: datetime
    ) -> tuple[int, datetime | None]:
        """One more failure of ``subject``; the count, and the lock it brought now, if any."""
        failures = self._failures.record(subject, now, now - limit.window)
        until = limit.lock_after(failures, now)
        if until is not None:
            self._failures.lock(subject, until)
        return failures, until


def _minutes_left(count: FailureCount, now: datetime) -> int | None:
    """Minutes until the lock ends by itself; None for one a custodian must release."""
    if count.locked_until is None or count.until_released:
        return None
    return math.ceil((count.locked_until - now) / timedelta(minutes=1))
