"""Accounts and sign-in: one service the API, the web pages and the CLI share.

Every login (allowed or denied), logout and account change writes one event to the access log,
with its outcome and reason; never a password or a token. An account's standing is checked
each time it is used: one idle too long, or whose training has lapsed, is suspended right then
(``people.lapse``), and ``sweep`` does the same for accounts nobody uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from platekeeper.accounts.authority import Acting, Bootstrap, Directory, HostOperator, may_manage
from platekeeper.accounts.events import AccountEvents, actor_of
from platekeeper.accounts.guessable import context_words
from platekeeper.accounts.lockout import Attempt, Lockout
from platekeeper.accounts.messages import (
    SUSPENSION_REASONS,
    attempted_actor,
    awaiting_approval,
    locked,
    must_change_password,
    not_active,
    session_locked,
    training_not_recorded,
)
from platekeeper.accounts.passwords import Passwords, check_password_rules
from platekeeper.accounts.pending import PendingSignIns, SecondFactorInvalid, SecondFactorNeeded
from platekeeper.accounts.screen_lock import ScreenLocks, ScreenState
from platekeeper.config import AccountSettings
from platekeeper.domain.access import AccessSink, Actor
from platekeeper.domain.credentials import (
    ApiToken,
    CredentialKind,
    Principal,
    Session,
    hash_token,
    issue_api_token_secret,
    issue_session_token,
    logged_sign_in,
    new_id,
)
from platekeeper.domain.factors import proves_second_factor
from platekeeper.domain.people import (
    Account,
    AccountStatus,
    Role,
    SuspensionReason,
    TrainingRecord,
    awaits_training,
    require_person_name,
)
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.staffing import StaffingRules
from platekeeper.domain.stewardship import (
    PRIVILEGED_ROLES,
    AccountChange,
    ChangeKind,
    Independence,
    RoleGrant,
    privileged,
)
from platekeeper.domain.time import Clock
from platekeeper.domain.token_scopes import TokenScope, scopes_reaching, scopes_text
from platekeeper.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from platekeeper.store import Store

CONSOLE = "console"
"""The client address of everything done at the server's console: the log's channel."""
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
        staffing: StaffingRules | None = None,
    ) -> None:
        self._store = store
        # Without a policy file, titles are not checked; training is, by the settings.
        self.staffing = staffing or StaffingRules.without_policy(settings.training_valid_days)
        self._clock = clock
        self._settings = settings
        self._events = AccountEvents(sink, clock)
        self._passwords = passwords or Passwords()
        self.lockout = Lockout(store.sign_in_failures, clock, settings, self._events)
        """Counts failed sign-ins of every kind and checks locks (``accounts/lockout.py``)."""
        self.screen_locks = ScreenLocks(store, clock, self.lockout, self._passwords, self._events)
        """Locks and unlocks a session's screen (CJIS AC-11, ``accounts/screen_lock.py``)."""
        self.independence = Independence(
            store.account_changes, clock, timedelta(days=settings.recent_change_days)
        )
        self._max_idle = timedelta(days=settings.max_idle_days)
        self._session_idle = timedelta(minutes=settings.session_idle_minutes)
        self.pending = PendingSignIns(store, clock)
        self.second_factor_required = settings.second_factor_required

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

    def by_username_in(self, scope: AgencyScope, username: str) -> Account:
        """The account named ``username`` if it lies in ``scope``: another agency's account is
        answered with the words of one that does not exist."""
        account = self._store.accounts.by_username(username)
        return scope.own(account, _agency_of, f"no account is named {username!r}")

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
        training_completed_on: date | None,
        training_expires_on: date | None = None,
        password: str | None = None,
    ) -> Account:
        """A new, active account for one person. Without a password nobody can sign in to it
        until one is set; with one set by a custodian, its owner must choose a new one first.
        Privileged roles wait for a second privileged person (``approve_roles``). Only the
        agency's directory makes one with no training on record (None): it reaches nothing
        until a custodian records the person's training (``staffing.lapse``)."""
        now = self._clock.now()
        roles = frozenset(roles)
        if isinstance(by, Bootstrap):
            actor = self._bootstrap(by, username, roles)
        else:
            actor = self._authorise(by, "accounts:create", agency_id, None, username)
        self._held_to_policy(actor, "accounts:create", username, job_title, roles)
        display_name = self._one_account_per_person(agency_id, username, display_name)
        training = self._first_training(
            by, actor, username, roles, (training_completed_on, training_expires_on)
        )
        account = Account(
            id=new_id(),
            username=username,
            display_name=display_name,
            agency_id=agency_id,
            job_title=job_title.strip(),
            roles=roles,
            status=AccountStatus.ACTIVE,
            created_at=now,
            training=training,
        )
        password_hash = None
        if password is not None:
            self._check_password(password, account)
            password_hash = self._passwords.hash(password)
        grant = self._grant_for(by, account, account.roles, now, new_account=True)
        # A person's own password is typed by that person; the bootstrap's is the first
        # custodian's, and seeding code has none to protect. Anyone else's must be replaced.
        must_change = isinstance(by, Principal) and password is not None
        self._store.accounts.add(account, password_hash, must_change=must_change, grant=grant)
        self._changed(by, account, ChangeKind.CREATED, now)
        roles_text = ", ".join(sorted(account.roles))
        waits = "; privileged roles wait for a second approval" if grant else ""
        self._events.allowed(
            actor,
            "accounts:create",
            f"created with roles {roles_text}{waits}",
            username=account.username,
            client_address=_channel(by),
        )
        return account

    def set_roles(self, by: Acting, account_id: str, roles: Iterable[Role]) -> Account:
        """Replace an account's roles. Taking roles away is at once; adding a privileged one
        waits for a second privileged person's approval (``approve_roles``)."""
        now = self._clock.now()
        account = self._scoped(by, account_id, "accounts:roles")
        actor = self._authorise(by, "accounts:roles", account.agency_id, account.id, account)
        # replace() runs Account's checks: at least one role, never the camera role.
        changed = replace(account, roles=frozenset(roles))
        self._held_to_policy(
            actor, "accounts:roles", account.username, account.job_title, changed.roles
        )
        changed = replace(changed, training=self._training_for_roles(actor, changed))
        before, after = ", ".join(sorted(account.roles)), ", ".join(sorted(changed.roles))
        grant = self._grant_for(by, account, changed.roles - account.roles, now, new_account=False)
        self._changed(by, account, ChangeKind.ROLES, now)
        if grant is not None:
            self._store.accounts.request_roles(account.id, replace(grant, roles=changed.roles))
            reason = f"roles {before} -> {after} asked; waits for a second privileged approval"
            self._events.allowed(
                actor,
                "accounts:roles",
                reason,
                username=account.username,
                client_address=_channel(by),
            )
            return account
        self._store.accounts.update(changed)
        self._store.accounts.request_roles(account.id, None)
        self._events.allowed(
            actor,
            "accounts:roles",
            f"roles {before} -> {after}",
            username=changed.username,
            client_address=_channel(by),
        )
        return changed

    def pending_roles(self, account_id: str) -> RoleGrant | None:
        return self._store.accounts.pending_grant(account_id)

    def approve_roles(self, by: Acting, account_id: str) -> Account:
        """A second privileged person of the agency approves the privileged roles asked for an
        account: never the person who asked, nor anyone linked to them or to the account by
        a recent change."""
        now = self._clock.now()
        account = self._scoped(by, account_id, "accounts:approve-roles")
        grant = self._store.accounts.pending_grant(account.id)
        refusal = self._may_approve_roles(by, account, grant)
        if refusal is not None or grant is None:
            reason = refusal or "no roles wait for approval"
            self._events.denied(
                by.actor,
                "accounts:approve-roles",
                reason,
                username=account.username,
                client_address=_channel(by),
            )
            if refusal is None:
                raise Conflict(f"no roles of {account.username!r} wait for approval")
            raise PermissionDenied(
                refusal, hint="Another privileged person of the agency approves."
            )
        changed = replace(account, roles=grant.roles)
        self._store.accounts.update(changed)
        self._store.accounts.request_roles(account.id, None)
        self._changed(by, account, ChangeKind.ROLES_APPROVED, now)
        roles_text = ", ".join(sorted(grant.roles))
        self._events.allowed(
            by.actor,
            "accounts:approve-roles",
            f"roles {roles_text} asked by {grant.requested_by} approved",
            username=account.username,
            client_address=_channel(by),
        )
        return changed

    def record_training(
        self, by: Acting, account_id: str, completed_on: date, expires_on: date | None = None
    ) -> Account:
        """Record training; it does not reactivate a suspended account (``reactivate`` does)."""
        account = self._scoped(by, account_id, "accounts:training")
        actor = self._authorise(by, "accounts:training", account.agency_id, account.id, account)
        training = self._policy_training(
            actor,
            "accounts:training",
            account.username,
            account.roles,
            completed_on=completed_on,
            expires_on=expires_on,
        )
        changed = replace(account, training=training)
        self._store.accounts.update(changed)
        reason = f"training completed {training.completed_on}, expires {training.expires_on}"
        self._events.allowed(
            actor,
            "accounts:training",
            reason,
            username=changed.username,
            client_address=_channel(by),
        )
        return changed

    def suspend(self, by: Acting, account_id: str) -> Account:
        account = self._scoped(by, account_id, "accounts:suspend")
        actor = self._authorise(by, "accounts:suspend", account.agency_id, account.id, account)
        if account.status is not AccountStatus.ACTIVE:
            raise Conflict(f"account {account.username!r} is {account.status.value}, not active")
        changed = account.suspended(SuspensionReason.BY_CUSTODIAN, self._clock.now())
        self._store.accounts.update(changed)
        ended = self._store.sessions.delete_for_account(account.id)
        self._events.allowed(
            actor,
            "accounts:suspend",
            f"suspended; {ended} session(s) ended",
            username=changed.username,
            client_address=_channel(by),
        )
        return changed

    def unlock(self, by: Acting, account_id: str) -> Account:
        """Release an account's username locked after failed sign-ins (CJIS AC-7): a custodian
        of its agency, never its holder; logged. Its sessions were never touched by the lock."""
        account = self._scoped(by, account_id, "accounts:unlock")
        actor = self._authorise(by, "accounts:unlock", account.agency_id, account.id, account)
        if not self.lockout.release(account.username):
            raise Conflict(
                f"sign-in with {account.username!r} is not locked",
                hint="'platekeeper user list' shows which accounts are locked.",
            )
        self._events.allowed(
            actor,
            "accounts:unlock",
            "sign-in lock released",
            username=account.username,
            client_address=_channel(by),
        )
        return account

    def is_locked(self, account: Account) -> bool:
        """Whether sign-in with the account's username is locked now."""
        return self.lockout.is_locked(account.username)

    def reactivate(
        self,
        by: Acting,
        account_id: str,
        training_completed_on: date | None = None,
        training_expires_on: date | None = None,
    ) -> Account:
        """Back to active, with a current training record: the one given, or the one on file."""
        now = self._clock.now()
        account = self._scoped(by, account_id, "accounts:reactivate")
        actor = self._authorise(by, "accounts:reactivate", account.agency_id, account.id, account)
        if account.status is AccountStatus.ACTIVE:
            raise Conflict(f"account {account.username!r} is active already")
        training = self._retrained(actor, account, training_completed_on, training_expires_on)
        changed = account.reactivated(training, now)
        self._store.accounts.update(changed)
        reason = f"reactivated from {account.status.value}; training expires {training.expires_on}"
        self._events.allowed(
            actor,
            "accounts:reactivate",
            reason,
            username=changed.username,
            client_address=_channel(by),
        )
        return changed

    def deactivate(self, by: Acting, account_id: str) -> Account:
        """For someone who left or no longer needs access: their sessions and tokens end now."""
        now = self._clock.now()
        account = self._scoped(by, account_id, "accounts:deactivate")
        actor = self._authorise(by, "accounts:deactivate", account.agency_id, account.id, account)
        if account.status is AccountStatus.DEACTIVATED:
            raise Conflict(f"account {account.username!r} is deactivated already")
        changed = account.deactivated(now)
        self._store.accounts.update(changed)
        sessions = self._store.sessions.delete_for_account(account.id)
        tokens = self._store.api_tokens.revoke_for_account(account.id, now)
        reason = f"deactivated; {sessions} session(s) ended, {tokens} token(s) revoked"
        self._events.allowed(
            actor,
            "accounts:deactivate",
            reason,
            username=changed.username,
            client_address=_channel(by),
        )
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
        that person's sessions. A password set by another lets its owner only choose a new one:
        the setter never acts with it."""
        account = self._scoped(by, account_id, "accounts:password")
        own = isinstance(by, Principal) and by.account.id == account.id
        if own:
            actor = self._check_current_password(account, current_password)
        else:
            actor = self._authorise(by, "accounts:password", account.agency_id, account.id, account)
            self._keep_proofs_apart(by, account, ChangeKind.PASSWORD, "accounts:password")
        self._check_password(new_password, account)
        must_change = not own and not isinstance(by, HostOperator)
        self._store.accounts.set_password_hash(
            account.id, self._passwords.hash(new_password), must_change=must_change
        )
        if not own:
            self._changed(by, account, ChangeKind.PASSWORD, self._clock.now())
        keep = by.credential_id if isinstance(by, Principal) and own else None
        ended = self._store.sessions.delete_for_account(account.id, keep=keep)
        who = "own" if own else "set by another; its owner must choose a new one"
        reason = f"password changed ({who}); {ended} other session(s) ended"
        self._events.allowed(
            actor,
            "accounts:password",
            reason,
            username=account.username,
            client_address=_channel(by),
        )

    # -- signing in ----------------------------------------------------------------------------

    def login(
        self, username: str, password: str, client_address: str | None = None
    ) -> tuple[Principal, str]:
        """A new session for the person who typed this password, and its token for the cookie;
        while second factors are required (``accounts.second_factor_required``), none: it raises
        ``SecondFactorNeeded`` with the pending sign-in the second step completes."""
        account = self._signed_in(username, password, client_address, console=False)
        if self.second_factor_required:
            challenge = self.pending.open(account, "password", client_address)
            step = "enrol one" if challenge.must_enrol else ", ".join(challenge.methods)
            reason = f"password accepted; second factor needed ({step})"
            self._events.allowed(
                actor_of(account), "auth:password", reason, client_address=client_address
            )
            raise SecondFactorNeeded(challenge)
        return self.open_session(account, "password", "password accepted", client_address)

    def open_session(
        self, account: Account, signed_in_with: str, reason: str, client_address: str | None
    ) -> tuple[Principal, str]:
        """A new session for a person who has just proved who they are (``signed_in_with``
        says how), and its token for the cookie. Their other sessions end: one person, one
        session, so a login shared between people gives itself away. A locked username gets
        none, however the person proved who they are (CJIS AC-7 holds on every way in)."""
        if self.lockout.is_locked(account.username):
            reason = f"account locked ({signed_in_with} accepted)"
            self._events.denied(
                actor_of(account), "auth:login", reason, client_address=client_address
            )
            raise locked(None)
        self.lockout.succeeded(account.username)
        now = self._clock.now()
        self._store.accounts.record_login(account.id, now)
        self._store.pending_sign_ins.delete_for_account(account.id)
        token, session = self._new_session(account, now, client_address, signed_in_with)
        ended = self._store.sessions.delete_for_account(account.id, keep=session.id)
        reason += f" ({signed_in_with})" + (f"; ended {ended} earlier session(s)" if ended else "")
        actor = actor_of(account, signed_in_with)
        self._events.allowed(actor, "auth:login", reason, client_address=client_address)
        principal = Principal(
            replace(account, last_active_at=now),
            CredentialKind.SESSION,
            session.id,
            signed_in_with,
        )
        return principal, token

    def change_password_at_sign_in(
        self, username: str, password: str, new_password: str, client_address: str | None = None
    ) -> tuple[Principal, str]:
        """The sign-in step for a password set by someone else (or any password): the owner
        proves it, chooses their own, and only then gets a session."""
        account = self._signed_in(
            username, password, client_address, console=client_address == CONSOLE, change=True
        )
        if new_password == password:
            raise InvalidInput(
                "the new password is the one you were given", hint="Choose one of your own."
            )
        self._check_password(new_password, account)
        self._store.accounts.set_password_hash(account.id, self._passwords.hash(new_password))
        self._events.allowed(
            actor_of(account),
            "accounts:password",
            "password changed (own, at sign-in)",
            username=account.username,
            client_address=client_address,
        )
        if client_address == CONSOLE:
            return self.console_login(username, new_password), ""
        return self.login(username, new_password, client_address)

    def console_login(
        self,
        username: str,
        password: str,
        second_step: Callable[[Account], str] | None = None,
    ) -> Principal:
        """The person at the server's console, for one command: a password as on the web, the
        same lockout, standing and must-change rules; logged with the console as its channel.
        While second factors are required, ``second_step`` checks one after the password and
        says how the person signed in (``SecondFactors.console_login`` gives it)."""
        account = self._signed_in(username, password, CONSOLE, console=True)
        signed_in_with = "password"
        if self.second_factor_required:
            if second_step is None:
                raise SecondFactorNeeded(None, "the console needs a second factor too")
            signed_in_with = second_step(account)
        self.lockout.succeeded(account.username)
        now = self._clock.now()
        self._store.accounts.record_login(account.id, now)
        self._events.allowed(
            actor_of(account, logged_sign_in(CredentialKind.CONSOLE, signed_in_with)),
            "auth:login",
            f"accepted at the console ({signed_in_with})",
            client_address=CONSOLE,
        )
        return Principal(
            replace(account, last_active_at=now), CredentialKind.CONSOLE, CONSOLE, signed_in_with
        )

    def check_password(self, username: str, password: str) -> Account:
        """The account whose password this is, typed at the console, with the same lockout and
        standing rules as signing in; no session (the console enrols a second factor with it)."""
        return self._signed_in(username, password, CONSOLE, console=True)

    def confirm_own_password(self, account: Account, password: str) -> None:
        """Refuse, logged, unless ``password`` is the account's: asked again before a person
        changes what proves who they are (their second factors, their recovery codes)."""
        self._check_current_password(account, password)

    def second_step_allowed(self, account: Account, client_address: str | None) -> Account:
        """``account`` if it may try a second factor now: not locked, still in good standing.
        A locked username or address is refused here as at the password."""
        self.lockout.refuse_if_locked(_second_step(account, client_address))
        return self._standing(account, "auth:second-factor", client_address)

    def second_step_failed(
        self, account: Account, reason: str, client_address: str | None
    ) -> AuthenticationFailed:
        """Count a wrong second factor as a wrong password (the same lockout), log it, and
        return what to say."""
        wrong = SecondFactorInvalid(
            "the code is not valid", hint="Type the current code, or a recovery code."
        )
        return self.lockout.failed(_second_step(account, client_address), reason, wrong)

    def reset_second_factors(self, by: Acting, account_id: str) -> int:
        """A custodian removes every second factor and recovery code of a person who lost
        theirs (never their own: ``may_manage``); the person enrols again at their next sign-in,
        and their sessions and API tokens end now. How many factors went."""
        now = self._clock.now()
        account = self._scoped(by, account_id, "accounts:second-factor-reset")
        actor = self._authorise(
            by, "accounts:second-factor-reset", account.agency_id, account.id, account
        )
        self._keep_proofs_apart(
            by, account, ChangeKind.SECOND_FACTOR_RESET, "accounts:second-factor-reset"
        )
        self._refuse_reset_over_a_given_password(by, account)
        removed = self._store.second_factors.delete_for_account(account.id)
        self._store.recovery_codes.delete_for_account(account.id)
        self._store.pending_sign_ins.delete_for_account(account.id)
        sessions = self._store.sessions.delete_for_account(account.id)
        tokens = self._store.api_tokens.revoke_for_account(account.id, now)
        self._changed(by, account, ChangeKind.SECOND_FACTOR_RESET, now)
        reason = (
            f"second factors reset: {removed} factor(s) and the recovery codes removed; "
            f"{sessions} session(s) ended, {tokens} API token(s) revoked; enrols again at sign-in"
        )
        self._events.allowed(
            actor,
            "accounts:second-factor-reset",
            reason,
            username=account.username,
            client_address=_channel(by),
        )
        return removed

    def resolve_session(
        self, token: str, client_address: str | None = None, *, while_locked: bool = False
    ) -> Principal:
        """The person a session cookie belongs to, if the session and the account still stand;
        a session whose screen is locked only ``while_locked`` (its unlock step, its sign-out,
        the live alert stream's count)."""
        now = self._clock.now()
        session = self._live_session(token, now)
        if not while_locked and self._store.session_locks.locked_at(session.id) is not None:
            raise session_locked()
        account = self._standing(self.get(session.account_id), "auth:session", client_address)
        if now - session.last_seen_at >= TOUCH_EVERY:
            self._store.sessions.touch(session.id, now)
            self._store.accounts.touch(account.id, now)
        return Principal(account, CredentialKind.SESSION, session.id, session.signed_in_with)

    def screen_state(self, token: str) -> ScreenState:
        """Whether the session of ``token`` is open, locked, or has ended: the live alert
        stream asks before each alert it would show."""
        session = self._store.sessions.by_token_hash(hash_token(token))
        alive = session is not None and not session.ended(self._clock.now(), self._session_idle)
        return self.screen_locks.state("" if session is None else session.id, alive)

    def hold_locked_screen(self, token: str) -> ScreenState:
        """``screen_state``, asked by an alert screen's stream at each heartbeat: while the
        screen is locked and the stream listens, the session is kept from its idle end (the
        lock, which only the password lifts, holds instead), never past its last hour. Without
        a stream listening a locked session ends when idle, as any other."""
        state = self.screen_state(token)
        session = self._store.sessions.by_token_hash(hash_token(token))
        now = self._clock.now()
        held = state is ScreenState.LOCKED and session is not None
        if held and session is not None and now - session.last_seen_at >= TOUCH_EVERY:
            self._store.sessions.touch(session.id, now)
        return state

    def _live_session(self, token: str, now: datetime) -> Session:
        session = self._store.sessions.by_token_hash(hash_token(token))
        if session is None:
            raise AuthenticationFailed("not signed in", hint="Sign in.")
        if session.ended(now, self._session_idle):
            self._store.sessions.delete(session.id)
            raise AuthenticationFailed("the session has ended", hint="Sign in again.")
        if self.second_factor_required and not proves_second_factor(session.signed_in_with):
            # Opened while second factors were not required: it ends now that they are.
            self._store.sessions.delete(session.id)
            raise SecondFactorNeeded(None, "the session was opened without a second factor")
        return session

    def logout(self, session_token: str, client_address: str | None = None) -> None:
        """End the session of ``session_token``; nothing happens if it has ended already."""
        session = self._store.sessions.by_token_hash(hash_token(session_token))
        if session is None or not self._store.sessions.delete(session.id):
            return
        account = self.get(session.account_id)
        actor = actor_of(account, session.signed_in_with)
        self._events.allowed(actor, "auth:logout", "signed out", client_address=client_address)

    # -- API tokens ----------------------------------------------------------------------------

    def issue_api_token(
        self,
        by: Acting,
        name: str,
        days: int | None = None,
        *,
        scopes: Iterable[TokenScope],
        account_id: str | None = None,
    ) -> tuple[ApiToken, str]:
        """A token for a service acting for a person, for what ``scopes`` name and their roles
        grant: for oneself, from a signed-in session (a token cannot make more tokens), or for
        anyone by the host's administrator. It lasts ``days``, by default
        ``accounts.api_token_default_days``."""
        now = self._clock.now()
        account = self._token_owner(by, account_id)
        name = _token_name(name)
        days = self._token_days(days)
        scopes = _token_scopes(scopes, account)
        if account.status is not AccountStatus.ACTIVE or self.staffing.lapse(
            account, now, self._max_idle
        ):
            raise Conflict(
                f"account {account.username!r} is not active",
                hint="Reactivate it first: 'platekeeper user reactivate'.",
            )
        plaintext, token_hash = issue_api_token_secret()
        expires_at = now + timedelta(days=days)
        token = ApiToken(new_id(), account.id, name, token_hash, now, expires_at, scopes=scopes)
        self._store.api_tokens.add(token)
        reason = (
            f"token {token.id} ({name}) issued for {scopes_text(scopes)}, "
            f"expires {token.expires_at:%Y-%m-%d}"
        )
        self._events.allowed(by.actor, "tokens:issue", reason, username=account.username)
        return token, plaintext

    def _token_days(self, days: int | None) -> int:
        longest = self._settings.api_token_max_days
        if days is None:
            return self._settings.api_token_default_days
        if not 1 <= days <= longest:
            raise InvalidInput(
                f"a token lasts 1 to {longest} days, not {days}",
                hint="accounts.api_token_max_days sets the longest.",
            )
        return days

    def list_api_tokens(self, by: Acting, account_id: str | None = None) -> list[ApiToken]:
        account = self._own_or_managed(by, account_id, "tokens:list")
        return self._store.api_tokens.list(account.id)

    def revoke_api_token(self, by: Acting, token_id: str) -> ApiToken:
        token = self._store.api_tokens.get(token_id)
        owner = None if token is None else self._store.accounts.get(token.account_id)
        # Another agency's token is answered as one that does not exist.
        if token is None or owner is None or not _scope(by).admits(owner.agency_id):
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
        if not stored.scopes:
            raise AuthenticationFailed(
                "the API token was issued before tokens had scopes, and may do nothing",
                hint="Issue a new token that names its scopes, e.g. "
                "'platekeeper token create USER --name NAME --scope search'.",
            )
        account = self._standing(self.get(stored.account_id), "auth:token", client_address)
        if self.second_factor_required and not self.pending.has_second_factor(account.id):
            reason = "the token's holder has no second factor enrolled"
            self._events.denied(
                actor_of(account), "auth:token", reason, client_address=client_address
            )
            raise SecondFactorNeeded(None, reason)
        if stored.last_used_at is None or now - stored.last_used_at >= TOUCH_EVERY:
            self._store.api_tokens.record_use(stored.id, now)
            self._store.accounts.touch(account.id, now)
        return Principal(account, CredentialKind.TOKEN, stored.id, scopes=stored.scopes)

    # -- upkeep --------------------------------------------------------------------------------

    def sweep(self) -> list[tuple[Account, SuspensionReason]]:
        """Suspend every account that lapsed, and forget sessions that ended; for a periodic job."""
        now = self._clock.now()
        suspended = []
        for account in self._store.accounts.list():
            reason = self.staffing.lapse(account, now, self._max_idle)
            if reason is not None:
                suspended.append((self._suspend_lapsed(account, reason, None), reason))
        self._store.sessions.delete_ended(now, now - self._session_idle)
        self.lockout.forget_stale()
        self._store.pending_sign_ins.delete_ended(now)
        return suspended

    # Last: below it, ``list`` in an annotation would name this method.
    def list(self, agency_id: str | None = None) -> list[Account]:
        return self._store.accounts.list(agency_id)

    # -- the parts -----------------------------------------------------------------------------

    def _one_account_per_person(self, agency_id: str, username: str, display_name: str) -> str:
        """The person's name, refused where it names a post or where someone of the agency
        already has an account under it: one account per person, never a second one to share
        (two people of one name are told apart, e.g. by a middle initial)."""
        name = require_person_name(display_name)
        key = name.casefold()
        twin = next(
            (
                a
                for a in self._store.accounts.list(agency_id)
                # The same username is refused as taken by the store, in its own words.
                if a.status is not AccountStatus.DEACTIVATED
                and a.username != username
                and " ".join(a.display_name.split()).casefold() == key
            ),
            None,
        )
        if twin is not None:
            raise Conflict(
                f"{name!r} already has an account in agency {agency_id!r}: {twin.username!r}",
                hint="One account per person: use that one. Two people of the same name are"
                " told apart in the display name, e.g. by a middle initial.",
            )
        return name

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
        account = self._scoped(by, account_id, action)
        self._authorise(by, action, account.agency_id, account.id, account)
        return account

    def _scoped(self, by: Acting, account_id: str, action: str) -> Account:
        """The account ``account_id`` if it lies in ``by``'s scope, else ``NotFound`` with the
        words of one that does not exist, logged as a refused ``action`` either way."""
        account = self._store.accounts.get(account_id)
        if account is None or not _scope(by).admits(account.agency_id):
            self._events.denied(by.actor, action, "no such account in the agency")
        return _scope(by).own(account, _agency_of, f"account {account_id!r} does not exist")

    def _check_password(self, password: str, account: Account) -> None:
        """The password rules, with the words of this account's context (NIST SP 800-63B)."""
        agency = self._store.agencies.get(account.agency_id)
        context = context_words(
            account.username,
            account.display_name,
            account.agency_id,
            None if agency is None else agency.name,
        )
        check_password_rules(
            password,
            account.username,
            min_length=self._settings.password_min_length,
            context=context,
        )

    def _token_owner(self, by: Acting, account_id: str | None) -> Account:
        if isinstance(by, HostOperator):
            if account_id is None:
                raise InvalidInput("name the account the token is for")
            return self.get(account_id)
        if isinstance(by, Bootstrap | Directory):
            raise PermissionDenied("only a person issues API tokens", hint="Sign in first.")
        if by.credential_kind is CredentialKind.TOKEN:
            raise PermissionDenied(
                "an API token cannot issue API tokens", hint="Sign in to issue a token."
            )
        if self.second_factor_required and not proves_second_factor(by.signed_in_with):
            raise PermissionDenied(
                "issuing an API token needs a sign-in with a second factor",
                hint="Sign in again with your authenticator app or passkey.",
            )
        if account_id not in (None, by.account.id):
            raise PermissionDenied(
                "API tokens are issued by their holder only",
                hint="The person signs in and issues their own.",
            )
        return by.account

    def _standing(self, account: Account, action: str, client_address: str | None) -> Account:
        """``account`` if it may be used now; suspends it first if it has lapsed."""
        reason = self.staffing.lapse(account, self._clock.now(), self._max_idle)
        if reason is not None:
            account = self._suspend_lapsed(account, reason, client_address)
        grant = self._store.accounts.pending_grant(account.id)
        waiting = grant is not None and grant.new_account
        if account.status is AccountStatus.ACTIVE and not waiting and not awaits_training(account):
            return account
        self._store.sessions.delete_for_account(account.id)
        error = not_active(account) if account.status is not AccountStatus.ACTIVE else None
        error = error or (awaiting_approval() if waiting else None)
        error = error or training_not_recorded(account)
        self._events.denied(actor_of(account), action, error.message, client_address=client_address)
        raise error

    def check_standing(self, account: Account, action: str, client_address: str | None) -> Account:
        """``account`` if it may be used now (active, approved, trained); else the refusal,
        logged. For a way in that proved the person elsewhere (single sign-on)."""
        return self._standing(account, action, client_address)

    def _suspend_lapsed(
        self, account: Account, reason: SuspensionReason, client_address: str | None
    ) -> Account:
        changed = account.suspended(reason, self._clock.now())
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

    def _signed_in(
        self,
        username: str,
        password: str,
        client_address: str | None,
        *,
        console: bool,
        change: bool = False,
    ) -> Account:
        """The account whose password this is, if it may be used; else the refusal, logged.

        Failures are counted per typed username, known or not, and per client address across
        usernames; both lock alike, so neither the answer nor its timing tells whether a name
        exists. Only the holder of the password learns more (suspended, must change it)."""
        account = self._store.accounts.by_username(username)
        actor = attempted_actor(username) if account is None else actor_of(account)
        attempt = Attempt(username, actor, client_address)
        self.lockout.refuse_if_locked(attempt)
        state = None if account is None else self._store.accounts.password_state(account.id)
        stored_hash = None if state is None else state.password_hash
        if account is None or state is None or not self._passwords.verify(stored_hash, password):
            raise self.lockout.failed(
                attempt, "unknown username" if account is None else "wrong password"
            )
        # Failures are cleared only when the whole sign-in succeeds (``open_session``): a
        # password must not wipe the count of wrong second-factor codes typed after it.
        if stored_hash is not None and self._passwords.needs_rehash(stored_hash):
            self._store.accounts.set_password_hash(
                account.id, self._passwords.hash(password), must_change=state.must_change
            )
        account = self._standing(account, "auth:login", client_address)
        if state.must_change and not change:
            reason = "password set by someone else: only a new one may be chosen with it"
            self._events.denied(actor, "auth:login", reason, client_address=client_address)
            raise must_change_password(console)
        return account

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

    def _bootstrap(self, by: Bootstrap, username: str, roles: Iterable[Role]) -> Actor:
        """The one password-less console act: the first custodian of an empty database."""
        if self._store.accounts.list():
            reason = "accounts exist: the console acts only as a person who signs in"
            self._events.denied(
                by.actor, "accounts:create", reason, username=username, client_address=CONSOLE
            )
            raise PermissionDenied(
                "the first custodian exists already",
                hint="Sign in at the console as a custodian: 'platekeeper user add --as NAME'.",
            )
        if Role.CUSTODIAN not in frozenset(roles):
            raise InvalidInput("the first account is a custodian's", hint="Add --role custodian.")
        return by.actor

    def _grant_for(
        self,
        by: Acting,
        account: Account,
        added: frozenset[Role],
        now: datetime,
        *,
        new_account: bool,
    ) -> RoleGrant | None:
        """The grant to hold for approval, or None if the roles take effect at once: no
        privileged role added, seeding code or the bootstrap, or nobody else to approve. What
        the directory grants always waits: it is not a person who can be held to account."""
        if not privileged(added) or isinstance(by, HostOperator | Bootstrap):
            return None
        if isinstance(by, Directory):
            return RoleGrant(account.roles | added, by.actor.username, now, new_account)
        others = [
            other
            for other in self._store.accounts.list(account.agency_id)
            if other.id not in (by.account.id, account.id)
            and other.status is AccountStatus.ACTIVE
            and other.roles & PRIVILEGED_ROLES
            and self._store.accounts.pending_grant(other.id) is None
        ]
        if not others:
            # A lone custodian has nobody to ask; the account changes they make stay linked to
            # them (``Independence``), so their creature still approves nothing of theirs.
            return None
        return RoleGrant(account.roles | added, by.actor.username, now, new_account)

    def _may_approve_roles(
        self, by: Acting, account: Account, grant: RoleGrant | None
    ) -> str | None:
        if not isinstance(by, Principal) or not by.account.roles & PRIVILEGED_ROLES:
            return "privileged roles are approved by a signed-in supervisor, custodian or auditor"
        if not _scope(by).admits(account.agency_id):
            return "the account is not of your agency"
        if by.account.id == account.id:
            return "nobody approves their own roles"
        for other in () if grant is None else (grant.requested_by, account.username):
            decision = self.independence.decide(by.actor.username, other)
            if not decision.allowed:
                return decision.reason
        return None

    def _keep_proofs_apart(
        self, by: Acting, account: Account, kind: ChangeKind, action: str
    ) -> None:
        """Refuse, logged, a change that would leave one person holding both the password and
        the second factor of another: with both, they could sign in as them. The host's own
        operator is not held to it: the host holds the database, and what it sets is no password
        its owner must replace (the demo's people, set again at each run)."""
        if isinstance(by, HostOperator):
            return
        decision = self.independence.proofs_apart(by.actor.username, account.username, kind)
        if not decision.allowed:
            self._events.denied(
                by.actor,
                action,
                decision.reason,
                username=account.username,
                client_address=_channel(by),
            )
            raise PermissionDenied(
                f"you may not do this: {decision.reason}",
                hint="Another custodian does it, so that no one person can sign in as another.",
            )

    def _refuse_reset_over_a_given_password(self, by: Acting, account: Account) -> None:
        """While the password is one someone else set and its owner has not replaced it, that
        someone knows it: with the second factors gone, they could enrol one and be the person."""
        state = self._store.accounts.password_state(account.id)
        if state is None or not state.must_change:
            return
        reason = "the password was set by someone else and not yet replaced by its owner"
        self._events.denied(
            by.actor,
            "accounts:second-factor-reset",
            reason,
            username=account.username,
            client_address=_channel(by),
        )
        raise PermissionDenied(
            f"you may not reset {account.username}'s second factors: {reason}",
            hint="The person signs in with the password they were given and chooses their own "
            "first; then their second factors can be reset.",
        )

    def _changed(self, by: Acting, account: Account, kind: ChangeKind, now: datetime) -> None:
        self._store.account_changes.add(
            AccountChange(account.username, by.actor.username, kind, now)
        )

    def _new_session(
        self, account: Account, now: datetime, client_address: str | None, signed_in_with: str
    ) -> tuple[str, Session]:
        token, token_hash = issue_session_token()
        expires_at = now + timedelta(hours=self._settings.session_max_hours)
        session = Session(
            new_id(), account.id, token_hash, now, now, expires_at, client_address, signed_in_with
        )
        self._store.sessions.add(session)
        return token, session

    def _held_to_policy(
        self, actor: Actor, action: str, username: str, job_title: str, roles: frozenset[Role]
    ) -> None:
        """Refuse, logged, a job title the policy does not list for every one of ``roles``."""
        refusal = self.staffing.title_refusal(job_title, roles)
        if refusal is not None:
            self._events.denied(actor, action, refusal, username=username)
            self.staffing.require_title(job_title, roles)

    def _policy_training(
        self,
        actor: Actor,
        action: str,
        username: str,
        roles: Iterable[Role],
        *,
        completed_on: date,
        expires_on: date | None,
        after: date | None = None,
    ) -> TrainingRecord:
        """The training record the policy accepts for ``roles``; a refusal is logged."""
        today = self._clock.now().date()
        try:
            return self.staffing.training(completed_on, expires_on, roles, today, after=after)
        except InvalidInput as exc:
            self._events.denied(actor, action, exc.message, username=username)
            raise

    def _first_training(
        self,
        by: Acting,
        actor: Actor,
        username: str,
        roles: frozenset[Role],
        given: tuple[date | None, date | None],
    ) -> TrainingRecord | None:
        """The training a new account starts with (completed, expires); none only where the
        directory makes the account."""
        completed_on, expires_on = given
        if completed_on is None:
            if not isinstance(by, Directory):
                raise InvalidInput(
                    "a new account needs the day its person completed training",
                    hint="Give the training completion date.",
                )
            return None
        return self._policy_training(
            actor,
            "accounts:create",
            username,
            roles,
            completed_on=completed_on,
            expires_on=expires_on,
        )

    def _training_for_roles(self, actor: Actor, changed: Account) -> TrainingRecord | None:
        """The account's training held to its new roles' refresher interval: refused when it
        no longer counts, its expiry brought forward where a new role's interval is shorter."""
        training = changed.training
        if training is None:
            return None
        longest = self.staffing.valid_until(training.completed_on, changed.roles)
        return self._policy_training(
            actor,
            "accounts:roles",
            changed.username,
            changed.roles,
            completed_on=training.completed_on,
            expires_on=min(training.expires_on, longest),
        )

    def _retrained(
        self,
        actor: Actor,
        account: Account,
        completed_on: date | None,
        expires_on: date | None,
    ) -> TrainingRecord:
        """The training a reactivation needs: completed since the account stopped being active,
        current under the policy, for a job title the policy lists for its roles."""
        self._held_to_policy(
            actor, "accounts:reactivate", account.username, account.job_title, account.roles
        )
        on_file = account.training
        if completed_on is None and on_file is None:
            raise InvalidInput(
                "no training is on record", hint="Give the date the person completed training."
            )
        if completed_on is None and on_file is not None:
            completed_on = on_file.completed_on
            longest = self.staffing.valid_until(completed_on, account.roles)
            expires_on = min(on_file.expires_on, longest)
        assert completed_on is not None
        return self._policy_training(
            actor,
            "accounts:reactivate",
            account.username,
            account.roles,
            completed_on=completed_on,
            expires_on=expires_on,
            after=account.inactive_from(),
        )


def _second_step(account: Account, client_address: str | None) -> Attempt:
    return Attempt(account.username, actor_of(account), client_address, "auth:second-factor")


def _scope(by: Acting) -> AgencyScope:
    """The accounts ``by`` sees: a person's, their agency's; the host's seeding code and the
    bootstrap act outside any agency's world (``authority.py``)."""
    if isinstance(by, Directory):
        return AgencyScope.of(by.actor)
    return AgencyScope.of(by.account) if isinstance(by, Principal) else AgencyScope.whole_system()


def _agency_of(account: Account) -> str:
    return account.agency_id


def _channel(by: Acting) -> str | None:
    """The client address an account event records: the console's acts say so."""
    if isinstance(by, Bootstrap):
        return CONSOLE
    if isinstance(by, Directory):
        return by.client_address
    if isinstance(by, Principal) and by.credential_kind is CredentialKind.CONSOLE:
        return CONSOLE
    return None


def _token_scopes(scopes: Iterable[TokenScope], account: Account) -> frozenset[TokenScope]:
    """The scopes asked for, each of which must give the owner's roles something: a token
    never reaches beyond its owner (and at use, its scopes meet the roles of that day)."""
    asked = frozenset(scopes)
    if not asked:
        raise InvalidInput(
            "name what the token is for: one or more scopes",
            hint=f"Scopes: {', '.join(TokenScope)}.",
        )
    reach = scopes_reaching(account.roles)
    beyond = asked - reach
    if beyond:
        roles = ", ".join(sorted(account.roles)) or "none"
        raise InvalidInput(
            f"the scope(s) {scopes_text(beyond)} grant nothing to {account.username}'s "
            f"roles ({roles})",
            hint=f"Their roles reach: {scopes_text(reach)}.",
        )
    return asked


def _token_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_TOKEN_NAME:
        raise InvalidInput(
            f"a token's name has 1 to {MAX_TOKEN_NAME} characters",
            hint="Name the service that uses it, e.g. 'nightly-export'.",
        )
    return name
