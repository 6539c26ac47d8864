"""The settings tree, and reading it from a TOML file and the environment."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from psycopg.conninfo import conninfo_to_dict
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from platekeeper.config.backends import (
    BACKEND_SECTIONS,
    DEFAULT_BACKENDS,
    ImageStoreSettings,
    LocalImageStoreSettings,
    SqliteStoreSettings,
    StoreSettings,
)
from platekeeper.config.base import CONFIG_PATH_ENV, ENV_PREFIX, NON_SETTING_ENV
from platekeeper.config.features import (
    AlertSettings,
    HotlistSettings,
    PolicySettings,
    RecognitionSettings,
    RetentionSettings,
    SharingSettings,
    TransparencySettings,
)
from platekeeper.config.frigate import FrigateSettings
from platekeeper.config.identity import IdentitySettings
from platekeeper.config.incidents import IncidentSettings
from platekeeper.config.oidc import OidcSettings
from platekeeper.config.sections import (
    AccessSettings,
    AccountSettings,
    AuditSettings,
    IngestSettings,
    ServerSettings,
    WebSettings,
)
from platekeeper.errors import ConfigError, FieldError


class Settings(BaseSettings):
    """Everything PlateKeeper can be configured with. Defaults give the embedded mode."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    data_dir: Path = Field(
        default=Path("platekeeper-data"),
        description="Folder for the embedded database and images.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Plate text is only ever logged at DEBUG."
    )
    store: StoreSettings = Field(default_factory=SqliteStoreSettings)
    images: ImageStoreSettings = Field(default_factory=LocalImageStoreSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    frigate: FrigateSettings = Field(default_factory=FrigateSettings)
    recognition: RecognitionSettings = Field(default_factory=RecognitionSettings)
    accounts: AccountSettings = Field(default_factory=AccountSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    hotlists: HotlistSettings = Field(default_factory=HotlistSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    sharing: SharingSettings = Field(default_factory=SharingSettings)
    policy: PolicySettings = Field(default_factory=PolicySettings)
    transparency: TransparencySettings = Field(default_factory=TransparencySettings)
    incidents: IncidentSettings = Field(default_factory=IncidentSettings)
    identity: IdentitySettings = Field(default_factory=IdentitySettings)
    oidc: OidcSettings = Field(default_factory=OidcSettings)

    @field_validator("store", "images", mode="before")
    @classmethod
    def _default_backend(cls, value: Any, info: ValidationInfo) -> Any:
        # Setting only a path ([store] path = ..., PLATEKEEPER_STORE__PATH) means the default
        # backend, as the reference says; the union needs its tag to know that.
        if isinstance(value, dict) and "type" not in value:
            return {"type": DEFAULT_BACKENDS[info.field_name or ""], **value}
        return value

    @property
    def sqlite_path(self) -> Path:
        if isinstance(self.store, SqliteStoreSettings) and self.store.path is not None:
            return self.store.path
        return self.data_dir / "platekeeper.sqlite3"

    @property
    def image_path(self) -> Path:
        return self.images.path if self.images.path is not None else self.data_dir / "images"

    @property
    def image_master_key_path(self) -> Path:
        if self.images.master_key_path is not None:
            return self.images.master_key_path
        return self.data_dir / "keys" / "images.master-key"

    @property
    def second_factor_key_path(self) -> Path:
        if self.accounts.second_factor_key_path is not None:
            return self.accounts.second_factor_key_path
        return self.data_dir / "keys" / "second-factors.key"

    @property
    def signing_key_path(self) -> Path:
        if self.audit.signing_key_path is not None:
            return self.audit.signing_key_path
        return self.data_dir / "keys" / "access-log.ed25519"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Order is precedence: explicit arguments, then the environment, then the file.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def load_settings(config_path: Path | None = None, **overrides: Any) -> Settings:
    """Read the settings, or raise ``ConfigError`` naming every key that is wrong.

    ``config_path`` defaults to ``$PLATEKEEPER_CONFIG``; without either only the environment and
    the defaults count.
    """
    if config_path is None and os.environ.get(CONFIG_PATH_ENV):
        config_path = Path(os.environ[CONFIG_PATH_ENV])
    settings_cls: type[Settings] = Settings
    if config_path is not None:
        _check_toml(config_path)

        class SettingsFromFile(Settings):
            model_config = SettingsConfigDict(toml_file=config_path)

        settings_cls = SettingsFromFile
    _check_env_keys(os.environ)
    try:
        return settings_cls(**overrides)
    except ValidationError as exc:
        raise _config_error(exc, config_path) from None


def _check_toml(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(
            f"config file {path} does not exist",
            hint="Pass an existing file with --config, or leave it out for the defaults.",
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror}") from None
    _refuse_password_in_file(document, path)


def _refuse_password_in_file(document: dict[str, Any], path: Path) -> None:
    # A settings file is copied, shared and committed; a database password must not be in it.
    store = document.get("store")
    dsn = store.get("dsn") if isinstance(store, dict) else None
    if not isinstance(dsn, str):
        return
    try:
        has_password = bool(conninfo_to_dict(dsn).get("password"))
    except Exception:  # an unparsable DSN is reported by the settings check itself
        return
    if has_password:
        raise ConfigError(
            f"config file {path} holds a database password in store.dsn",
            hint="Remove it from the file; set PLATEKEEPER_STORE__DSN in the environment or use "
            "libpq's ~/.pgpass.",
            fields=[FieldError("store.dsn", "holds a password")],
        )


def _known_env_names() -> set[str]:
    names: set[str] = set()
    for name, field in Settings.model_fields.items():
        names.add(f"{ENV_PREFIX}{name.upper()}")
        annotation = field.annotation
        members = getattr(annotation, "__args__", (annotation,))
        for member in members:
            if isinstance(member, type) and issubclass(member, BaseModel):
                for sub in member.model_fields:
                    names.add(f"{ENV_PREFIX}{name.upper()}__{sub.upper()}")
    return names


def _check_env_keys(env: Mapping[str, str]) -> None:
    known = _known_env_names()
    unknown = sorted(
        key
        for key in env
        if key.upper().startswith(ENV_PREFIX)
        and not key.upper().startswith(NON_SETTING_ENV)
        and key.upper() not in known
    )
    if unknown:
        raise ConfigError(
            f"unknown setting in the environment: {', '.join(unknown)}",
            hint="Check the spelling against docs/configuration.md.",
            fields=[FieldError(key, "unknown setting") for key in unknown],
        )


def _config_error(exc: ValidationError, config_path: Path | None) -> ConfigError:
    fields = [FieldError(_location(error["loc"]), _describe(error)) for error in exc.errors()]
    summary = "; ".join(f"{field.location}: {field.message}" for field in fields)
    where = f"in {config_path} or the environment" if config_path else "in the environment"
    return ConfigError(
        f"invalid settings {where}: {summary}",
        hint="Fix the named keys; 'platekeeper config check' checks a file without starting.",
        fields=fields,
    )


def _location(loc: tuple[int | str, ...]) -> str:
    # A discriminated union puts the chosen tag into the path ("store.postgres.dsn"); people
    # wrote "store.dsn", so that is the name to show.
    parts = [str(part) for part in loc]
    if len(parts) > 2 and parts[0] in BACKEND_SECTIONS and parts[1] in _backend_tags():
        del parts[1]
    return ".".join(parts)


def _backend_tags() -> set[str]:
    return {
        str(getattr(model.model_fields["type"].annotation, "__args__", ("",))[0])
        for models in BACKEND_SECTIONS.values()
        for model in models
    }


def _describe(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown setting"
    return str(error["msg"])
