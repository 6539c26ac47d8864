"""The engine on scenes drawn by the tests, and its picking rules with scripted backends."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import get_args

import numpy as np
import pytest

from platekeeper.config import RecognitionSettings
from platekeeper.errors import InvalidInput
from platekeeper.recognition import (
    CharProbs,
    Detection,
    EngineConfig,
    PipelineOptions,
    PlatePipeline,
    build_pipeline,
)
from platekeeper.recognition.geometry import box_quad, iou
from platekeeper.recognition.protocols import ALPHABET, Image
from platekeeper.recognition.registry import DETECTORS, READERS
from tests.recognition.render import Placed, compose


def overlap(placed: Placed, result_box: tuple[tuple[float, float], ...]) -> float:
    return iou(box_quad(*map(float, placed.box)), result_box)  # type: ignore[arg-type]


def corners(plate_box: object) -> tuple[tuple[float, float], ...]:
    return tuple((p.x, p.y) for p in plate_box.corners)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("texts", "options"),
    [
        (["7ABC123"], {}),
        (["KXR4821"], {"angle": 7.0, "seed": 2}),
        (["5TRW903"], {"blur": 1.5, "seed": 3}),
        (["8GHK217"], {"angle": -5.0, "blur": 1.0, "seed": 5}),
    ],
)
def test_reads_a_drawn_plate(pipeline: PlatePipeline, texts: list[str], options: dict) -> None:  # type: ignore[type-arg]
    image, placed = compose(texts, **options)
    result = pipeline.recognise(image)
    assert result.best is not None
    assert result.best.text == texts[0]
    assert result.best.matches_template
    assert overlap(placed[0], corners(result.best.box)) >= 0.3
    assert (result.width, result.height) == (960, 540)


def test_finds_every_plate_in_a_scene(pipeline: PlatePipeline) -> None:
    image, placed = compose(["JTB6621", "3XZ884", "KWD2207"], seed=4, plate_width=220)
    result = pipeline.recognise(image)
    assert sorted(p.text for p in result.plates) == sorted(p.text for p in placed)
    for plate in result.plates:
        truth = next(p for p in placed if p.text == plate.text)
        assert overlap(truth, corners(plate.box)) >= 0.3


def test_the_lines_read_are_listed_with_what_each_reads_before_the_plate_rules(
    pipeline: PlatePipeline,
) -> None:
    image, placed = compose(["JTB6621", "3XZ884"], seed=4, plate_width=220)

    lines = pipeline.read_lines(image)

    for plate in placed:
        on_it = [line for line in lines if line.text == plate.text]
        assert on_it, f"no line read {plate.text}"
        assert overlap(plate, on_it[0].corners) > 0.1  # the serial's line, inside its plate
    assert pipeline.read_lines(np.full_like(image, 128)) == []


def test_results_carry_confidences_and_alternatives(pipeline: PlatePipeline) -> None:
    image, _ = compose(["7ABC123"], seed=6)
    plate = pipeline.recognise(image).best
    assert plate is not None
    assert len(plate.char_confidences) == len(plate.text)
    assert all(0.0 <= c <= 1.0 for c in plate.char_confidences)
    assert 0.0 < plate.confidence <= 1.0
    assert plate.candidates[0].text == plate.text
    assert len({c.text for c in plate.candidates}) == len(plate.candidates)
    assert plate.region is not None
    assert plate.region.startswith("us")


def test_a_scene_without_plates_has_none(pipeline: PlatePipeline) -> None:
    image, _ = compose(["X"], seed=7)
    blank = image.copy()
    blank[:] = 128
    assert pipeline.recognise(blank).plates == ()


def test_the_configured_types_are_the_registered_ones() -> None:
    fields = RecognitionSettings.model_fields
    assert set(get_args(fields["detector_type"].annotation)) == set(DETECTORS)
    assert set(get_args(fields["reader_type"].annotation)) == set(READERS)


def test_unknown_types_and_missing_models_are_user_errors(tmp_path: object) -> None:
    with pytest.raises(InvalidInput, match="unknown detector type"):
        build_pipeline(EngineConfig(detector_type="magic"))
    with pytest.raises(InvalidInput, match="needs a model file"):
        build_pipeline(EngineConfig(reader_type="ctc-onnx"))
    with pytest.raises(InvalidInput, match="does not exist"):
        build_pipeline(EngineConfig(reader_type="ctc-onnx", reader_path=Path("/no/such.onnx")))


# Scripted backends: the picking rules without the models.


class ScriptedDetector:
    def __init__(self, detections: list[Detection]) -> None:
        self.detections = detections

    def detect(self, image: Image) -> list[Detection]:
        return self.detections


class ScriptedReader:
    """Reads the n-th crop as the n-th text, sure of every character."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts

    def read(self, crops: Sequence[Image]) -> list[CharProbs]:
        assert len(crops) == len(self.texts)
        return [_probs(text) for text in self.texts]


