"""The agency's OpenID provider, over HTTP: discovery, the authorisation code, the ID token.

Authlib does the protocol's parts (the provider's metadata checked against OpenID Discovery,
the PKCE S256 challenge) and joserfc, Authlib's JOSE library, checks the ID token: its signature
against the provider's published keys (asymmetric algorithms only, so a token signed with the
client secret or with none is refused), then issuer, audience, expiry and nonce. Nothing here
decides who may come in; ``sign_on.py`` does, with what this returns.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from platekeeper.config.base import PLACEHOLDER_SECRETS
from platekeeper.config.oidc import OidcSettings
from platekeeper.errors import AuthenticationFailed, ConfigError, FieldError, PlateKeeperError

# Asymmetric only: with HS256 the client secret would sign, and anyone holding it could mint.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
LEEWAY_S = 60
"""Clock difference tolerated between the provider and this server."""


class ProviderUnavailable(PlateKeeperError):
    """The provider could not be reached or answered something that is not OpenID Connect."""

    code = "identity_provider_unavailable"
    status = 502


@dataclass(frozen=True, slots=True)
class VerifiedSignIn:
    """What the provider vouched for: the ID token's checked claims, and the token itself (kept
    to send back as ``id_token_hint`` on logout)."""

    claims: Mapping[str, Any]
    id_token: str


class OpenIdProvider(Protocol):
    """The three things PlateKeeper asks of a provider."""

    @property
    def issuer(self) -> str: ...

    def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, code_verifier: str
    ) -> str: ...

    def redeem(
        self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str
    ) -> VerifiedSignIn:
        """Trade the code for tokens and return the ID token's claims once checked."""
        ...

    def logout_url(self, *, id_token: str, post_logout_redirect_uri: str) -> str | None:
        """Where the browser goes to end the provider's session; None if it offers no way."""
        ...


