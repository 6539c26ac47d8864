"""Rewrites the PP-OCRv4 mobile detector into the same function in fewer, cheaper operations.

    .venv/bin/python platekeeper/recognition/models/fuse_detector.py SOURCE.onnx TARGET.onnx

The source is ``ch_PP-OCRv4_det_infer.onnx`` from the ``rapidocr-onnxruntime`` 1.4.4 wheel
(see MODELS.md). Its converter wrote each "learnable affine block" (a scalar scale and bias)
and each hard-swish as separate element-wise operations, which ONNX Runtime neither fuses nor
runs in its blocked (NCHWc) layout: about 40% of the detector's time went to them and to the
layout changes around them. Each rewrite below computes the same function (differences are
float rounding, below 1e-4 on the probability map):

1. Conv -> Mul(s) -> Add(b): the scale and bias go into the convolution's weights and bias.
2. Add(3) -> Clip(0, 6) -> Mul(x) -> Div(6): one ``HardSwish`` (opset 14).
3. activation -> Mul(s) -> Add(b) -> 1x1 convolutions: into those convolutions' weights and bias
   (exact because a 1x1 convolution has no padding).
4. Any other activation -> Mul(s) -> Add(b): one ``BatchNormalization`` (mean 0, variance 1),
   which the runtime runs in its blocked layout. Folding it into a padded convolution would not
   be exact at the borders, where the padding is zero before the affine step.
5. ConvTranspose -> Add(bias) [-> BatchNormalization]: into the transposed convolution.

Needs the ``onnx`` package, which is a tool for this step only, not a dependency of PlateKeeper.
"""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

onnx: Any = importlib.import_module("onnx")  # build-time tool only: not a declared dependency

Array = NDArray[Any]
HARDSWISH_OPSET = 14


class Graph:
    """The nodes of a model with its constants as arrays, edited in place and written back."""

    def __init__(self, model: Any) -> None:
        self.model = model
        numpy_helper = onnx.numpy_helper
        self.consts: dict[str, Array] = {
            i.name: numpy_helper.to_array(i) for i in model.graph.initializer
        }
        self.nodes: list[Any] = []
        for node in model.graph.node:
            if node.op_type == "Constant" and node.attribute[0].name == "value":
                self.consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
            else:
                self.nodes.append(node)

    def consumers(self, name: str) -> list[Any]:
        return [n for n in self.nodes if name in n.input]

    def producer(self, name: str) -> Any | None:
        return next((n for n in self.nodes if name in n.output), None)

    def scalar(self, name: str) -> float | None:
        value = self.consts.get(name)
        return None if value is None or value.size != 1 else float(value.reshape(-1)[0])

    def only_consumer(self, name: str, op_type: str) -> Any | None:
        found = self.consumers(name)
        return found[0] if len(found) == 1 and found[0].op_type == op_type else None

    def add_const(self, name: str, value: Array) -> str:
        self.consts[name] = value.astype(np.float32)
        return name

    def remove(self, nodes: list[Any]) -> None:
        for node in nodes:
            self.nodes.remove(node)

    def rewire(self, output: str, replacement: str) -> None:
        """Feeds the readers of ``output`` from ``replacement``."""
        if output in {o.name for o in self.model.graph.output}:
            # The model's output keeps its name: the replacement takes it.
            output, replacement = replacement, output
            producer = self.producer(output)
            assert producer is not None
            producer.output[list(producer.output).index(output)] = replacement
        for node in self.nodes:
            for index, name in enumerate(node.input):
                if name == output:
                    node.input[index] = replacement

    def save(self, path: Path) -> None:
        graph = self.model.graph
        used = {name for node in self.nodes for name in node.input}
        del graph.node[:]
        graph.node.extend(self.nodes)
        del graph.initializer[:]
        graph.initializer.extend(
            onnx.numpy_helper.from_array(v, k) for k, v in self.consts.items() if k in used
        )
        for opset in self.model.opset_import:
            if opset.domain in ("", "ai.onnx"):
                opset.version = max(opset.version, HARDSWISH_OPSET)
        onnx.checker.check_model(self.model)
        onnx.save(self.model, str(path))


def _other(node: Any, name: str) -> str:
    return str(node.input[1] if node.input[0] == name else node.input[0])


def _affine_after(graph: Graph, name: str) -> tuple[float, float, list[Any]] | None:
    """A scalar Mul (and Add) reading ``name`` alone: scale, bias and the nodes."""
    mul = graph.only_consumer(name, "Mul")
    scale = None if mul is None else graph.scalar(_other(mul, name))
    if mul is None or scale is None:
        return None
    add = graph.only_consumer(mul.output[0], "Add")
    bias = None if add is None else graph.scalar(_other(add, mul.output[0]))
    if add is None or bias is None:
        return scale, 0.0, [mul]
    return scale, bias, [mul, add]


def _set_weights(graph: Graph, node: Any, weights: Array, bias: Array) -> None:
    del node.input[1:]
    node.input.extend(
        [
            graph.add_const(node.output[0] + ".w", weights),
            graph.add_const(node.output[0] + ".b", bias),
        ]
    )


def _weights(graph: Graph, node: Any, out_axis: int) -> tuple[Array, Array]:
    weights = graph.consts[node.input[1]].astype(np.float64)
    channels = weights.shape[out_axis]
    bias = (
        graph.consts[node.input[2]].astype(np.float64).reshape(-1)
        if len(node.input) > 2
        else np.zeros(channels)
    )
    return weights, bias


