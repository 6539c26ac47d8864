"""Frigate NVR: the MQTT broker its events come through, and which of its cameras is which."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from platekeeper.config.base import Section
from platekeeper.config.features import _ENV_NAME_PATTERN, _outside_settings_prefix

_SLUG = r"^[a-z0-9][a-z0-9-]*$"


class FrigateSettings(Section):
    enabled: bool = Field(
        default=False,
        description="Subscribe to Frigate's MQTT events while serving (docs/integrations.md).",
    )
    host: str | None = Field(
        default=None, max_length=253, description="The MQTT broker Frigate publishes to."
    )
    port: int = Field(default=1883, ge=1, le=65535, description="The broker's port.")
    topic_prefix: str = Field(
        default="frigate",
        pattern=r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$",
        description="Frigate's mqtt.topic_prefix: <prefix>/events, <prefix>/tracked_object_update.",
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
    tls: bool = Field(default=False, description="Connect to the broker with TLS.")
    ca_path: Path | None = Field(
        default=None, description="CA certificates for TLS; defaults to the system's."
    )
    cameras: dict[str, str] = Field(
        default_factory=dict,
        description="Frigate camera name = PlateKeeper camera id; events of cameras not named "
        "here are ignored. Snapshots come from the camera's image base URL (Frigate's address).",
    )

    _password_env = field_validator("password_env")(_outside_settings_prefix)

    @field_validator("cameras")
    @classmethod
    def _camera_ids(cls, cameras: dict[str, str]) -> dict[str, str]:
        for name, camera_id in cameras.items():
            if not re.fullmatch(_SLUG, camera_id):
                raise ValueError(f"{name} = {camera_id!r}: a PlateKeeper camera id is a slug")
        return cameras

    @model_validator(mode="after")
    def _host_when_enabled(self) -> FrigateSettings:
        if self.enabled and not self.host:
            raise ValueError("frigate.enabled needs frigate.host, the broker Frigate publishes to")
        if self.enabled and not self.cameras:
            raise ValueError("frigate.enabled needs frigate.cameras: which Frigate camera is which")
        return self
