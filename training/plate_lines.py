"""Line crops for the plate reader: drawn plates and real ones, as a detector hands them over.

A reader sees a crop around a plate's serial that the text detector (or the plate detector)
cut: sometimes tight, sometimes with the state name's foot or the frame in it, slanted, small,
blurred, lit by a flash or an infrared lamp, saved as JPEG. ``drawn_line`` makes such a crop
from a drawn plate; ``varied_crop`` varies a real plate's crop the same way, and ``found_line``
a line the text detector found on a real plate, so that a few hundred labelled crops count for
more.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from training.synthetic_plates import DrawnPlate, draw_any

Pixels = NDArray[np.uint8]
Floats = NDArray[np.floating[Any]]
Corners = Sequence[tuple[float, float]]


def drawn_line(rng: random.Random) -> tuple[Pixels, str]:
    """A crop around a drawn plate's serial (or, one time in five, the whole plate), damaged."""
    plate = _inside(rng)
    image = np.asarray(plate.image)
    height, width = image.shape[:2]
    pad = height // 2
    canvas = _background(rng, (height + 2 * pad, width + 2 * pad))
    canvas[pad : pad + height, pad : pad + width] = image
    left, top, right, bottom = plate.box
    if rng.random() < 0.2:
        left, top, right, bottom = 0, 0, width, height
    text_height = bottom - top
    region = (
        pad + left - rng.uniform(0.0, 0.5) * text_height,
        pad + top - rng.uniform(-0.05, 0.35) * text_height,
        pad + right + rng.uniform(0.0, 0.5) * text_height,
        pad + bottom + rng.uniform(-0.05, 0.35) * text_height,
    )
    return damage(_cut(canvas, region, rng), rng), plate.text


def varied_crop(photo: Pixels, box: tuple[int, int, int, int], rng: random.Random) -> Pixels:
    """A labelled plate ``box`` (x, y, w, h) of ``photo`` cut loosely or tightly, and damaged."""
    x, y, w, h = box
    region = (
        x + rng.uniform(-0.05, 0.12) * w,
        y + rng.uniform(-0.15, 0.2) * h,
        x + w - rng.uniform(-0.05, 0.12) * w,
        y + h - rng.uniform(-0.15, 0.2) * h,
    )
    return damage(_cut(photo, region, rng), rng, strength=0.5)


def found_line(photo: Pixels, corners: Corners, rng: random.Random) -> Pixels:
    """A line the text detector found on a real plate (``corners`` as the pipeline cuts it),
    its corners each a little off, and damaged."""
    return damage(_cut_corners(photo, corners, rng), rng, strength=0.5)


def damage(crop: Pixels, rng: random.Random, strength: float = 1.0) -> Pixels:
    """Low resolution, blur, light, infrared, glare, noise and JPEG, each by chance."""
    out: Floats = crop.astype(np.float32)
    if rng.random() < 0.6 * strength:
        out = _low_resolution(out, rng)
    if rng.random() < 0.4 * strength:
        out = np.asarray(cv2.GaussianBlur(out, (0, 0), rng.uniform(0.3, 1.4)), dtype=np.float32)
    if rng.random() < 0.15 * strength:
        out = _infrared(out, rng)
    if rng.random() < 0.15 * strength:
        out = _glare(out, rng)
    gain, offset = rng.uniform(0.5, 1.3), rng.uniform(-40, 30)
    out = out * gain + offset
    if rng.random() < 0.5:
        out = out + np.random.default_rng(rng.randrange(2**31)).normal(
            0, rng.uniform(1, 8), out.shape
        )
    pixels = np.clip(out, 0, 255).astype(np.uint8)
    if rng.random() < 0.6 * strength:
        pixels = _jpeg(pixels, rng.randrange(15, 90))
    return pixels


def _inside(rng: random.Random) -> DrawnPlate:
    # A serial set too wide for its plate runs off the edge; its label would then be wrong.
    while True:
        plate = draw_any(rng)
        left, top, right, bottom = plate.box
        if left >= 0 and top >= 0 and right <= plate.image.width and bottom <= plate.image.height:
            return plate


def _background(rng: random.Random, shape: tuple[int, int]) -> Pixels:
    colour = np.array([rng.randrange(0, 200) for _ in range(3)], dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(2**31)).normal(0, 20, (*shape, 3))
    return np.clip(colour + noise, 0, 255).astype(np.uint8)


def _cut(image: Pixels, region: tuple[float, float, float, float], rng: random.Random) -> Pixels:
    """``region`` (left, top, right, bottom) as a rectangle, its corners each a little off."""
    left, top, right, bottom = region
    return _cut_corners(image, ((left, top), (right, top), (right, bottom), (left, bottom)), rng)


def _cut_corners(image: Pixels, quad: Corners, rng: random.Random) -> Pixels:
    """``quad`` (clockwise from top left) straightened, its corners each a little off."""
    points = np.array(quad, dtype=np.float32)
    width = max(4.0, float(np.linalg.norm(points[1] - points[0])))
    height = max(4.0, float(np.linalg.norm(points[3] - points[0])))
    jitter = 0.06 * height
    corners = points + np.array(
        [[rng.uniform(-jitter, jitter) for _ in range(2)] for _ in range(4)], np.float32
    )
    out_w, out_h = round(width), round(height)
    target = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    return np.asarray(
        cv2.warpPerspective(image, matrix, (out_w, out_h), borderMode=cv2.BORDER_REPLICATE),
        dtype=np.uint8,
    )


def _low_resolution(image: Floats, rng: random.Random) -> Floats:
    height, width = image.shape[:2]
    target = rng.randrange(10, 32)
    if height <= target:
        return image
    small = cv2.resize(
        image, (max(4, round(width * target / height)), target), interpolation=cv2.INTER_AREA
    )
    return np.asarray(
        cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR), dtype=np.float32
    )


def _infrared(image: Floats, rng: random.Random) -> Floats:
    # An infrared camera at night: no colour, the retroreflective plate bright, contrast high.
    grey = image.mean(axis=2, keepdims=True)
    stretched = (grey - grey.min()) / max(1.0, float(grey.max() - grey.min()))
    return np.asarray(
        np.repeat(255 * stretched ** rng.uniform(0.5, 1.5), 3, axis=2), dtype=np.float32
    )


def _glare(image: Floats, rng: random.Random) -> Floats:
    height, width = image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width]
    cx, cy = rng.uniform(0, width), rng.uniform(0, height)
    radius = rng.uniform(0.3, 1.0) * height
    spot = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * radius**2))
    return np.asarray(image + rng.uniform(60, 160) * spot[..., None], dtype=np.float32)


def _jpeg(image: Pixels, quality: int) -> Pixels:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        return image
    return np.asarray(cv2.imdecode(encoded, cv2.IMREAD_UNCHANGED), dtype=np.uint8)


def load_rgb(path: str) -> Pixels:
    """A photo as RGB ``uint8``."""
    with Image.open(path) as photo:
        return np.asarray(photo.convert("RGB"), dtype=np.uint8)
