"""From character probabilities to text: best path, alternatives, and per-character confidence."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from platekeeper.recognition.protocols import ALPHABET, BLANK, CharProbs

_MIN_FRAME_PROB = 1e-3


@dataclass(frozen=True, slots=True)
class Reading:
    """A decoded line: its text, each character's confidence, and the rows each came from."""

    text: str
    char_confidences: tuple[float, ...]
    spans: tuple[tuple[int, int], ...]

    @property
    def confidence(self) -> float:
        """Geometric mean of the characters' confidences (0 for no text)."""
        if not self.text:
            return 0.0
        return math.exp(sum(math.log(max(c, 1e-6)) for c in self.char_confidences) / len(self.text))


def best_path(output: CharProbs) -> Reading:
    """The most likely character per row, collapsed as the reader's kind requires."""
    probs = output.probs
    best = probs.argmax(axis=1)
    chars: list[str] = []
    confidences: list[float] = []
    spans: list[tuple[int, int]] = []
    previous = BLANK
    for row, label in enumerate(best.tolist()):
        same_run = output.ctc and label == previous and spans and spans[-1][1] == row
        previous = label
        if label == BLANK:
            continue
        if same_run:
            start = spans[-1][0]
            spans[-1] = (start, row + 1)
            confidences[-1] = max(confidences[-1], float(probs[row, label]))
            continue
        chars.append(ALPHABET[label - 1])
        confidences.append(float(probs[row, label]))
        spans.append((row, row + 1))
    return Reading("".join(chars), tuple(confidences), tuple(spans))


def substitute(
    output: CharProbs, reading: Reading, position: int, allowed: str
) -> tuple[str, float]:
    """The most likely character among ``allowed`` over the rows of ``reading``'s character."""
    start, end = reading.spans[position]
    columns = [ALPHABET.index(c) + 1 for c in allowed]
    window: NDArray[np.float32] = output.probs[start:end][:, columns]
    peak = window.max(axis=0)
    choice = int(peak.argmax())
    return allowed[choice], float(peak[choice])


def alternatives(output: CharProbs, width: int) -> list[tuple[str, float]]:
    """Up to ``width`` distinct texts with their probabilities, most likely first."""
    if output.ctc:
        return _prefix_beam(output.probs, width)
    return _slot_beam(output.probs, width)


def _prefix_beam(probs: NDArray[np.float32], width: int) -> list[tuple[str, float]]:
    # Each prefix keeps the probability of ending in a blank and of ending in its last character.
    beams: dict[str, tuple[float, float]] = {"": (1.0, 0.0)}
    for row in probs:
        active = [int(i) for i in np.nonzero(row > _MIN_FRAME_PROB)[0] if i != BLANK]
        following: defaultdict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for prefix, (p_blank, p_char) in beams.items():
            total = p_blank + p_char
            following[prefix][0] += total * float(row[BLANK])
            last = prefix[-1:] or None
            for index in active:
                char = ALPHABET[index - 1]
                p = float(row[index])
                if char == last:
                    following[prefix][1] += p_char * p
                    following[prefix + char][1] += p_blank * p
                else:
                    following[prefix + char][1] += total * p
        ranked = sorted(following.items(), key=lambda item: -(item[1][0] + item[1][1]))
        beams = {prefix: (pb, pc) for prefix, (pb, pc) in ranked[: max(width, 4)]}
    ranked_texts = sorted(((p, t) for t, p in ((t, b + c) for t, (b, c) in beams.items())))
    return [(text, p) for p, text in reversed(ranked_texts) if text][:width]


def _slot_beam(probs: NDArray[np.float32], width: int) -> list[tuple[str, float]]:
    beams: list[tuple[str, float]] = [("", 1.0)]
    for row in probs:
        top = np.argsort(-row)[:3]
        beams = sorted(
            (
                (text + ("" if int(i) == BLANK else ALPHABET[int(i) - 1]), p * float(row[i]))
                for text, p in beams
                for i in top
            ),
            key=lambda item: -item[1],
        )[: max(width, 4)]
    merged: dict[str, float] = {}
    for text, p in beams:
        if text:
            merged[text] = merged.get(text, 0.0) + p
    return sorted(merged.items(), key=lambda item: -item[1])[:width]
