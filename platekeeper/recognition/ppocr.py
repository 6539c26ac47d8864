"""The default backends: PP-OCRv4 text detection (DB, shipped) and PP-OCRv6 recognition (CTC).

The weights are Apache-2.0 (Baidu / PaddleOCR, converted by RapidOCR; see models/MODELS.md
and the rapidocr wheel's MODEL_LICENSES.md). Only the ONNX files are used; pre- and
post-processing are ours, so that the reader can report probabilities restricted to plate
characters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from platekeeper.errors import InvalidInput
from platekeeper.recognition.onnx_runtime import session
from platekeeper.recognition.protocols import ALPHABET, CharProbs, Detection, Image, Quad

# PP-OCRv4 mobile detection: a quarter of PP-OCRv6 small's cost and as good at finding plates;
# rewritten into fewer operations by models/fuse_detector.py (same output, 60% of the time).
DET_MODEL = Path(__file__).parent / "models" / "ppocrv4_det_mobile_fused.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
REC_HEIGHT = 48
REC_MIN_WIDTH = 320  # as PaddleOCR pads: narrower batches read short lines worse
REC_MAX_RATIO = 16.0
REC_BATCH = 8
# Lower-case letters the recogniser may see in a plate's capitals; 'l' is the stroke of I or 1.
_LOWER_AS = {chr(c): chr(c).upper() for c in range(ord("a"), ord("z") + 1)} | {"l": "I"}


def bundled_model(name: str) -> Path:
    """A model file inside the installed rapidocr wheel."""
    return Path(str(resources.files("rapidocr") / "models" / name))


def _blob(image_rgb: NDArray[Any]) -> NDArray[np.float32]:
    """The image as the models take it: 1 x 3 x height x width, BGR, scaled to -1..1.

    One pass in OpenCV instead of flipping, scaling and transposing with numpy.
    """
    height, width = image_rgb.shape[:2]
    blob = cv2.dnn.blobFromImage(
        image_rgb, scalefactor=2.0 / 255.0, size=(width, height), mean=(127.5,) * 3, swapRB=True
    )
    return np.asarray(blob, dtype=np.float32)


def order_corners(points: NDArray[Any]) -> Quad:
    """Four points as clockwise from top left (by sums and differences of coordinates)."""
    by_x = sorted(points.tolist(), key=lambda p: p[0])
    left = sorted(by_x[:2], key=lambda p: p[1])
    right = sorted(by_x[2:], key=lambda p: p[1])
    tl, bl, tr, br = left[0], left[1], right[0], right[1]
    return ((tl[0], tl[1]), (tr[0], tr[1]), (br[0], br[1]), (bl[0], bl[1]))


class PpOcrTextDetector:
    """Finds lines of text with the DB detector, coarse to fine; plates are picked from them later.

    The whole image is searched at ``max_side`` pixels; each line found too small to read well
    is searched again in a crop of the full-resolution image, scaled so that its text is about
    ``fine_text_px`` high. Small, far plates are found without running the detector on the
    whole image at full size.
    """

    def __init__(
        self,
        model: Path | None = None,
        *,
        max_side: int = 1280,
        fine_text_px: int = 32,
        max_refinements: int = 8,
        threshold: float = 0.3,
        box_threshold: float = 0.5,
        unclip_ratio: float = 1.6,
        threads: int = 0,
    ) -> None:
        self._session = session(model or DET_MODEL, threads)
        self.max_side = max_side
        self.fine_text_px = fine_text_px
        self.max_refinements = max_refinements
        self.threshold = threshold
        self.box_threshold = box_threshold
        self.unclip_ratio = unclip_ratio

    def detect(self, image: Image) -> list[Detection]:
        height, width = image.shape[:2]
        scale = min(1.0, self.max_side / max(height, width))
        coarse = self._detect_scaled(image, scale, self.box_threshold * 0.5, self.threshold * 0.7)
        found: list[Detection] = []
        small: list[Detection] = []
        for detection in coarse:
            text_px = _height(detection.corners) * scale
            if text_px < self.fine_text_px:
                small.append(detection)
            elif detection.score >= self.box_threshold:
                found.append(detection)
        small.sort(key=lambda d: -d.score)
        distinct = _distinct(small)
        for index, detection in enumerate(distinct):
            if index < self.max_refinements:
                found.extend(self._refine(image, detection))
            # The coarse box stays too: a refined search sometimes splits a line it had whole.
            if detection.score >= self.box_threshold:
                found.append(detection)
        return found

    def _refine(self, image: Image, detection: Detection) -> list[Detection]:
        text_h = max(_height(detection.corners), 4.0)
        xs = [p[0] for p in detection.corners]
        ys = [p[1] for p in detection.corners]
        margin_x, margin_y = 1.5 * text_h + 0.25 * (max(xs) - min(xs)), 1.5 * text_h
        left = max(0, int(min(xs) - margin_x))
        top = max(0, int(min(ys) - margin_y))
        right = min(image.shape[1], int(max(xs) + margin_x) + 1)
        bottom = min(image.shape[0], int(max(ys) + margin_y) + 1)
        crop = image[top:bottom, left:right]
        # Never below full resolution: the coarse box may hold the whole plate, not its text.
        zoom = min(3.0, max(1.0, self.fine_text_px / text_h))
        return [
            Detection(
                tuple((x + left, y + top) for x, y in d.corners),  # type: ignore[arg-type]
                d.score,
            )
            for d in self._detect_scaled(crop, zoom, self.box_threshold)
        ]

    def _detect_scaled(
        self, image: Image, scale: float, box_threshold: float, threshold: float | None = None
    ) -> list[Detection]:
        height, width = image.shape[:2]
        new_h = max(32, round(height * scale / 32) * 32)
        new_w = max(32, round(width * scale / 32) * 32)
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        resized = cv2.resize(image, (new_w, new_h), interpolation=interpolation)
        name = self._session.get_inputs()[0].name
        output = self._session.run(None, {name: _blob(resized)})[0]
        prob = np.asarray(output, dtype=np.float32)[0, 0]
        return self._boxes(
            prob, width / new_w, height / new_h, box_threshold, threshold or self.threshold
        )

    def _boxes(
        self,
        prob: NDArray[np.float32],
        sx: float,
        sy: float,
        box_threshold: float,
        threshold: float,
    ) -> list[Detection]:
        mask = cv2.dilate((prob > threshold).astype(np.uint8), np.ones((2, 2), np.uint8))
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        found: list[Detection] = []
        for contour in contours[:1000]:
            (cx, cy), (w, h), angle = cv2.minAreaRect(contour)
            if min(w, h) < 2:
                continue
            score = _mean_inside(prob, contour)
            if score < box_threshold:
                continue
            # DB shrinks text regions when training; grow them back by the same offset.
            grow = w * h * self.unclip_ratio / (2 * (w + h))
            rect = ((cx, cy), (w + 2 * grow, h + 2 * grow), angle)
            points = cv2.boxPoints(rect) * np.array([sx, sy], dtype=np.float32)
            found.append(Detection(order_corners(points), score))
        return found


def _height(quad: Quad) -> float:
    tl, tr, br, bl = quad
    return (math.dist(tl, bl) + math.dist(tr, br)) / 2


def _distinct(detections: list[Detection]) -> list[Detection]:
    """Drops detections whose centre lies inside one kept before (one crop serves both)."""
    kept: list[Detection] = []
    for detection in detections:
        cx = sum(p[0] for p in detection.corners) / 4
        cy = sum(p[1] for p in detection.corners) / 4
        if not any(_inside(cx, cy, k.corners) for k in kept):
            kept.append(detection)
    return kept


def _inside(x: float, y: float, quad: Quad) -> bool:
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    pad = _height(quad)
    return min(xs) - pad <= x <= max(xs) + pad and min(ys) - pad <= y <= max(ys) + pad


def _mean_inside(prob: NDArray[np.float32], contour: NDArray[Any]) -> float:
    x, y, w, h = cv2.boundingRect(contour)
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [contour - np.array([x, y])], 1)
    return float(cv2.mean(prob[y : y + h, x : x + w], mask)[0])


class CtcReader:
    """Reads one line per crop with a CTC recogniser, keeping only plate characters' probabilities.

    The default is the shipped PP-OCRv6 small recogniser; any model with the same input
    (3 x 48 x width, scaled to -1..1) and CTC output plugs in, its characters given by
    ``characters`` or read from the model's ``character`` metadata as PaddleOCR exports it.
    """

    def __init__(
        self, model: Path | None = None, *, characters: str | None = None, threads: int = 0
    ) -> None:
        self._session = session(model or bundled_model(REC_MODEL), threads)
        if characters is None:
            metadata = self._session.get_modelmeta().custom_metadata_map
            if "character" not in metadata:
                raise InvalidInput(
                    "the reader model names no characters",
                    hint="Set recognition.reader_alphabet to the characters of its classes.",
                )
            listed = metadata["character"].split("\n")
        else:
            listed = list(characters)
        self._fold = folding(listed)

    def read(self, crops: Sequence[Image]) -> list[CharProbs]:
        # Crops of similar shape go together, so that little of each batch is padding.
        ratios = [min(REC_MAX_RATIO, c.shape[1] / max(1, c.shape[0])) for c in crops]
        order = sorted(range(len(crops)), key=lambda i: ratios[i])
        results: list[CharProbs | None] = [None] * len(crops)
        for start in range(0, len(order), REC_BATCH):
            chunk = order[start : start + REC_BATCH]
            outputs = self._run([crops[i] for i in chunk], [ratios[i] for i in chunk])
            for index, output in zip(chunk, outputs, strict=True):
                results[index] = output
        return [r for r in results if r is not None]

    def _run(self, crops: Sequence[Image], ratios: Sequence[float]) -> list[CharProbs]:
        batch, _ = prepare_batch(crops)
        name = self._session.get_inputs()[0].name
        output = np.asarray(self._session.run(None, {name: batch})[0], dtype=np.float32)
        if output.shape[-1] > self._fold.classes:
            raise InvalidInput(
                f"the reader model has {output.shape[-1]} classes; its alphabet names "
                f"{self._fold.classes - 2}",
                hint="Set recognition.reader_alphabet to the characters of classes 1..n.",
            )
        return [CharProbs(self._fold(_softmax_if_logits(probs))) for probs in output]


def prepare_batch(crops: Sequence[Image]) -> tuple[NDArray[np.float32], int]:
    """Crops scaled to the recogniser's height and padded to one width, and that width."""
    ratios = [min(REC_MAX_RATIO, c.shape[1] / max(1, c.shape[0])) for c in crops]
    width = max(REC_MIN_WIDTH, math.ceil(REC_HEIGHT * max(ratios)))
    batch = np.zeros((len(crops), 3, REC_HEIGHT, width), dtype=np.float32)
    for index, (crop, ratio) in enumerate(zip(crops, ratios, strict=True)):
        crop_w = max(1, min(width, math.ceil(REC_HEIGHT * ratio)))
        resized = cv2.resize(crop, (crop_w, REC_HEIGHT), interpolation=cv2.INTER_AREA)
        batch[index, :, :, :crop_w] = _blob(resized)[0]
    return batch, width


