"""The pure parts of the model backends: class folding, logits, YOLO output layouts."""

from __future__ import annotations

import numpy as np
import pytest

from platekeeper.recognition.ppocr import _blob, _softmax_if_logits, folding, order_corners
from platekeeper.recognition.protocols import ALPHABET
from platekeeper.recognition.yolo import _decode


def test_lower_case_folds_onto_upper_case_and_symbols_onto_blank() -> None:
    fold = folding(["a", "A", "-", "7", "l", "中"])
    # Column 0 is the model's blank, the last its space; one row per class, each one-hot.
    rows = np.eye(8, dtype=np.float32)
    columns = fold(rows).argmax(axis=1).tolist()
    blank, a, seven, i = (
        0,
        ALPHABET.index("A") + 1,
        ALPHABET.index("7") + 1,
        ALPHABET.index("I") + 1,
    )
    assert columns == [blank, a, a, blank, seven, i, blank, blank]
    assert fold(rows).sum(axis=1).tolist() == [1.0] * 8


def test_folding_keeps_all_probability_and_sums_look_alike_classes() -> None:
    fold = folding(["a", "A", "-", "7"])
    rows = np.array([[0.1, 0.2, 0.3, 0.15, 0.05, 0.2]], np.float32)
    folded = fold(rows)[0]
    assert folded[ALPHABET.index("A") + 1] == pytest.approx(0.5)
    assert folded[ALPHABET.index("7") + 1] == pytest.approx(0.05)
    assert folded[0] == pytest.approx(0.45)  # blank, "-" and the space
    assert folded.sum() == pytest.approx(1.0)


def test_classes_the_model_does_not_have_are_left_out() -> None:
    fold = folding(["A", "7", "B"])  # the model has no class for B, nor a space
    folded = fold(np.array([[0.5, 0.25, 0.25]], np.float32))[0]
    assert folded[0] == pytest.approx(0.5)
    assert folded[ALPHABET.index("7") + 1] == pytest.approx(0.25)


def test_logits_become_probabilities_and_probabilities_stay() -> None:
    probabilities = np.array([[0.2, 0.8]], np.float32)
    assert _softmax_if_logits(probabilities) is probabilities
    logits = _softmax_if_logits(np.array([[0.0, 3.0]], np.float32))
    assert logits.sum() == pytest.approx(1.0)
    assert logits[0, 1] > 0.9


def test_corners_are_ordered_clockwise_from_top_left() -> None:
    points = np.array([[10, 50], [100, 10], [10, 10], [100, 50]], np.float32)
    assert order_corners(points) == ((10, 10), (100, 10), (100, 50), (10, 50))


def test_yolov8_layout_is_centre_and_size_with_class_scores() -> None:
    output = np.array([[50.0], [40.0], [20.0], [10.0], [0.1], [0.7]], np.float32)  # 4 + 2 classes
    boxes, scores = _decode(output)
    assert boxes.tolist() == [[40.0, 35.0, 20.0, 10.0]]
    assert scores.tolist() == pytest.approx([0.7])


def test_end_to_end_layout_is_corners_score_class() -> None:
    output = np.array([[10, 20, 50, 40, 0.9, 0], [0, 0, 1, 1, 0.1, 0]], np.float32)
    boxes, scores = _decode(output)
    assert boxes[0].tolist() == [10.0, 20.0, 40.0, 20.0]
    assert scores.tolist() == pytest.approx([0.9, 0.1])


def test_model_input_is_bgr_planes_scaled_to_minus_one_to_one() -> None:
    image = np.zeros((2, 3, 3), np.uint8)
    image[..., 0] = 255  # red
    blob = _blob(image)
    assert blob.shape == (1, 3, 2, 3)
    assert blob[0, :, 0, 0].tolist() == pytest.approx([-1.0, -1.0, 1.0])  # blue, green, red
