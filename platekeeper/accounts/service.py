"""Accounts and sign-in: one service the API, the web pages and the CLI share.

Every login (allowed or denied), logout and account change writes one event to the access log,
with its outcome and reason; never a password or a token. An account's standing is checked
each time it is used: one idle too long, or whose training has lapsed, is suspended right then
(``people.lapse``), and ``sweep`` does the same for accounts nobody uses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from platekeeper.accounts.authority import Acting, HostOperator, may_manage
from platekeeper.accounts.events import AccountEvents, actor_of
from platekeeper.accounts.messages import (
    SUSPENSION_REASONS,
    attempted_actor,
    locked,
    not_active,
    wrong_credentials,
)
from platekeeper.accounts.passwords import Passwords, check_password_rules
from platekeeper.config import AccountSettings
from platekeeper.domain.access import AccessSink, Actor
from platekeeper.domain.credentials import (
    ApiToken,
    CredentialKind,
    LockoutRule,
    Principal,
    Session,
    hash_token,
    issue_api_token_secret,
    issue_session_token,
    new_id,
)
from platekeeper.domain.people import (
    Account,
    AccountStatus,
    Role,
    SuspensionReason,
    TrainingRecord,
    lapse,
)
from platekeeper.domain.time import Clock
from platekeeper.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from platekeeper.store import Store

SYSTEM = Actor("system", "-")
"""Who suspends an account that lapsed: nobody in particular, the rules."""
# Recording every request as activity would be a write per request; a minute is precise enough
# for an idle limit counted in minutes and days.
TOUCH_EVERY = timedelta(minutes=1)
MAX_TOKEN_NAME = 100


class AccountService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        settings: AccountSettings,
        sink: AccessSink,
        *,
        passwords: Passwords | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._settings = settings
        self._events = AccountEvents(sink, clock)
        self._passwords = passwords or Passwords()
        self._lockout = LockoutRule(
            settings.lockout_failures, timedelta(minutes=settings.lockout_minutes)
        )
        self._max_idle = timedelta(days=settings.max_idle_days)
        self._session_idle = timedelta(minutes=settings.session_idle_minutes)

    # -- reading -------------------------------------------------------------------------------

    def get(self, account_id: str) -> Account:
        account = self._store.accounts.get(account_id)
        if account is None:
            raise NotFound(f"account {account_id!r} does not exist")
        return account

    def by_username(self, username: str) -> Account:
        account = self._store.accounts.by_username(username)
        if account is None:
            raise NotFound(
                f"no account is named {username!r}", hint="'platekeeper user list' shows them."
            )
        return account

    # -- administration ------------------------------------------------------------------------

    def create(
        self,
        by: Acting,
        *,
        username: str,
        display_name: str,
        agency_id: str,
        job_title: str,
        roles: Iterable[Role],
        training_completed_on: date,
        training_expires_on: date | None = None,
        password: str | None = None,
    ) -> Account:
        """A new, active account for one person. Without a password nobody can sign in to it
        until one is set."""
        now = self._clock.now()
        actor = self._authorise(by, "accounts:create", agency_id, None, username)
        account = Account(
            id=new_id(),
            username=username,
            display_name=display_name.strip(),
            agency_id=agency_id,
            job_title=job_title.strip(),
            roles=frozenset(roles),
            status=AccountStatus.ACTIVE,
            created_at=now,
            training=self._current_training(training_completed_on, training_expires_on, now),
        )
        password_hash = None
        if password is not None:
            check_password_rules(password, username)
            password_hash = self._passwords.hash(password)
        self._store.accounts.add(account, password_hash)
        roles_text = ", ".join(sorted(account.roles))
        self._events.allowed(
            actor, "accounts:create", f"created with roles {roles_text}", username=account.username
        )
        return account

    def set_roles(self, by: Acting, account_id: str, roles: Iterable[Role]) -> Account:
        account = self.get(account_id)
        actor = self._authorise(by, "accounts:roles", account.agency_id, account.id, account)
        # replace() runs Account's checks: at least one role, never the camera role.
        changed = replace(account, roles=frozenset(roles))
        self._store.accounts.update(changed)
        before, after = ", ".join(sorted(account.roles)), ", ".join(sorted(changed.roles))
        self._events.allowed(
            actor, "accounts:roles", f"roles {before} -> {after}", username=changed.username
        )
        return changed

    def record_training(
        self, by: Acting, account_id: str, completed_on: date, expires_on: date | None = None
    ) -> Account:
        """Record training; it does not reactivate a suspended account (``reactivate`` does)."""
        account = self.get(account_id)
        actor = self._authorise(by, "accounts:training", account.agency_id, account.id, account)
        training = self._training(completed_on, expires_on)
        changed = replace(account, training=training)
        self._store.accounts.update(changed)
        reason = f"training completed {training.completed_on}, expires {training.expires_on}"
        self._events.allowed(actor, "accounts:training", reason, username=changed.username)
        return changed

    def suspend(self, by: Acting, account_id: str) -> Account:
        account = self.get(account_id)
        actor = self._authorise(by, "accounts:suspend", account.agency_id, account.id, account)
        if account.status is not AccountStatus.ACTIVE:
            raise Conflict(f"account {account.username!r} is {account.status.value}, not active")
        changed = account.suspended(SuspensionReason.BY_CUSTODIAN)
        self._store.accounts.update(changed)
        ended = self._store.sessions.delete_for_account(account.id)
        self._events.allowed(
            actor,
            "accounts:suspend",
            f"suspended; {ended} session(s) ended",
            username=changed.username,
        )
        return changed

    def reactivate(
        self,
        by: Acting,
        account_id: str,
        training_completed_on: date | None = None,
        training_expires_on: date | None = None,
    ) -> Account:
        """Back to active, with a current training record: the one given, or the one on file."""
        now = self._clock.now()
        account = self.get(account_id)
        actor = self._authorise(by, "accounts:reactivate", account.agency_id, account.id, account)
        if account.status is AccountStatus.ACTIVE:
            raise Conflict(f"account {account.username!r} is active already")
        training = account.training
        if training_completed_on is not None:
            training = self._training(training_completed_on, training_expires_on)
        if training is None:
            raise InvalidInput(
                "no training is on record", hint="Give the date the person completed training."
            )
        changed = account.reactivated(training, now)
        self._store.accounts.update(changed)
        reason = f"reactivated from {account.status.value}; training expires {training.expires_on}"
        self._events.allowed(actor, "accounts:reactivate", reason, username=changed.username)
        return changed

    def deactivate(self, by: Acting, account_id: str) -> Account:
        """For someone who left or no longer needs access: their sessions and tokens end now."""
        now = self._clock.now()
        account = self.get(account_id)
        actor = self._authorise(by, "accounts:deactivate", account.agency_id, account.id, account)
        if account.status is AccountStatus.DEACTIVATED:
            raise Conflict(f"account {account.username!r} is deactivated already")
        changed = replace(account, status=AccountStatus.DEACTIVATED, suspension_reason=None)
        self._store.accounts.update(changed)
        sessions = self._store.sessions.delete_for_account(account.id)
        tokens = self._store.api_tokens.revoke_for_account(account.id, now)
        reason = f"deactivated; {sessions} session(s) ended, {tokens} token(s) revoked"
        self._events.allowed(actor, "accounts:deactivate", reason, username=changed.username)
        return changed

    def set_password(
        self,
        by: Acting,
        account_id: str,
        new_password: str,
        *,
        current_password: str | None = None,
    ) -> None:
        """One's own password, given the current one; or anyone's, by a custodian, which ends
        that person's sessions so that only the new password gets them back in."""
        account = self.get(account_id)
        own = isinstance(by, Principal) and by.account.id == account.id
        if own:
            actor = self._check_current_password(account, current_password)
        else:
            actor = self._authorise(by, "accounts:password", account.agency_id, account.id, account)
        check_password_rules(new_password, account.username)
        self._store.accounts.set_password_hash(account.id, self._passwords.hash(new_password))
        keep = by.credential_id if isinstance(by, Principal) and own else None
        ended = self._store.sessions.delete_for_account(account.id, keep=keep)
        who = "own" if own else "set by another"
        reason = f"password changed ({who}); {ended} other session(s) ended"
        self._events.allowed(actor, "accounts:password", reason, username=account.username)

    # -- signing in ----------------------------------------------------------------------------

    def login(
        self, username: str, password: str, client_address: str | None = None
    ) -> tuple[Principal, str]:
        """A new session for the person, and its token for the cookie. Their other sessions
        end: one person, one session, so a login shared between people gives itself away."""
        now = self._clock.now()
        account = self._store.accounts.by_username(username)
        if account is None:
            self._passwords.verify(None, password)
            self._events.denied(
                attempted_actor(username),
                "auth:login",
                "unknown username",
                client_address=client_address,
            )
            raise wrong_credentials(self._settings)
        actor = actor_of(account)
        self._check_password_for_login(account, password, now, client_address)
        account = self._standing(account, "auth:login", client_address)
        self._store.accounts.record_login(account.id, now)
        token, session = self._new_session(account, now, client_address)
        ended = self._store.sessions.delete_for_account(account.id, keep=session.id)
        reason = "password accepted" + (f"; ended {ended} earlier session(s)" if ended else "")
        self._events.allowed(actor, "auth:login", reason, client_address=client_address)
        principal = Principal(
            replace(account, last_active_at=now), CredentialKind.SESSION, session.id
        )
        return principal, token

    def resolve_session(self, token: str, client_address: str | None = None) -> Principal:
        """The person a session cookie belongs to, if the session and the account still stand."""
        now = self._clock.now()
        session = self._store.sessions.by_token_hash(hash_token(token))
        if session is None:
            raise AuthenticationFailed("not signed in", hint="Sign in.")
        if session.ended(now, self._session_idle):
            self._store.sessions.delete(session.id)
            raise AuthenticationFailed("the session has ended", hint="Sign in again.")
        account = self._standing(self.get(session.account_id), "auth:session", client_address)
        if now - session.last_seen_at >= TOUCH_EVERY:
            self._store.sessions.touch(session.id, now)
            self._store.accounts.touch(account.id, now)
        return Principal(account, CredentialKind.SESSION, session.id)

    def logout(self, session_token: str, client_address: str | None = None) -> None:
        """End the session of ``session_token``; nothing happens if it has ended already."""
        session = self._store.sessions.by_token_hash(hash_token(session_token))
        if session is None or not self._store.sessions.delete(session.id):
            return
        account = self.get(session.account_id)
        self._events.allowed(
            actor_of(account), "auth:logout", "signed out", client_address=client_address
        )

    # -- API tokens ----------------------------------------------------------------------------

    def issue_api_token(
        self, by: Acting, name: str, days: int, *, account_id: str | None = None
    ) -> tuple[ApiToken, str]:
        """A token for a service acting for a person: for oneself, from a signed-in session (a
        token cannot make more tokens), or for anyone by the host's administrator."""
        now = self._clock.now()
        account = self._token_owner(by, account_id)
        name = _token_name(name)
        if not 1 <= days <= self._settings.api_token_max_days:
            raise InvalidInput(
                f"a token lasts 1 to {self._settings.api_token_max_days} days, not {days}",
                hint="accounts.api_token_max_days sets the longest.",
            )
        if account.status is not AccountStatus.ACTIVE or lapse(account, now, self._max_idle):
            raise Conflict(
                f"account {account.username!r} is not active",
                hint="Reactivate it first: 'platekeeper user reactivate'.",
            )
        plaintext, token_hash = issue_api_token_secret()
        token = ApiToken(new_id(), account.id, name, token_hash, now, now + timedelta(days=days))
        self._store.api_tokens.add(token)
        reason = f"token {token.id} ({name}) issued, expires {token.expires_at:%Y-%m-%d}"
        self._events.allowed(by.actor, "tokens:issue", reason, username=account.username)
        return token, plaintext

    def list_api_tokens(self, by: Acting, account_id: str | None = None) -> list[ApiToken]:
        account = self._own_or_managed(by, account_id, "tokens:list")
        return self._store.api_tokens.list(account.id)

    def revoke_api_token(self, by: Acting, token_id: str) -> ApiToken:
        token = self._store.api_tokens.get(token_id)
        if token is None:
            raise NotFound(f"API token {token_id!r} does not exist")
        account = self._own_or_managed(by, token.account_id, "tokens:revoke")
        now = self._clock.now()
        if not self._store.api_tokens.revoke(token.id, now):
            raise Conflict(f"API token {token_id!r} was revoked already")
        self._events.allowed(
            by.actor,
            "tokens:revoke",
            username=account.username,
            reason=f"token {token.id} ({token.name}) revoked",
        )
        return replace(token, revoked_at=now)

    def resolve_token(self, token: str, client_address: str | None = None) -> Principal:
        """The person an API token acts for, if the token and the account still stand."""
        now = self._clock.now()
        stored = self._store.api_tokens.by_token_hash(hash_token(token))
        if stored is None:
            raise AuthenticationFailed("the API token is not valid", hint="Check the token.")
        if not stored.usable_at(now):
            state = "was revoked" if stored.revoked_at is not None else "has expired"
            raise AuthenticationFailed(f"the API token {state}", hint="Issue a new token.")
        account = self._standing(self.get(stored.account_id), "auth:token", client_address)
        if stored.last_used_at is None or now - stored.last_used_at >= TOUCH_EVERY:
            self._store.api_tokens.record_use(stored.id, now)
            self._store.accounts.touch(account.id, now)
        return Principal(account, CredentialKind.TOKEN, stored.id)

    # -- upkeep --------------------------------------------------------------------------------

    def sweep(self) -> list[tuple[Account, SuspensionReason]]:
        """Suspend every account that lapsed, and forget sessions that ended; for a periodic job."""
        now = self._clock.now()
        suspended = []
        for account in self._store.accounts.list():
            reason = lapse(account, now, self._max_idle)
            if reason is not None:
                suspended.append((self._suspend_lapsed(account, reason, None), reason))
        self._store.sessions.delete_ended(now, now - self._session_idle)
        return suspended

    # Last: below it, ``list`` in an annotation would name this method.
    def list(self, agency_id: str | None = None) -> list[Account]:
        return self._store.accounts.list(agency_id)

    # -- the parts -----------------------------------------------------------------------------

    def _authorise(
        self,
        by: Acting,
        action: str,
        agency_id: str,
        account_id: str | None,
        target: Account | str,
    ) -> Actor:
        decision = may_manage(by, agency_id, account_id)
        username = target if isinstance(target, str) else target.username
        if not decision.allowed:
            self._events.denied(by.actor, action, decision.reason, username=username)
            raise PermissionDenied(decision.reason, hint="Ask a custodian of the account's agency.")
        return by.actor

    def _own_or_managed(self, by: Acting, account_id: str | None, action: str) -> Account:
        if isinstance(by, Principal) and account_id in (None, by.account.id):
            return by.account
        if account_id is None:
            raise InvalidInput("name the account", hint="Give its username.")
        account = self.get(account_id)
        self._authorise(by, action, account.agency_id, account.id, account)
        return account

    def _token_owner(self, by: Acting, account_id: str | None) -> Account:
        if isinstance(by, HostOperator):
            if account_id is None:
                raise InvalidInput("name the account the token is for")
            return self.get(account_id)
        if by.credential_kind is not CredentialKind.SESSION:
            raise PermissionDenied(
                "an API token cannot issue API tokens", hint="Sign in to issue a token."
            )
        if account_id not in (None, by.account.id):
            raise PermissionDenied(
                "API tokens are issued by their holder only",
                hint="The person signs in and issues their own.",
            )
        return by.account

    def _standing(self, account: Account, action: str, client_address: str | None) -> Account:
        """``account`` if it may be used now; suspends it first if it has lapsed."""
        reason = lapse(account, self._clock.now(), self._max_idle)
        if reason is not None:
            account = self._suspend_lapsed(account, reason, client_address)
        if account.status is AccountStatus.ACTIVE:
            return account
        self._store.sessions.delete_for_account(account.id)
        error = not_active(account)
        self._events.denied(actor_of(account), action, error.message, client_address=client_address)
        raise error

    def _suspend_lapsed(
        self, account: Account, reason: SuspensionReason, client_address: str | None
    ) -> Account:
        changed = account.suspended(reason)
        self._store.accounts.update(changed)
        self._store.sessions.delete_for_account(account.id)
        text = f"suspended automatically: {SUSPENSION_REASONS[reason]}"
        self._events.allowed(
            SYSTEM,
            "accounts:suspend",
            text,
            username=account.username,
            client_address=client_address,
        )
        return changed

    def _check_password_for_login(
        self, account: Account, password: str, now: datetime, client_address: str | None
    ) -> None:
        state = self._store.accounts.password_state(account.id)
        if state is not None and state.locked_until is not None and state.locked_at(now):
            minutes = math.ceil((state.locked_until - now) / timedelta(minutes=1))
            self._events.denied(
                actor_of(account), "auth:login", "account locked", client_address=client_address
            )
            raise locked(minutes)
        stored_hash = None if state is None else state.password_hash
        if self._passwords.verify(stored_hash, password):
            if stored_hash is not None and self._passwords.needs_rehash(stored_hash):
                self._store.accounts.set_password_hash(account.id, self._passwords.hash(password))
            return
        failures = self._store.accounts.record_failed_login(account.id)
        locked_until = self._lockout.lock_after(failures, now)
        if locked_until is None:
            reason = f"wrong password ({failures} in a row)"
            self._events.denied(
                actor_of(account), "auth:login", reason, client_address=client_address
            )
            raise wrong_credentials(self._settings)
        self._store.accounts.lock(account.id, locked_until)
        reason = f"wrong password; locked after {failures} in a row"
        self._events.denied(
            actor_of(account),
            "auth:login",
            reason,
            client_address=client_address,
        )
        raise locked(self._settings.lockout_minutes)

    def _check_current_password(self, account: Account, current_password: str | None) -> Actor:
        state = self._store.accounts.password_state(account.id)
        stored_hash = None if state is None else state.password_hash
        if current_password is None or not self._passwords.verify(stored_hash, current_password):
            reason = "current password wrong"
            self._events.denied(actor_of(account), "accounts:password", reason)
            raise PermissionDenied(
                "the current password is wrong", hint="Give your current password to change it."
            )
        return actor_of(account)

    def _new_session(
        self, account: Account, now: datetime, client_address: str | None
    ) -> tuple[str, Session]:
        token, token_hash = issue_session_token()
        expires_at = now + timedelta(hours=self._settings.session_max_hours)
        session = Session(new_id(), account.id, token_hash, now, now, expires_at, client_address)
        self._store.sessions.add(session)
        return token, session

    def _current_training(
        self, completed_on: date, expires_on: date | None, now: datetime
    ) -> TrainingRecord:
        training = self._training(completed_on, expires_on)
        if not training.current_on(now.date()):
            raise InvalidInput(
                f"training completed {completed_on} is not current (expires {training.expires_on})",
                hint="Give the latest training; not expired, not in the future.",
            )
        return training

    def _training(self, completed_on: date, expires_on: date | None) -> TrainingRecord:
        default = completed_on + timedelta(days=self._settings.training_valid_days)
        return TrainingRecord(completed_on, expires_on or default)


def _token_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_TOKEN_NAME:
        raise InvalidInput(
            f"a token's name has 1 to {MAX_TOKEN_NAME} characters",
            hint="Name the service that uses it, e.g. 'nightly-export'.",
        )
    return name