def _softmax_if_logits(rows: NDArray[np.float32]) -> NDArray[np.float32]:
    # One row tells: a model outputs probabilities at every step or at none.
    first = rows[0]
    if abs(float(first.sum()) - 1.0) <= 1e-2 and first.min() >= 0:
        return rows
    shifted = np.exp(rows - rows.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class Folding:
    """The model's classes onto blank + ``ALPHABET``; separators and symbols count as blank.

    Only the few classes that are plate characters are gathered; all the rest is blank.
    Multiplying the 18,710 columns of the general recogniser by a folding matrix cost about
    20 ms an image.
    """

    classes: int  # 0 blank, then the characters, then perhaps a space
    columns: NDArray[np.intp]  # the classes that are plate characters
    onto: NDArray[np.float32]  # for each of those, a one-hot row over blank + ALPHABET

    def __call__(self, rows: NDArray[np.float32]) -> NDArray[np.float32]:
        inside = self.columns < rows.shape[1]  # a model may have fewer classes than named
        picked = rows[:, self.columns[inside]]
        folded = np.asarray(picked @ self.onto[inside], dtype=np.float32)
        folded[:, 0] = rows.sum(axis=1) - picked.sum(axis=1)
        return folded


def folding(characters: list[str]) -> Folding:
    """The folding for a model whose classes are blank, ``characters`` and perhaps a space."""
    columns: list[int] = []
    targets: list[int] = []
    for index, char in enumerate(characters, start=1):
        target = _LOWER_AS.get(char, char)
        if target in ALPHABET:
            columns.append(index)
            targets.append(ALPHABET.index(target) + 1)
    onto = np.zeros((len(columns), len(ALPHABET) + 1), dtype=np.float32)
    onto[np.arange(len(columns)), targets] = 1.0
    return Folding(len(characters) + 2, np.array(columns, dtype=np.intp), onto)
