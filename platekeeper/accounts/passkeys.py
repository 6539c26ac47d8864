"""Passkeys and security keys (WebAuthn) as a second factor: the two ceremonies.

Registration binds a new key pair of the person's authenticator to their account;
authentication proves that authenticator is present again. Both run against one challenge the
server issued for one purpose and one binding (a pending sign-in, or a session enrolling a key),
taken back on first use, so that an answer is never accepted twice nor for anything else.

What each answer must show, besides a valid signature: this server's relying party id and one
of its exact origins, a signature counter above the last one seen (else the authenticator may
have been cloned), and a credential registered to the person signing in: another person's
passkey, however valid, signs nobody else in.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_authenticator_data,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticationCredential,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from platekeeper.accounts.pending import SecondFactorInvalid
from platekeeper.config import AccountSettings
from platekeeper.domain.people import Account
from platekeeper.domain.time import Clock
from platekeeper.errors import InvalidInput

CEREMONY_TIMEOUT = timedelta(minutes=3)
"""How long a challenge may be answered: a person with a key at hand needs well under it."""
MAX_RESPONSE_CHARS = 64 * 1024
"""An authenticator's answer is a few kilobytes; anything much bigger is not one."""


@dataclass(frozen=True, slots=True)
class RelyingParty:
    """This server as passkeys know it: the domain they are bound to, and the pages using them."""

    id: str
    name: str
    origins: tuple[str, ...]

    @classmethod
    def from_settings(cls, settings: AccountSettings) -> RelyingParty:
        return cls(settings.webauthn_rp_id, settings.webauthn_rp_name, settings.webauthn_origins)


@dataclass(frozen=True, slots=True)
class KnownKey:
    """A registered credential as the ceremonies need it: its id, public key and counter."""

    credential_id: bytes
    public_key: bytes
    sign_count: int


@dataclass(frozen=True, slots=True)
class NewKey:
    """A credential the person's authenticator just created, to store with their account."""

    credential_id: bytes
    public_key: bytes
    sign_count: int
    user_verified: bool


@dataclass(frozen=True, slots=True)
class Assertion:
    """A passkey's accepted answer: which key, and the counter to store for it."""

    credential_id: bytes
    new_sign_count: int
    user_verified: bool


class PasskeyRefused(SecondFactorInvalid):
    """The authenticator's answer proves nothing: the reason is for the log, the person sees it."""

    code = "passkey_refused"


@dataclass(frozen=True, slots=True)
class _Challenge:
    value: bytes
    purpose: str
    expires_at: datetime


