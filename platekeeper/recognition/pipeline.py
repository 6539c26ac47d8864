"""The engine: find lines of text, read them, and keep those that look like plates.

Plate-likeness weighs the reader's confidence, the length and mix of characters, whether the
reading fits one of the region's formats (after fixing look-alike characters), and the size of
the text against the largest text found. Words known not to be plates (state names, slogans,
makes) are dropped; a state name near a plate names its region.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from platekeeper.recognition.decoding import Reading, alternatives, best_path, substitute
from platekeeper.recognition.formats import format_book
from platekeeper.recognition.geometry import bounds, box_quad, iou, scale_quad, side_lengths, warp
from platekeeper.recognition.protocols import CharProbs, Detection, Detector, Image, Quad, Reader
from platekeeper.recognition.results import Candidate, ImageResult, PlateResult, box_from_corners

log = logging.getLogger(__name__)

MIN_TEXT_HEIGHT_PX = 6
CROP_HEIGHT_PX = 64
MIN_PLATE_SCORE = 0.12
CROP_PAD = 0.5  # text heights added to a line's length before reading it


@dataclass(frozen=True, slots=True)
class _Judged:
    """A detection read and weighed as a possible plate."""

    detection: Detection
    output: CharProbs
    reading: Reading
    text: str
    region: str | None
    matches_template: bool
    score: float


@dataclass(frozen=True, slots=True)
class LineReading:
    """One line of text as the reader is handed it: its corners (padded) and its best reading."""

    corners: Quad
    text: str


@dataclass(frozen=True, slots=True)
class PipelineOptions:
    region: str = "us"
    topn: int = 10
    max_plates: int = 5


class PlatePipeline:
    """Reads every plate in an image with a ``Detector`` and a ``Reader``."""

    def __init__(
        self, detector: Detector, reader: Reader, options: PipelineOptions | None = None
    ) -> None:
        self._detector = detector
        self._reader = reader
        self.options = options or PipelineOptions()
        self._book = format_book(self.options.region)

    def recognise(self, image: Image) -> ImageResult:
        started = time.perf_counter()
        height, width = image.shape[:2]
        detections = self._lines(image)
        outputs = self._read(image, detections)
        tallest = max((side_lengths(d.corners)[1] for d in detections), default=1.0)
        judged = [self._judge(d, o, tallest) for d, o in zip(detections, outputs, strict=True)]
        words = [(d, best_path(o).text) for d, o in zip(detections, outputs, strict=True)]
        plates = [self._result(j, words, width, height) for j in _strongest(judged, self.options)]
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.debug("read %s in %.0f ms", [p.text for p in plates], elapsed_ms)
        return ImageResult(width, height, elapsed_ms, tuple(plates))

    def read_lines(self, image: Image) -> list[LineReading]:
        """Every line the reader is handed in ``image``, as cut for it, with what it reads there
        before any plate rule: what a plate reader is trained on, and where a misread starts."""
        detections = self._lines(image)
        outputs = self._read(image, detections)
        return [
            LineReading(_padded(d), best_path(o).text)
            for d, o in zip(detections, outputs, strict=True)
        ]

    def _lines(self, image: Image) -> list[Detection]:
        return _with_neighbours_joined(self._plausible(self._detector.detect(image)))

    def _read(self, image: Image, detections: Sequence[Detection]) -> list[CharProbs]:
        return self._reader.read([warp(image, _padded(d), CROP_HEIGHT_PX) for d in detections])

    def _plausible(self, detections: Sequence[Detection]) -> list[Detection]:
        kept = []
        for detection in detections:
            width, height = side_lengths(detection.corners)
            if detection.is_plate or (height >= MIN_TEXT_HEIGHT_PX and 0.8 <= width / height <= 14):
                kept.append(detection)
        return kept

    def _judge(self, detection: Detection, output: CharProbs, tallest: float) -> _Judged | None:
        reading = best_path(output)
        if not 2 <= len(reading.text) <= 10 or self._book.is_not_plate(reading.text):
            return None
        text, region, fixes = self._formatted(output, reading)
        height = side_lengths(detection.corners)[1]
        score = (
            reading.confidence
            * _length_prior(len(text))
            * _mix_prior(text)
            * (0.6 if region is None else 1.0 - 0.1 * fixes)
            * math.sqrt(height / tallest)
        )
        return _Judged(detection, output, reading, text, region, region is not None, score)

    def _formatted(self, output: CharProbs, reading: Reading) -> tuple[str, str | None, int]:
        """The reading fitted to the region's formats: text, sub-region (None: no fit), fixes."""

        def choose(position: int, allowed: str) -> str:
            return substitute(output, reading, position, allowed)[0]

        text = self._book.prefer_digits(reading.text, choose)
        fit = self._book.fit(text, choose)
        # Look-alikes are fixed only in readings that mix letters and digits: an all-letter
        # reading is more often a vanity plate than a misread serial.
        if fit is not None and (fit.fixes == 0 or _mixed(text)):
            return fit.text, fit.region, fit.fixes
        trimmed = self._book.trimmed(text)
        if trimmed is not None:
            return trimmed, self._book.matches(trimmed)[0], 1
        return text, None, 0

    def _result(
        self, judged: _Judged, words: list[tuple[Detection, str]], width: int, height: int
    ) -> PlateResult:
        geometry = self._book.geometry
        detection = judged.detection
        plate_quad = (
            detection.corners
            if detection.is_plate
            else detection.plate
            if detection.plate is not None
            else scale_quad(
                detection.corners,
                1 / geometry.text_width_share,
                1 / geometry.text_height_share,
            )
        )
        region, region_confidence = self._region(judged, plate_quad, words)
        confidences = _char_confidences(judged)
        return PlateResult(
            text=judged.text,
            confidence=judged.reading.confidence,
            char_confidences=confidences,
            candidates=self._candidates(judged),
            box=box_from_corners(list(plate_quad), width, height),
            region=region,
            region_confidence=region_confidence,
            matches_template=judged.matches_template,
        )

    def _candidates(self, judged: _Judged) -> tuple[Candidate, ...]:
        texts = [(judged.text, judged.reading.confidence)]
        for text, probability in alternatives(judged.output, self.options.topn + 1):
            if text != judged.text:
                texts.append((text, probability))
        return tuple(
            Candidate(text, min(1.0, confidence), bool(self._book.matches(text)))
            for text, confidence in texts[: self.options.topn]
        )

    def _region(
        self,
        judged: _Judged,
        plate_quad: Quad,
        words: list[tuple[Detection, str]],
    ) -> tuple[str | None, float]:
        # A state's name printed on the plate beats what the format suggests.
        area = box_quad(*bounds(scale_quad(plate_quad, 1.3, 1.5)))
        for detection, word in words:
            region = self._book.region_words.get(word)
            if region is not None and iou(detection.corners, area) > 0:
                return region, 0.9
        matching = self._book.matches(judged.text)
        if not matching:
            return (self.options.region if self.options.region != "auto" else None), 0.0
        return matching[0], 1.0 / len(set(matching))


