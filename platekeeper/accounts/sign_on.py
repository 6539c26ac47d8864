"""Signing in through the agency's OpenID provider: the authorisation code flow with PKCE.

``begin`` records a sign-in (state, nonce, PKCE verifier) under the hash of a random value the
browser keeps in a cookie, and sends the browser to the provider. ``finish`` takes that record
back once (a second answer, or one in another browser, finds nothing), redeems the code, checks
the ID token (``oidc_provider.py``), then holds the person to PlateKeeper's own rules: a second
factor the provider vouches for (amr/acr), groups that grant a role and name one agency, an
account in standing with training on record. Only then does ``AccountService.open_session``
make the session, which says it came from single sign-on. Every refusal is logged.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from platekeeper.accounts.directory import DirectoryAccounts
from platekeeper.accounts.events import AccountEvents
from platekeeper.accounts.messages import attempted_actor
from platekeeper.accounts.oidc_provider import OpenIdProvider, VerifiedSignIn
from platekeeper.accounts.service import AccountService
from platekeeper.domain.access import Actor
from platekeeper.domain.credentials import Principal, hash_token
from platekeeper.domain.federation import GroupMapping
from platekeeper.domain.sign_on import (
    REQUEST_LIFETIME,
    SIGNED_IN_WITH,
    ClaimNames,
    DirectoryPerson,
    SecondFactorEvidence,
    SignOnRequest,
)
from platekeeper.domain.time import Clock
from platekeeper.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from platekeeper.store import Store

ACTION = "auth:login"
UNKNOWN = Actor("(single sign-on)", "-")
"""Who a refusal names before the provider has said who signed in."""


class SecondFactorNotShown(AuthenticationFailed):
    """The provider signed the person in without a second factor, by its own account."""

    code = "second_factor_not_shown"
    status = 403


@dataclass(frozen=True, slots=True)
class SignOnRules:
    """What a provider's sign-in must show, and how its claims and groups are read."""

    evidence: SecondFactorEvidence
    claims: ClaimNames
    job_title_claim: str
    mapping: GroupMapping


@dataclass(frozen=True, slots=True)
class SignedOn:
    principal: Principal
    session_token: str
    next_page: str


