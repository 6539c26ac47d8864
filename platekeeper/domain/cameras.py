"""Cameras that read plates, and the keys they ingest with."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platekeeper.domain.agencies import require_slug
from platekeeper.domain.geo import GeoPoint
from platekeeper.domain.time import require_utc
from platekeeper.errors import InvalidInput

CAMERA_KEY_PREFIX = "pkc_"
CAMERA_KEY_SIGN_IN = "camera-key"
"""How the access log names a call made with a camera's key (``Actor.signed_in_with``)."""


class CameraKind(StrEnum):
    FIXED = "fixed"
    """Mounted at one place; its reads take the camera's location."""
    MOBILE = "mobile"
    """On a patrol car or trailer; every read carries its own position."""


class CameraStatus(StrEnum):
    ACTIVE = "active"
    MAINTENANCE = "maintenance"
    RETIRED = "retired"

    @property
    def may_ingest(self) -> bool:
        return self is CameraStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class Camera:
    id: str
    agency_id: str
    name: str
    kind: CameraKind
    status: CameraStatus
    api_key_hash: str
    created_at: datetime
    location: GeoPoint | None = None
    heading_deg: float | None = None
    last_contact_at: datetime | None = None

    def __post_init__(self) -> None:
        require_slug(self.id, "camera id")
        require_slug(self.agency_id, "agency id")
        if not self.name.strip():
            raise InvalidInput("camera name is empty")
        if self.kind is CameraKind.FIXED and self.location is None:
            raise InvalidInput(
                f"fixed camera {self.id!r} has no location",
                hint="Give a fixed camera its latitude and longitude.",
            )
        if self.heading_deg is not None and not (
            math.isfinite(self.heading_deg) and 0.0 <= self.heading_deg < 360.0
        ):
            raise InvalidInput(f"camera heading {self.heading_deg} is outside 0..360 degrees")
        object.__setattr__(self, "created_at", require_utc(self.created_at, "created_at"))


def issue_camera_key() -> tuple[str, str]:
    """Return a new ingest key and the hash to store; the key itself is shown once, never stored."""
    key = CAMERA_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, hash_camera_key(key)


def hash_camera_key(key: str) -> str:
    # A camera key carries 256 random bits, so a fast hash resists guessing as well as a slow
    # password hash would, and it keeps the per-request authentication cost negligible.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class DeviceAuth(StrEnum):
    """How a camera proves itself when it sends a vendor's format."""

    BEARER = "bearer"
    """``Authorization: Bearer <key>``: the default, and the only way for the native API."""
    URL_KEY = "url-key"
    """The key as the last part of the URL path: for devices that cannot set a header. Weaker:
    URLs end up in device configurations, proxies' logs and screenshots."""
    BASIC = "basic"
    """HTTP Basic with the camera id as user name and the key as password. Weaker than bearer
    only in that devices tend to show and store it in the clear."""


class FramePolicy(StrEnum):
    """Which of a source's events about one vehicle become reads."""

    FINAL = "final"
    """Only the group or final event: one vehicle, one read (the default)."""
    EVERY = "every"
    """Every per-frame event too, each its own read."""


@dataclass(frozen=True, slots=True)
class CameraSourceSettings:
    """How PlateKeeper hears a camera that sends a vendor's format (``ingest/sources``)."""

    camera_id: str
    time_zone: str = "UTC"
    """IANA name; local clock strings without an offset are read in it."""
    device_auth: DeviceAuth = DeviceAuth.BEARER
    frames: FramePolicy = FramePolicy.FINAL

    def __post_init__(self) -> None:
        require_slug(self.camera_id, "camera id")
        require_time_zone(self.time_zone)


def require_time_zone(name: str) -> ZoneInfo:
    """The zone ``name`` stands for, or ``InvalidInput`` naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"time zone {name!r} is not known",
            hint="Give an IANA time zone name such as 'America/Los_Angeles' or 'UTC'.",
        ) from None
