"""Thumbnails of plate crops: small, JPEG, and nothing from what is not an image."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from platekeeper.access.thumbnails import THUMBNAIL_BOX, data_uri, thumbnail


def encoded(size: tuple[int, int], fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "yellow").save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_crop_shrinks_to_fit_the_box_keeping_its_shape(fmt: str) -> None:
    small = thumbnail(encoded((600, 150), fmt))
    assert small is not None
    with Image.open(io.BytesIO(small)) as image:
        assert image.format == "JPEG"
        assert image.size == (THUMBNAIL_BOX[0], THUMBNAIL_BOX[0] // 4)


def test_a_small_crop_is_not_enlarged() -> None:
    small = thumbnail(encoded((90, 30), "PNG"))
    assert small is not None
    with Image.open(io.BytesIO(small)) as image:
        assert image.size == (90, 30)


@pytest.mark.parametrize("data", [b"", b"not an image", encoded((64, 32), "JPEG")[:40]])
def test_what_is_not_an_image_makes_no_thumbnail(data: bytes) -> None:
    assert thumbnail(data) is None


def test_a_data_uri_carries_the_jpeg() -> None:
    jpeg = encoded((10, 10), "JPEG")
    uri = data_uri(jpeg)
    assert uri.startswith("data:image/jpeg;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == jpeg
