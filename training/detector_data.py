"""Photos with plate boxes, and the augmented training samples drawn from them.

A folder holds ``labels.csv`` (``file,x,y,w,h,...`` in pixels, top-left origin) beside its
images, as ``shared/data/detector`` does. ``source_split.csv`` (``file,roboflow_split``), where a
folder has one, says which photos are the validation split; a folder without one is all
training data.
"""

from __future__ import annotations

import csv
import math
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from platekeeper.recognition.images import load_image
from platekeeper.recognition.plate_detector import SHRINK, STRIDE
from training.synthetic_plates import paste

Box = tuple[float, float, float, float]  # x, y, width, height in pixels
MAX_SIDE = 1024
VALIDATION = "valid"
CLOSE_UPS = 0.15  # share of samples zoomed onto one plate
MIN_CLOSE_UP_PX = 60  # narrower plates, blown up, are blur that no camera makes
DRAWN_PLATES = 0.4  # share of samples whose plates are drawn over with synthetic ones


@dataclass(frozen=True, slots=True)
class Photo:
    image: NDArray[np.uint8]  # RGB, long side at most MAX_SIDE
    boxes: tuple[Box, ...]
    name: str


def read_folder(folder: Path, split: str) -> list[Photo]:
    """The photos of ``folder`` in ``split`` ("train" or "valid"), scaled to ``MAX_SIDE``."""
    boxes: dict[str, list[Box]] = defaultdict(list)
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            boxes[row["file"]].append(
                (float(row["x"]), float(row["y"]), float(row["w"]), float(row["h"]))
            )
    splits = _splits(folder)
    photos = []
    for name in sorted(boxes):
        if splits.get(name, "train") != split:
            continue
        image = load_image(folder / name)
        scale = min(1.0, MAX_SIDE / max(image.shape[:2]))
        if scale < 1.0:
            image = _u8(cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
        scaled = tuple((x * scale, y * scale, w * scale, h * scale) for x, y, w, h in boxes[name])
        photos.append(Photo(np.ascontiguousarray(image), scaled, name))
    return photos


def _splits(folder: Path) -> dict[str, str]:
    path = folder / "source_split.csv"
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["file"]: row["roboflow_split"] for row in csv.DictReader(handle)}


@dataclass(frozen=True, slots=True)
class Sample:
    image: NDArray[np.float32]  # (3, S, S) in 0..1
    target: NDArray[np.float32]  # (1, S/4, S/4): 1 inside a shrunk plate, else 0
    weight: NDArray[np.float32]  # (1, S/4, S/4): 0 on a plate's rim, where either answer is fine


class Augmenter:
    """Random crops of ``size`` pixels at the scales the detector meets at ``canvas`` pixels."""

    def __init__(self, size: int, canvas: int, rng: random.Random) -> None:
        self.size = size
        self.canvas = canvas
        self.rng = rng

    def sample(self, photo: Photo) -> Sample:
        rng = self.rng
        height, width = photo.image.shape[:2]
        scale = self.canvas / max(height, width) * math.exp(rng.uniform(-0.5, 0.7))
        sharp = [box for box in photo.boxes if box[2] >= MIN_CLOSE_UP_PX]
        if sharp and rng.random() < CLOSE_UPS:
            # A plate that fills most of the picture: crops, and cameras that frame the plate.
            scale = rng.uniform(0.35, 0.95) * self.size / rng.choice(sharp)[2]
        image = photo.image
        if photo.boxes and rng.random() < DRAWN_PLATES:
            image = image.copy()
            for box in photo.boxes:
                if rng.random() < 0.7:
                    paste(image, box, rng)
        boxes = [(x * scale, y * scale, w * scale, h * scale) for x, y, w, h in photo.boxes]
        left, top = self._origin(round(width * scale), round(height * scale), boxes)
        # One affine warp scales and crops at once: a close-up never scales the whole photo.
        matrix = np.array([[scale, 0.0, -left], [0.0, scale, -top]], dtype=np.float64)
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        fill = rng.randrange(256)
        canvas = _u8(
            cv2.warpAffine(
                image,
                matrix,
                (self.size, self.size),
                flags=interpolation,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=(fill, fill, fill),
            )
        )
        shifted = [(x - left, y - top, w, h) for x, y, w, h in boxes]
        canvas = self._photometric(canvas)
        target, weight = targets(shifted, self.size)
        pixels = canvas.astype(np.float32).transpose(2, 0, 1) / 255.0
        return Sample(pixels, target, weight)

    def _origin(self, width: int, height: int, boxes: list[Box]) -> tuple[int, int]:
        """Top-left of the crop: around a random plate most of the time, anywhere otherwise."""
        rng, size = self.rng, self.size
        if boxes and rng.random() < 0.7:
            x, y, w, h = rng.choice(boxes)
            left = int(x + w / 2 - rng.uniform(0.15, 0.85) * size)
            top = int(y + h / 2 - rng.uniform(0.15, 0.85) * size)
            return left, top
        return rng.randint(min(0, width - size), max(0, width - size)), rng.randint(
            min(0, height - size), max(0, height - size)
        )

    def _photometric(self, image: NDArray[np.uint8]) -> NDArray[np.uint8]:
        rng = self.rng
        if rng.random() < 0.2:
            gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
            image = _u8(cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB))
        contrast, brightness = rng.uniform(0.6, 1.4), rng.uniform(-40, 40)
        image = _u8(cv2.convertScaleAbs(image, alpha=contrast, beta=brightness))
        if rng.random() < 0.25:
            image = _u8(cv2.GaussianBlur(image, (0, 0), rng.uniform(0.5, 1.8)))
        if rng.random() < 0.25:
            quality = rng.randint(20, 70)
            ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
            if ok:
                image = _u8(cv2.imdecode(encoded, cv2.IMREAD_COLOR))
        return np.ascontiguousarray(image)


def _u8(pixels: object) -> NDArray[np.uint8]:
    return np.asarray(pixels, dtype=np.uint8)


def targets(boxes: Iterable[Box], size: int) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """The painted target and its weights for plates at ``boxes`` on a ``size`` square input."""
    cells = size // STRIDE
    target = np.zeros((cells, cells), dtype=np.float32)
    weight = np.ones((cells, cells), dtype=np.float32)
    for x, y, w, h in boxes:
        cx, cy = (x + w / 2) / STRIDE, (y + h / 2) / STRIDE
        outer = _cells(cx, cy, w / STRIDE, h / STRIDE, cells)
        inner = _cells(cx, cy, w * SHRINK / STRIDE, h * SHRINK / STRIDE, cells)
        if outer is not None:
            weight[outer[1] : outer[3], outer[0] : outer[2]] = 0.0
        if inner is not None:
            target[inner[1] : inner[3], inner[0] : inner[2]] = 1.0
            weight[inner[1] : inner[3], inner[0] : inner[2]] = 1.0
    return target[None], weight[None]


def _cells(
    cx: float, cy: float, w: float, h: float, cells: int
) -> tuple[int, int, int, int] | None:
    """Cell range covering a box; at least its centre cell, so tiny plates still count."""
    x0 = min(round(cx - w / 2), math.floor(cx))
    y0 = min(round(cy - h / 2), math.floor(cy))
    x1 = max(round(cx + w / 2), x0 + 1)
    y1 = max(round(cy + h / 2), y0 + 1)
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(cells, x1), min(cells, y1)
    if x0 >= x1 or y0 >= y1:
        return None
    return x0, y0, x1, y1
