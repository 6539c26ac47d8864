"""The backends a ``type`` key picks: the store and the image store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from psycopg.conninfo import conninfo_to_dict
from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    field_validator,
)

from platekeeper.config.base import PLACEHOLDER_SECRETS, Section
from platekeeper.config.features import _outside_settings_prefix


class SqliteStoreSettings(Section):
    type: Literal["sqlite"] = Field(default="sqlite", description="The embedded database.")
    path: Path | None = Field(
        default=None,
        description="Database file; defaults to platekeeper.sqlite3 in the data directory.",
    )


class PostgresStoreSettings(Section):
    type: Literal["postgres"] = Field(description="A PostgreSQL server, version 13 or newer.")
    dsn: SecretStr = Field(
        description="libpq connection string, e.g. 'postgresql://pk@db.local/platekeeper'. "
        "Keep passwords out of files: set it in the environment or use libpq's ~/.pgpass."
    )
    pool_min_size: int = Field(default=1, ge=1, le=100, description="Connections kept open.")
    pool_max_size: int = Field(default=8, ge=1, le=200, description="Most connections at once.")

    @field_validator("dsn")
    @classmethod
    def _refuse_placeholder_password(cls, dsn: SecretStr) -> SecretStr:
        try:
            password = conninfo_to_dict(dsn.get_secret_value()).get("password")
        except Exception:
            # The parser's message can quote the string, password included: say less.
            raise ValueError(
                "not a valid libpq connection string (postgresql://user@host/database)"
            ) from None
        if isinstance(password, str) and password.lower() in PLACEHOLDER_SECRETS:
            raise ValueError("the password is a placeholder; set the real one")
        return dsn


StoreSettings = Annotated[SqliteStoreSettings | PostgresStoreSettings, Field(discriminator="type")]


class LocalImageStoreSettings(Section):
    type: Literal["local"] = Field(default="local", description="Images in a local folder.")
    path: Path | None = Field(
        default=None, description="Image folder; defaults to images/ in the data directory."
    )
    encrypt: bool = Field(
        default=True,
        description="Encrypt images with a key per capture day, destroyed when the day expires "
        "(crypto-shredding); images stored unencrypted stay readable.",
    )
    master_key_env: str | None = Field(
        default=None,
        pattern=r"^[A-Z][A-Z0-9_]{0,127}$",
        description="Environment variable holding the base64 256-bit key that wraps the day "
        "keys; without it, the file at master_key_path, made on first use.",
    )
    master_key_path: Path | None = Field(
        default=None,
        description="File holding the image master key (mode 0600, in a folder of mode 0700), "
        "made on first use. On a server put it outside the data directory, e.g. "
        "/etc/platekeeper/images.master-key, so that a copy of the data directory does not "
        "carry the key that opens its images; defaults to keys/images.master-key in the data "
        "directory, which serve warns about.",
    )

    @field_validator("master_key_env")
    @classmethod
    def _master_key_env_outside_prefix(cls, name: str | None) -> str | None:
        return _outside_settings_prefix(name)


ImageStoreSettings = Annotated[LocalImageStoreSettings, Field(discriminator="type")]

# The sections whose backend a ``type`` key picks, each with its choices and its default.
BACKEND_SECTIONS: dict[str, tuple[type[BaseModel], ...]] = {
    "store": (SqliteStoreSettings, PostgresStoreSettings),
    "images": (LocalImageStoreSettings,),
}
DEFAULT_BACKENDS = {"store": "sqlite", "images": "local"}
