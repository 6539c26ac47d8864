"""An ONNX graph run by PyTorch, so that a shipped model's own weights can be trained further.

The rapidocr wheel ships PP-OCR as ONNX only. ``OnnxModule`` executes its nodes one by one with
torch operations, holding each floating-point initializer as a parameter; after training,
``write_weights`` puts the new values back into the same graph, so the exported model is the
original one with other numbers in it. Only the operations PP-OCR's recogniser uses are here;
an unknown one is refused by name. Batch normalisation uses its stored statistics: fine-tuning
on small batches would only spoil them.

``train_reader`` trains the recogniser's neck with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper
from torch import Tensor, nn
from torch.nn import functional

Values = dict[str, Tensor]
Attributes = dict[str, Any]
_Op = Callable[[list[Tensor], Attributes], list[Tensor]]


class OnnxModule(nn.Module):
    """``model``'s graph from ``start`` (its first input by default) to ``output``, with
    trainable float weights."""

    def __init__(self, model: onnx.ModelProto, output: str, start: str | None = None) -> None:
        super().__init__()
        graph = model.graph
        self.input_name = start or graph.input[0].name
        self.output_name = output
        self.nodes = _needed(list(graph.node), output, self.input_name)
        used = {name for node in self.nodes for name in node.input}
        unknown = sorted({n.op_type for n in self.nodes} - set(OPS))
        if unknown:
            raise ValueError(f"operations not supported: {', '.join(unknown)}")
        self.weights = nn.ParameterDict()
        self._names: dict[str, str] = {}  # initializer name -> parameter key
        self._constants: Values = {}
        for initializer in graph.initializer:
            if initializer.name not in used:
                continue
            array = numpy_helper.to_array(initializer)
            if array.dtype == np.float32 and array.size > 1:
                key = f"w{len(self._names)}"
                self._names[initializer.name] = key
                self.weights[key] = nn.Parameter(torch.from_numpy(array.copy()))
            else:
                self._constants[initializer.name] = torch.from_numpy(np.array(array))
        self._attributes = [
            {a.name: helper.get_attribute_value(a) for a in node.attribute} for node in self.nodes
        ]

    def forward(self, x: Tensor) -> Tensor:
        values: Values = {self.input_name: x, "": torch.empty(0)}
        values.update(self._constants)
        values.update({name: self.weights[key] for name, key in self._names.items()})
        for node, attributes in zip(self.nodes, self._attributes, strict=True):
            inputs = [values[name] for name in node.input]
            for name, value in zip(
                node.output, OPS[node.op_type](inputs, attributes), strict=False
            ):
                values[name] = value
        return values[self.output_name]

    def trained_weights(self) -> dict[str, np.ndarray[Any, Any]]:
        return {name: self.weights[key].detach().numpy() for name, key in self._names.items()}


def write_weights(model: onnx.ModelProto, weights: dict[str, np.ndarray[Any, Any]]) -> None:
    """Replaces ``model``'s initializers named in ``weights`` (in place)."""
    for index, initializer in enumerate(model.graph.initializer):
        if initializer.name in weights:
            array = np.ascontiguousarray(weights[initializer.name], dtype=np.float32)
            model.graph.initializer[index].CopyFrom(
                numpy_helper.from_array(array, initializer.name)
            )


def _needed(nodes: list[onnx.NodeProto], output: str, start: str) -> list[onnx.NodeProto]:
    """The nodes that ``output`` depends on, back to ``start`` (which is given, not computed)."""
    wanted, kept = {output}, []
    for node in reversed(nodes):
        if wanted.intersection(node.output):
            kept.append(node)
            wanted.update(name for name in node.input if name != start)
    return kept[::-1]


def _ints(value: Tensor) -> list[int]:
    return [int(v) for v in value.reshape(-1).tolist()]


