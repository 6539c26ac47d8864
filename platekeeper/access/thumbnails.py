"""Small JPEG thumbnails of plate crops, made in the look-up that returns their reads.

A list of reads shows each crop as a thumbnail inlined in the page (a ``data:`` URI), made in
the same gated request that found the reads and logged in its one access-log entry, with the
crops' references. The alternative, an image URL per row, would cost a request and a log entry
per thumbnail (a page of 50 results read as 51 accesses, which is what made the misuse signals
count page loads as hundreds of accesses), and a URL can be copied and opened later, outside the
access that justified it; a capability URL would need state to expire it. An inlined thumbnail
exists only inside the response of the access it belongs to.
"""

from __future__ import annotations

import base64
import io

from PIL import Image, UnidentifiedImageError

THUMBNAIL_BOX = (192, 64)
"""The largest thumbnail in pixels (width, height): a plate is about three times as wide as
high, and at this size its characters stay legible at twice the CSS size on a dense screen."""
_QUALITY = 80
# A crop is a few hundred pixels wide; anything far larger is not a crop and not worth decoding.
_MAX_SOURCE_PIXELS = 4096 * 4096


def thumbnail(crop: bytes) -> bytes | None:
    """``crop`` shrunk to fit ``THUMBNAIL_BOX`` as a JPEG; None if it is not an image we read."""
    try:
        with Image.open(io.BytesIO(crop)) as image:
            if image.width * image.height > _MAX_SOURCE_PIXELS:
                return None
            image.draft("RGB", THUMBNAIL_BOX)  # JPEG decodes at a fraction of its size
            small = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    small.thumbnail(THUMBNAIL_BOX)
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=_QUALITY, optimize=True)
    return buffer.getvalue()


def data_uri(jpeg: bytes) -> str:
    """``jpeg`` as a ``data:`` URI for an ``img`` element's ``src``."""
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
