"""Single sign-on through the agency's OpenID provider (Entra ID, Okta, AD FS, Keycloak...).

The client secret never sits in the settings file: it is read from a file (``client_secret_file``,
e.g. a mounted secret) or from an environment variable that ``client_secret_env`` names.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from platekeeper.config.base import ENV_PREFIX, Section

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _provider_url(url: str | None) -> str | None:
    """https, or plain http to this machine only (a provider started for tests)."""
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return url.rstrip("/")
    raise ValueError("give an https:// URL (plain http only to 127.0.0.1 or localhost)")


class OidcSettings(Section):
    enabled: bool = Field(
        default=False, description="Offer 'Sign in with ...' through the OpenID provider."
    )
    issuer: str | None = Field(
        default=None,
        description="The provider's issuer URL; its /.well-known/openid-configuration is read "
        "for the endpoints and keys, e.g. https://login.microsoftonline.com/<tenant>/v2.0.",
    )
    client_id: str | None = Field(
        default=None, max_length=200, description="PlateKeeper's client id at the provider."
    )
    client_secret_file: Path | None = Field(
        default=None, description="File holding the client secret (never put it in this file)."
    )
    client_secret_env: str | None = Field(
        default=None,
        pattern=r"^[A-Z][A-Z0-9_]{0,127}$",
        description="Environment variable holding the client secret, if not client_secret_file.",
    )
    public_url: str | None = Field(
        default=None,
        description="The address people reach PlateKeeper at (e.g. https://alpr.example.gov); "
        "the provider sends them back to <public_url>/login/oidc/callback. Unset, the address "
        "of each request.",
    )
    scopes: tuple[str, ...] = Field(
        default=("openid", "profile", "email"),
        description="Scopes asked for; 'openid' is always included. Add the one that makes your "
        "provider send groups, if any (e.g. 'groups' for Okta).",
    )
    username_claim: str = Field(
        default="preferred_username",
        min_length=1,
        description="The ID token claim naming the account; 'jane.doe@agency.gov' becomes "
        "'jane.doe'.",
    )
    groups_claim: str = Field(
        default="groups",
        min_length=1,
        description="The ID token claim listing the person's groups (identity.group_roles maps "
        "them to roles).",
    )
    job_title_claim: str = Field(
        default="job_title",
        min_length=1,
        description="The ID token claim with the person's job title, for the policy's title "
        "checks; without it, new accounts get 'Not given by the directory'.",
    )
    second_factor_amr: tuple[str, ...] = Field(
        default=("mfa", "otp", "hwk", "swk", "sc"),
        description="amr values (RFC 8176) that show the provider checked a second factor; a "
        "sign-in showing none of these nor of second_factor_acr is refused.",
    )
    second_factor_acr: tuple[str, ...] = Field(
        default=(),
        description="acr values that show a second factor, e.g. Okta's 'phr' or a level URI.",
    )
    display_name: str = Field(
        default="the agency's sign-in",
        min_length=1,
        max_length=60,
        description="Shown on the login page's button: 'Sign in with <display_name>'.",
    )
    timeout_ms: int = Field(
        default=10_000, ge=500, le=60_000, description="How long a call to the provider may take."
    )

    _issuer = field_validator("issuer", "public_url")(_provider_url)

    @field_validator("client_secret_env")
    @classmethod
    def _outside_prefix(cls, name: str | None) -> str | None:
        # Every PLATEKEEPER_ variable must be a setting: a secret there would be refused.
        if name is not None and name.startswith(ENV_PREFIX):
            raise ValueError(f"names starting with {ENV_PREFIX} are kept for settings")
        return name

    @model_validator(mode="after")
    def _complete_when_enabled(self) -> OidcSettings:
        if not self.enabled:
            return self
        missing = [name for name in ("issuer", "client_id") if getattr(self, name) is None]
        if self.client_secret_file is None and self.client_secret_env is None:
            missing.append("client_secret_file or client_secret_env")
        if missing:
            raise ValueError(f"oidc.enabled needs {', '.join(missing)}")
        if not self.second_factor_amr and not self.second_factor_acr:
            raise ValueError("name at least one second_factor_amr or second_factor_acr value")
        return self
