"""Text is read only on plates: a sign, a frame or a slogan elsewhere never becomes a read."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from platekeeper.recognition import PipelineOptions, PlatePipeline
from platekeeper.recognition.geometry import box_quad, iou
from platekeeper.recognition.plate_detector import SHRINK, STRIDE, plate_boxes
from platekeeper.recognition.ppocr import CtcReader, PpOcrTextDetector
from platekeeper.recognition.protocols import Detection, Image
from platekeeper.recognition.text_on_plates import TextOnPlates
from tests.recognition.render import compose, font

SIGN = (40, 30, 520, 120)


class KnownPlates:
    """A plate detector that knows where the plates are: the boxes the scene was drawn with."""

    def __init__(self, boxes: list[tuple[int, int, int, int]]) -> None:
        self.boxes = boxes

    def detect(self, image: Image) -> list[Detection]:
        return [Detection(box_quad(*box), 0.9, is_plate=True) for box in self.boxes]


@pytest.fixture(scope="module")
def text_detector() -> PpOcrTextDetector:
    return PpOcrTextDetector(threads=1)


def _scene_with_sign() -> tuple[Image, tuple[int, int, int, int]]:
    """A plate, and a dealer's sign in large letters elsewhere in the picture."""
    pixels, placed = compose(["7ABC123"], size=(960, 540), seed=3)
    canvas = PILImage.fromarray(pixels)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle(SIGN, fill=(240, 240, 240))
    draw.text((SIGN[0] + 20, SIGN[1] + 10), "SUNTRUP", fill=(10, 10, 10), font=font(64))
    return np.asarray(canvas, dtype=np.uint8), placed[0].box


def test_lines_outside_every_plate_are_dropped(text_detector: PpOcrTextDetector) -> None:
    image, box = _scene_with_sign()
    everywhere = text_detector.detect(image)
    sign = box_quad(*SIGN)
    assert any(iou(d.corners, sign) > 0.3 for d in everywhere), "the sign is text to find"

    on_plates = TextOnPlates(KnownPlates([box]), text_detector).detect(image)

    assert on_plates
    assert all(iou(d.corners, sign) == 0 for d in on_plates)
    left, top, right, bottom = box
    for detection in on_plates:
        assert detection.plate == box_quad(*box)
        cx = sum(p[0] for p in detection.corners) / 4
        cy = sum(p[1] for p in detection.corners) / 4
        assert left <= cx <= right
        assert top <= cy <= bottom


def test_the_pipeline_reads_the_plate_and_never_the_sign(
    text_detector: PpOcrTextDetector,
) -> None:
    image, box = _scene_with_sign()
    reader = CtcReader(threads=1)
    gated = PlatePipeline(
        TextOnPlates(KnownPlates([box]), text_detector), reader, PipelineOptions()
    )
    ungated = PlatePipeline(text_detector, reader, PipelineOptions(max_plates=5))

    assert "SUNTRUP" in {p.text for p in ungated.recognise(image).plates}
    result = gated.recognise(image)

    assert [p.text for p in result.plates] == ["7ABC123"]
    assert iou(tuple((c.x, c.y) for c in result.plates[0].box.corners), box_quad(*box)) > 0.9  # type: ignore[arg-type]


def test_a_plate_without_a_line_found_is_read_whole(text_detector: PpOcrTextDetector) -> None:
    blank = np.full((400, 600, 3), 128, dtype=np.uint8)
    plate = (200, 150, 400, 250)

    found = TextOnPlates(KnownPlates([plate]), text_detector).detect(blank)

    assert [(d.corners, d.is_plate) for d in found] == [(box_quad(*plate), True)]


def test_painted_blobs_decode_to_plate_boxes_grown_back() -> None:
    probability = np.zeros((40, 60), dtype=np.float32)
    probability[10:14, 5:19] = 0.9  # a plate 14 x 4 cells
    probability[30:32, 40:46] = 0.6
    probability[30, 40] = 0.3  # below the threshold: not part of the blob

    boxes = sorted(plate_boxes(probability, 0.5), key=lambda b: b.left)

    assert len(boxes) == 2
    first = boxes[0]
    assert first.score == pytest.approx(0.9)
    assert (first.left + first.right) / 2 == pytest.approx(12 * STRIDE)
    assert first.right - first.left == pytest.approx(14 * STRIDE / SHRINK)
    assert first.bottom - first.top == pytest.approx(4 * STRIDE / SHRINK)
    assert boxes[1].score == pytest.approx(0.6)
    assert plate_boxes(probability, 0.95) == []