class SingleSignOn:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        accounts: AccountService,
        events: AccountEvents,
        provider: OpenIdProvider,
        *,
        rules: SignOnRules,
        provider_name: str,
    ) -> None:
        self._store = store
        self._clock = clock
        self._accounts = accounts
        self._events = events
        self._provider = provider
        self._rules = rules
        self._directory = DirectoryAccounts(store, clock, events, accounts.staffing)
        self.provider_name = provider_name

    def begin(self, next_page: str, redirect_uri: str) -> tuple[str, str]:
        """Where to send the browser, and the value for its cookie (shown to nobody else)."""
        now = self._clock.now()
        self._store.sign_on_requests.forget_before(now - REQUEST_LIFETIME)
        binding = secrets.token_urlsafe(32)
        request = SignOnRequest(
            binding_hash=hash_token(binding),
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(64),
            next_page=next_page,
            created_at=now,
        )
        self._store.sign_on_requests.add(request)
        url = self._provider.authorization_url(
            redirect_uri=redirect_uri,
            state=request.state,
            nonce=request.nonce,
            code_verifier=request.code_verifier,
        )
        return url, binding

    def finish(
        self,
        binding: str | None,
        *,
        state: str | None,
        code: str | None,
        error: str | None,
        redirect_uri: str,
        client_address: str | None,
        issuer: str | None = None,
    ) -> SignedOn:
        """The provider's answer: a session, or the refusal (logged) saying why. ``issuer`` is
        the answer's ``iss`` (RFC 9207), which, when given, must be our provider's: an answer
        from another provider mixed up into this sign-in is refused."""
        request = self._request(binding, state, client_address)
        if issuer is not None and issuer != self._provider.issuer:
            error = f"an answer from another issuer ({issuer})"
        if error is not None or not code:
            reason = f"the provider answered {error or 'no code'}"
            self._events.denied(UNKNOWN, ACTION, reason, client_address=client_address)
            raise AuthenticationFailed(
                f"the sign-in was not completed: {reason}", hint="Try signing in again."
            )
        verified = self._provider.redeem(
            code=code,
            redirect_uri=redirect_uri,
            code_verifier=request.code_verifier,
            nonce=request.nonce,
        )
        principal, token = self._admit(verified, client_address)
        return SignedOn(principal, token, request.next_page)

    def logout_url(self, session_id: str, post_logout_redirect_uri: str) -> str | None:
        """Where to send the browser so the provider's session ends too (RP-initiated
        logout), for a session that came from single sign-on; else None."""
        found = self._store.federated_sessions.id_token(session_id)
        if found is None:
            return None
        return self._provider.logout_url(
            id_token=found[1], post_logout_redirect_uri=post_logout_redirect_uri
        )

    # -- the parts -----------------------------------------------------------------------------

    def _request(
        self, binding: str | None, state: str | None, client_address: str | None
    ) -> SignOnRequest:
        request = None if not binding else self._store.sign_on_requests.take(hash_token(binding))
        now = self._clock.now()
        refusal = _request_refusal(request, state, now)
        if refusal is not None or request is None:
            reason = refusal or "no sign-in was started in this browser"
            self._events.denied(UNKNOWN, ACTION, reason, client_address=client_address)
            raise AuthenticationFailed(
                f"this sign-in cannot be completed: {reason}",
                hint="Start again from the login page, in the same browser.",
            )
        return request

    def _admit(self, verified: VerifiedSignIn, client_address: str | None) -> tuple[Principal, str]:
        person = self._person(verified, client_address)
        actor = attempted_actor(person.username)
        evidence = self._rules.evidence.decide(verified.claims)
        if not evidence.allowed:
            self._events.denied(actor, ACTION, evidence.reason, client_address=client_address)
            raise SecondFactorNotShown(
                "your organisation's sign-in did not include a second factor",
                hint="Sign in again with your second factor (a code, a security key or an "
                "authenticator app); PlateKeeper accepts no sign-in without one.",
            )
        roles = self._rules.mapping.roles_for(person.groups)
        if not roles:
            reason = f"none of the directory's groups ({len(person.groups)}) grants a role here"
            self._events.denied(actor, ACTION, reason, client_address=client_address)
            raise PermissionDenied(
                "none of your groups in the directory grants a role in PlateKeeper",
                hint="Ask your administrator to add you to a group mapped in identity.group_roles.",
            )
        try:
            agency = self._rules.mapping.agency_for(person.groups)
        except PermissionDenied as exc:
            self._events.denied(actor, ACTION, exc.message, client_address=client_address)
            raise
        title = verified.claims.get(self._rules.job_title_claim)
        account = self._directory.admit(
            person, roles, agency, title if isinstance(title, str) else ""
        )
        account = self._accounts.check_standing(account, ACTION, client_address)
        reason = f"signed in through {person.issuer}; {evidence.reason}"
        principal, token = self._accounts.open_session(
            account, SIGNED_IN_WITH, reason, client_address
        )
        self._store.federated_sessions.add(
            principal.credential_id, person.issuer, verified.id_token
        )
        return principal, token

    def _person(self, verified: VerifiedSignIn, client_address: str | None) -> DirectoryPerson:
        try:
            return DirectoryPerson.from_claims(verified.claims, self._rules.claims)
        except InvalidInput as exc:
            self._events.denied(UNKNOWN, ACTION, exc.message, client_address=client_address)
            raise


def _request_refusal(request: SignOnRequest | None, state: str | None, now: datetime) -> str | None:
    if request is None:
        return None
    if state is None or not hmac.compare_digest(state, request.state):
        return "the answer's state is not the one this browser sent"
    if request.expired(now):
        return "the sign-in took too long"
    return None
