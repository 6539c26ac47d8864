"""The pure parts of the model backends: class folding, logits, YOLO output layouts."""

from __future__ import annotations

import numpy as np
import pytest

from platekeeper.recognition.ppocr import _folding_matrix, _softmax_if_logits, order_corners
from platekeeper.recognition.protocols import ALPHABET
from platekeeper.recognition.yolo import _decode


def test_lower_case_folds_onto_upper_case_and_symbols_onto_blank() -> None:
    fold = _folding_matrix(["a", "A", "-", "7", "l", "中"])
    columns = fold.argmax(axis=1).tolist()
    blank, a, seven, i = (
        0,
        ALPHABET.index("A") + 1,
        ALPHABET.index("7") + 1,
        ALPHABET.index("I") + 1,
    )
    # Column 0 is the model's blank, the last its space.
    assert columns == [blank, a, a, blank, seven, i, blank, blank]
    assert fold.sum(axis=1).tolist() == [1.0] * 8


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
