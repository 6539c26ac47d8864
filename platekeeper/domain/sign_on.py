"""Single sign-on's rules: what the identity provider must have proved, and who it says came.

The provider (Entra ID, Okta, AD FS, any OpenID provider) has checked the person's password and,
CJIS asks, a second factor. PlateKeeper cannot see that second factor; it reads the provider's
word for it in the ID token's ``amr`` (authentication methods, RFC 8176) or ``acr`` (the
assurance level) claim, and refuses a sign-in that does not show one. A federated session counts
as second-factor-proved because of that word and for no other reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from platekeeper.domain.permissions import Decision
from platekeeper.domain.time import require_utc
from platekeeper.errors import InvalidInput

SIGNED_IN_WITH = "oidc"
"""How a session made by single sign-on says its person signed in (``Session.signed_in_with``)."""
REQUEST_LIFETIME = timedelta(minutes=10)
"""How long a sign-in sent to the provider may take to come back."""


@dataclass(frozen=True, slots=True)
class SecondFactorEvidence:
    """The ``amr`` values and ``acr`` values that show the provider checked a second factor.

    RFC 8176 names the methods: ``mfa`` (several), ``otp``, ``hwk`` and ``swk`` (hardware and
    software keys), ``sms``, ``fpt``... A password (``pwd``) alone shows nothing. ``acr`` values
    are each provider's own, e.g. Okta's ``phr`` or a custom level URI.
    """

    amr: frozenset[str]
    acr: frozenset[str]

    def __post_init__(self) -> None:
        if not self.amr and not self.acr:
            raise InvalidInput(
                "no amr or acr value is accepted as a second factor",
                hint="Name at least one in oidc.second_factor_amr or oidc.second_factor_acr.",
            )

    def decide(self, claims: Mapping[str, Any]) -> Decision:
        """Whether the ID token's claims show a second factor, and which claim said so."""
        methods = claims.get("amr")
        shown = sorted(self.amr.intersection(methods)) if isinstance(methods, list) else []
        if shown:
            return Decision(True, f"the provider reports amr {', '.join(shown)}")
        acr = claims.get("acr")
        if isinstance(acr, str) and acr in self.acr:
            return Decision(True, f"the provider reports acr {acr}")
        said = f"amr {methods!r}, acr {acr!r}"
        return Decision(False, f"the provider reports no second factor ({said})")


@dataclass(frozen=True, slots=True)
class ClaimNames:
    """Which ID token claims carry the username and the groups (providers differ)."""

    username: str
    groups: str


@dataclass(frozen=True, slots=True)
class DirectoryPerson:
    """Who the provider says signed in, read from verified ID token claims."""

    issuer: str
    subject: str
    username: str
    display_name: str
    groups: tuple[str, ...]

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any], names: ClaimNames) -> DirectoryPerson:
        """The person of ``claims``; a claim missing or of the wrong type is refused by name."""
        username = _text(claims, names.username)
        # Directories often give 'jane.doe@agency.gov'; the account is named by the local part,
        # lower-cased (the username rules check it when the account is made).
        username = username.split("@", 1)[0].lower()
        groups = claims.get(names.groups, [])
        if not _strings(groups):
            raise InvalidInput(
                f"the ID token's {names.groups!r} claim is not a list of group names",
                hint="Check oidc.groups_claim against what the provider sends.",
            )
        name = claims.get("name")
        return cls(
            issuer=_text(claims, "iss"),
            subject=_text(claims, "sub"),
            username=username,
            display_name=name.strip() if isinstance(name, str) and name.strip() else username,
            groups=tuple(groups),
        )


@dataclass(frozen=True, slots=True)
class FederatedIdentity:
    """One person of one provider, linked to one account here."""

    issuer: str
    subject: str
    account_id: str
    linked_at: datetime
    last_sign_in_at: datetime | None = None

    def __post_init__(self) -> None:
        require_utc(self.linked_at, "linked_at")


@dataclass(frozen=True, slots=True)
class SignOnRequest:
    """A sign-in sent to the provider: what must come back with it, and where to go after.

    ``binding_hash`` is the SHA-256 of a random value kept only in the browser's cookie, so the
    answer is accepted only in the browser that asked (login CSRF), and only once."""

    binding_hash: str
    state: str
    nonce: str
    code_verifier: str
    next_page: str
    created_at: datetime

    def __post_init__(self) -> None:
        require_utc(self.created_at, "created_at")

    def expired(self, now: datetime) -> bool:
        return now - self.created_at > REQUEST_LIFETIME


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _text(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(
            f"the ID token has no {name!r} claim",
            hint="Check the provider sends it (oidc.username_claim names the username's).",
        )
    return value.strip()