def _same(x: Tensor, a: Attributes, value: float = 0.0) -> Tensor:
    """``x`` padded as ONNX's ``auto_pad`` SAME_UPPER / SAME_LOWER asks (the odd pixel at the
    end for UPPER, at the start for LOWER)."""
    mode = a.get("auto_pad", b"NOTSET")
    if mode not in (b"SAME_UPPER", b"SAME_LOWER"):
        return x
    pads: list[int] = []
    for axis, kernel, stride, dilation in zip(
        (3, 2),
        reversed(a["kernel_shape"]),
        reversed(a.get("strides", [1, 1])),
        reversed(a.get("dilations", [1, 1])),
        strict=True,
    ):
        size = x.shape[axis]
        out = -(-size // stride)
        total = max(0, (out - 1) * stride + (kernel - 1) * dilation + 1 - size)
        small, large = total // 2, total - total // 2
        pads += [small, large] if mode == b"SAME_UPPER" else [large, small]
    return functional.pad(x, tuple(pads), value=value)


def _conv(inputs: list[Tensor], a: Attributes) -> list[Tensor]:
    x, weight = _same(inputs[0], a), inputs[1]
    bias = inputs[2] if len(inputs) > 2 else None
    top, left, bottom, right = a.get("pads", [0, 0, 0, 0])
    if (top, left) != (bottom, right):
        x = functional.pad(x, (left, right, top, bottom))
        top = left = 0
    y = functional.conv2d(
        x,
        weight,
        bias,
        stride=tuple(a.get("strides", [1, 1])),
        padding=(top, left),
        dilation=tuple(a.get("dilations", [1, 1])),
        groups=a.get("group", 1),
    )
    return [y]


def _batch_norm(inputs: list[Tensor], a: Attributes) -> list[Tensor]:
    x, scale, bias, mean, var = inputs
    y = functional.batch_norm(
        x, mean.detach(), var.detach(), scale, bias, False, 0.0, a.get("epsilon", 1e-5)
    )
    return [y]


def _pool(kind: str) -> _Op:
    def pool(inputs: list[Tensor], a: Attributes) -> list[Tensor]:
        kernel: tuple[int, ...] = tuple(a["kernel_shape"])
        strides: tuple[int, ...] = tuple(a.get("strides") or kernel)
        pads = a.get("pads", [0, 0, 0, 0])
        padding, ceil = (pads[0], pads[1]), bool(a.get("ceil_mode", 0))
        if kind == "max":
            x = _same(inputs[0], a, value=float("-inf"))
            return [functional.max_pool2d(x, kernel, strides, padding, ceil_mode=ceil)]
        include = bool(a.get("count_include_pad", 0))
        y = functional.avg_pool2d(inputs[0], kernel, strides, padding, ceil, include)
        return [y]

    return pool


def _reduce_mean(inputs: list[Tensor], a: Attributes) -> list[Tensor]:
    axes: list[int] | None = a.get("axes") or (_ints(inputs[1]) if len(inputs) > 1 else None)
    if axes is None:
        return [inputs[0].mean()]
    return [inputs[0].mean(dim=tuple(axes), keepdim=bool(a.get("keepdims", 1)))]


def _slice(inputs: list[Tensor], a: Attributes) -> list[Tensor]:
    data = inputs[0]
    starts, ends = _ints(inputs[1]), _ints(inputs[2])
    axes = _ints(inputs[3]) if len(inputs) > 3 and inputs[3].numel() else list(range(len(starts)))
    steps = _ints(inputs[4]) if len(inputs) > 4 and inputs[4].numel() else [1] * len(starts)
    index: list[slice] = [slice(None)] * data.dim()
    for start, end, axis, step in zip(starts, ends, axes, steps, strict=True):
        size = data.shape[axis]
        index[axis] = slice(max(-size, min(start, size)), max(-size - 1, min(end, size)), step)
    return [data[tuple(index)]]


def _reshape(inputs: list[Tensor], a: Attributes) -> list[Tensor]:
    data, shape = inputs[0], _ints(inputs[1])
    shape = [data.shape[i] if s == 0 and not a.get("allowzero") else s for i, s in enumerate(shape)]
    return [data.reshape(shape)]


def _axes(inputs: list[Tensor], a: Attributes) -> list[int]:
    return list(a["axes"]) if "axes" in a else _ints(inputs[1])


def _squeeze(inputs: list[Tensor], a: Attributes) -> list[Tensor]:
    y = inputs[0]
    for axis in sorted((ax % y.dim() for ax in _axes(inputs, a)), reverse=True):
        y = y.squeeze(axis)
    return [y]


def _unsqueeze(inputs: list[Tensor], a: Attributes) -> list[Tensor]:
    y = inputs[0]
    for axis in sorted(_axes(inputs, a)):
        y = y.unsqueeze(axis)
    return [y]


def _binary(op: Callable[[Tensor, Tensor], Tensor]) -> _Op:
    return lambda inputs, _: [op(inputs[0], inputs[1])]


def _unary(op: Callable[[Tensor], Tensor]) -> _Op:
    return lambda inputs, _: [op(inputs[0])]


OPS: dict[str, _Op] = {
    "Identity": _unary(lambda x: x),
    "Add": _binary(torch.add),
    "Sub": _binary(torch.sub),
    "Mul": _binary(torch.mul),
    "Div": _binary(torch.div),
    "Pow": _binary(torch.pow),
    "MatMul": _binary(torch.matmul),
    "Sqrt": _unary(torch.sqrt),
    "Erf": _unary(torch.erf),
    "Relu": _unary(functional.relu),
    "Sigmoid": _unary(torch.sigmoid),
    "HardSigmoid": lambda i, a: [
        torch.clamp(a.get("alpha", 0.2) * i[0] + a.get("beta", 0.5), 0.0, 1.0)
    ],
    "Softmax": lambda i, a: [torch.softmax(i[0], dim=a.get("axis", -1))],
    "Transpose": lambda i, a: [i[0].permute(*a["perm"])],
    "Concat": lambda i, a: [torch.cat(i, dim=a["axis"])],
    "Shape": lambda i, _: [torch.tensor(list(i[0].shape), dtype=torch.int64)],
    "Conv": _conv,
    "BatchNormalization": _batch_norm,
    "MaxPool": _pool("max"),
    "AveragePool": _pool("average"),
    "ReduceMean": _reduce_mean,
    "Slice": _slice,
    "Reshape": _reshape,
    "Squeeze": _squeeze,
    "Unsqueeze": _unsqueeze,
}
