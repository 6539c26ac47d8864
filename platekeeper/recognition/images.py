"""Images in, as RGB arrays: from files, from bytes, and back to JPEG for storage."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage

from platekeeper.errors import InvalidInput
from platekeeper.recognition.protocols import Image

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})


def decode_image(data: bytes, name: str = "image") -> Image:
    """The RGB pixels of an encoded image, turned upright as its EXIF says."""
    # OpenCV decodes a JPEG in about half Pillow's time (the same pixels) and applies the
    # EXIF orientation itself.
    if not data:
        raise _unreadable(name, "it is empty")
    try:
        pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        pixels = None
    if pixels is None:
        raise _unreadable(name, "not a known image format, or damaged")
    return np.asarray(cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB), dtype=np.uint8)


def _unreadable(name: str, why: str) -> InvalidInput:
    return InvalidInput(
        f"{name} is not an image that can be read ({why})",
        hint="Give JPEG, PNG, BMP, WebP or TIFF files.",
    )


def load_image(path: Path) -> Image:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path} cannot be read: {exc.strerror}") from None
    return decode_image(data, str(path))


def encode_jpeg(image: Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    PILImage.fromarray(image).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def image_files(paths: list[Path]) -> list[Path]:
    """The image files named, and those inside the folders named (sorted, not recursive)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise InvalidInput(f"{path} does not exist", hint="Name image files or folders.")
    return found
