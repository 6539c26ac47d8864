"""What every vendor source is: a name, the media types it takes, and a pure ``parse``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from platekeeper.domain import ReadSubmission

JSON = "application/json"
XML = "application/xml"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True, slots=True)
class Payload:
    """One request as a device sent it: the body, or for multipart its parts by name.

    ``parts`` holds every multipart part (files and fields alike) as bytes; a JSON or XML body
    is ``body`` with ``parts`` empty.
    """

    media_type: str
    body: bytes = b""
    parts: Mapping[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SourceRead:
    """One read a payload holds, normalised, with the images that came with it."""

    submission: ReadSubmission
    image: bytes | None = None
    crop: bytes | None = None
    image_url: str | None = None
    """Where the scene image is, when the device sent a URL instead of the bytes: fetched after
    the read is stored (``fetcher``). A path without a host is the camera's own."""
    per_frame: bool = False
    """A per-frame event about a vehicle whose group or final event comes too (kept only when
    the camera keeps every frame)."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """What a payload held: reads, or a heartbeat (the device is alive, no read)."""

    reads: tuple[SourceRead, ...] = ()
    heartbeat: bool = False


@dataclass(frozen=True, slots=True)
class Context:
    """What a source needs to know of the camera: the zone of its local clock strings."""

    zone: ZoneInfo


class ReadSource(Protocol):
    """A vendor's format. ``parse`` is pure: no I/O, and ``InvalidInput`` naming the field at
    fault for anything it cannot map."""

    name: str
    media_types: frozenset[str]

    def parse(self, payload: Payload, context: Context) -> Parsed: ...
