"""The [oidc] settings: complete when enabled, the client secret never in the file, the provider
reached over HTTPS (plain HTTP to this machine only, for a provider started for tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from platekeeper.accounts.oidc_provider import client_secret
from platekeeper.config import load_settings
from platekeeper.config.oidc import OidcSettings
from platekeeper.errors import ConfigError

ENABLED = (
    '[oidc]\nenabled = true\nissuer = "https://login.example.gov"\nclient_id = "platekeeper"\n'
)


def _load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "platekeeper.toml"
    path.write_text(text, encoding="utf-8")
    load_settings(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[oidc]\nenabled = true\n", "oidc.enabled needs issuer, client_id"),
        (ENABLED, "client_secret_file or client_secret_env"),
        (ENABLED + 'client_secret = "s3cr3t-s3cr3t-s3cr3t"\n', "oidc.client_secret: unknown"),
        (ENABLED + 'client_secret_env = "PLATEKEEPER_OIDC_SECRET"\n', "kept for settings"),
        ('[oidc]\nissuer = "http://login.example.gov"\n', "https://"),
        (
            ENABLED + 'client_secret_env = "OIDC_SECRET"\nsecond_factor_amr = []\n',
            "second_factor_amr or second_factor_acr",
        ),
    ],
)
def test_incomplete_or_unsafe_settings_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.delenv("PLATEKEEPER_CONFIG", raising=False)
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text)


def test_a_provider_on_this_machine_may_speak_plain_http() -> None:
    settings = OidcSettings(issuer="http://127.0.0.1:8123/")
    assert settings.issuer == "http://127.0.0.1:8123"


def test_the_client_secret_comes_from_its_file_or_variable(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("a-long-secret-from-the-provider\n", encoding="utf-8")
    from_file = OidcSettings(client_secret_file=secret_file)
    assert client_secret(from_file, {}) == "a-long-secret-from-the-provider"
    from_env = OidcSettings(client_secret_env="OIDC_SECRET")
    assert client_secret(from_env, {"OIDC_SECRET": "another-long-secret"}) == (
        "another-long-secret"
    )


@pytest.mark.parametrize("value", ["", "changeme", "short"])
def test_a_missing_or_placeholder_secret_is_refused_naming_the_key(value: str) -> None:
    with pytest.raises(ConfigError, match=r"oidc\.client_secret_env"):
        client_secret(OidcSettings(client_secret_env="OIDC_SECRET"), {"OIDC_SECRET": value})


def test_an_unreadable_secret_file_is_refused_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"oidc\.client_secret_file"):
        client_secret(OidcSettings(client_secret_file=tmp_path / "missing"), {})
