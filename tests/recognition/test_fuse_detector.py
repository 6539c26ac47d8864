"""The detector's rewrite computes the same function in fewer operations (``onnx`` comes with
the dev extras)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from platekeeper.recognition.models.fuse_detector import fuse

RNG = np.random.default_rng(7)


def _const(name: str, value: Any) -> Any:
    array = np.asarray(value, dtype=np.float32)
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(array, name))


def _hardswish(x: str, out: str) -> list[Any]:
    """Hard-swish as the PaddlePaddle converter writes it."""
    return [
        helper.make_node("Add", [x, "three"], [out + ".add"]),
        helper.make_node("Clip", [out + ".add", "zero", "six"], [out + ".clip"]),
        helper.make_node("Mul", [x, out + ".clip"], [out + ".mul"]),
        helper.make_node("Div", [out + ".mul", "six"], [out]),
    ]


def _affine(x: str, out: str, scale: float, bias: float) -> list[Any]:
    """A learnable affine block: a scalar scale, then a scalar bias."""
    return [
        _const(out + ".s", [scale]),
        _const(out + ".b", [bias]),
        helper.make_node("Mul", [out + ".s", x], [out + ".m"]),
        helper.make_node("Add", [out + ".m", out + ".b"], [out]),
    ]


def _conv(x: str, out: str, shape: tuple[int, ...], **attributes: Any) -> list[Any]:
    return [
        _const(out + ".w", RNG.normal(size=shape) * 0.3),
        _const(out + ".bias", RNG.normal(size=shape[0]) * 0.1),
        helper.make_node("Conv", [x, out + ".w", out + ".bias"], [out], **attributes),
    ]


def _detector_like_model() -> Any:
    """Each pattern the rewrite handles: LCNet blocks with learnable affine and hard-swish,
    a depthwise convolution behind an affine step (padded, so kept as a batch norm), and a
    DB head's transposed convolution with a bias and a batch norm."""
    nodes = [_const("three", 3.0), _const("zero", 0.0), _const("six", 6.0)]
    nodes += _conv("x", "c1", (8, 3, 3, 3), pads=[1, 1, 1, 1])
    nodes += _affine("c1", "a1", 1.3, -0.2) + _hardswish("a1", "h1") + _affine("h1", "p1", 0.8, 0.1)
    nodes += _conv("p1", "c2", (8, 8, 1, 1))  # pointwise: the affine step folds into it
    nodes += _affine("c2", "a2", 0.9, 0.3) + _hardswish("a2", "h2") + _affine("h2", "p2", 1.1, -0.4)
    nodes += _conv("p2", "c3", (8, 1, 3, 3), pads=[1, 1, 1, 1], group=8)  # depthwise, padded
    nodes += [
        _const("t.w", RNG.normal(size=(8, 4, 2, 2)) * 0.3),
        _const("t.bias", RNG.normal(size=(1, 4, 1, 1)) * 0.1),
        helper.make_node(
            "ConvTranspose", ["c3", "t.w"], ["t"], strides=[2, 2], kernel_shape=[2, 2]
        ),
        helper.make_node("Add", ["t", "t.bias"], ["tb"]),
    ]
    norm = [
        RNG.uniform(0.5, 1.5, 4),
        RNG.normal(size=4),
        RNG.normal(size=4),
        RNG.uniform(0.5, 2, 4),
    ]
    nodes += [_const(f"bn{i}", value) for i, value in enumerate(norm)]
    nodes.append(
        helper.make_node(
            "BatchNormalization", ["tb", "bn0", "bn1", "bn2", "bn3"], ["y"], epsilon=1e-5
        )
    )
    graph = helper.make_graph(
        nodes,
        "detector-like",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, "h2", "w2"])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])


def _run(path: Path, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {"x": x})[0])


def test_the_rewritten_detector_gives_the_same_output_in_fewer_operations(tmp_path: Path) -> None:
    source, target = tmp_path / "source.onnx", tmp_path / "target.onnx"
    onnx.save(_detector_like_model(), str(source))

    applied = fuse(source, target)

    assert applied == Counter(
        fold_conv_affine=2,
        fuse_hardswish=2,
        fold_affine_into_pointwise=1,
        affine_as_batch_norm=1,
        fold_transposed_conv=1,
    )
    ops = Counter(node.op_type for node in onnx.load(str(target)).graph.node)
    assert ops == Counter(Conv=3, HardSwish=2, BatchNormalization=1, ConvTranspose=1)
    x = RNG.normal(size=(1, 3, 20, 28)).astype(np.float32)
    np.testing.assert_allclose(_run(target, x), _run(source, x), atol=1e-5)
