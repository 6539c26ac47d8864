"""PlateKeeper's own plate detector: where the plates are in a photo, as whole-plate boxes.

The model (``models/platenet_detector.onnx``, trained by ``training/train_detector.py`` on
photos under CC BY; see ``models/MODELS.md``) paints, at a quarter of its input's resolution,
the probability that a cell lies in the inner ``SHRINK`` of a plate. Each painted blob is one
plate: its box, grown back by ``1 / SHRINK``, and its mean probability as the score.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from platekeeper.recognition.geometry import box_quad
from platekeeper.recognition.onnx_runtime import session
from platekeeper.recognition.protocols import Detection, Image

MODEL = Path(__file__).parent / "models" / "platenet_detector.onnx"
SHRINK = 0.7
STRIDE = 4
MULTIPLE = 32  # the network halves the input five times


@dataclass(frozen=True, slots=True)
class PixelBox:
    """A plate found on the model's input: left, top, right, bottom in pixels, and a score."""

    left: float
    top: float
    right: float
    bottom: float
    score: float


def to_input(image: Image, side: int) -> tuple[NDArray[np.float32], float]:
    """``image`` as (1, 3, H, W): long side at most ``side``, padded to multiples of 32.

    A smaller image is not scaled up: its plates are already large, and a plate that fills a
    crop should fill the network's input no more than it did in training.
    """
    height, width = image.shape[:2]
    scale = min(1.0, side / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    padded_h = -(-resized.shape[0] // MULTIPLE) * MULTIPLE
    padded_w = -(-resized.shape[1] // MULTIPLE) * MULTIPLE
    canvas = np.zeros((padded_h, padded_w, 3), dtype=np.uint8)
    canvas[: resized.shape[0], : resized.shape[1]] = resized
    return (canvas.astype(np.float32) / 255.0).transpose(2, 0, 1)[None], scale


def plate_boxes(probability: NDArray[np.float32], threshold: float) -> list[PixelBox]:
    """The plates painted on a (H/4, W/4) probability map, in input pixels."""
    painted = (probability >= threshold).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(painted, connectivity=8)
    sums = np.bincount(labels.ravel(), weights=probability.ravel(), minlength=count)
    found = []
    for label in range(1, count):
        left, top, width, height = (int(v) for v in stats[label, :4])
        score = float(sums[label] / stats[label, cv2.CC_STAT_AREA])
        cx, cy = (left + width / 2) * STRIDE, (top + height / 2) * STRIDE
        half_w, half_h = width * STRIDE / SHRINK / 2, height * STRIDE / SHRINK / 2
        found.append(PixelBox(cx - half_w, cy - half_h, cx + half_w, cy + half_h, score))
    return found


class PlateNetDetector:
    """Whole-plate boxes from the shipped model; text outside them is never read."""

    def __init__(
        self,
        model: Path | None = None,
        *,
        side: int = 640,
        # Chosen on the training data's own validation split (models/MODELS.md).
        threshold: float = 0.4,
        min_score: float = 0.5,
        threads: int = 0,
    ) -> None:
        self._session = session(model or MODEL, threads)
        self._input = self._session.get_inputs()[0].name
        self.side = side
        self.threshold = threshold
        self.min_score = min_score

    def probability(self, image: Image) -> tuple[NDArray[np.float32], float]:
        """The painted map for ``image`` and the scale from image to model pixels."""
        batch, scale = to_input(image, self.side)
        output = self._session.run(None, {self._input: batch})[0]
        return np.asarray(output, dtype=np.float32)[0, 0], scale

    def detect(self, image: Image) -> list[Detection]:
        height, width = image.shape[:2]
        probability, scale = self.probability(image)
        found = []
        for box in plate_boxes(probability, self.threshold):
            if box.score < self.min_score:
                continue
            quad = box_quad(
                max(0.0, box.left / scale),
                max(0.0, box.top / scale),
                min(width - 1.0, box.right / scale),
                min(height - 1.0, box.bottom / scale),
            )
            found.append(Detection(quad, box.score, is_plate=True))
        return found
