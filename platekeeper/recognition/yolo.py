"""A plate detector of the user's own in YOLOv8 ONNX layout, plugged in by config.

No such model ships (the plate detectors we know of are AGPL-3.0 or unlicensed); a user who
holds one may set ``recognition.detector_type = "yolo-onnx"`` and ``detector_path``. Input:
(1, 3, S, S) RGB scaled 0..1, letterboxed. Output: (1, 4 + classes, boxes) as cx, cy, w, h and
class scores, or (1, boxes, 6) as x1, y1, x2, y2, score, class.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from platekeeper.recognition.geometry import box_quad
from platekeeper.recognition.onnx_runtime import session
from platekeeper.recognition.protocols import Detection, Image

NMS_IOU = 0.45


class YoloPlateDetector:
    """Whole-plate boxes from a YOLO-style model; the reader then finds the text inside."""

    def __init__(self, model: Path, *, min_score: float = 0.3, threads: int = 0) -> None:
        self._session = session(model, threads)
        shape = self._session.get_inputs()[0].shape
        self._size = shape[-1] if isinstance(shape[-1], int) else 640
        self.min_score = min_score

    def detect(self, image: Image) -> list[Detection]:
        height, width = image.shape[:2]
        scale = self._size / max(height, width)
        resized = cv2.resize(image, (round(width * scale), round(height * scale)))
        canvas = np.full((self._size, self._size, 3), 114, dtype=np.uint8)
        canvas[: resized.shape[0], : resized.shape[1]] = resized
        batch = (canvas.astype(np.float32) / 255.0).transpose(2, 0, 1)[None]
        name = self._session.get_inputs()[0].name
        output = np.asarray(self._session.run(None, {name: batch})[0], dtype=np.float32)[0]
        boxes, scores = _decode(output)
        keep = cv2.dnn.NMSBoxes(
            [[float(x), float(y), float(w), float(h)] for x, y, w, h in boxes],
            scores.tolist(),
            self.min_score,
            NMS_IOU,
        )
        found = []
        for index in np.array(keep).reshape(-1).tolist():
            x, y, w, h = (float(v) / scale for v in boxes[index])
            quad = box_quad(
                max(0.0, x), max(0.0, y), min(width - 1.0, x + w), min(height - 1.0, y + h)
            )
            found.append(Detection(quad, float(scores[index]), is_plate=True))
        return found


def _decode(output: NDArray[np.float32]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Boxes as x, y, w, h in model pixels, and their scores."""
    if output.shape[-1] == 6 and output.shape[0] != 6:  # x1, y1, x2, y2, score, class
        xyxy, scores = output[:, :4], output[:, 4]
        return np.concatenate([xyxy[:, :2], xyxy[:, 2:] - xyxy[:, :2]], axis=1), scores
    rows = output.T  # YOLOv8: (4 + classes, boxes)
    scores = rows[:, 4:].max(axis=1)
    centre, size = rows[:, :2], rows[:, 2:4]
    return np.concatenate([centre - size / 2, size], axis=1), scores
