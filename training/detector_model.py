"""The plate detector's network: a small encoder-decoder that paints where plates are.

It outputs, at a quarter of the input's resolution, the probability that each cell lies in the
inner part of a plate (the box shrunk to ``SHRINK`` of its width and height). Painting the
inner part keeps two plates side by side apart; the runtime decoder
(``platekeeper.recognition.plate_detector``, which defines ``SHRINK`` and ``STRIDE`` for both)
grows each painted blob back by the same factor.
A segmentation head trains from scratch on a few thousand boxes far more easily than box
regression, and decoding it is a few array operations.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn import functional


def _conv(inputs: int, outputs: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False),
        nn.BatchNorm2d(outputs),
        nn.ReLU(inplace=True),
    )


class _Block(nn.Module):
    """Depthwise 3x3 then pointwise, with a shortcut where the shape allows one."""

    def __init__(self, inputs: int, outputs: int, stride: int = 1, dilation: int = 1) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(
                inputs, inputs, 3, stride, dilation, dilation=dilation, groups=inputs, bias=False
            ),
            nn.BatchNorm2d(inputs),
            nn.ReLU(inplace=True),
            nn.Conv2d(inputs, outputs, 1, bias=False),
            nn.BatchNorm2d(outputs),
        )
        self.shortcut = stride == 1 and inputs == outputs

    def forward(self, x: Tensor) -> Tensor:
        y: Tensor = self.body(x)
        return functional.relu(x + y if self.shortcut else y)


def _stage(inputs: int, outputs: int, depth: int, dilation: int = 1) -> nn.Sequential:
    blocks = [_Block(inputs, outputs, stride=2)]
    blocks += [_Block(outputs, outputs, dilation=dilation) for _ in range(depth - 1)]
    return nn.Sequential(*blocks)


class PlateNet(nn.Module):
    """RGB (N, 3, H, W) in 0..1, H and W multiples of 32 -> plate probability (N, 1, H/4, W/4)."""

    def __init__(self, width: int = 48) -> None:
        super().__init__()
        self.stem = _conv(3, 16, stride=2)
        self.s4 = _stage(16, 32, 2)
        self.s8 = _stage(32, 64, 3)
        self.s16 = _stage(64, 96, 3)
        self.s32 = _stage(96, 128, 3, dilation=2)
        self.laterals = nn.ModuleList(nn.Conv2d(c, width, 1) for c in (32, 64, 96, 128))
        self.head = nn.Sequential(
            _conv(width, width),
            nn.Conv2d(width, 1, 1),
        )

    def logits(self, image: Tensor) -> Tensor:
        x = self.stem(image)
        features = []
        for stage in (self.s4, self.s8, self.s16, self.s32):
            x = stage(x)
            features.append(x)
        merged = self.laterals[3](features[3])
        for level in (2, 1, 0):
            lateral = self.laterals[level](features[level])
            merged = lateral + functional.interpolate(merged, size=lateral.shape[-2:])
        result: Tensor = self.head(merged)
        return result

    def forward(self, image: Tensor) -> Tensor:
        return torch.sigmoid(self.logits(image))