def _probs(text: str) -> CharProbs:
    probs = np.full((2 * len(text) + 1, len(ALPHABET) + 1), 0.001, np.float32)
    probs[:, 0] = 0.95
    for index, char in enumerate(text):
        probs[2 * index + 1, 0] = 0.001
        probs[2 * index + 1, ALPHABET.index(char) + 1] = 0.95
    return CharProbs(probs)


def box(left: float, top: float, width: float, height: float) -> Detection:
    return Detection(box_quad(left, top, left + width, top + height), 0.9)


def scripted(detections: list[Detection], texts: list[str], region: str = "us") -> PlatePipeline:
    return PlatePipeline(
        ScriptedDetector(detections), ScriptedReader(texts), PipelineOptions(region=region)
    )


IMAGE = np.zeros((600, 1000, 3), np.uint8)


def test_a_state_name_is_no_plate_but_names_the_region() -> None:
    pipeline = scripted([box(400, 300, 160, 40), box(410, 260, 140, 16)], ["7ABC123", "CALIFORNIA"])
    result = pipeline.recognise(IMAGE)
    assert [p.text for p in result.plates] == ["7ABC123"]
    assert result.plates[0].region == "us-ca"


def test_the_larger_plate_like_text_ranks_first() -> None:
    pipeline = scripted([box(50, 50, 80, 12), box(400, 300, 200, 50)], ["ABC1234", "XYZ9876"])
    assert [p.text for p in pipeline.recognise(IMAGE).plates] == ["XYZ9876", "ABC1234"]


def test_a_letter_read_where_the_format_needs_a_digit_is_fixed() -> None:
    pipeline = scripted([box(400, 300, 200, 50)], ["BRA2EI9"], region="br")
    plate = pipeline.recognise(IMAGE).best
    assert plate is not None
    assert (plate.text, plate.region, plate.matches_template) == ("BRA2E19", "br-mercosur", True)


def test_an_extra_edge_character_is_dropped_to_fit_a_format() -> None:
    pipeline = scripted([box(400, 300, 220, 50)], ["4ABC1234"])
    plate = pipeline.recognise(IMAGE).best
    assert plate is not None
    assert plate.text == "ABC1234"
    assert len(plate.char_confidences) == 7


def test_the_plate_box_grows_from_the_text_to_the_plate() -> None:
    pipeline = scripted([box(400, 300, 200, 50)], ["ABC1234"])
    plate = pipeline.recognise(IMAGE).best
    assert plate is not None
    xs = [p.x for p in plate.box.corners]
    ys = [p.y for p in plate.box.corners]
    assert min(xs) < 400
    assert max(xs) > 600
    assert min(ys) < 300
    assert max(ys) > 350


def test_boxes_split_on_one_line_are_also_read_together() -> None:
    # The reader sees the two halves, then the joined box.
    pipeline = scripted([box(400, 300, 90, 50), box(510, 300, 110, 50)], ["ABC", "1234", "ABC1234"])
    assert pipeline.recognise(IMAGE).best.text == "ABC1234"  # type: ignore[union-attr]
