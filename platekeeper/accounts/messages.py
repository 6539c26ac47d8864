"""What a person is told when signing in fails, and what the record says about lapsed accounts.

A wrong username and a wrong password get the same message. Only someone who knows the password
learns that the account is suspended or deactivated, and what to do about it.
"""

from __future__ import annotations

from platekeeper.config import AccountSettings
from platekeeper.domain.access import Actor
from platekeeper.domain.people import Account, AccountStatus, SuspensionReason, require_username
from platekeeper.errors import AuthenticationFailed, InvalidInput

SUSPENSION_REASONS = {
    SuspensionReason.INACTIVITY: "it was not used for too long",
    SuspensionReason.TRAINING_EXPIRED: "the holder's training has expired",
    SuspensionReason.TRAINING_MISSING: "no training is on record",
    SuspensionReason.BY_CUSTODIAN: "a custodian suspended it",
}


def wrong_credentials(settings: AccountSettings) -> AuthenticationFailed:
    release = (
        "until a custodian releases it"
        if settings.lockout_release == "administrator"
        else f"for {settings.lockout_minutes} minutes"
    )
    return AuthenticationFailed(
        "wrong username or password",
        hint=f"Check both. After {settings.lockout_failures} failures within "
        f"{settings.lockout_window_minutes} minutes the account locks {release}.",
    )


class PasswordChangeRequired(AuthenticationFailed):
    """The password was right, but someone else set it: its owner chooses a new one first."""

    code = "password_change_required"


class SignInLocked(AuthenticationFailed):
    """Sign-in with this username, or from this address, is locked after repeated failures."""

    code = "sign_in_locked"


def locked(minutes: int | None) -> AuthenticationFailed:
    # Said of any username, known or not, after the same number of failures: it tells the
    # person trying only what they did, never whether the account exists.
    hint = (
        "Ask a custodian of your agency to release it."
        if minutes is None
        else f"Try again in {minutes} minute(s), or ask a custodian to release it."
    )
    return SignInLocked("sign-in with this username is locked after repeated failures", hint=hint)


def address_locked(minutes: int | None) -> AuthenticationFailed:
    return SignInLocked(
        "sign-in from your address is locked after repeated failures",
        hint=f"Try again in {minutes or 1} minute(s).",
    )


class SessionLocked(AuthenticationFailed):
    """The session's screen is locked (CJIS AC-11): only the person's password unlocks it."""

    code = "session_locked"


def session_locked() -> SessionLocked:
    return SessionLocked(
        "the screen is locked after idle time",
        hint="Type your password to unlock it (POST /session/unlock), or sign out.",
    )


class WrongPassword(AuthenticationFailed):
    """The password typed to unlock a locked screen is not the person's."""

    code = "wrong_password"


def wrong_unlock_password() -> WrongPassword:
    return WrongPassword(
        "wrong password", hint="Repeated failures lock your account and end this session."
    )


def must_change_password(console: bool) -> PasswordChangeRequired:
    hint = (
        "Choose your own first: 'platekeeper user change-password'."
        if console
        else "Choose your own to go on; the one you were given works for nothing else."
    )
    return PasswordChangeRequired("the password was set by someone else", hint=hint)


def awaiting_approval() -> AuthenticationFailed:
    return AuthenticationFailed(
        "the account waits for a second privileged person's approval",
        hint="Ask a supervisor, custodian or auditor of your agency other than its creator.",
    )


def not_active(account: Account) -> AuthenticationFailed:
    if account.status is AccountStatus.DEACTIVATED:
        return AuthenticationFailed(
            "the account is deactivated", hint="Ask a custodian if you need access again."
        )
    reason = account.suspension_reason or SuspensionReason.BY_CUSTODIAN
    return AuthenticationFailed(
        f"the account is suspended because {SUSPENSION_REASONS[reason]}",
        hint="Ask a custodian to reactivate it; they need the date of your latest training.",
    )


class TrainingNotRecorded(AuthenticationFailed):
    """The person proved who they are, but no training is on record for them yet."""

    code = "training_not_recorded"
    status = 403


def training_not_recorded(account: Account) -> TrainingNotRecorded:
    return TrainingNotRecorded(
        f"no ALPR training is on record for {account.username!r} yet",
        hint="A custodian of your agency records your training (the people page, or "
        f"'platekeeper user set-training {account.username} --completed DAY'); then sign in "
        "again.",
    )


def attempted_actor(username: str) -> Actor:
    """Who tried to sign in with an unknown username."""
    # What was typed as a username is sometimes a password; keep it only if it could be a name.
    try:
        return Actor(require_username(username), "-")
    except InvalidInput:
        return Actor("(not a username)", "-")
