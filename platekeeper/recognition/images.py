"""Images in, as RGB arrays: from files, from bytes, and back to JPEG for storage."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from platekeeper.errors import InvalidInput
from platekeeper.recognition.protocols import Image

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})


def decode_image(data: bytes, name: str = "image") -> Image:
    """The RGB pixels of an encoded image, turned upright as its EXIF says."""
    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            upright = ImageOps.exif_transpose(opened)
            return np.asarray(upright.convert("RGB"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InvalidInput(
            f"{name} is not an image that can be read ({exc})",
            hint="Give JPEG, PNG, BMP, WebP or TIFF files.",
        ) from None


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
