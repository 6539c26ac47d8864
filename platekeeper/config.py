"""One typed settings tree, read from a TOML file and ``PLATEKEEPER_*`` environment variables.

Environment variables win over the file; nested keys use ``__`` (``PLATEKEEPER_STORE__TYPE``).
Unknown keys are refused in both places, so a typo is an error rather than a silent default.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from psycopg.conninfo import conninfo_to_dict
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from platekeeper.domain.purposes import CaseNumberFormat, PurposeCatalogue, SearchPurpose
from platekeeper.errors import ConfigError, FieldError, InvalidInput

ENV_PREFIX = "PLATEKEEPER_"
CONFIG_PATH_ENV = "PLATEKEEPER_CONFIG"
# Variables with the prefix that are not settings: the config path itself, and the test harness's.
_NON_SETTING_ENV = (CONFIG_PATH_ENV, "PLATEKEEPER_TEST_")
_PLACEHOLDER_SECRETS = {"changeme", "change-me", "password", "secret", "example", "xxx", "todo"}


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
        if isinstance(password, str) and password.lower() in _PLACEHOLDER_SECRETS:
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
        "keys; without it, keys/images.master-key in the data directory, made on first use.",
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


class ServerSettings(Section):
    host: str = Field(default="127.0.0.1", description="Address the app listens on.")
    port: int = Field(default=8080, ge=1, le=65535, description="TCP port the app listens on.")


class IngestSettings(Section):
    max_batch_reads: int = Field(
        default=1000, ge=1, le=10_000, description="Most reads in one batch request."
    )
    max_image_bytes: int = Field(
        default=8 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024, description="Largest image."
    )
    max_request_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=1024 * 1024,
        le=4 * 1024 * 1024 * 1024,
        description="Largest request body, images included.",
    )
    max_clock_skew_s: int = Field(
        default=300,
        ge=0,
        le=86_400,
        description="How far in the future a capture time may lie before it is refused.",
    )
    max_capture_age_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Reads captured longer ago than this are refused (a camera's backlog).",
    )


class AccountSettings(Section):
    max_idle_days: int = Field(
        default=90,
        ge=1,
        le=365,
        description="An account unused this many days suspends itself; a custodian reactivates it.",
    )
    training_valid_days: int = Field(
        default=365,
        ge=30,
        le=1095,
        description="How long completed training counts when no expiry date is given.",
    )
    lockout_failures: int = Field(
        default=5, ge=3, le=20, description="Failed logins in a row that lock an account."
    )
    lockout_minutes: int = Field(
        default=15, ge=1, le=1440, description="How long a locked account stays locked."
    )
    session_idle_minutes: int = Field(
        default=30, ge=5, le=720, description="A session unused this long ends."
    )
    session_max_hours: int = Field(
        default=12, ge=1, le=24, description="A session ends this long after login, used or not."
    )
    api_token_max_days: int = Field(
        default=365, ge=1, le=730, description="Longest lifetime of an API token."
    )
    cookie_secure: bool = Field(
        default=True,
        description="Send the session cookie over HTTPS only. Browsers treat localhost as secure; "
        "turn off only for plain-HTTP tests on another host.",
    )


class PurposeSettings(Section):
    code: str = Field(description="Stable code, e.g. 'stolen-vehicle'.")
    label: str = Field(description="What the purpose means, as the usage policy states it.")


DEFAULT_PURPOSES = (
    PurposeSettings(code="criminal-investigation", label="Investigation of a specific crime"),
    PurposeSettings(code="stolen-vehicle", label="Recovery of a stolen vehicle or plate"),
    PurposeSettings(
        code="missing-person", label="Locating a missing or endangered person (AMBER, Silver)"
    ),
    PurposeSettings(code="wanted-person", label="Locating a person with an outstanding warrant"),
    PurposeSettings(code="alert-verification", label="Verifying a hot-list alert"),
)


class AccessSettings(Section):
    purposes: tuple[PurposeSettings, ...] = Field(
        default=DEFAULT_PURPOSES,
        min_length=1,
        description="The authorised purposes; every access to ALPR data names one.",
    )
    case_number_pattern: str = Field(
        default=r"[0-9]{4}-[0-9]{4,8}",
        description="Regular expression a case or incident number must match in full.",
    )
    case_number_example: str = Field(
        default="2026-000123", description="A case number that the pattern accepts, for hints."
    )
    approval_beyond_days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="Searches reaching further back than this many days need a supervisor's "
        "approval; unset, none do.",
    )
    approval_valid_hours: int = Field(
        default=72, ge=1, le=720, description="How long a supervisor's approval can be used."
    )
    max_results: int = Field(
        default=500, ge=1, le=10_000, description="Most reads one search or export returns."
    )

    @model_validator(mode="after")
    def _check_catalogue(self) -> AccessSettings:
        # The domain's own checks say what is wrong with a code or a pattern.
        try:
            PurposeCatalogue(
                [SearchPurpose(p.code, p.label) for p in self.purposes],
                CaseNumberFormat(self.case_number_pattern, self.case_number_example),
            )
        except InvalidInput as exc:
            raise ValueError(exc.message) from None
        codes = [p.code for p in self.purposes]
        if len(set(codes)) != len(codes):
            raise ValueError("purpose codes repeat")
        return self

    def catalogue(self) -> PurposeCatalogue:
        return PurposeCatalogue(
            [SearchPurpose(p.code, p.label) for p in self.purposes],
            CaseNumberFormat(self.case_number_pattern, self.case_number_example),
        )


class AuditSettings(Section):
    signing_key_path: Path | None = Field(
        default=None,
        description="Ed25519 private key that signs access-log checkpoints; defaults to "
        "keys/access-log.ed25519 in the data directory, made on first use.",
    )
    checkpoint_interval_s: int = Field(
        default=300,
        ge=10,
        le=86_400,
        description="How often the server signs a checkpoint of the access log, if it grew.",
    )
    retention_days: int = Field(
        default=1826,
        ge=365,
        le=36_500,
        description="How long access-log entries are kept; reads' purges never touch them.",
    )
    timezone: str = Field(
        default="UTC", description="The agency's time zone, for the unusual-hours signal."
    )
    working_hours: tuple[int, int] = Field(
        default=(6, 22),
        description="Searches outside [start, end) local hours are flagged as unusual.",
    )
    repeat_searches: int = Field(
        default=3,
        ge=2,
        le=100,
        description="Searches for one plate by one user within repeat_window_days that are "
        "flagged.",
    )
    repeat_window_days: int = Field(default=7, ge=1, le=365, description="See repeat_searches.")
    purpose_reuse: int = Field(
        default=5,
        ge=2,
        le=1000,
        description="Distinct plates searched by one user under one case number that are flagged.",
    )
    follow_up_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="A case searched but never touched again within this many days is flagged.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r}; use an IANA name") from None
        return name

    @field_validator("working_hours")
    @classmethod
    def _hours_in_a_day(cls, hours: tuple[int, int]) -> tuple[int, int]:
        start, end = hours
        if not 0 <= start < end <= 24:
            raise ValueError("give [start, end] hours with 0 <= start < end <= 24")
        return hours


class RecognitionSettings(Section):
    region: Literal["us", "eu", "br", "auto"] = Field(
        default="us", description="Plate formats that rank readings and fix look-alike characters."
    )
    detector_type: Literal["ppocr-text", "yolo-onnx"] = Field(
        default="ppocr-text",
        description="'ppocr-text' finds lines of text (shipped model); 'yolo-onnx' is a plate "
        "detector of your own in YOLOv8 layout (detector_path).",
    )
    detector_path: Path | None = Field(
        default=None, description="ONNX file for the detector; defaults to the shipped model."
    )
    reader_type: Literal["ppocr", "ctc-onnx"] = Field(
        default="ppocr",
        description="'ppocr' reads with the shipped PP-OCRv6 model; 'ctc-onnx' is a plate "
        "recogniser of your own with CTC output (reader_path, reader_alphabet).",
    )
    reader_path: Path | None = Field(
        default=None, description="ONNX file for the reader; defaults to the shipped model."
    )
    reader_alphabet: str = Field(
        default="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        min_length=1,
        max_length=200,
        description="ctc-onnx: the characters of the model's classes 1..n (class 0 is blank).",
    )
    topn: int = Field(default=10, ge=1, le=20, description="Alternative readings kept per plate.")
    threads: int = Field(
        default=0, ge=0, le=64, description="Threads per model; 0 lets the runtime choose."
    )
    detector_max_side: int = Field(
        default=1280,
        ge=320,
        le=4096,
        description="Longest image side the detector sees; smaller text is searched again "
        "at full resolution.",
    )


_ENV_NAME_PATTERN = r"^[A-Z][A-Z0-9_]{0,127}$"
_DESTINATION_NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"


def _outside_settings_prefix(name: str | None) -> str | None:
    # Every PLATEKEEPER_ variable must be a setting, so a secret kept under that prefix would be
    # refused as an unknown setting: say so here, where the cause is plain.
    if name is not None and name.startswith(ENV_PREFIX):
        raise ValueError(f"names starting with {ENV_PREFIX} are kept for settings; choose another")
    return name


class AlertDestinationBase(Section):
    name: str = Field(
        pattern=_DESTINATION_NAME_PATTERN,
        description="Names the destination in the outbox and the log, e.g. 'dispatch'.",
    )
    include_covert: bool = Field(
        default=False,
        description="Also send alerts of covert lists; only for a destination that the list's "
        "owners alone receive.",
    )
    timeout_ms: int = Field(
        default=10_000, ge=100, le=120_000, description="How long one delivery may take."
    )


class WebhookDestinationSettings(AlertDestinationBase):
    type: Literal["webhook"] = Field(description="POST each alert as JSON to a URL.")
    url: str = Field(description="Where alerts are posted: an http:// or https:// URL.")
    secret_env: str = Field(
        pattern=_ENV_NAME_PATTERN,
        description="Environment variable holding the HMAC-SHA256 key that signs each request.",
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        if not url.startswith(("http://", "https://")) or len(url) > 2000:
            raise ValueError("give an http:// or https:// URL")
        return url

    _secret_env = field_validator("secret_env")(_outside_settings_prefix)


class MqttDestinationSettings(AlertDestinationBase):
    type: Literal["mqtt"] = Field(description="Publish each alert to an MQTT broker, QoS 1.")
    host: str = Field(min_length=1, max_length=253, description="The broker's host name.")
    port: int = Field(default=1883, ge=1, le=65535, description="The broker's port.")
    topic_prefix: str = Field(
        default="platekeeper",
        pattern=r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$",
        description="First levels of every topic: <prefix>/<agency>/alerts/<list>/<level>.",
    )
    client_id: str | None = Field(
        default=None, max_length=64, description="MQTT client id; defaults to a random one."
    )
    username: str | None = Field(default=None, max_length=200, description="Broker user name.")
    password_env: str | None = Field(
        default=None,
        pattern=_ENV_NAME_PATTERN,
        description="Environment variable holding the broker password.",
    )
    tls: bool = Field(default=False, description="Connect with TLS.")
    ca_path: Path | None = Field(
        default=None, description="CA certificates for TLS; defaults to the system's."
    )

    _password_env = field_validator("password_env")(_outside_settings_prefix)


AlertDestinationSettings = Annotated[
    WebhookDestinationSettings | MqttDestinationSettings, Field(discriminator="type")
]


class AlertSettings(Section):
    destinations: tuple[AlertDestinationSettings, ...] = Field(
        default=(),
        description="Where alerts go besides the live stream: [[alerts.destinations]] tables "
        "with type = 'webhook' or 'mqtt' (keys in docs/alerts.md).",
    )
    max_attempts: int = Field(
        default=10, ge=1, le=100, description="Deliveries tried before an alert is given up."
    )
    retry_initial_s: float = Field(
        default=5.0, ge=0.01, le=3600, description="Wait before the first retry; doubles after."
    )
    retry_max_s: float = Field(
        default=900.0, ge=0.01, le=86_400, description="Longest wait between retries."
    )
    poll_interval_s: float = Field(
        default=5.0, ge=0.05, le=300, description="How often the delivery worker looks for work."
    )
    claim_lease_s: int = Field(
        default=300,
        ge=1,
        le=3600,
        description="A delivery whose worker died is tried again after this long.",
    )
    max_image_bytes: int = Field(
        default=1024 * 1024,
        ge=0,
        le=16 * 1024 * 1024,
        description="Images larger than this are left out of the alert document (say so in it).",
    )
    live_queue_size: int = Field(
        default=100, ge=1, le=10_000, description="Alerts held for one slow live subscriber."
    )
    heartbeat_s: float = Field(
        default=15.0, ge=0.1, le=300, description="Live stream heartbeat interval."
    )

    @model_validator(mode="after")
    def _check_destinations(self) -> AlertSettings:
        names = [destination.name for destination in self.destinations]
        if len(set(names)) != len(names):
            raise ValueError("alert destination names repeat")
        if any(d.timeout_ms >= self.claim_lease_s * 1000 for d in self.destinations):
            raise ValueError("claim_lease_s must be longer than every destination's timeout_ms")
        return self


class HotlistSettings(Section):
    manual_entry_days: int = Field(
        default=30,
        ge=1,
        le=30,
        description="Days a manual entry stays active, by default and at most; a supervisor may "
        "renew it for as long again.",
    )
    refresh_interval_minutes: int = Field(
        default=60,
        ge=5,
        le=720,
        description="How often 'platekeeper serve' refreshes each list that has a source.",
    )
    refresh_timeout_s: int = Field(
        default=60, ge=1, le=600, description="Longest wait for a list's source URL to answer."
    )
    personal_name_patterns: tuple[str, ...] = Field(
        default=(),
        max_length=1000,
        description="Regular expressions (case-insensitive) of people's names that notes must "
        "not contain.",
    )
    max_import_rows: int = Field(
        default=2_000_000, ge=1, le=10_000_000, description="Most rows one import or refresh reads."
    )
    max_import_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=1024,
        le=4 * 1024 * 1024 * 1024,
        description="Largest file one import or refresh reads.",
    )

    @field_validator("personal_name_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
        return patterns


class PolicySettings(Section):
    path: Path | None = Field(
        default=None,
        description="The usage and privacy policy file (TOML, docs/policy-file.md); defaults to "
        "policy.toml in the data directory.",
    )
    profiles: tuple[str, ...] = Field(
        default=(),
        max_length=20,
        description="Jurisdiction profile codes, e.g. ['ca']; empty, the policy file names them.",
    )


class SharingSettings(Section):
    max_reads_per_request: int = Field(
        default=100,
        ge=1,
        le=10_000,
        description="Most reads one share request may cover; a request for more is refused: "
        "sharing is of specific reads, never in bulk.",
    )


class RetentionSettings(Section):
    purge_interval_minutes: int = Field(
        default=60,
        ge=1,
        le=1440,
        description="How often 'platekeeper serve' purges reads past their retention limit.",
    )
    batch_size: int = Field(
        default=5000,
        ge=100,
        le=100_000,
        description="Most reads one purge transaction deletes; ingest goes on between batches.",
    )
    non_hit_read_days: int | None = Field(
        default=None,
        ge=1,
        le=36_500,
        description="Days non-hit reads are kept when the policy sets no limit; unset: kept.",
    )
    hit_read_days: int | None = Field(
        default=None,
        ge=1,
        le=36_500,
        description="Days hit reads are kept when the policy sets no limit; unset: kept.",
    )


class TransparencySettings(Section):
    min_count: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Counts below this on the public transparency page read 'fewer than N', and "
        "a category whose total is below it is not broken down (docs/transparency.md).",
    )
    cache_s: int = Field(
        default=300,
        ge=0,
        le=86_400,
        description="Seconds the public transparency page and feed are served from one count.",
    )


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
    ingest: IngestSettings = Field(default_factory=IngestSettings)
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
        return self.data_dir / "keys" / "images.master-key"

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
        and not key.upper().startswith(_NON_SETTING_ENV)
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
