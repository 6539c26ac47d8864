"""PP-OCR's recogniser run by PyTorch gives what ONNX Runtime gives, and trains."""

from __future__ import annotations

import random

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from onnx import helper

from platekeeper.recognition.ppocr import REC_MODEL, bundled_model, prepare_batch
from training.onnx_torch import OnnxModule, write_weights
from training.plate_lines import drawn_line
from training.train_reader import FEATURES


@pytest.fixture(scope="module")
def recogniser() -> onnx.ModelProto:
    return onnx.load(str(bundled_model(REC_MODEL)))


@pytest.fixture(scope="module")
def batch() -> np.ndarray:
    rng = random.Random(2)
    return prepare_batch([drawn_line(rng)[0] for _ in range(3)])[0]


def test_the_recogniser_in_torch_outputs_what_onnx_runtime_outputs(
    recogniser: onnx.ModelProto, batch: np.ndarray
) -> None:
    output = recogniser.graph.output[0].name
    expected = ort.InferenceSession(recogniser.SerializeToString()).run(None, {"x": batch})[0]

    with torch.no_grad():
        got = OnnxModule(recogniser, output).eval()(torch.from_numpy(batch)).numpy()

    assert got.shape == expected.shape
    assert np.abs(got - expected).max() < 1e-4


def test_weights_trained_in_torch_go_back_into_the_same_graph(
    recogniser: onnx.ModelProto, batch: np.ndarray
) -> None:
    module = OnnxModule(recogniser, FEATURES)
    optimiser = torch.optim.SGD(module.parameters(), lr=1e-3)
    module(torch.from_numpy(batch)).square().mean().backward()
    optimiser.step()
    trained = onnx.ModelProto()
    trained.CopyFrom(recogniser)

    write_weights(trained, module.trained_weights())

    with torch.no_grad():
        expected = module(torch.from_numpy(batch)).numpy()
    got = _features(trained, batch)
    assert np.abs(got - expected).max() < 1e-4 * np.abs(expected).max()
    assert np.abs(got - _features(recogniser, batch)).max() > 1e-3, "the step changed nothing"


def _features(model: onnx.ModelProto, batch: np.ndarray) -> np.ndarray:
    cut = onnx.ModelProto()
    cut.CopyFrom(model)
    cut.graph.output[0].CopyFrom(helper.make_empty_tensor_value_info(FEATURES))
    features: np.ndarray = ort.InferenceSession(cut.SerializeToString()).run(None, {"x": batch})[0]
    return features


def test_an_operation_it_does_not_know_is_refused_by_name() -> None:
    node = helper.make_node("Celu", ["x"], ["y"])
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1])],
    )

    with pytest.raises(ValueError, match="operations not supported: Celu"):
        OnnxModule(helper.make_model(graph), "y")