def fold_conv_affine(graph: Graph) -> int:
    count = 0
    for conv in [n for n in graph.nodes if n.op_type == "Conv"]:
        affine = _affine_after(graph, conv.output[0])
        if affine is None:
            continue
        scale, shift, nodes = affine
        weights, bias = _weights(graph, conv, 0)
        _set_weights(graph, conv, weights * scale, bias * scale + shift)
        graph.remove(nodes)
        graph.rewire(nodes[-1].output[0], conv.output[0])
        count += 1
    return count


def fuse_hardswish(graph: Graph) -> int:
    count = 0
    for add in [n for n in graph.nodes if n.op_type == "Add"]:
        constant = [graph.scalar(name) for name in add.input]
        if 3.0 not in constant:
            continue
        x = add.input[1 - constant.index(3.0)]
        clip = graph.only_consumer(add.output[0], "Clip")
        if clip is None or [graph.scalar(n) for n in clip.input[1:]] != [0.0, 6.0]:
            continue
        mul = graph.only_consumer(clip.output[0], "Mul")
        if mul is None or _other(mul, clip.output[0]) != x:
            continue
        div = graph.only_consumer(mul.output[0], "Div")
        if div is None or graph.scalar(div.input[1]) != 6.0:
            continue
        position = graph.nodes.index(add)
        graph.remove([add, clip, mul, div])
        graph.nodes.insert(
            position, onnx.helper.make_node("HardSwish", [x], [div.output[0]], name=div.name)
        )
        count += 1
    return count


def fold_affine_into_pointwise(graph: Graph) -> int:
    count = 0
    for node in [n for n in graph.nodes if n.op_type == "HardSwish"]:
        affine = _affine_after(graph, node.output[0])
        if affine is None:
            continue
        scale, shift, nodes = affine
        readers = graph.consumers(nodes[-1].output[0])
        if not readers or not all(_is_pointwise(graph, r) for r in readers):
            continue
        for conv in readers:
            weights, bias = _weights(graph, conv, 0)
            _set_weights(graph, conv, weights * scale, bias + shift * weights.sum(axis=(1, 2, 3)))
        graph.remove(nodes)
        graph.rewire(nodes[-1].output[0], node.output[0])
        count += 1
    return count


def _is_pointwise(graph: Graph, node: Any) -> bool:
    if node.op_type != "Conv" or graph.consts[node.input[1]].shape[2:] != (1, 1):
        return False
    return all(a.i == 1 for a in node.attribute if a.name == "group")


def affine_as_batch_norm(graph: Graph) -> int:
    count = 0
    for node in [n for n in graph.nodes if n.op_type == "HardSwish"]:
        source = graph.producer(node.input[0])
        affine = _affine_after(graph, node.output[0])
        if affine is None or source is None or source.op_type != "Conv":
            continue
        scale, shift, nodes = affine
        channels = graph.consts[source.input[1]].shape[0]
        params = [
            graph.add_const(f"{node.output[0]}.bn.{what}", np.full(channels, value))
            for what, value in (("scale", scale), ("bias", shift), ("mean", 0.0), ("var", 1.0))
        ]
        position = graph.nodes.index(nodes[0])
        graph.remove(nodes)
        batch_norm = onnx.helper.make_node(
            "BatchNormalization",
            [node.output[0], *params],
            [nodes[-1].output[0]],
            epsilon=0.0,
            name=node.output[0] + ".bn",
        )
        graph.nodes.insert(position, batch_norm)
        count += 1
    return count


def fold_transposed_conv(graph: Graph) -> int:
    count = 0
    for conv in [n for n in graph.nodes if n.op_type == "ConvTranspose"]:
        add = graph.only_consumer(conv.output[0], "Add")
        bias_name = None if add is None else _other(add, conv.output[0])
        if add is None or bias_name not in graph.consts:
            continue
        weights, bias = _weights(graph, conv, 1)
        bias = bias + graph.consts[bias_name].astype(np.float64).reshape(-1)
        nodes = [add]
        batch_norm = graph.only_consumer(add.output[0], "BatchNormalization")
        if batch_norm is not None:
            gamma, beta, mean, var = (
                graph.consts[i].astype(np.float64) for i in batch_norm.input[1:]
            )
            epsilon = next(a.f for a in batch_norm.attribute if a.name == "epsilon")
            factor = gamma / np.sqrt(var + np.float32(epsilon))
            weights, bias = weights * factor[None, :, None, None], (bias - mean) * factor + beta
            nodes.append(batch_norm)
        _set_weights(graph, conv, weights, bias)
        graph.remove(nodes)
        graph.rewire(nodes[-1].output[0], conv.output[0])
        count += 1
    return count


REWRITES = (
    fold_conv_affine,
    fuse_hardswish,
    fold_affine_into_pointwise,
    affine_as_batch_norm,
    fold_transposed_conv,
)


def fuse(source: Path, target: Path) -> Counter[str]:
    """Writes the rewritten model to ``target``; how often each rewrite applied."""
    graph = Graph(onnx.load(str(source)))
    applied = Counter({rewrite.__name__: rewrite(graph) for rewrite in REWRITES})
    graph.save(target)
    return applied


if __name__ == "__main__":
    print(dict(fuse(Path(sys.argv[1]), Path(sys.argv[2]))))