class Challenges:
    """Challenges issued and not yet answered, by binding; each is taken back on first use.

    Kept in the server's memory: a challenge lives minutes, and the server is one process
    (``platekeeper serve``); after a restart the person simply asks again.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._issued: dict[str, _Challenge] = {}
        self._lock = threading.Lock()

    def issue(self, binding: str, purpose: str, value: bytes) -> None:
        """Remember ``value`` for ``binding``; an earlier unanswered one is forgotten."""
        now = self._clock.now()
        with self._lock:
            self._issued = {k: c for k, c in self._issued.items() if c.expires_at > now}
            self._issued[binding] = _Challenge(value, purpose, now + CEREMONY_TIMEOUT)

    def take(self, binding: str, purpose: str) -> bytes:
        """The challenge issued to ``binding`` for ``purpose``, forgotten now; else refused."""
        with self._lock:
            issued = self._issued.pop(binding, None)
        if issued is None or issued.purpose != purpose:
            raise PasskeyRefused(
                "no passkey request is waiting for this answer", hint="Ask for the passkey again."
            )
        if self._clock.now() >= issued.expires_at:
            raise PasskeyRefused(
                "the passkey request has expired", hint="Ask for the passkey again."
            )
        return issued.value

    def forget(self, binding: str) -> None:
        with self._lock:
            self._issued.pop(binding, None)


REGISTER = "register"
AUTHENTICATE = "authenticate"


class Ceremonies:
    """Options for the browser and the checks of its answers, for one relying party."""

    def __init__(self, relying_party: RelyingParty, challenges: Challenges) -> None:
        self.relying_party = relying_party
        self._challenges = challenges

    def registration_options(
        self, binding: str, account: Account, registered: Sequence[KnownKey]
    ) -> str:
        """The JSON for ``navigator.credentials.create``: a new key for ``account``, never a
        second one on an authenticator that holds one of ``registered`` already."""
        options = generate_registration_options(
            rp_id=self.relying_party.id,
            rp_name=self.relying_party.name,
            user_name=account.username,
            user_id=user_handle(account),
            user_display_name=account.display_name,
            timeout=_timeout_ms(),
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.PREFERRED,
                user_verification=UserVerificationRequirement.PREFERRED,
            ),
            exclude_credentials=_descriptors(registered),
        )
        self._challenges.issue(binding, REGISTER, options.challenge)
        return options_to_json(options)

    def verify_registration(self, binding: str, response: str) -> NewKey:
        """The new key of the answer to ``binding``'s registration challenge, or refused."""
        challenge = self._challenges.take(binding, REGISTER)
        try:
            credential = parse_registration_credential_json(_bounded(response))
            verified = verify_registration_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=self.relying_party.id,
                expected_origin=list(self.relying_party.origins),
            )
        except WebAuthnException as exc:
            raise PasskeyRefused(
                f"the new passkey was not accepted: {exc}", hint="Try again with the same key."
            ) from None
        return NewKey(
            verified.credential_id,
            verified.credential_public_key,
            verified.sign_count,
            verified.user_verified,
        )

    def authentication_options(self, binding: str, registered: Sequence[KnownKey]) -> str:
        """The JSON for ``navigator.credentials.get``, offering only the person's own keys."""
        if not registered:
            raise InvalidInput("no passkey is registered", hint="Sign in with another factor.")
        options = generate_authentication_options(
            rp_id=self.relying_party.id,
            timeout=_timeout_ms(),
            allow_credentials=_descriptors(registered),
            user_verification=UserVerificationRequirement.PREFERRED,
        )
        self._challenges.issue(binding, AUTHENTICATE, options.challenge)
        return options_to_json(options)

    def verify_authentication(
        self, binding: str, account: Account, response: str, registered: Sequence[KnownKey]
    ) -> Assertion:
        """The accepted answer to ``binding``'s challenge by one of ``registered`` (the keys
        of ``account``, the person signing in), or refused with the reason."""
        challenge = self._challenges.take(binding, AUTHENTICATE)
        credential = _parsed_assertion(response)
        key = next((k for k in registered if k.credential_id == credential.raw_id), None)
        if key is None:
            raise PasskeyRefused(
                "this passkey is not registered to you", hint="Use a passkey you registered."
            )
        _check_owner(credential, account)
        _check_counter(credential, key)
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=self.relying_party.id,
                expected_origin=list(self.relying_party.origins),
                credential_public_key=key.public_key,
                credential_current_sign_count=key.sign_count,
            )
        except WebAuthnException as exc:
            raise PasskeyRefused(
                f"the passkey's answer was not accepted: {exc}", hint="Try again."
            ) from None
        return Assertion(key.credential_id, verified.new_sign_count, verified.user_verified)


def user_handle(account: Account) -> bytes:
    """What the authenticator keeps as the person: the account's id, never a name."""
    return account.id.encode()


def credential_label(credential_id: bytes) -> str:
    """A credential id as people and logs see it: its first characters in base64url."""
    return bytes_to_base64url(credential_id)[:12]


def _check_owner(credential: AuthenticationCredential, account: Account) -> None:
    # A discoverable passkey names the account it was made for; it must be this one.
    handle = credential.response.user_handle
    if handle and handle != user_handle(account):
        raise PasskeyRefused(
            "this passkey belongs to another account", hint="Use a passkey you registered."
        )


def _check_counter(credential: AuthenticationCredential, key: KnownKey) -> None:
    """Refuse a counter that did not move forward: two authenticators answering for one key.
    The library refuses it too; checked here first so that the log says why."""
    try:
        count = parse_authenticator_data(credential.response.authenticator_data).sign_count
    except WebAuthnException:
        raise PasskeyRefused("the passkey's answer is malformed", hint="Try again.") from None
    if (count or key.sign_count) and count <= key.sign_count:
        raise PasskeyRefused(
            f"the passkey's signature counter went back ({count} after {key.sign_count}): "
            "the key may have been copied",
            hint="Use another factor and tell a custodian: the passkey should be removed.",
        )


def _parsed_assertion(response: str) -> AuthenticationCredential:
    try:
        return parse_authentication_credential_json(_bounded(response))
    except (WebAuthnException, ValueError):
        raise PasskeyRefused("the passkey's answer is malformed", hint="Try again.") from None


def _bounded(response: str) -> str:
    if len(response) > MAX_RESPONSE_CHARS:
        raise PasskeyRefused("the passkey's answer is too long", hint="Try again.")
    return response


def _descriptors(keys: Sequence[KnownKey]) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=key.credential_id) for key in keys]


def _timeout_ms() -> int:
    return int(CEREMONY_TIMEOUT.total_seconds() * 1000)
