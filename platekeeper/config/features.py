"""Sections of recognition, alerts, hot lists, policy, sharing, retention and the public page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from platekeeper.config.base import ENV_PREFIX, Section


class RecognitionSettings(Section):
    region: Literal["us", "eu", "br", "auto"] = Field(
        default="us", description="Plate formats that rank readings and fix look-alike characters."
    )
    detector_type: Literal["platenet", "ppocr-text", "yolo-onnx"] = Field(
        default="ppocr-text",
        description="'platenet' finds plates with PlateKeeper's own detector and reads text "
        "only on them; 'ppocr-text' finds lines of text anywhere (shipped model); 'yolo-onnx' "
        "is a plate detector of your own in YOLOv8 layout (detector_path).",
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
TOPIC_PREFIX_PATTERN = r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$"


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


class MqttBrokerSettings(Section):
    """How to reach an MQTT broker: alert destinations and the Frigate subscription alike."""

    port: int = Field(default=1883, ge=1, le=65535, description="The broker's port.")
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


class MqttDestinationSettings(AlertDestinationBase, MqttBrokerSettings):
    type: Literal["mqtt"] = Field(description="Publish each alert to an MQTT broker, QoS 1.")
    host: str = Field(min_length=1, max_length=253, description="The broker's host name.")
    topic_prefix: str = Field(
        default="platekeeper",
        pattern=TOPIC_PREFIX_PATTERN,
        description="First levels of every topic: <prefix>/<agency>/alerts/<list>/<level>.",
    )


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
    agency_entry_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Days an entry of an agency list stays active, by default and at most (never "
        "past the policy's ceiling for hot-list entries); a supervisor may renew it.",
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
    alert_candidates: int = Field(
        default=3,
        ge=0,
        le=10,
        description="How many of a reader's alternative readings of a plate are matched against "
        "the hot lists besides its own reading; an exact or look-alike match of one alerts.",
    )
    auto_one_off_one_in: int = Field(
        default=10_000,
        ge=10,
        le=100_000_000,
        description="A list whose one-character-off matches are set to 'auto' alerts on them "
        "only while fewer than one random read in this many is expected to match it one "
        "character off by chance; past that they are lower-tier hits, stored without an alert.",
    )
    edge_copy_valid_hours: int = Field(
        default=12,
        ge=1,
        le=72,
        description="Hours a signed copy of the hot lists stays good on an edge agent (a patrol "
        "car's 'platekeeper edge'); past it the agent raises no alert from it and warns.",
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
        description="Jurisdiction profile codes added to those the policy file names, e.g. "
        "['nh']; the agency's state's profile applies whatever is named here.",
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
    batch_seconds: float = Field(
        default=0.05,
        gt=0,
        le=10,
        description=(
            "About how long one purge transaction may hold the database: each batch takes as"
            " many reads as the last batches' pace fits in it (at most batch_size). On SQLite"
            " every search and camera waits for the batch in progress."
        ),
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
