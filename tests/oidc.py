"""The real OpenID provider that scripts/with-oidc-provider starts, as the tests use it.

Each test registers its own client there (RFC 7591 dynamic registration, with the provider's
initial access token) for the address its app will be served at, and puts the accounts it
signs in with. Without the provider the tests are skipped, or fail when
PLATEKEEPER_TEST_REQUIRE_OIDC=1 (scripts/test sets it).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from platekeeper.config import Settings
from platekeeper.config.identity import IdentitySettings
from platekeeper.config.oidc import OidcSettings

ISSUER_ENV = "PLATEKEEPER_TEST_OIDC_ISSUER"
ADMIN_ENV = "PLATEKEEPER_TEST_OIDC_ADMIN_TOKEN"
REQUIRE_ENV = "PLATEKEEPER_TEST_REQUIRE_OIDC"
ACR_SECOND_FACTOR = "urn:platekeeper:test:mfa"
GROUP_ROLES = {
    "ALPR-Analysts": ("analyst",),
    "ALPR-Supervisors": ("supervisor",),
    "ALPR-Officers": ("officer",),
}
UNMAPPED_GROUP = "Parking-Enforcement"


@dataclass(frozen=True)
class RealProvider:
    issuer: str
    admin_token: str

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token}"}

    def register_client(self, base_url: str) -> tuple[str, str]:
        """A client for the app at ``base_url``: its id and the secret the provider issued."""
        response = httpx.post(
            f"{self.issuer}/reg",
            headers=self._headers(),
            json={
                "redirect_uris": [f"{base_url}/login/oidc/callback"],
                "post_logout_redirect_uris": [f"{base_url}/login"],
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_basic",
            },
        )
        assert response.status_code == 201, response.text
        document = response.json()
        return str(document["client_id"]), str(document["client_secret"])

    def put_account(
        self,
        username: str,
        *,
        groups: list[str],
        name: str = "Jane Roe",
        job_title: str | None = None,
    ) -> DirectoryAccount:
        """An account at the provider with a password and a one-time code made for the test."""
        account = DirectoryAccount(
            username, secrets.token_urlsafe(12), f"{secrets.randbelow(10**6):06d}"
        )
        body: dict[str, object] = {
            "password": account.password,
            "code": account.code,
            "name": name,
            "groups": groups,
        }
        if job_title is not None:
            body["job_title"] = job_title
        response = httpx.put(
            f"{self.issuer}/test/accounts/{username}", headers=self._headers(), json=body
        )
        assert response.status_code == 204, response.text
        return account


@dataclass(frozen=True)
class DirectoryAccount:
    username: str
    password: str
    code: str


def real_provider() -> RealProvider:
    issuer, admin = os.environ.get(ISSUER_ENV), os.environ.get(ADMIN_ENV)
    if not issuer or not admin:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{ISSUER_ENV} is not set but the OpenID provider tests are required")
        pytest.skip(f"run under scripts/with-oidc-provider (scripts/test does) for {ISSUER_ENV}")
    return RealProvider(issuer, admin)


def with_sign_on(
    settings: Settings, provider: RealProvider, base_url: str, secret_dir: Path
) -> Settings:
    """``settings`` with single sign-on through ``provider`` for an app at ``base_url``."""
    client_id, secret = provider.register_client(base_url)
    secret_file = secret_dir / "oidc-client-secret"
    secret_file.write_text(secret, encoding="utf-8")
    oidc = OidcSettings(
        enabled=True,
        issuer=provider.issuer,
        client_id=client_id,
        client_secret_file=secret_file,
        scopes=("openid", "profile", "groups"),
        second_factor_amr=("mfa", "otp", "hwk"),
        display_name="the test provider",
    )
    identity = IdentitySettings.model_validate(
        {"group_roles": GROUP_ROLES, "default_agency": "demo-pd"}
    )
    return settings.model_copy(update={"oidc": oidc, "identity": identity})
