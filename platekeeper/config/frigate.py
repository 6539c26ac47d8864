"""Frigate NVR: the MQTT broker its events come through, and which of its cameras is which."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from platekeeper.config.features import TOPIC_PREFIX_PATTERN, MqttBrokerSettings

_SLUG = r"^[a-z0-9][a-z0-9-]*$"


class FrigateSettings(MqttBrokerSettings):
    enabled: bool = Field(
        default=False,
        description="Subscribe to Frigate's MQTT events while serving (docs/integrations.md).",
    )
    host: str | None = Field(
        default=None, max_length=253, description="The MQTT broker Frigate publishes to."
    )
    topic_prefix: str = Field(
        default="frigate",
        pattern=TOPIC_PREFIX_PATTERN,
        description="Frigate's mqtt.topic_prefix: <prefix>/events, <prefix>/tracked_object_update.",
    )
    cameras: dict[str, str] = Field(
        default_factory=dict,
        description="Frigate camera name = PlateKeeper camera id; events of cameras not named "
        "here are ignored. Snapshots come from the camera's image base URL (Frigate's address).",
    )

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
