"""The two ports of the engine: something that finds text or plates, something that reads them.

Both work on RGB images as ``uint8`` arrays of shape (height, width, 3). A reader reports
probabilities over one fixed alphabet (``ALPHABET``), so that decoding, plate formats and
confusable-character rules live in one place whatever model produced them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]
Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]

# Column 0 of every probability matrix is "no character" (the CTC blank, or an empty slot).
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BLANK = 0


@dataclass(frozen=True, slots=True)
class Detection:
    """A region that may hold plate text: four corners clockwise from top left, and a score."""

    corners: Quad
    score: float
    is_plate: bool = False  # a plate detector's whole-plate box, not a line of text
    plate: Quad | None = None  # for a line of text, the plate box it was found on, if known


@dataclass(frozen=True, slots=True)
class CharProbs:
    """A reader's output for one crop: rows of probabilities over blank + ``ALPHABET``.

    ``ctc`` rows are time steps to collapse (repeats and blanks); otherwise each row is one
    character slot and a blank row is an unused slot.
    """

    probs: NDArray[np.float32]
    ctc: bool = True


class Detector(Protocol):
    def detect(self, image: Image) -> list[Detection]:
        """Regions of ``image`` that may hold a plate or its text, in any order."""
        ...


class Reader(Protocol):
    def read(self, crops: Sequence[Image]) -> list[CharProbs]:
        """Character probabilities for each crop, one line of text each, in order."""
        ...
