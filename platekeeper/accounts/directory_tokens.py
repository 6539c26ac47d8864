"""Provisioning tokens: the credential an agency's custodian issues to the agency's directory.

A token lets the directory provision the accounts of the custodian's agency and nothing else
(``Role.DIRECTORY``). It is shown once; only its SHA-256 is kept; it always expires, and the
custodian revokes it at once. Issuing, listing and revoking go through the access gate under
the account-management permission, each change logged; another agency's token is answered as
one that does not exist.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from platekeeper.accounts.service import TOUCH_EVERY
from platekeeper.domain.access import AccessOutcome, AccessSink, Actor
from platekeeper.domain.credentials import hash_token, new_id
from platekeeper.domain.directory import DirectoryToken, issue_directory_token
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.permissions import Permission
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import AuthenticationFailed, Conflict, InvalidInput
from platekeeper.store import Store

_HINT = "A custodian of the agency issues and revokes its provisioning tokens."


class DirectoryTokens:
    def __init__(self, store: Store, log: AccessSink, clock: Clock, max_days: int) -> None:
        self._store = store
        self._gate = AccessGate(log, clock)
        self._clock = clock
        self._max_days = max_days

    def issue(self, who: Person, name: str, days: int) -> tuple[DirectoryToken, str]:
        """A token for the directory of ``who``'s agency, and its secret, shown once."""
        access = _access(who, "scim:tokens:issue", {"name": name.strip()})
        self._gate.permitted(access)
        if not 1 <= days <= self._max_days:
            raise InvalidInput(
                f"a provisioning token lasts 1 to {self._max_days} days, not {days}",
                hint="identity.scim_token_max_days sets the longest.",
            )
        now = self._clock.now()
        plaintext, token_hash = issue_directory_token()
        token = DirectoryToken(
            new_id(),
            who.actor.agency_id,
            name.strip(),
            token_hash,
            who.actor.username,
            now,
            now + timedelta(days=days),
        )
        self._store.directory_tokens.add(token)
        reason = f"token {token.id} ({token.name}) issued, expires {token.expires_at:%Y-%m-%d}"
        self._gate.record(access, AccessOutcome.ALLOWED, reason)
        return token, plaintext

    def list(self, who: Person) -> list[DirectoryToken]:
        """The tokens of ``who``'s agency, revoked and expired ones too, newest first."""
        self._gate.permitted(_access(who, "scim:tokens:list", {}))
        return self._store.directory_tokens.list(who.actor.agency_id)

    def revoke(self, who: Person, token_id: str) -> DirectoryToken:
        """Revoke a token of ``who``'s agency; the directory's next request is refused."""
        access = _access(who, "scim:tokens:revoke", {"token_id": token_id})
        self._gate.permitted(access)
        stored = self._store.directory_tokens.get(token_id)
        token = AgencyScope.of(who.actor).own(
            stored, _agency_of, f"provisioning token {token_id!r} does not exist"
        )
        now = self._clock.now()
        if not self._store.directory_tokens.revoke(token.id, now):
            raise Conflict(f"provisioning token {token_id!r} was revoked already")
        self._gate.record(access, AccessOutcome.ALLOWED, f"token {token.id} ({token.name}) revoked")
        return replace(token, revoked_at=now)

    def authenticate(self, plaintext: str) -> DirectoryToken:
        """The token presented, if it may be used now."""
        now = self._clock.now()
        token = self._store.directory_tokens.by_token_hash(hash_token(plaintext))
        if token is None:
            raise AuthenticationFailed(
                "the provisioning token is not valid", hint="Send the token as it was issued."
            )
        if not token.usable_at(now):
            state = "was revoked" if token.revoked_at is not None else "has expired"
            raise AuthenticationFailed(
                f"the provisioning token {state}", hint="A custodian issues a new one."
            )
        if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
            self._store.directory_tokens.record_use(token.id, now)
        return token


def directory_actor(token: DirectoryToken) -> Actor:
    """Who the directory is in the access log: ``scim:<token name>`` of the token's agency."""
    return Actor(f"scim:{token.name}", token.agency_id)


def _access(who: Person, step: str, query: dict[str, str]) -> Access:
    return Access(who, Stated(), Permission.ACCOUNTS_MANAGE, query, step=step, hint=_HINT)


def _agency_of(token: DirectoryToken) -> str:
    return token.agency_id
