"""The image store port.

An object store (S3 and its kin) fits it as well as a folder does: a reference is an object key
laid out by capture day (``2026/11/28/<uuid>.jpg``), so expiring a day is deleting one prefix.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from platekeeper.domain import ImageRef
from platekeeper.errors import InvalidInput


class ImageKind(StrEnum):
    FULL = "full"
    CROP = "crop"


class ImageStore(Protocol):
    def put(self, data: bytes, *, kind: ImageKind, captured_at: datetime) -> ImageRef: ...
    def get(self, ref: ImageRef) -> bytes: ...
    def delete(self, ref: ImageRef) -> None: ...


_SIGNATURES = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"RIFF", "webp"))


def detect_image_type(data: bytes) -> str:
    """The file extension for ``data``, judged by its signature; anything else is refused."""
    for signature, extension in _SIGNATURES:
        if data.startswith(signature) and (extension != "webp" or data[8:12] == b"WEBP"):
            return extension
    raise InvalidInput(
        "the image is not a JPEG, PNG or WebP file",
        hint="Send the camera's JPEG (or PNG/WebP) bytes unchanged.",
    )
