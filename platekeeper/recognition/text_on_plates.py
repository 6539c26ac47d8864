"""Text read only inside plates: a plate detector says where, a text detector finds the lines.

A dealer's frame, a slogan on a bumper, a shop sign or a truck's livery lies outside every plate
box, so it is never read, let alone stored as a plate. Inside a plate the text detector
separates the serial from the state name and the slogan, which a reader fed the whole plate
would run together. A plate in which no line of text is found is read whole.
"""

from __future__ import annotations

import cv2
import numpy as np

from platekeeper.recognition.geometry import bounds
from platekeeper.recognition.protocols import Detection, Detector, Image, Quad


class TextOnPlates:
    """A ``Detector`` whose lines of text all lie on a plate that ``plates`` found."""

    def __init__(
        self,
        plates: Detector,
        text: Detector,
        *,
        plate_height_px: int = 96,
        margin: float = 0.15,
    ) -> None:
        self._plates = plates
        self._text = text
        self.plate_height_px = plate_height_px
        self.margin = margin

    def detect(self, image: Image) -> list[Detection]:
        found: list[Detection] = []
        for plate in self._plates.detect(image):
            found.extend(self._lines(image, plate) or [plate])
        return found

    def _lines(self, image: Image, plate: Detection) -> list[Detection]:
        left, top, right, bottom = bounds(plate.corners)
        pad_x, pad_y = self.margin * (right - left), self.margin * (bottom - top)
        x0, y0 = max(0, int(left - pad_x)), max(0, int(top - pad_y))
        x1 = min(image.shape[1], int(right + pad_x) + 1)
        y1 = min(image.shape[0], int(bottom + pad_y) + 1)
        if x1 - x0 < 2 or y1 - y0 < 2:
            return []
        crop = image[y0:y1, x0:x1]
        # Small plates are scaled up: the text detector misses text a few pixels high.
        scale = max(1.0, self.plate_height_px / max(1.0, bottom - top))
        if scale > 1.0:
            crop = np.asarray(
                cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC),
                dtype=np.uint8,
            )
        lines = []
        for line in self._text.detect(crop):
            corners = _moved(line.corners, scale, x0, y0)
            cx = sum(p[0] for p in corners) / 4
            cy = sum(p[1] for p in corners) / 4
            if left <= cx <= right and top <= cy <= bottom:
                lines.append(Detection(corners, line.score * plate.score, plate=plate.corners))
        return lines


def _moved(quad: Quad, scale: float, x0: int, y0: int) -> Quad:
    tl, tr, br, bl = ((x / scale + x0, y / scale + y0) for x, y in quad)
    return (tl, tr, br, bl)