class HttpOpenIdProvider:
    """A provider reached over HTTP(S); metadata and keys are fetched on first use."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str,
        *,
        scopes: tuple[str, ...],
        timeout_s: float,
    ) -> None:
        self.issuer = issuer
        self._client_id = client_id
        self._client_secret = client_secret
        self._scopes = ("openid", *(scope for scope in scopes if scope != "openid"))
        self._timeout_s = timeout_s
        self._metadata: Mapping[str, Any] | None = None
        self._keys: KeySet | None = None
        self._lock = threading.RLock()

    def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, code_verifier: str
    ) -> str:
        params = [
            ("response_type", "code"),
            ("client_id", self._client_id),
            ("redirect_uri", redirect_uri),
            ("scope", " ".join(self._scopes)),
            ("state", state),
            ("nonce", nonce),
            ("code_challenge", create_s256_code_challenge(code_verifier)),
            ("code_challenge_method", "S256"),
        ]
        uri: str = add_params_to_uri(self._endpoint("authorization_endpoint"), params)
        return uri

    def redeem(
        self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str
    ) -> VerifiedSignIn:
        answer = self._post_token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            }
        )
        id_token = answer.get("id_token")
        if not isinstance(id_token, str):
            raise ProviderUnavailable("the provider's token answer has no ID token")
        return VerifiedSignIn(self._verified_claims(id_token, nonce), id_token)

    def logout_url(self, *, id_token: str, post_logout_redirect_uri: str) -> str | None:
        endpoint = self._metadata_now().get("end_session_endpoint")
        if not isinstance(endpoint, str):
            return None
        params = [
            ("id_token_hint", id_token),
            ("post_logout_redirect_uri", post_logout_redirect_uri),
            ("client_id", self._client_id),
        ]
        uri: str = add_params_to_uri(endpoint, params)
        return uri

    # -- the parts -----------------------------------------------------------------------------

    def _verified_claims(self, id_token: str, nonce: str) -> Mapping[str, Any]:
        try:
            token = self._decode(id_token)
            registry = jwt.JWTClaimsRegistry(
                leeway=LEEWAY_S,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self._client_id},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            )
            registry.validate(token.claims)
        except (JoseError, ValueError) as exc:
            raise AuthenticationFailed(
                f"the provider's ID token was refused: {exc}",
                hint="Sign in again; if it keeps failing, tell the administrator.",
            ) from None
        claims = token.claims
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        # OpenID Connect Core 3.1.3.7: with several audiences, azp must name this client.
        if len(audiences) > 1 and claims.get("azp") != self._client_id:
            raise AuthenticationFailed("the ID token was issued to another client")
        return claims

    def _decode(self, id_token: str) -> jwt.Token:
        try:
            return jwt.decode(id_token, self._key_set(), algorithms=ALGORITHMS)
        except JoseError:
            # The provider may have rolled its keys since they were fetched: fetch once more.
            return jwt.decode(id_token, self._key_set(refresh=True), algorithms=ALGORITHMS)

    def _key_set(self, *, refresh: bool = False) -> KeySet:
        with self._lock:
            if self._keys is None or refresh:
                document = self._get_json(self._endpoint("jwks_uri"))
                self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            return self._keys

    def _endpoint(self, name: str) -> str:
        value = self._metadata_now().get(name)
        if not isinstance(value, str):
            raise ProviderUnavailable(f"the provider's metadata names no {name}")
        return value

    def _metadata_now(self) -> Mapping[str, Any]:
        with self._lock:
            if self._metadata is None:
                self._metadata = self._discover()
            return self._metadata

    def _discover(self) -> Mapping[str, Any]:
        document = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
        metadata = OpenIDProviderMetadata(document)
        try:
            metadata.validate()
        except ValueError as exc:
            raise ProviderUnavailable(f"the provider's metadata is not valid: {exc}") from None
        # OpenID Discovery 4.3: the metadata must name the issuer that was asked.
        if metadata.get("issuer") != self.issuer:
            raise ProviderUnavailable(
                f"the provider calls itself {metadata.get('issuer')!r}, not {self.issuer!r}",
                hint="Set oidc.issuer to exactly the issuer the provider names.",
            )
        return dict(metadata)

    def _get_json(self, url: str) -> Mapping[str, Any]:
        try:
            response = httpx.get(url, timeout=self._timeout_s)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(
                f"the identity provider could not be read at {url}: {exc}",
                hint="Check oidc.issuer and that this server can reach the provider.",
            ) from None
        if not isinstance(document, dict):
            raise ProviderUnavailable(f"{url} did not answer a JSON object")
        return document

    def _post_token(self, form: Mapping[str, str]) -> Mapping[str, Any]:
        url = self._endpoint("token_endpoint")
        try:
            response = httpx.post(
                url,
                data=dict(form),
                auth=(self._client_id, self._client_secret),
                timeout=self._timeout_s,
            )
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(f"the provider's token endpoint failed: {exc}") from None
        if response.status_code != httpx.codes.OK or not isinstance(document, dict):
            error = document.get("error") if isinstance(document, dict) else None
            raise AuthenticationFailed(
                f"the provider refused the sign-in code ({error or response.status_code})",
                hint="Sign in again from the login page.",
            )
        return document


MIN_SECRET_LENGTH = 16


def client_secret(settings: OidcSettings, environ: Mapping[str, str]) -> str:
    """The client secret from ``oidc.client_secret_file`` or the variable
    ``oidc.client_secret_env`` names; ``ConfigError`` naming the key when it is missing."""
    if settings.client_secret_file is not None:
        key, where = "oidc.client_secret_file", str(settings.client_secret_file)
        try:
            value = settings.client_secret_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"{key}: {where} cannot be read: {exc.strerror}",
                hint="Give a file this server's user can read, holding only the secret.",
                fields=[FieldError(key, "cannot be read")],
            ) from None
    else:
        key, where = "oidc.client_secret_env", str(settings.client_secret_env)
        value = environ.get(where, "").strip()
    if len(value) < MIN_SECRET_LENGTH or value.lower() in PLACEHOLDER_SECRETS:
        raise ConfigError(
            f"{key}: {where} holds no client secret, a placeholder, or one under "
            f"{MIN_SECRET_LENGTH} characters",
            hint="Put the secret the provider issued for PlateKeeper there.",
            fields=[FieldError(key, "no usable secret")],
        )
    return value