def _padded(detection: Detection) -> Quad:
    """The detection with room at its ends: text boxes often clip the first or last character."""
    if detection.is_plate:
        return detection.corners
    width, height = side_lengths(detection.corners)
    return scale_quad(detection.corners, 1 + CROP_PAD * height / max(width, 1.0), 1.1)


def _char_confidences(judged: _Judged) -> tuple[float, ...]:
    read = judged.reading
    # A reading trimmed at one end keeps the confidences of the characters it kept.
    offset = 1 if len(judged.text) < len(read.text) and read.text[1:] == judged.text else 0
    if len(judged.text) != len(read.text):
        return read.char_confidences[offset : offset + len(judged.text)]
    return tuple(
        confidence if fixed == original else substitute(judged.output, read, i, fixed)[1]
        for i, (fixed, original, confidence) in enumerate(
            zip(judged.text, read.text, read.char_confidences, strict=True)
        )
    )


def _length_prior(length: int) -> float:
    return {2: 0.2, 3: 0.4, 4: 0.7, 5: 0.9, 6: 1.0, 7: 1.0, 8: 0.95, 9: 0.6}.get(length, 0.3)


def _mixed(text: str) -> bool:
    return any(c.isalpha() for c in text) and any(c.isdigit() for c in text)


def _mix_prior(text: str) -> float:
    return 1.0 if _mixed(text) else 0.65


def _strongest(judged: Sequence[_Judged | None], options: PipelineOptions) -> list[_Judged]:
    ranked = sorted((j for j in judged if j and j.score >= MIN_PLATE_SCORE), key=lambda j: -j.score)
    kept: list[_Judged] = []
    for candidate in ranked:
        if all(iou(candidate.detection.corners, k.detection.corners) < 0.2 for k in kept):
            kept.append(candidate)
        if len(kept) == options.max_plates:
            break
    return kept


def _with_neighbours_joined(detections: list[Detection]) -> list[Detection]:
    """Adds, for two boxes side by side on one line, the box around both (split plate groups)."""
    joined = list(detections)
    for i, a in enumerate(detections):
        for b in detections[i + 1 :]:
            # Lines on two different plates are two plates, however close they stand.
            if a.plate == b.plate and _same_line(a, b):
                al, at, ar, ab = bounds(a.corners)
                bl, bt, br, bb = bounds(b.corners)
                quad = box_quad(min(al, bl), min(at, bt), max(ar, br), max(ab, bb))
                joined.append(Detection(quad, min(a.score, b.score), plate=a.plate))
    return joined


def _same_line(a: Detection, b: Detection) -> bool:
    al, at, ar, ab = bounds(a.corners)
    bl, bt, br, bb = bounds(b.corners)
    ha, hb = ab - at, bb - bt
    if not 0.75 <= ha / hb <= 1.33:
        return False
    if abs((at + ab) - (bt + bb)) / 2 > 0.3 * min(ha, hb):
        return False
    gap = max(bl - ar, al - br)
    return -0.1 * ha <= gap <= 1.5 * min(ha, hb)
